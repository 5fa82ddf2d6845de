// The WAL-gathering VFS: one write per commit, reads that see what is still
// buffered, and nothing committed lost when the writer is killed.
#include "gateway/log/coalescing_vfs.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <string>

#include "gateway/log/test_util.h"

namespace samverkan::gateway {
namespace {

using testing::QueryInt;
using testing::TempDir;

// A connection as the log's writer opens one: through the VFS, WAL,
// synchronous=FULL.
sqlite3* OpenWriter(const std::string& path, int cache_pages = 2000) {
  sqlite3* db = nullptr;
  const char* vfs = CoalescingVfs::Name();
  EXPECT_NE(vfs, nullptr);
  EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db,
                            SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, vfs),
            SQLITE_OK);
  const std::string setup =
      "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; "
      "PRAGMA cache_size = " +
      std::to_string(cache_pages) +
      "; CREATE TABLE IF NOT EXISTS t(id INTEGER PRIMARY KEY, v BLOB); "
      "CREATE INDEX IF NOT EXISTS t_by_v ON t(v);";
  EXPECT_EQ(sqlite3_exec(db, setup.c_str(), nullptr, nullptr, nullptr),
            SQLITE_OK)
      << sqlite3_errmsg(db);
  return db;
}

void Exec(sqlite3* db, const std::string& sql) {
  ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK)
      << sqlite3_errmsg(db);
}

// Rows first .. first + n - 1, each with a 1 KiB blob, in one statement.
std::string InsertRows(int first, int n) {
  return "WITH RECURSIVE k(i) AS (SELECT " + std::to_string(first) +
         " UNION ALL SELECT i + 1 FROM k WHERE i < " +
         std::to_string(first + n - 1) +
         ") INSERT INTO t SELECT i, randomblob(1024) FROM k;";
}

std::string IntegrityOf(const std::string& path) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &stmt, nullptr);
  std::string result;
  if (sqlite3_step(stmt) == SQLITE_ROW) {
    result = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return result;
}

// The writes asked for and made while one transaction commits rows first ..
// first + n - 1 to the file at `path` (after `before` rows in one of its
// own, so that the WAL is already under way).
CoalescingVfs::Counts CommitRows(const std::string& path, int before, int n) {
  sqlite3* db = OpenWriter(path, 100000);
  if (before > 0) Exec(db, "BEGIN; " + InsertRows(1, before) + " COMMIT;");
  const CoalescingVfs::Counts start = CoalescingVfs::counts();
  Exec(db, "BEGIN; " + InsertRows(before + 1, n) + " COMMIT;");
  const CoalescingVfs::Counts end = CoalescingVfs::counts();
  sqlite3_close(db);
  return {end.writes_asked - start.writes_asked,
          end.writes_made - start.writes_made};
}

TEST(CoalescingVfsTest, SmallCommitReachesTheWalInOneWrite) {
  TempDir dir;
  const std::string path = dir.File("db.sqlite");
  const CoalescingVfs::Counts commit = CommitRows(path, 5, 5);
  // Five 1 KiB rows and their index entries, about the size of a commit of
  // one event: several frames, each a header and a page.
  EXPECT_GE(commit.writes_asked, 6u);
  EXPECT_EQ(commit.writes_made, 1u);
  EXPECT_EQ(QueryInt(path, "SELECT count(*) FROM t"), 10);
  EXPECT_EQ(IntegrityOf(path), "ok");
}

TEST(CoalescingVfsTest, LargeCommitIsWrittenInPiecesOfAtMost64KiB) {
  TempDir dir;
  const std::string path = dir.File("db.sqlite");
  const CoalescingVfs::Counts commit = CommitRows(path, 0, 4000);
  // About 8 MiB of frames, well over 4,000 writes asked for: a write per
  // 64 KiB, which the default VFS takes whole (it would take at most
  // 128 KiB - 1 and call the rest a full disk).
  EXPECT_GT(commit.writes_asked, 4000u);
  EXPECT_GE(commit.writes_made, 100u);
  EXPECT_LT(commit.writes_made * 10, commit.writes_asked);
  EXPECT_EQ(QueryInt(path, "SELECT count(*) FROM t"), 4000);
  EXPECT_EQ(IntegrityOf(path), "ok");
}

TEST(CoalescingVfsTest, SpilledPagesAreReadBackBeforeTheCommit) {
  TempDir dir;
  const std::string path = dir.File("db.sqlite");
  // A cache of 10 pages makes the transaction spill pages to the WAL and
  // read them back while the rest of it is still being written.
  sqlite3* db = OpenWriter(path, 10);
  Exec(db, "BEGIN;");
  Exec(db, InsertRows(1, 2000));
  Exec(db, "UPDATE t SET v = randomblob(512) WHERE id % 3 = 0;");
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT count(*), sum(length(v)) FROM t", -1,
                               &stmt, nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int64(stmt, 0), 2000);
  EXPECT_EQ(sqlite3_column_int64(stmt, 1), 666 * 512 + 1334 * 1024);
  sqlite3_finalize(stmt);
  Exec(db, "COMMIT;");
  sqlite3_close(db);
  EXPECT_EQ(IntegrityOf(path), "ok");
  EXPECT_EQ(QueryInt(path, "SELECT sum(length(v)) FROM t"),
            666 * 512 + 1334 * 1024);
}

// A child commits one row per transaction and reports each commit on a
// pipe; it is killed with SIGKILL after `kill_after` reports. Every row it
// reported must be in the file, and the file whole.
void KillWriterAfter(int kill_after) {
  TempDir dir;
  const std::string path = dir.File("db.sqlite");
  sqlite3_close(OpenWriter(path));
  int reports[2];
  ASSERT_EQ(pipe(reports), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(reports[0]);
    sqlite3* db = OpenWriter(path, 20);
    for (int32_t i = 1;; ++i) {
      if (sqlite3_exec(db, ("BEGIN; " + InsertRows(i, 1) + " COMMIT;").c_str(),
                       nullptr, nullptr, nullptr) != SQLITE_OK) {
        _exit(1);
      }
      if (write(reports[1], &i, sizeof(i)) != sizeof(i)) _exit(2);
    }
  }
  close(reports[1]);
  int32_t reported = 0;
  int32_t n = 0;
  while (read(reports[0], &n, sizeof(n)) == sizeof(n)) {
    reported = n;
    if (reported == kill_after) kill(child, SIGKILL);
  }
  close(reports[0]);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the writer stopped by itself";
  ASSERT_GE(reported, kill_after);
  EXPECT_EQ(IntegrityOf(path), "ok");
  const int64_t rows = QueryInt(path, "SELECT count(*) FROM t");
  EXPECT_GE(rows, reported);
  // No hole: rows are committed in order, one per transaction.
  EXPECT_EQ(QueryInt(path, "SELECT max(id) FROM t"), rows);
}

TEST(CoalescingVfsTest, KilledWriterLosesNoCommittedRow) {
  for (int kill_after : {1, 37, 250}) {
    SCOPED_TRACE(kill_after);
    KillWriterAfter(kill_after);
  }
}

}  // namespace
}  // namespace samverkan::gateway
