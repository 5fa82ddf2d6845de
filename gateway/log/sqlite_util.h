// SQLite helpers shared by the pieces of the SQLite log store: mapping result
// codes to canonical Status codes, owning and resetting statements, binding
// without copies. Internal to gateway/log; nothing outside it includes
// <sqlite3.h>.
#ifndef SAMVERKAN_GATEWAY_LOG_SQLITE_UTIL_H_
#define SAMVERKAN_GATEWAY_LOG_SQLITE_UTIL_H_

#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "common/status.h"
#include "gateway/log/sqlite_statement.h"

namespace samverkan::gateway::sqlite {

// Maps an SQLite result to the canonical code callers act on: retry later
// (Unavailable), stop accepting (ResourceExhausted), or investigate.
Status FromSqlite(sqlite3* db, int rc, std::string_view what);

// A persistent prepared statement on `db`, owned by *out.
Status Prepare(sqlite3* db, std::string_view sql, Statement* out);
// Runs one or more statements that return no rows.
Status Exec(sqlite3* db, std::string_view sql);
// Runs `body` inside BEGIN IMMEDIATE .. COMMIT (none may be open); when
// either fails, rolls back whatever is still open and returns the error.
Status InTransaction(sqlite3* db, const std::function<Status()>& body);

// Resets a cached statement when the scope ends: a statement left mid-step
// holds its read snapshot open, which stops WAL checkpoints from finishing.
// Bindings are cleared so no SQLITE_STATIC pointer outlives its owner.
class ScopedReset {
 public:
  explicit ScopedReset(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ScopedReset(const ScopedReset&) = delete;
  ScopedReset& operator=(const ScopedReset&) = delete;
  ~ScopedReset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

 private:
  sqlite3_stmt* stmt_;
};

int64_t ClampToInt64(uint64_t v);

// SQLITE_STATIC: the caller's bytes outlive the step, so SQLite need not copy
// them. The 64-bit variants never truncate a size.
int BindText(sqlite3_stmt* stmt, int index, std::string_view text);
int BindBlob(sqlite3_stmt* stmt, int index, std::string_view bytes);

std::string ColumnString(sqlite3_stmt* stmt, int index);

// A placeholder in SQL text and what replaces it.
using Placeholder = std::pair<std::string_view, std::string_view>;
// `sql` with every occurrence of each placeholder replaced, in the order
// given, so that a replacement may hold placeholders named after it.
std::string Fill(std::string sql, std::initializer_list<Placeholder> with);

}  // namespace samverkan::gateway::sqlite

#endif  // SAMVERKAN_GATEWAY_LOG_SQLITE_UTIL_H_
