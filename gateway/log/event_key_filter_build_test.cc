// The background read of event_index into an event key filter: every entry
// read once, across slices, including entries that share a key.
#include "gateway/log/event_key_filter_build.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include "gateway/log/test_util.h"

namespace samverkan::gateway {
namespace {

using testing::ExecOnFile;
using testing::OpenOrDie;
using testing::QueryInt;
using testing::TempDir;

// A log whose event_index holds `n` entries written directly, keys
// -n/2 .. (counting up) with every fifth key held by two records, spread
// over three runs.
std::string LogWithIndexEntries(const TempDir& dir, int n) {
  const std::string path = dir.File("log.sqlite");
  { EXPECT_NE(OpenOrDie(path), nullptr); }
  ExecOnFile(path,
             "WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k "
             "WHERE i < " +
                 std::to_string(n - 1) +
                 ") INSERT INTO event_index(run, key, sequence) "
                 "SELECT 1 + i % 3, i - " +
                 std::to_string(n / 2) + " - (i % 5 = 4), i + 1 FROM k;");
  return path;
}

StatusOr<std::unique_ptr<EventKeyFilter>> Finish(EventKeyFilterBuild& build) {
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!build.done() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return build.Take();
}

TEST(EventKeyFilterBuildTest, EveryEntryIsReadOnceAcrossSlices) {
  TempDir dir;
  constexpr int kEntries = 1000;
  const std::string path = LogWithIndexEntries(dir, kEntries);
  ASSERT_EQ(QueryInt(path, "SELECT count(*) FROM event_index"), kEntries);
  // Slices of 7 end inside runs of a shared key too.
  for (int slice : {1, 7, kEntries, 1 << 18}) {
    SCOPED_TRACE(slice);
    EventKeyFilterBuild build(path, kEntries, slice);
    StatusOr<std::unique_ptr<EventKeyFilter>> filter = Finish(build);
    ASSERT_TRUE(filter.ok()) << filter.status().ToString();
    EXPECT_EQ((*filter)->added(), static_cast<size_t>(kEntries));
    for (int i = 0; i < kEntries; ++i) {
      EXPECT_TRUE((*filter)->MayContain(i - kEntries / 2 - (i % 5 == 4)));
    }
  }
}

TEST(EventKeyFilterBuildTest, MissingLogIsAnError) {
  TempDir dir;
  EventKeyFilterBuild build(dir.File("absent.sqlite"), 100);
  StatusOr<std::unique_ptr<EventKeyFilter>> filter = Finish(build);
  EXPECT_FALSE(filter.ok());
}

}  // namespace
}  // namespace samverkan::gateway
