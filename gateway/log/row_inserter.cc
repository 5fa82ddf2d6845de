// Multi-row INSERT steps; see row_inserter.h for why.
#include "gateway/log/row_inserter.h"

#include <algorithm>

namespace samverkan::gateway::sqlite {

std::string RepeatValues(std::string_view sql, size_t rows) {
  const size_t open = sql.rfind('(');
  if (open == std::string_view::npos) return std::string(sql);
  const std::string_view tuple = sql.substr(open);
  std::string out(sql);
  for (size_t r = 1; r < rows; ++r) {
    out += ", ";
    out += tuple;
  }
  return out;
}

RowInserter::RowInserter(sqlite3_stmt* one, sqlite3_stmt* many, int columns,
                         size_t per_step, size_t count)
    : one_(one),
      many_(many),
      columns_(columns),
      per_step_(std::max<size_t>(per_step, 1)),
      left_(count),
      in_many_(FullStepLeft()) {}

RowInserter::~RowInserter() {
  for (sqlite3_stmt* stmt : {one_, many_}) {
    if (stmt == nullptr) continue;
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
  }
}

int RowInserter::RowBound() {
  if (left_ > 0) --left_;
  ++slot_;
  if (slot_ < (in_many_ ? per_step_ : 1)) return SQLITE_OK;
  sqlite3_stmt* const stepped = stmt();
  const int rc = sqlite3_step(stepped);
  if (rc == SQLITE_DONE)
    changes_ += sqlite3_changes(sqlite3_db_handle(stepped));
  sqlite3_reset(stepped);
  slot_ = 0;
  in_many_ = FullStepLeft();
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

}  // namespace samverkan::gateway::sqlite
