// The projection change table (projection_log.h), through SqliteLogStore
// with a small lag so that reads cross folds: every page read against a
// model, from the writer and from a reader of its own; folds due, at idle
// and at reopen; a failed batch; a fold that cannot take the write lock; a
// writer killed with SIGKILL while it commits and folds.
#include "gateway/log/projection_log.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "gateway/log/sqlite_log_store.h"
#include "gateway/log/test_util.h"

namespace samverkan::gateway {
namespace {

using testing::AppendThenDueWork;
using testing::DescribeProjection;
using testing::kT0;
using testing::MakeBatch;
using testing::MakeRecord;
using testing::OpenOrDie;
using testing::QueryInt;
using testing::ReadProjectionsInPages;
using testing::TempDir;

std::unique_ptr<SqliteLogStore> Open(const std::string& path, size_t lag,
                                     bool read_only = false) {
  SqliteLogStore::Options options;
  options.read_only = read_only;
  options.projection_lag = lag;
  return OpenOrDie(path, options);
}

// Each key's described row, as the reads must give it.
using Model = std::map<std::string, std::string>;

std::vector<std::string> Expected(const Model& model) {
  std::vector<std::string> out;
  for (const auto& [key, line] : model) out.push_back(line);
  return out;
}

class ProjectionLogTest : public ::testing::Test {
 protected:
  std::string Path() const { return dir_.File("log.sqlite"); }
  int64_t Waiting() const {
    return QueryInt(Path(), "SELECT count(*) FROM projection_changes");
  }
  int64_t Folded() const {
    return QueryInt(Path(), "SELECT count(*) FROM projections");
  }
  TempDir dir_;
};

TEST_F(ProjectionLogTest, ReadsAreTheLatestRowOfEachKeyAcrossFolds) {
  constexpr size_t kLag = 7;
  auto store = Open(Path(), kLag);
  ASSERT_NE(store, nullptr);
  auto reader = Open(Path(), kLag, /*read_only=*/true);
  ASSERT_NE(reader, nullptr);
  std::mt19937 rng(20261124);
  Model model;
  int record = 1;
  bool saw_waiting_over_folded = false;
  for (int commit = 0; commit < 40; ++commit) {
    Batch batch = MakeBatch(record, 1);
    const uint64_t sequence = static_cast<uint64_t>(record++);
    // 0-4 rows over 12 keys, a key sometimes twice in one batch.
    const int rows = static_cast<int>(rng() % 5);
    for (int i = 0; i < rows; ++i) {
      ProjectionRow row{"ledger:p-" + std::to_string(10 + rng() % 12), sequence,
                        "c" + std::to_string(commit) + "." + std::to_string(i)};
      model[row.key] = DescribeProjection(row);
      batch.projections.push_back(std::move(row));
    }
    ASSERT_TRUE(AppendThenDueWork(*store, batch, kT0 + commit).ok());
    // Never more than the lag waits after a commit.
    EXPECT_LT(Waiting(), static_cast<int64_t>(kLag));
    saw_waiting_over_folded |=
        QueryInt(Path(),
                 "SELECT count(*) FROM projection_changes c "
                 "JOIN projections p USING (key)") > 0;
    for (size_t page : {1u, 2u, 5u, 1000u}) {
      SCOPED_TRACE("commit " + std::to_string(commit) + ", pages of " +
                   std::to_string(page));
      EXPECT_EQ(ReadProjectionsInPages(*store, page), Expected(model));
      EXPECT_EQ(ReadProjectionsInPages(*reader, page), Expected(model));
    }
  }
  // The merge was exercised, not just one table or the other.
  EXPECT_TRUE(saw_waiting_over_folded);
  EXPECT_GT(Folded(), 0);
}

TEST_F(ProjectionLogTest, ChangesWaitUntilTheLagThenFoldInKeyOrder) {
  auto store = Open(Path(), 4);
  ASSERT_NE(store, nullptr);
  Batch first = MakeBatch(1, 1);
  first.projections = {{"ledger:p-2", 1, "b1"},
                       {"ledger:p-1", 1, "a1"},
                       {"ledger:p-2", 1, "b2"}};
  ASSERT_TRUE(AppendThenDueWork(*store, first, kT0).ok());
  EXPECT_EQ(Waiting(), 3);
  EXPECT_EQ(Folded(), 0);
  Batch second = MakeBatch(2, 1);
  second.projections = {{"ledger:p-1", 2, "a2"}};
  ASSERT_TRUE(AppendThenDueWork(*store, second, kT0 + 1).ok());
  EXPECT_EQ(Waiting(), 0);
  EXPECT_EQ(Folded(), 2);
  EXPECT_EQ(ReadProjectionsInPages(*store, 10),
            (std::vector<std::string>{"ledger:p-1@2=a2", "ledger:p-2@1=b2"}));
}

TEST_F(ProjectionLogTest, IdleWorkAndReopeningFoldWhatWaits) {
  {
    auto store = Open(Path(), 1000);
    ASSERT_NE(store, nullptr);
    Batch batch = MakeBatch(1, 1);
    batch.projections = {{"ledger:p-1", 1, "a1"}};
    ASSERT_TRUE(AppendThenDueWork(*store, batch, kT0).ok());
    EXPECT_EQ(Waiting(), 1);
    ASSERT_TRUE(store->RunDeferredWork().ok());
    EXPECT_EQ(Waiting(), 0);
    EXPECT_EQ(Folded(), 1);
    Batch later = MakeBatch(2, 1);
    later.projections = {{"ledger:p-1", 2, "a2"}, {"ledger:p-3", 2, "c2"}};
    ASSERT_TRUE(AppendThenDueWork(*store, later, kT0 + 1).ok());
    EXPECT_EQ(Waiting(), 2);
  }
  // As a gateway restarting after a crash finds them.
  auto store = Open(Path(), 1000);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(Waiting(), 0);
  EXPECT_EQ(ReadProjectionsInPages(*store, 10),
            (std::vector<std::string>{"ledger:p-1@2=a2", "ledger:p-3@2=c2"}));
}

TEST_F(ProjectionLogTest, FailedBatchLeavesNoChangeAndIsNotCounted) {
  auto store = Open(Path(), 3);
  ASSERT_NE(store, nullptr);
  Batch first = MakeBatch(1, 1);
  first.projections = {{"ledger:p-1", 1, "a1"}, {"ledger:p-2", 1, "b1"}};
  ASSERT_TRUE(AppendThenDueWork(*store, first, kT0).ok());
  Batch clash = MakeBatch(2, 1);
  clash.records.push_back(MakeRecord(1));  // already logged
  clash.projections = {{"ledger:p-1", 2, "lost"}, {"ledger:p-3", 2, "lost"}};
  ASSERT_EQ(AppendThenDueWork(*store, clash, kT0 + 1).status().code(),
            StatusCode::kAlreadyExists);
  // Had the failed rows been counted, four would wait and a fold would have
  // emptied the table.
  EXPECT_EQ(Waiting(), 2);
  EXPECT_EQ(ReadProjectionsInPages(*store, 10),
            (std::vector<std::string>{"ledger:p-1@1=a1", "ledger:p-2@1=b1"}));
  Batch next = MakeBatch(2, 1);
  next.projections = {{"ledger:p-3", 2, "c2"}};
  ASSERT_TRUE(AppendThenDueWork(*store, next, kT0 + 2).ok());
  EXPECT_EQ(Waiting(), 0);
  EXPECT_EQ(Folded(), 3);
}

TEST_F(ProjectionLogTest, FoldThatCannotWriteLosesNothingAndRetries) {
  SqliteLogStore::Options options;
  options.projection_lag = 1000;
  options.busy_timeout_ms = 10;
  auto store = OpenOrDie(Path(), options);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(AppendThenDueWork(*store, MakeBatch(1, 1), kT0).ok());
  // Indexed now, so that the idle work below has only the fold to do.
  ASSERT_TRUE(store->RunDeferredWork().ok());
  Batch batch;
  batch.projections = {{"ledger:p-1", 1, "a1"}};
  ASSERT_TRUE(AppendThenDueWork(*store, batch, kT0).ok());

  // Another connection holds the write lock, as a second writer would.
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(Path().c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr),
            SQLITE_OK);
  const Status blocked = store->RunDeferredWork();
  EXPECT_EQ(blocked.code(), StatusCode::kUnavailable) << blocked.ToString();
  EXPECT_EQ(sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(other);

  EXPECT_EQ(Waiting(), 1);
  EXPECT_EQ(ReadProjectionsInPages(*store, 10),
            std::vector<std::string>{"ledger:p-1@1=a1"});
  ASSERT_TRUE(store->RunDeferredWork().ok());
  EXPECT_EQ(Waiting(), 0);
  EXPECT_EQ(ReadProjectionsInPages(*store, 10),
            std::vector<std::string>{"ledger:p-1@1=a1"});
}

// Commit `n` of the killed writer: three rows over 20 keys, so that keys
// repeat within and across commits and folds.
std::vector<ProjectionRow> RowsOfCommit(uint64_t n) {
  std::vector<ProjectionRow> rows;
  for (uint64_t j = 0; j < 3; ++j) {
    rows.push_back({"ledger:p-" + std::to_string((n * 7 + j * 3) % 20), n,
                    "v" + std::to_string(n) + "." + std::to_string(j)});
  }
  return rows;
}

// Appends commits after the log's head, one record each, and writes each
// commit's number to `acks` once Append has returned; never returns.
[[noreturn]] void WriteUntilKilled(const std::string& path, int acks) {
  SqliteLogStore::Options options;
  options.projection_lag = 50;
  options.synchronous = SqliteLogStore::Synchronous::kNormal;  // SIGKILL only
  auto opened = SqliteLogStore::Open(path, options);
  if (!opened.ok()) _exit(2);
  std::unique_ptr<SqliteLogStore> store = std::move(opened).value();
  auto head = store->Head();
  if (!head.ok()) _exit(3);
  for (uint64_t n = head->sequence + 1;; ++n) {
    Batch batch = MakeBatch(static_cast<int>(n), 1);
    batch.projections = RowsOfCommit(n);
    if (!AppendThenDueWork(*store, batch, kT0 + static_cast<int64_t>(n)).ok())
      _exit(4);
    if (write(acks, &n, sizeof n) != sizeof n) _exit(5);
  }
}

TEST_F(ProjectionLogTest, KilledWriterLosesNoAcknowledgedChange) {
  std::mt19937 rng(20261124);
  uint64_t acknowledged = 0;
  for (int round = 0; round < 5; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    int acks[2];
    ASSERT_EQ(pipe(acks), 0);
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      close(acks[0]);
      WriteUntilKilled(Path(), acks[1]);
    }
    close(acks[1]);
    // Killed after a random number of acknowledgements, mid-stream: the
    // next commit, and with a lag of 50 often a fold, is under way.
    const uint64_t target = acknowledged + 60 + rng() % 240;
    uint64_t n = 0;
    while (acknowledged < target) {
      ASSERT_EQ(read(acks[0], &n, sizeof n), static_cast<ssize_t>(sizeof n))
          << "the writer stopped before it was killed";
      acknowledged = n;
    }
    kill(child, SIGKILL);
    // Acks the writer sent before it died and this test had not read yet:
    // it may run ahead of the reading.
    while (read(acks[0], &n, sizeof n) == static_cast<ssize_t>(sizeof n)) {
      acknowledged = n;
    }
    close(acks[0]);
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFSIGNALED(status)) << status;

