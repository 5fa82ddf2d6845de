// An owned SQLite prepared statement, declarable without <sqlite3.h> so that
// the store's public header keeps SQLite out of its includers.
#ifndef SAMVERKAN_GATEWAY_LOG_SQLITE_STATEMENT_H_
#define SAMVERKAN_GATEWAY_LOG_SQLITE_STATEMENT_H_

#include <memory>

struct sqlite3_stmt;

namespace samverkan::gateway::sqlite {

struct StmtFinalizer {
  void operator()(sqlite3_stmt* stmt) const;
};
using Statement = std::unique_ptr<sqlite3_stmt, StmtFinalizer>;

}  // namespace samverkan::gateway::sqlite

#endif  // SAMVERKAN_GATEWAY_LOG_SQLITE_STATEMENT_H_
