// Many rows of an INSERT per statement step. A step's fixed cost (setting up
// the statement's program, opening the table's cursor) is about half of what
// a one-row insert costs; binding rows into one multi-row INSERT and stepping
// it once for all of them halves the CPU of each row (docs/BENCHMARKS.md,
// "Many rows a statement step"). The writer inserts thousands of records,
// disclosure rows and index entries per transaction.
#ifndef SAMVERKAN_GATEWAY_LOG_ROW_INSERTER_H_
#define SAMVERKAN_GATEWAY_LOG_ROW_INSERTER_H_

#include <sqlite3.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace samverkan::gateway::sqlite {

// Rows a multi-row step of the writer's inserts takes. Past 16 a row costs
// little less (docs/BENCHMARKS.md, "Many rows a statement step"), while the
// statement and its bindings keep growing.
inline constexpr size_t kRowsPerStep = 16;

// `sql`, an INSERT ending in one VALUES tuple of unnumbered `?`, with that
// tuple repeated `rows` times: row r's column c (from 0) is then parameter
// r * columns + c + 1, columns being the tuple's `?`s.
std::string RepeatValues(std::string_view sql, size_t rows);

// Feeds `count` rows to an INSERT: while at least `per_step` are left they
// go `per_step` to a step of `many` (RepeatValues(one's SQL, per_step)),
// the rest one a step through `one`. Both statements are the caller's and
// must outlive this object, which resets them and clears their bindings
// when it goes (an SQLITE_STATIC value must not outlive its owner).
class RowInserter {
 public:
  RowInserter(sqlite3_stmt* one, sqlite3_stmt* many, int columns,
              size_t per_step, size_t count);
  RowInserter(const RowInserter&) = delete;
  RowInserter& operator=(const RowInserter&) = delete;
  ~RowInserter();

  // Where the next row goes: its column c (from 0) is parameter first() + c
  // of stmt().
  sqlite3_stmt* stmt() const { return in_many_ ? many_ : one_; }
  int first() const { return static_cast<int>(slot_) * columns_ + 1; }
  // The next row's place in its step, from 0: values bound SQLITE_STATIC
  // from the caller's buffers need a buffer per slot, kept until the step.
  size_t slot() const { return slot_; }

  // Called once the row is bound. Steps the statement when it holds all the
  // rows it takes: SQLITE_OK when the row is taken, else the step's error.
  int RowBound();
  // Rows the steps so far inserted (sqlite3_changes: an INSERT OR IGNORE
  // does not count the rows it ignored).
  int64_t changes() const { return changes_; }

 private:
  // Whether the next step can be a full one of `many`.
  bool FullStepLeft() const {
    return many_ != nullptr && per_step_ > 1 && left_ >= per_step_;
  }

  sqlite3_stmt* const one_;
  sqlite3_stmt* const many_;
  const int columns_;
  const size_t per_step_;
  size_t left_;
  size_t slot_ = 0;
  bool in_many_;
  int64_t changes_ = 0;
};

}  // namespace samverkan::gateway::sqlite

#endif  // SAMVERKAN_GATEWAY_LOG_ROW_INSERTER_H_
