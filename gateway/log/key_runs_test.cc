// An index's runs (key_runs.h): the merge policy, one row per rule; merges
// that keep every entry in exactly one run at every commit; a merge cut
// short going on after a reopen; a failed step changing nothing. The file
// tests run on the event index's tables and on the participant index's.
#include "gateway/log/key_runs.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <iterator>
#include <memory>
#include <ostream>
#include <random>
#include <string>
#include <vector>

#include "gateway/log/sqlite_util.h"
#include "gateway/log/test_util.h"

namespace samverkan::gateway {

// For the test names and failure messages: the index table's name.
void PrintTo(const KeyRuns::Tables& tables, std::ostream* os) {
  *os << tables.index;
}

namespace {

using Entry = KeyRuns::Entry;
using testing::TempDir;

constexpr uint64_t kUnit = 100;

static_assert(KeyRuns::kFanout == 8, "the rows below are for a fanout of 8");

TEST(KeyRunsTest, TierCountsFromTheUnit) {
  const struct {
    uint64_t entries;
    int tier;
  } rows[] = {
      {0, 0},
      {1, 0},
      {kUnit, 0},
      {kUnit * 8 - 1, 0},
      {kUnit * 8, 1},
      {kUnit * 64 - 1, 1},
      {kUnit * 64, 2},
      {kUnit * 512, 3},
      {~uint64_t{0}, 19},  // no overflow at the top
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.entries);
    EXPECT_EQ(KeyRuns::Tier(row.entries, kUnit), row.tier);
  }
}

// `count` runs of `entries` each, numbered from `first`, added to `runs`.
KeyRuns::RunSizes With(KeyRuns::RunSizes runs, uint64_t first, int count,
                       uint64_t entries) {
  for (int i = 0; i < count; ++i) runs[first + i] = entries;
  return runs;
}

std::vector<uint64_t> Ids(uint64_t first, int count) {
  std::vector<uint64_t> out;
  for (int i = 0; i < count; ++i) out.push_back(first + i);
  return out;
}

TEST(KeyRunsTest, PickMergeTakesTheLowestFullTier) {
  const struct {
    const char* rule;
    KeyRuns::RunSizes runs;
    std::vector<uint64_t> picked;
  } rows[] = {
      {"no runs, no merge", {}, {}},
      {"seven of a tier wait", With({}, 1, 7, 100), {}},
      {"eight of a tier merge, whatever their sizes within it",
       With(With({}, 1, 7, 100), 8, 1, 3), Ids(1, 8)},
      {"more than eight of a tier merge together", With({}, 1, 9, 100),
       Ids(1, 9)},
      {"tiers do not mix: seven and seven wait",
       With(With({}, 1, 7, 800), 8, 7, 100),
       {}},
      {"a full tier merges while a lower one waits",
       With(With({}, 1, 8, 6399), 9, 3, 100), Ids(1, 8)},
      {"the lowest full tier goes first", With(With({}, 1, 8, 800), 9, 8, 1),
       Ids(9, 8)},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.rule);
    EXPECT_EQ(KeyRuns::PickMerge(row.runs, kUnit), row.picked);
  }
}

class KeyRunsFileTest : public ::testing::TestWithParam<KeyRuns::Tables> {
 protected:
  void SetUp() override {
    ASSERT_EQ(sqlite3_open(dir_.File("index.sqlite").c_str(), &db_), SQLITE_OK);
    ASSERT_TRUE(sqlite::Exec(db_, KeyRuns::Schema(GetParam())).ok());
    Reopen();
  }
  void TearDown() override {
    runs_.reset();
    sqlite3_close(db_);
  }

