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
  long at_us = 0;  // after kT0; only for kAnswered
};

struct Row {
  const char* rule;
  std::vector<Step> steps;
  long asked_at_us;
  long hold_until_us;  // -1: no hold
  size_t expected;
  microseconds window = kWindow;
  // How long the last batch took; long enough not to matter unless set.
  microseconds last_commit = microseconds(5000);
};

TEST(CommitGatherTest, HoldsOnlyForConnectionsExpectedBack) {
  const std::vector<Row> rows = {
      {"nobody answered: no hold", {}, 0, -1, 0},
      {"an answered connection is expected back for the window",
       {{Op::kAnswered, "a", 0}},
       100,
       1000,
       1},
      {"one that is back is no longer waited for",
       {{Op::kAnswered, "a", 0}, {Op::kQueued, "a"}},
       100,
       -1,
       0},
      {"the window ends the wait", {{Op::kAnswered, "a", 0}}, 1000, -1, 0},
      {"a pipelining connection with submissions still queued is not "
       "waited for",
       {{Op::kQueued, "a"},
        {Op::kQueued, "a"},
        {Op::kDecided, "a"},
        {Op::kAnswered, "a", 0}},
       100,
       -1,
       0},
      {"once its queue is empty, it is",
       {{Op::kQueued, "a"}, {Op::kDecided, "a"}, {Op::kAnswered, "a", 0}},
       100,
       1000,
       1},
      {"the hold lasts until the latest answered one is due",
       {{Op::kAnswered, "a", 0}, {Op::kAnswered, "b", 600}},
       700,
       1600,
       2},
      {"an earlier one drops out when its own window ends",
       {{Op::kAnswered, "a", 0}, {Op::kAnswered, "b", 600}},
       1100,
       1600,
       1},
      {"deciding more than was queued is harmless",
       {{Op::kDecided, "a"}, {Op::kAnswered, "a", 0}},
       100,
       1000,
       1},
      {"a zero window never holds",
       {{Op::kAnswered, "a", 0}},
       0,
       -1,
       0,
       microseconds(0)},
      {"a hold lasts no longer than the last batch took",
       {{Op::kAnswered, "a", 0}},
       100,
       300,
       1,
       kWindow,
       microseconds(200)},
      {"before any batch is timed, nothing is held",
       {{Op::kAnswered, "a", 0}},
       100,
       -1,
       1,
       kWindow,
       microseconds(0)},
  };
  for (const Row& row : rows) {
    CommitGather gather(row.window);
    gather.Committed(row.last_commit);
    for (const Step& s : row.steps) {
      switch (s.op) {
        case Op::kQueued:
          gather.Queued(s.connection);
          break;
        case Op::kDecided:
          gather.Decided(s.connection);
          break;
        case Op::kAnswered:
          gather.Answered(s.connection, kT0 + microseconds(s.at_us));
          break;
      }
    }
    const Clock::time_point asked = kT0 + microseconds(row.asked_at_us);
    auto hold = gather.HoldUntil(asked);
    if (row.hold_until_us < 0) {
      EXPECT_FALSE(hold.has_value()) << row.rule;
    } else {
      ASSERT_TRUE(hold.has_value()) << row.rule;
      EXPECT_EQ(*hold, kT0 + microseconds(row.hold_until_us)) << row.rule;
    }
    EXPECT_EQ(gather.Expected(asked), row.expected) << row.rule;
  }
}

}  // namespace
}  // namespace samverkan::gateway
