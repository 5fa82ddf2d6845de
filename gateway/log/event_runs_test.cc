// The event index's runs (event_runs.h): the merge policy, one row per
// rule; merges that keep every entry in exactly one run at every commit;
// a merge cut short going on after a reopen; a failed step changing
// nothing.
#include "gateway/log/event_runs.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "gateway/log/sqlite_util.h"
#include "gateway/log/test_util.h"

namespace samverkan::gateway {
namespace {

using Entry = EventRuns::Entry;
using testing::TempDir;

constexpr uint64_t kUnit = 100;

TEST(EventRunsTest, TierCountsFromTheUnit) {
  const struct {
    uint64_t entries;
    int tier;
  } rows[] = {
      {0, 0},
      {1, 0},
      {kUnit, 0},
      {kUnit * 4 - 1, 0},
      {kUnit * 4, 1},
      {kUnit * 16 - 1, 1},
      {kUnit * 16, 2},
      {kUnit * 64, 3},
      {~uint64_t{0}, 28},  // no overflow at the top
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.entries);
    EXPECT_EQ(EventRuns::Tier(row.entries, kUnit), row.tier);
  }
}

TEST(EventRunsTest, PickMergeTakesTheLowestFullTier) {
  const struct {
    const char* rule;
    EventRuns::RunSizes runs;
    std::vector<uint64_t> picked;
  } rows[] = {
      {"no runs, no merge", {}, {}},
      {"three of a tier wait", {{1, 100}, {2, 90}, {3, 100}}, {}},
      {"four of a tier merge",
       {{1, 100}, {2, 90}, {3, 100}, {4, 7}},
       {1, 2, 3, 4}},
      {"more than four of a tier merge together",
       {{1, 100}, {2, 100}, {3, 100}, {4, 100}, {5, 3}},
       {1, 2, 3, 4, 5}},
      {"tiers do not mix: three and three wait",
       {{1, 400}, {2, 400}, {3, 400}, {4, 100}, {5, 100}, {6, 100}},
       {}},
      {"a full tier merges while a lower one waits",
       {{1, 400}, {2, 500}, {3, 1599}, {4, 400}, {5, 100}},
       {1, 2, 3, 4}},
      {"the lowest full tier goes first",
       {{1, 400}, {2, 400}, {3, 400}, {4, 400}, {5, 1}, {6, 1}, {7, 1}, {8, 1}},
       {5, 6, 7, 8}},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.rule);
    EXPECT_EQ(EventRuns::PickMerge(row.runs, kUnit), row.picked);
  }
}

class EventRunsFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(sqlite3_open(dir_.File("index.sqlite").c_str(), &db_), SQLITE_OK);
    ASSERT_TRUE(sqlite::Exec(db_, EventRuns::kSchema).ok());
    Reopen();
  }
  void TearDown() override {
    runs_.reset();
    sqlite3_close(db_);
  }

  // A new EventRuns on the same file, as after a restart.
  void Reopen() {
    runs_ = std::make_unique<EventRuns>(db_, kUnit);
    ASSERT_TRUE(runs_->Prepare().ok());
    ASSERT_TRUE(runs_->Load().ok());
  }

  // `n` entries with random keys and sequences from `first`, sorted.
  std::vector<Entry> Entries(uint64_t first, size_t n) {
    std::vector<Entry> out;
    for (size_t i = 0; i < n; ++i) {
      out.emplace_back(static_cast<int64_t>(random_()), first + i);
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  int64_t Query(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr),
              SQLITE_OK)
        << sql;
    EXPECT_EQ(sqlite3_step(stmt), SQLITE_ROW) << sql;
    const int64_t value = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    return value;
  }

  // Every entry of `all` in exactly one run, nothing else in the index;
  // event_runs and memory count each run's entries as the table holds them.
  void ExpectEveryEntryOnce(const std::vector<Entry>& all) {
    EXPECT_EQ(Query("SELECT count(*) FROM event_index"),
              static_cast<int64_t>(all.size()));
    EXPECT_EQ(Query("SELECT count(*) FROM (SELECT DISTINCT key, sequence "
                    "FROM event_index)"),
              static_cast<int64_t>(all.size()));
    for (size_t i = 0; i < all.size(); i += all.size() / 50 + 1) {
      EXPECT_EQ(Query("SELECT count(*) FROM event_runs u CROSS JOIN "
                      "event_index e ON e.run = u.run AND e.key = " +
                      std::to_string(all[i].first) +
                      " AND e.sequence = " + std::to_string(all[i].second)),
                1);
    }
    EXPECT_EQ(Query("SELECT count(*) FROM event_runs u WHERE entries != "
                    "(SELECT count(*) FROM event_index e WHERE e.run = u.run)"),
              0);
    EXPECT_EQ(Query("SELECT count(*) FROM (SELECT DISTINCT run FROM "
                    "event_index) WHERE run NOT IN (SELECT run FROM "
                    "event_runs)"),
              0);
    EXPECT_EQ(Query("SELECT count(*) FROM event_runs"),
              static_cast<int64_t>(runs_->runs().size()));
    for (const auto& [run, entries] : runs_->runs()) {
      EXPECT_EQ(Query("SELECT entries FROM event_runs WHERE run = " +
                      std::to_string(run)),
                static_cast<int64_t>(entries));
    }
  }

  // Appends four passes of kUnit entries each as their own runs.
  std::vector<Entry> FourPasses() {
    std::vector<Entry> all;
    for (int pass = 0; pass < 4; ++pass) {
      const std::vector<Entry> entries = Entries(pass * kUnit + 1, kUnit);
      EXPECT_TRUE(runs_->Append(runs_->NewRun(), entries).ok());
      all.insert(all.end(), entries.begin(), entries.end());
    }
    return all;
  }

  TempDir dir_;
  sqlite3* db_ = nullptr;
  std::unique_ptr<EventRuns> runs_;
  std::mt19937_64 random_{7};
};

TEST_F(EventRunsFileTest, PassesAppendRunsOfTheirOwn) {
  EXPECT_FALSE(runs_->MergeDue());
  const std::vector<Entry> first = Entries(1, 10);
  ASSERT_TRUE(runs_->Append(runs_->NewRun(), first).ok());
  const std::vector<Entry> second = Entries(11, 10);
  ASSERT_TRUE(runs_->Append(runs_->NewRun(), second).ok());
  EXPECT_EQ(runs_->runs(), (EventRuns::RunSizes{{1, 10}, {2, 10}}));
  std::vector<Entry> all = first;
  all.insert(all.end(), second.begin(), second.end());
  ExpectEveryEntryOnce(all);
  // A pass done again after it was cut short adds nothing twice.
  ASSERT_TRUE(runs_->Append(2, second).ok());
  EXPECT_EQ(runs_->runs(), (EventRuns::RunSizes{{1, 10}, {2, 10}}));
  Reopen();
  EXPECT_EQ(runs_->NewRun(), 3u);
}

// Small steps, so that the merge spans many commits: after each one every
// entry is in exactly one run.
TEST_F(EventRunsFileTest, MergeStepsMoveEntriesWithoutLosingOrRepeating) {
  const std::vector<Entry> all = FourPasses();
  ASSERT_TRUE(runs_->MergeDue());
  int steps = 0;
  while (runs_->MergeDue() && steps < 1000) {
    ASSERT_TRUE(runs_->MergeStep(30).ok());
    ++steps;
    ASSERT_NO_FATAL_FAILURE(ExpectEveryEntryOnce(all));
  }
  EXPECT_GE(steps, static_cast<int>(all.size() / 30));
  EXPECT_EQ(runs_->runs(), (EventRuns::RunSizes{{5, all.size()}}));
  EXPECT_EQ(runs_->merging_into(), 0u);
  // The target is in key order, as a pass's run is.
  EXPECT_EQ(Query("SELECT count(*) FROM event_index WHERE run = 5"),
            static_cast<int64_t>(all.size()));
  // The next pass's run comes after the merge's.
  EXPECT_EQ(runs_->NewRun(), 6u);
}

