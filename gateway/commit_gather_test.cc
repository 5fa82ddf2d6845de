// CommitGather: one row per rule of who is expected back and for how long.
#include "gateway/commit_gather.h"

#include <gtest/gtest.h>

#include <vector>

namespace samverkan::gateway {
namespace {

using Clock = CommitGather::Clock;
using std::chrono::microseconds;

constexpr microseconds kWindow(1000);
const Clock::time_point kT0 = Clock::time_point() + std::chrono::hours(1);

enum class Op { kQueued, kDecided, kAnswered };
struct Step {
  Op op;
  const char* connection;
  long at_us = 0;  // after kT0; not for kDecided
};

struct Row {
  const char* rule;
  std::vector<Step> steps;
  long asked_at_us;
  long hold_until_us;  // -1: no hold
  microseconds window = kWindow;
  // How long the last batch took; long enough not to matter unless set.
  microseconds last_commit = microseconds(5000);
};

TEST(CommitGatherTest, HoldsOnlyForConnectionsDueBack) {
  const std::vector<Row> rows = {
      {"nobody answered: no hold", {}, 0, -1},
      {"an answered connection is waited for until its window ends",
       {{Op::kAnswered, "a", 0}},
       100,
       1000},
      {"one that is back is no longer waited for",
       {{Op::kAnswered, "a", 0}, {Op::kQueued, "a", 50}},
       100,
       -1},
      {"the window ends the wait", {{Op::kAnswered, "a", 0}}, 1000, -1},
      {"a pipelining connection with submissions still queued is not "
       "waited for",
       {{Op::kQueued, "a", 0},
        {Op::kQueued, "a", 0},
        {Op::kDecided, "a"},
        {Op::kAnswered, "a", 0}},
       100,
       -1},
      {"once its queue is empty, it is",
       {{Op::kQueued, "a", 0}, {Op::kDecided, "a"}, {Op::kAnswered, "a", 0}},
       100,
       1000},
      {"the hold lasts until the latest answered one's window ends",
       {{Op::kAnswered, "a", 0}, {Op::kAnswered, "b", 600}},
       700,
       1600},
      {"deciding more than was queued is harmless",
       {{Op::kDecided, "a"}, {Op::kAnswered, "a", 0}},
       100,
       1000},
      {"a zero window never holds",
       {{Op::kAnswered, "a", 0}},
       0,
       -1,
       microseconds(0)},
      {"a hold lasts no longer than the last batch took",
       {{Op::kAnswered, "a", 0}},
       100,
       300,
       kWindow,
       microseconds(200)},
      {"before any batch is timed, nothing is held",
       {{Op::kAnswered, "a", 0}},
       100,
       -1,
       kWindow,
       microseconds(0)},
      {"one that came back quickly last time is waited for",
       {{Op::kAnswered, "a", 0},
        {Op::kQueued, "a", 100},
        {Op::kDecided, "a"},
        {Op::kAnswered, "a", 1000}},
       1050,
       1250,
       kWindow,
       microseconds(200)},
      {"one that came back later than the hold could last is not",
       {{Op::kAnswered, "a", 0},
        {Op::kQueued, "a", 800},
        {Op::kDecided, "a"},
        {Op::kAnswered, "a", 1000}},
       1100,
       -1,
       kWindow,
       microseconds(200)},
  };
  for (const Row& row : rows) {
    CommitGather gather(row.window);
    gather.Committed(row.last_commit);
    for (const Step& s : row.steps) {
      const Clock::time_point at = kT0 + microseconds(s.at_us);
      switch (s.op) {
        case Op::kQueued:
          gather.Queued(s.connection, at);
          break;
        case Op::kDecided:
          gather.Decided(s.connection);
          break;
        case Op::kAnswered:
          gather.Answered(s.connection, at);
          break;
      }
    }
    const Clock::time_point asked = kT0 + microseconds(row.asked_at_us);
    auto hold = gather.HoldUntil(asked);
    if (row.hold_until_us < 0) {
      EXPECT_FALSE(hold.has_value()) << row.rule;
      continue;
    }
    ASSERT_TRUE(hold.has_value()) << row.rule;
    EXPECT_EQ(*hold, kT0 + microseconds(row.hold_until_us)) << row.rule;
    EXPECT_GT(gather.Due(asked, *hold), 0u) << row.rule;
  }
}

// The wait ends once those due are back, though others were answered too.
TEST(CommitGatherTest, OnlyThoseDueKeepAHoldGoing) {
  CommitGather gather(kWindow);
  gather.Committed(microseconds(200));
  // b came back 800 us after its last answer, a at once.
  gather.Answered("b", kT0);
  gather.Queued("b", kT0 + microseconds(800));
  gather.Decided("b");
  gather.Answered("a", kT0 + microseconds(1000));
  gather.Answered("b", kT0 + microseconds(1000));
  const Clock::time_point now = kT0 + microseconds(1010);
  auto hold = gather.HoldUntil(now);
  ASSERT_TRUE(hold.has_value());
  EXPECT_EQ(gather.Due(now, *hold), 1u);
  gather.Queued("a", now);
  EXPECT_EQ(gather.Due(now, *hold), 0u);
}

}  // namespace
}  // namespace samverkan::gateway
