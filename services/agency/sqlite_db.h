// The agency service's own SQLite file (outbox, input cursor, plans): one
// connection, opened in WAL mode with synchronous=FULL so that a commit that
// returned is on disk, and a thin statement wrapper so callers never touch
// sqlite3_* directly.
#ifndef SAMVERKAN_SERVICES_AGENCY_SQLITE_DB_H_
#define SAMVERKAN_SERVICES_AGENCY_SQLITE_DB_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace samverkan::agency {

class Statement;

class SqliteDb {
 public:
  // Opens (creating) `path`. Each user creates its own tables (CREATE ...
  // IF NOT EXISTS), so the file needs no central schema.
  static StatusOr<std::unique_ptr<SqliteDb>> Open(const std::string& path);
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  // Runs statements without results.
  Status Exec(std::string_view sql);
  // A prepared statement; it must not outlive this object.
  StatusOr<Statement> Prepare(std::string_view sql);
  // The message of the last error, for wrapping into a Status.
  std::string LastError() const;
  int64_t LastInsertRowId() const;

 private:
  explicit SqliteDb(sqlite3* db) : db_(db) {}
  sqlite3* db_;
};

// One prepared statement; bind from 1, columns from 0.
class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  Statement& Bind(int index, int64_t value);
  Statement& Bind(int index, std::string_view text);
  Statement& BindBlob(int index, std::string_view bytes);
  // True while there is a row; false when done. Errors become Unavailable.
  StatusOr<bool> Step();
  // Steps to the end (for statements without rows).
  Status Run();
  // Ready to run again, with no values bound.
  void Reset();

  int64_t Int(int column) const;
  std::string Text(int column) const;

 private:
  friend class SqliteDb;
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

// BEGIN IMMEDIATE on construction; ROLLBACK unless Commit() succeeded.
class Transaction {
 public:
  // `db` must outlive the transaction.
  explicit Transaction(SqliteDb& db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  const Status& begun() const { return begun_; }
  Status Commit();

 private:
  SqliteDb& db_;
  Status begun_;
  bool done_ = false;
};

}  // namespace samverkan::agency

#endif  // SAMVERKAN_SERVICES_AGENCY_SQLITE_DB_H_
