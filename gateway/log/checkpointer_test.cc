// The background checkpoint (checkpointer.h): commits past the mark are
// copied into the database file by the thread, not by the committing
// connection; the WAL stays bounded under continuous commits; and the
// store's writer, which runs one, closes cleanly and reopens intact.
#include "gateway/log/checkpointer.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "gateway/log/sqlite_log_store.h"
#include "gateway/log/test_util.h"
#include "tests/support/wait.h"

namespace samverkan::gateway {
namespace {

using samverkan::testing::WaitUntil;
using testing::kT0;
using testing::MakeBatch;
using testing::OpenOrDie;
using testing::TempDir;

constexpr int kPageBytes = 4096;

int64_t FileSize(const std::string& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  return ec ? 0 : static_cast<int64_t>(size);
}

// A WAL-mode file and a connection that never checkpoints by itself.
class CheckpointerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(sqlite3_open(Path().c_str(), &db_), SQLITE_OK);
    Exec(
        "PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0;"
        "CREATE TABLE t(x BLOB);");
  }
  void TearDown() override { sqlite3_close(db_); }

  void Exec(const std::string& sql) {
    ASSERT_EQ(sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr),
              SQLITE_OK)
        << sqlite3_errmsg(db_);
  }
  // One commit of `pages` pages of new rows.
  void Commit(int pages) {
    Exec(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
        "WHERE i < " +
        std::to_string(pages) +
        ") INSERT INTO t SELECT randomblob(3000) FROM n;");
  }

  std::string Path() const { return dir_.File("log.sqlite"); }
  TempDir dir_;
  sqlite3* db_ = nullptr;
};

TEST_F(CheckpointerTest, CommitsPastTheMarkAreCopiedByTheThread) {
  constexpr int kMark = 32;
  auto started = Checkpointer::Start(Path(), db_, kMark);
  ASSERT_TRUE(started.ok()) << started.status().ToString();
  std::unique_ptr<Checkpointer> checkpointer = std::move(started).value();
  const int64_t empty = FileSize(Path());

  Commit(kMark / 2);  // below the mark: nothing to copy yet
  EXPECT_EQ(checkpointer->completed(), 0);
  // Past the mark, far below where the writer would copy inline.
  Commit(kMark / 2 + 4);
  ASSERT_TRUE(WaitUntil([&] { return checkpointer->completed() >= 1; },
                        std::chrono::seconds(10)));
  // Only a checkpoint writes to the database file in WAL mode.
  EXPECT_GE(FileSize(Path()), empty + kMark * kPageBytes);
}

TEST_F(CheckpointerTest, WalStaysBoundedUnderContinuousCommits) {
  constexpr int kMark = 32;
  auto started = Checkpointer::Start(Path(), db_, kMark);
  ASSERT_TRUE(started.ok()) << started.status().ToString();
  std::unique_ptr<Checkpointer> checkpointer = std::move(started).value();
  int64_t largest = 0;
  for (int i = 0; i < 400; ++i) {
    Commit(3);
    largest = std::max(largest, FileSize(Path() + "-wal"));
  }
  // Whether the thread keeps up or the writer copies inline at four times
  // the mark, the WAL restarts and never holds more than that and one
  // commit (3 pages of rows, and the pages above them in the tree).
  const int64_t frame = kPageBytes + 24;
  EXPECT_LE(largest, (Checkpointer::kInlineFactor * kMark + 8) * frame + 32);
  EXPECT_GE(FileSize(Path()), 300 * kPageBytes);
}

TEST(CheckpointerStoreTest, WriterCheckpointsAsItCommitsAndReopensIntact) {
  TempDir dir;
  const std::string path = dir.File("log.sqlite");
  SqliteLogStore::Options options;
  options.checkpoint_pages = 16;
  LogHead head;
  {
    auto store = OpenOrDie(path, options);
    ASSERT_NE(store, nullptr);
    // About 260 pages: even with four times the mark still in the WAL,
    // most of them must have been copied.
    for (int first = 1; first <= 5000; first += 100) {
      auto appended = store->Append(MakeBatch(first, 100), kT0 + first);
      ASSERT_TRUE(appended.ok()) << appended.status().ToString();
      head = *appended;
    }
    // The records reached the database file while the writer was open;
    // SQLite's own automatic checkpoint would not have run before 4,096
    // pages.
    ASSERT_TRUE(WaitUntil([&] { return FileSize(path) > 128 * kPageBytes; },
                          std::chrono::seconds(10)))
        << FileSize(path) << " bytes, WAL " << FileSize(path + "-wal");
  }
  auto reopened = OpenOrDie(path, options);
  ASSERT_NE(reopened, nullptr);
  auto again = reopened->Head();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->sequence, head.sequence);
  EXPECT_EQ(again->hash, head.hash);
}

}  // namespace
}  // namespace samverkan::gateway