  // A new KeyRuns on the same file, as after a restart.
  void Reopen() {
    runs_ = std::make_unique<KeyRuns>(db_, GetParam(), kUnit);
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

  static std::string Sql(std::string_view text) {
    return KeyRuns::Substitute(text, GetParam());
  }

  int64_t Query(const std::string& text) {
    const std::string sql = Sql(text);
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
  // the runs table and memory count each run's entries as the table holds them.
  void ExpectEveryEntryOnce(const std::vector<Entry>& all) {
    EXPECT_EQ(Query("SELECT count(*) FROM $index"),
              static_cast<int64_t>(all.size()));
    EXPECT_EQ(Query("SELECT count(*) FROM (SELECT DISTINCT key, sequence "
                    "FROM $index)"),
              static_cast<int64_t>(all.size()));
    for (size_t i = 0; i < all.size(); i += all.size() / 50 + 1) {
      EXPECT_EQ(Query("SELECT count(*) FROM $runs u CROSS JOIN "
                      "$index e ON e.run = u.run AND e.key = " +
                      std::to_string(all[i].first) +
                      " AND e.sequence = " + std::to_string(all[i].second)),
                1);
    }
    EXPECT_EQ(Query("SELECT count(*) FROM $runs u WHERE entries != "
                    "(SELECT count(*) FROM $index e WHERE e.run = u.run)"),
              0);
    EXPECT_EQ(Query("SELECT count(*) FROM (SELECT DISTINCT run FROM "
                    "$index) WHERE run NOT IN (SELECT run FROM "
                    "$runs)"),
              0);
    EXPECT_EQ(Query("SELECT count(*) FROM $runs"),
              static_cast<int64_t>(runs_->runs().size()));
    for (const auto& [run, entries] : runs_->runs()) {
      EXPECT_EQ(
          Query("SELECT entries FROM $runs WHERE run = " + std::to_string(run)),
          static_cast<int64_t>(entries));
    }
  }

  // Appends kFanout passes of `size` entries each as their own runs.
  std::vector<Entry> FullTier(uint64_t size = kUnit, uint64_t first = 1) {
    std::vector<Entry> all;
    for (size_t pass = 0; pass < KeyRuns::kFanout; ++pass) {
      const std::vector<Entry> entries = Entries(first + pass * size, size);
      EXPECT_TRUE(runs_->Append(runs_->NewRun(), entries).ok());
      all.insert(all.end(), entries.begin(), entries.end());
    }
    return all;
  }

  TempDir dir_;
  sqlite3* db_ = nullptr;
  std::unique_ptr<KeyRuns> runs_;
  std::mt19937_64 random_{7};
};

TEST_P(KeyRunsFileTest, PassesAppendRunsOfTheirOwn) {
  EXPECT_FALSE(runs_->MergeDue());
  const std::vector<Entry> first = Entries(1, 10);
  ASSERT_TRUE(runs_->Append(runs_->NewRun(), first).ok());
  const std::vector<Entry> second = Entries(11, 10);
  ASSERT_TRUE(runs_->Append(runs_->NewRun(), second).ok());
  EXPECT_EQ(runs_->runs(), (KeyRuns::RunSizes{{1, 10}, {2, 10}}));
  std::vector<Entry> all = first;
  all.insert(all.end(), second.begin(), second.end());
  ExpectEveryEntryOnce(all);
  // A pass done again after it was cut short adds nothing twice.
  ASSERT_TRUE(runs_->Append(2, second).ok());
  EXPECT_EQ(runs_->runs(), (KeyRuns::RunSizes{{1, 10}, {2, 10}}));
  EXPECT_EQ(runs_->work().appended, 20u);
  EXPECT_EQ(runs_->work().merged, 0u);
  Reopen();
  EXPECT_EQ(runs_->NewRun(), 3u);
}

// Entries go in many rows a statement step; a pass done again into the
// same run counts only the entries that were not there, including in the
// step that holds both.
TEST_P(KeyRunsFileTest, AppendCountsOnlyNewEntries) {
  const std::vector<Entry> all = Entries(1, 150);
  std::vector<Entry> two_in_three;
  std::copy_if(all.begin(), all.end(), std::back_inserter(two_in_three),
               [](const Entry& e) { return e.second % 3 != 0; });
  const uint64_t run = runs_->NewRun();
  ASSERT_TRUE(runs_->Append(run, two_in_three).ok());
  EXPECT_EQ(runs_->work().appended, 100u);
  ASSERT_TRUE(runs_->Append(run, all).ok());
  EXPECT_EQ(runs_->runs(), (KeyRuns::RunSizes{{run, 150}}));
  EXPECT_EQ(runs_->work().appended, 150u);
  ExpectEveryEntryOnce(all);
}

// Small steps, so that the merge spans many commits: after each one every
// entry is in exactly one run.
TEST_P(KeyRunsFileTest, MergeStepsMoveEntriesWithoutLosingOrRepeating) {
  const std::vector<Entry> all = FullTier();
  ASSERT_TRUE(runs_->MergeDue());
  int steps = 0;
  while (runs_->MergeDue() && steps < 1000) {
    ASSERT_TRUE(runs_->MergeStep(30).ok());
    ++steps;
    ASSERT_NO_FATAL_FAILURE(ExpectEveryEntryOnce(all));
  }
  EXPECT_GE(steps, static_cast<int>(all.size() / 30));
  EXPECT_EQ(runs_->runs(), (KeyRuns::RunSizes{{9, all.size()}}));
  EXPECT_TRUE(runs_->merges().empty());
  // Every entry was written once by its pass and once by the merge.
  EXPECT_EQ(runs_->work().appended, all.size());
  EXPECT_EQ(runs_->work().merged, all.size());
  // The next pass's run comes after the merge's.
  EXPECT_EQ(runs_->NewRun(), 10u);
}

TEST_P(KeyRunsFileTest, MergeCutShortGoesOnAfterAReopen) {
  const std::vector<Entry> all = FullTier();
  ASSERT_TRUE(runs_->MergeStep(50).ok());
  ASSERT_TRUE(runs_->MergeStep(50).ok());
  const KeyRuns::Merges under_way = {{9, Ids(1, 8)}};
  EXPECT_EQ(runs_->merges(), under_way);
  Reopen();
  EXPECT_EQ(runs_->merges(), under_way);
  EXPECT_TRUE(runs_->MergeDue());
  ASSERT_NO_FATAL_FAILURE(ExpectEveryEntryOnce(all));
  // A pass arriving mid-merge gets a run after the merge's target.
  const std::vector<Entry> late = Entries(10000, 5);
  ASSERT_TRUE(runs_->Append(runs_->NewRun(), late).ok());
  while (runs_->MergeDue()) ASSERT_TRUE(runs_->MergeStep(1000).ok());
  EXPECT_EQ(runs_->runs(), (KeyRuns::RunSizes{{9, all.size()}, {10, 5}}));
  std::vector<Entry> with_late = all;
  with_late.insert(with_late.end(), late.begin(), late.end());
  ExpectEveryEntryOnce(with_late);
}

// A pass done again after being cut short leaves its entries in two runs;
// their merge holds each once.
TEST_P(KeyRunsFileTest, MergeKeepsOneOfAnEntryInTwoRuns) {
  const std::vector<Entry> entries = Entries(1, 40);
  ASSERT_TRUE(
      runs_->Append(runs_->NewRun(), std::span(entries).first(25)).ok());
  ASSERT_TRUE(runs_->Append(runs_->NewRun(), entries).ok());
  for (int run = 0; run < 6; ++run) {
    ASSERT_TRUE(runs_->Append(runs_->NewRun(), Entries(100 + run, 1)).ok());
  }
  while (runs_->MergeDue()) ASSERT_TRUE(runs_->MergeStep(7).ok());
  EXPECT_EQ(Query("SELECT count(*) FROM $index"), 46);
  EXPECT_EQ(Query("SELECT count(*) FROM $index WHERE run = 9"), 46);
  EXPECT_EQ(Query("SELECT entries FROM $runs WHERE run = 9"), 46);
  // The pass done again wrote the first one's 25 entries a second time,
  // into its own run; the merge wrote each entry once.
  EXPECT_EQ(runs_->work().appended, 71u);
  EXPECT_EQ(runs_->work().merged, 46u);
}

// A tier of small runs filling while large ones merge is merged first,
// alongside; both merges survive a reopen.
TEST_P(KeyRunsFileTest, SmallestMergeGoesFirst) {
  std::vector<Entry> all = FullTier(kUnit * 8);  // runs 1-8, tier 1
  ASSERT_TRUE(runs_->MergeStep(100).ok());
  ASSERT_EQ(runs_->merges().size(), 1u);
  const std::vector<Entry> small = FullTier(10, 100000);  // runs 10-17
  all.insert(all.end(), small.begin(), small.end());
  ASSERT_TRUE(runs_->MergeStep(20).ok());
  EXPECT_EQ(runs_->merges(),
            (KeyRuns::Merges{{9, Ids(1, 8)}, {18, Ids(10, 8)}}));
  Reopen();
  EXPECT_EQ(runs_->merges(),
            (KeyRuns::Merges{{9, Ids(1, 8)}, {18, Ids(10, 8)}}));
  ASSERT_NO_FATAL_FAILURE(ExpectEveryEntryOnce(all));
  for (int step = 0; step < 10 && runs_->merges().size() == 2; ++step) {
    ASSERT_TRUE(runs_->MergeStep(20).ok());
  }
  // The small merge (80 entries) is done; the large one (6,400) has moved
  // only its first 100.
  EXPECT_EQ(runs_->merges().size(), 1u);
  EXPECT_EQ(runs_->merges().count(9), 1u);
  EXPECT_EQ(runs_->runs().at(18), 80u);
  EXPECT_EQ(runs_->runs().at(9), 100u);
  while (runs_->MergeDue()) ASSERT_TRUE(runs_->MergeStep(1000).ok());
  ExpectEveryEntryOnce(all);
}

TEST_P(KeyRunsFileTest, FailedStepChangesNothing) {
  const std::vector<Entry> all = FullTier();
  ASSERT_TRUE(runs_->MergeStep(50).ok());
  ASSERT_TRUE(
      sqlite::Exec(db_, Sql("CREATE TABLE fail(x);"
                            "CREATE TRIGGER injected BEFORE INSERT ON "
                            "$index WHEN EXISTS (SELECT 1 FROM fail) "
                            "BEGIN SELECT RAISE(ABORT, 'injected'); END;"
                            "INSERT INTO fail VALUES (1);"))
          .ok());
  const KeyRuns::RunSizes before = runs_->runs();
  EXPECT_EQ(runs_->work().merged, before.at(9));
  Status failed = runs_->MergeStep(50);
  EXPECT_FALSE(failed.ok());
  EXPECT_EQ(runs_->runs(), before);
  EXPECT_EQ(runs_->work().merged, before.at(9));
  ASSERT_NO_FATAL_FAILURE(ExpectEveryEntryOnce(all));
  ASSERT_TRUE(sqlite::Exec(db_, "DELETE FROM fail;").ok());
  while (runs_->MergeDue()) ASSERT_TRUE(runs_->MergeStep(1000).ok());
  EXPECT_EQ(runs_->runs(), (KeyRuns::RunSizes{{9, all.size()}}));
  EXPECT_EQ(runs_->work().merged, all.size());
  ExpectEveryEntryOnce(all);
}

INSTANTIATE_TEST_SUITE_P(
    BothIndexes, KeyRunsFileTest,
    ::testing::Values(KeyRuns::kEvents, KeyRuns::kParticipants),
    [](const ::testing::TestParamInfo<KeyRuns::Tables>& info) {
      return std::string(info.param.index);
    });

}  // namespace
}  // namespace samverkan::gateway