    // What a reader sees is the state after exactly the commits the log
    // holds: every acknowledged one, and perhaps one whose ack was lost.
    auto reader = Open(Path(), 50, /*read_only=*/true);
    ASSERT_NE(reader, nullptr);
    auto head = reader->Head();
    ASSERT_TRUE(head.ok());
    ASSERT_GE(head->sequence, acknowledged);
    ASSERT_LE(head->sequence, acknowledged + 1);
    Model model;
    for (uint64_t c = 1; c <= head->sequence; ++c) {
      for (const ProjectionRow& row : RowsOfCommit(c)) {
        model[row.key] = DescribeProjection(row);
      }
    }
    EXPECT_EQ(ReadProjectionsInPages(*reader, 7), Expected(model));
    acknowledged = head->sequence;
  }
  // Folds ran and were interrupted across the rounds; the next writer's
  // open folds what was left, and the state is unchanged by it.
  auto before = Open(Path(), 50, /*read_only=*/true);
  ASSERT_NE(before, nullptr);
  const std::vector<std::string> expected =
      ReadProjectionsInPages(*before, 1000);
  auto writer = Open(Path(), 50);
  ASSERT_NE(writer, nullptr);
  EXPECT_EQ(Waiting(), 0);
  EXPECT_EQ(ReadProjectionsInPages(*writer, 1000), expected);
  EXPECT_EQ(Folded(), 20);
}

}  // namespace
}  // namespace samverkan::gateway
