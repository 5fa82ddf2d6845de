// RowInserter against an in-memory database: every row lands once and in
// order whatever the count, the step sizes are the ones promised, and a
// failed step reports its error.
#include "gateway/log/row_inserter.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "gateway/log/sqlite_util.h"

namespace samverkan::gateway::sqlite {
namespace {

constexpr char kInsert[] = "INSERT INTO t(n, label) VALUES (?, ?)";
constexpr size_t kPerStep = 4;

TEST(RepeatValuesTest, RepeatsTheLastTuple) {
  EXPECT_EQ(RepeatValues(kInsert, 3),
            "INSERT INTO t(n, label) VALUES (?, ?), (?, ?), (?, ?)");
  EXPECT_EQ(RepeatValues(kInsert, 1), kInsert);
}

class RowInserterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(sqlite3_open(":memory:", &db_), SQLITE_OK);
    ASSERT_TRUE(
        Exec(db_, "CREATE TABLE t(n INTEGER PRIMARY KEY, label TEXT)").ok());
    ASSERT_TRUE(Prepare(db_, kInsert, &one_).ok());
    ASSERT_TRUE(Prepare(db_, RepeatValues(kInsert, kPerStep), &many_).ok());
  }
  void TearDown() override {
    one_.reset();
    many_.reset();
    sqlite3_close(db_);
  }

  // Inserts rows first..first+count-1 labelled "row <n>"; the slot of each
  // row goes to *slots.
  int Insert(int first, size_t count, std::vector<size_t>* slots,
             int64_t* changes = nullptr) {
    RowInserter rows(one_.get(), many_.get(), 2, kPerStep, count);
    std::vector<std::string> labels(kPerStep);
    for (size_t i = 0; i < count; ++i) {
      const int n = first + static_cast<int>(i);
      slots->push_back(rows.slot());
      labels[rows.slot()] = "row " + std::to_string(n);
      int rc = sqlite3_bind_int(rows.stmt(), rows.first(), n);
      if (rc == SQLITE_OK) {
        rc = sqlite3_bind_text(rows.stmt(), rows.first() + 1,
                               labels[rows.slot()].c_str(), -1, SQLITE_STATIC);
      }
      if (rc == SQLITE_OK) rc = rows.RowBound();
      if (rc != SQLITE_OK) return rc;
    }
    if (changes != nullptr) *changes = rows.changes();
    return SQLITE_OK;
  }

  std::vector<std::string> Labels() {
    Statement read;
    EXPECT_TRUE(Prepare(db_, "SELECT n, label FROM t ORDER BY n", &read).ok());
    std::vector<std::string> out;
    while (sqlite3_step(read.get()) == SQLITE_ROW) {
      out.push_back(std::to_string(sqlite3_column_int(read.get(), 0)) + "=" +
                    ColumnString(read.get(), 1));
    }
    return out;
  }

  sqlite3* db_ = nullptr;
  Statement one_;
  Statement many_;
};

class RowInserterCountTest : public RowInserterTest,
                             public ::testing::WithParamInterface<size_t> {};

TEST_P(RowInserterCountTest, EveryRowLandsOnceWithItsOwnValues) {
  const size_t count = GetParam();
  std::vector<size_t> slots;
  int64_t changes = -1;
  ASSERT_EQ(Insert(1, count, &slots, &changes), SQLITE_OK);
  EXPECT_EQ(changes, static_cast<int64_t>(count));
  std::vector<std::string> want;
  for (size_t n = 1; n <= count; ++n) {
    want.push_back(std::to_string(n) + "=row " + std::to_string(n));
  }
  EXPECT_EQ(Labels(), want);
  // Full steps while kPerStep rows are left, then one row a step.
  std::vector<size_t> want_slots;
  for (size_t i = 0; i < count; ++i) {
    want_slots.push_back(i < count / kPerStep * kPerStep ? i % kPerStep : 0);
  }
  EXPECT_EQ(slots, want_slots);
  EXPECT_FALSE(sqlite3_stmt_busy(one_.get()));
  EXPECT_FALSE(sqlite3_stmt_busy(many_.get()));
}

INSTANTIATE_TEST_SUITE_P(Counts, RowInserterCountTest,
                         ::testing::Values(0, 1, kPerStep - 1, kPerStep,
                                           2 * kPerStep + 3));

TEST_F(RowInserterTest, FailedStepReportsItsError) {
  std::vector<size_t> slots;
  ASSERT_EQ(Insert(5, 1, &slots), SQLITE_OK);
  // Rows 1-8 go in two full steps; the second holds 5, which is taken.
  EXPECT_EQ(Insert(1, 8, &slots) & 0xff, SQLITE_CONSTRAINT);
  EXPECT_EQ(Labels(), (std::vector<std::string>{"1=row 1", "2=row 2", "3=row 3",
                                                "4=row 4", "5=row 5"}));
}

}  // namespace
}  // namespace samverkan::gateway::sqlite
