// The projections' change table and its fold; see projection_log.h for why
// commits append rows instead of upserting them.
#include "gateway/log/projection_log.h"

#include <utility>

#include "gateway/log/row_inserter.h"
#include "gateway/log/sqlite_util.h"

namespace samverkan::gateway {

using sqlite::BindBlob;
using sqlite::BindText;
using sqlite::ClampToInt64;
using sqlite::FromSqlite;
using sqlite::ScopedReset;

// A rowid table: each commit's rows go to its end, so a commit dirties only
// the last pages, and the rowid orders a key's rows by commit.
const char ProjectionLog::kSchema[] = R"sql(
CREATE TABLE projection_changes(
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL,
  at_sequence INTEGER NOT NULL,
  state BLOB NOT NULL
) STRICT;
)sql";

// With max(), SQLite takes the bare columns from the row holding the
// maximum: each key's latest change. The changes are at most `lag` rows, so
// scanning and sorting them for each page stays cheap, and `projections`
// is read through its key from ?1 on, merged in order.
const char ProjectionLog::kRead[] =
    "WITH changed(key, at_sequence, state, id) AS MATERIALIZED ("
    "SELECT key, at_sequence, state, max(id) FROM projection_changes "
    "WHERE key > ?1 GROUP BY key) "
    "SELECT key, at_sequence, state FROM changed "
    "UNION ALL "
    "SELECT key, at_sequence, state FROM projections "
    "WHERE key > ?1 AND key NOT IN (SELECT key FROM changed) "
    "ORDER BY key LIMIT ?2";

namespace {

constexpr char kAppend[] =
    "INSERT INTO projection_changes(key, at_sequence, state) "
    "VALUES (?, ?, ?)";
// GROUP BY hands the keys over sorted, so each page of `projections` is
// written once per fold. Only (key, id) goes through the sort; each latest
// row is then read by its id (half the CPU of sorting the states along).
// `WHERE true` tells the parser that ON CONFLICT belongs to the INSERT, not
// to a join.
constexpr char kFold[] =
    "INSERT INTO projections(key, at_sequence, state) "
    "SELECT c.key, c.at_sequence, c.state FROM ("
    "SELECT max(id) AS id FROM projection_changes GROUP BY key) latest "
    "CROSS JOIN projection_changes c ON c.id = latest.id WHERE true "
    "ON CONFLICT(key) DO UPDATE SET at_sequence = excluded.at_sequence, "
    "state = excluded.state";
constexpr char kClear[] = "DELETE FROM projection_changes";

}  // namespace

ProjectionLog::ProjectionLog(sqlite3* db, size_t lag)
    : db_(db), lag_(lag == 0 ? 1 : lag) {}

ProjectionLog::~ProjectionLog() = default;

Status ProjectionLog::Prepare() {
  const std::string append_rows =
      sqlite::RepeatValues(kAppend, sqlite::kRowsPerStep);
  const std::pair<const char*, sqlite::Statement*> statements[] = {
      {kAppend, &append_},
      {append_rows.c_str(), &append_rows_},
      {kFold, &fold_},
      {kClear, &clear_},
  };
  for (const auto& [sql, stmt] : statements) {
    if (Status s = sqlite::Prepare(db_, sql, stmt); !s.ok()) return s;
  }
  return OkStatus();
}

Status ProjectionLog::Load() {
  sqlite::Statement count;
  if (Status s = sqlite::Prepare(db_, "SELECT count(*) FROM projection_changes",
                                 &count);
      !s.ok()) {
    return s;
  }
  const int rc = sqlite3_step(count.get());
  if (rc != SQLITE_ROW) {
    return FromSqlite(db_, rc, "counting the projection changes");
  }
  pending_ = static_cast<size_t>(sqlite3_column_int64(count.get(), 0));
  staged_ = 0;
  return OkStatus();
}

Status ProjectionLog::Stage(const std::vector<ProjectionRow>& rows) {
  sqlite::RowInserter inserter(append_.get(), append_rows_.get(), 3,
                               sqlite::kRowsPerStep, rows.size());
  for (const ProjectionRow& row : rows) {
    sqlite3_stmt* stmt = inserter.stmt();
    const int at = inserter.first();
    int rc = BindText(stmt, at, row.key);
    if (rc == SQLITE_OK) {
      rc = sqlite3_bind_int64(stmt, at + 1, ClampToInt64(row.at_sequence));
    }
    if (rc == SQLITE_OK) rc = BindBlob(stmt, at + 2, row.bytes);
    if (rc == SQLITE_OK) rc = inserter.RowBound();
    if (rc != SQLITE_OK) {
      return FromSqlite(db_, rc, "writing projection changes");
    }
  }
  staged_ += rows.size();
  return OkStatus();
}

Status ProjectionLog::Fold() {
  Status s = sqlite::InTransaction(db_, [&]() -> Status {
    for (sqlite3_stmt* stmt : {fold_.get(), clear_.get()}) {
      ScopedReset reset(stmt);
      const int rc = sqlite3_step(stmt);
      if (rc != SQLITE_DONE) {
        return FromSqlite(db_, rc, "folding the projection changes");
      }
    }
    return OkStatus();
  });
  if (s.ok()) pending_ = 0;
  return s;
}

}  // namespace samverkan::gateway
