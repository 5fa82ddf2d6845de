// Helpers for the event log's tests: a scratch directory per test and
// well-formed records whose metadata matches their envelope.
#ifndef SAMVERKAN_GATEWAY_LOG_TEST_UTIL_H_
#define SAMVERKAN_GATEWAY_LOG_TEST_UTIL_H_

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "common/testing/temp_dir.h"
#include "gateway/log/log_store.h"
#include "gateway/log/sqlite_log_store.h"
#include "samverkan/payload_type.h"
#include "samverkan/v1/envelope.pb.h"

namespace samverkan::gateway::testing {

using ::samverkan::testing::TempDir;

// A recording time for tests' appends (microseconds since the epoch).
inline constexpr int64_t kT0 = 1795000000000000;

// Record number `n`: event_id "evt-<n>", one of a few participants.
// Appends as the gateway's writer does: the batch, then, with the batch
// answered, the index pass and the fold if they are due.
inline StatusOr<LogHead> AppendThenDueWork(
    LogStore& store, const Batch& batch, int64_t recorded_at_us,
    std::vector<uint64_t>* recipient_sequences = nullptr) {
  StatusOr<LogHead> head =
      store.Append(batch, recorded_at_us, recipient_sequences);
  if (head.ok()) {
    const Status due = store.RunDueWork();
    EXPECT_TRUE(due.ok()) << due.ToString();
  }
  return head;
}

inline NewRecord MakeRecord(int n, v1::RecordKind kind = v1::EVENT) {
  v1::Envelope e;
  e.set_event_id("evt-" + std::to_string(n));
  e.set_participant_id("p-" + std::to_string(1000 + n % 7));
  e.set_source_organisation(kind == v1::EVENT ? "kommun-a" : "gateway");
  e.mutable_occurred_at()->set_seconds(1795000000 + n);
  e.set_schema_version(1);
  if (kind == v1::EVENT) {
    auto* h = e.mutable_health_deteriorated();
    h->mutable_observed_on()->set_year(2026);
    h->mutable_observed_on()->set_month(11);
    h->mutable_observed_on()->set_day(1 + n % 28);
    h->set_work_capacity_affected(n % 2 == 0);
  } else {
    e.mutable_alert();
  }
  NewRecord r;
  r.kind = kind;
  r.event_id = e.event_id();
  r.participant_id = e.participant_id();
  r.source_organisation = e.source_organisation();
  r.payload_type = PayloadTypeName(e);
  r.body = e.SerializeAsString();
  return r;
}

// Records first .. first + count - 1.
inline Batch MakeBatch(int first, int count) {
  Batch b;
  for (int i = 0; i < count; ++i) b.records.push_back(MakeRecord(first + i));
  return b;
}

// Opens the log at `path`; on failure the test fails and this is null.
inline std::unique_ptr<SqliteLogStore> OpenOrDie(
    const std::string& path,
    const SqliteLogStore::Options& options = SqliteLogStore::Options{}) {
  auto store = SqliteLogStore::Open(path, options);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  return store.ok() ? std::move(store).value() : nullptr;
}

// "key@at_sequence=bytes", so that one comparison checks every column.
inline std::string DescribeProjection(const ProjectionRow& r) {
  return r.key + "@" + std::to_string(r.at_sequence) + "=" + r.bytes;
}

// Every projection row, described, read in pages of `page`, each page
// starting after the last key of the one before, as LedgerBook::Load and
// the handovers query read them.
inline std::vector<std::string> ReadProjectionsInPages(LogStore& store,
                                                       size_t page) {
  std::vector<std::string> out;
  std::vector<ProjectionRow> rows;
  std::string after;
  while (true) {
    const Status s = store.ReadProjections(after, page, &rows);
    EXPECT_TRUE(s.ok()) << s.ToString();
    if (!s.ok() || rows.empty()) return out;
    EXPECT_LE(rows.size(), page);
    for (const ProjectionRow& r : rows) out.push_back(DescribeProjection(r));
    after = rows.back().key;
  }
}

// Runs `sql` on the file through a connection of its own, as another
// process (or an older version of the gateway) would.
inline void ExecOnFile(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK)
      << sqlite3_errmsg(db);
  sqlite3_close(db);
}

// The first column of the first row `sql` returns from the file, through a
// connection of its own; -1 when there is no row.
inline int64_t QueryInt(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK)
      << sqlite3_errmsg(db);
  int64_t value = -1;
  if (sqlite3_step(stmt) == SQLITE_ROW) value = sqlite3_column_int64(stmt, 0);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return value;
}

}  // namespace samverkan::gateway::testing

#endif  // SAMVERKAN_GATEWAY_LOG_TEST_UTIL_H_