TEST_F(EventRunsFileTest, MergeCutShortGoesOnAfterAReopen) {
  const std::vector<Entry> all = FourPasses();
  ASSERT_TRUE(runs_->MergeStep(50).ok());
  ASSERT_TRUE(runs_->MergeStep(50).ok());
  EXPECT_EQ(runs_->merging_into(), 5u);
  Reopen();
  EXPECT_EQ(runs_->merging_into(), 5u);
  EXPECT_TRUE(runs_->MergeDue());
  ASSERT_NO_FATAL_FAILURE(ExpectEveryEntryOnce(all));
  // A pass arriving mid-merge gets a run after the merge's target.
  const std::vector<Entry> late = Entries(10000, 5);
  ASSERT_TRUE(runs_->Append(runs_->NewRun(), late).ok());
  while (runs_->MergeDue()) ASSERT_TRUE(runs_->MergeStep(1000).ok());
  EXPECT_EQ(runs_->runs(), (EventRuns::RunSizes{{5, all.size()}, {6, 5}}));
  std::vector<Entry> with_late = all;
  with_late.insert(with_late.end(), late.begin(), late.end());
  ExpectEveryEntryOnce(with_late);
}

// A pass done again after being cut short leaves its entries in two runs;
// their merge holds each once.
TEST_F(EventRunsFileTest, MergeKeepsOneOfAnEntryInTwoRuns) {
  const std::vector<Entry> entries = Entries(1, 40);
  ASSERT_TRUE(
      runs_->Append(runs_->NewRun(), std::span(entries).first(25)).ok());
  ASSERT_TRUE(runs_->Append(runs_->NewRun(), entries).ok());
  ASSERT_TRUE(runs_->Append(runs_->NewRun(), Entries(100, 3)).ok());
  const std::vector<Entry> last = Entries(200, 3);
  ASSERT_TRUE(runs_->Append(runs_->NewRun(), last).ok());
  while (runs_->MergeDue()) ASSERT_TRUE(runs_->MergeStep(7).ok());
  EXPECT_EQ(Query("SELECT count(*) FROM event_index"), 46);
  EXPECT_EQ(Query("SELECT count(*) FROM event_index WHERE run = 5"), 46);
  EXPECT_EQ(Query("SELECT entries FROM event_runs WHERE run = 5"), 46);
}

TEST_F(EventRunsFileTest, FailedStepChangesNothing) {
  const std::vector<Entry> all = FourPasses();
  ASSERT_TRUE(runs_->MergeStep(50).ok());
  ASSERT_TRUE(sqlite::Exec(db_,
                           "CREATE TABLE fail(x);"
                           "CREATE TRIGGER injected BEFORE INSERT ON "
                           "event_index WHEN EXISTS (SELECT 1 FROM fail) "
                           "BEGIN SELECT RAISE(ABORT, 'injected'); END;"
                           "INSERT INTO fail VALUES (1);")
                  .ok());
  const EventRuns::RunSizes before = runs_->runs();
  Status failed = runs_->MergeStep(50);
  EXPECT_FALSE(failed.ok());
  EXPECT_EQ(runs_->runs(), before);
  ASSERT_NO_FATAL_FAILURE(ExpectEveryEntryOnce(all));
  ASSERT_TRUE(sqlite::Exec(db_, "DELETE FROM fail;").ok());
  while (runs_->MergeDue()) ASSERT_TRUE(runs_->MergeStep(1000).ok());
  EXPECT_EQ(runs_->runs(), (EventRuns::RunSizes{{5, all.size()}}));
  ExpectEveryEntryOnce(all);
}

}  // namespace
}  // namespace samverkan::gateway
