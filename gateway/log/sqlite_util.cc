// SQLite helpers shared by the pieces of the SQLite log store.
#include "gateway/log/sqlite_util.h"

#include <algorithm>
#include <cerrno>
#include <limits>
#include <utility>

namespace samverkan::gateway::sqlite {

void StmtFinalizer::operator()(sqlite3_stmt* stmt) const {
  sqlite3_finalize(stmt);
}

Status FromSqlite(sqlite3* db, int rc, std::string_view what) {
  std::string message(what);
  message += ": ";
  message += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  const int primary = rc & 0xff;
  if (db != nullptr && (primary == SQLITE_IOERR || primary == SQLITE_FULL ||
                        primary == SQLITE_CANTOPEN)) {
    // A failed write or fsync may report ENOSPC as a plain I/O error.
    const int os_error = sqlite3_system_errno(db);
    if (os_error == ENOSPC || os_error == EDQUOT) {
      return ResourceExhaustedError(std::move(message));
    }
  }
  switch (primary) {
    case SQLITE_FULL:
    case SQLITE_NOMEM:
      return ResourceExhaustedError(std::move(message));
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_PROTOCOL:
      return UnavailableError(std::move(message));
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return DataLossError(std::move(message));
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH:
    case SQLITE_CONSTRAINT:
      return FailedPreconditionError(std::move(message));
    default:
      return InternalError(std::move(message));
  }
}

Status Prepare(sqlite3* db, std::string_view sql, Statement* out) {
  sqlite3_stmt* stmt = nullptr;
  const int rc =
      sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                         SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  out->reset(stmt);
  if (rc != SQLITE_OK)
    return FromSqlite(db, rc, "preparing " + std::string(sql));
  return OkStatus();
}

Status Exec(sqlite3* db, std::string_view sql) {
  const std::string text(sql);
  const int rc = sqlite3_exec(db, text.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return FromSqlite(db, rc, text);
  return OkStatus();
}

Status InTransaction(sqlite3* db, const std::function<Status()>& body) {
  Status s = Exec(db, "BEGIN IMMEDIATE");
  if (s.ok()) s = body();
  if (s.ok()) s = Exec(db, "COMMIT");
  // SQLite may have rolled back already (e.g. on SQLITE_FULL).
  if (!s.ok() && !sqlite3_get_autocommit(db)) {
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  return s;
}

std::string Fill(std::string sql, std::initializer_list<Placeholder> with) {
  for (const auto& [name, text] : with) {
    for (size_t at = sql.find(name); at != std::string::npos;
         at = sql.find(name, at + text.size())) {
      sql.replace(at, name.size(), text);
    }
  }
  return sql;
}

int64_t ClampToInt64(uint64_t v) {
  return static_cast<int64_t>(
      std::min<uint64_t>(v, std::numeric_limits<int64_t>::max()));
}

int BindText(sqlite3_stmt* stmt, int index, std::string_view text) {
  return sqlite3_bind_text64(stmt, index, text.data(), text.size(),
                             SQLITE_STATIC, SQLITE_UTF8);
}

int BindBlob(sqlite3_stmt* stmt, int index, std::string_view bytes) {
  // A null pointer would bind SQL NULL; an empty body is an empty blob.
  return sqlite3_bind_blob64(stmt, index, bytes.data() ? bytes.data() : "",
                             bytes.size(), SQLITE_STATIC);
}

std::string ColumnString(sqlite3_stmt* stmt, int index) {
  // Blob first, then bytes: the documented order that avoids a conversion.
  const void* data = sqlite3_column_blob(stmt, index);
  const int size = sqlite3_column_bytes(stmt, index);
  if (data == nullptr) return std::string();
  return std::string(static_cast<const char*>(data), size);
}

}  // namespace samverkan::gateway::sqlite
