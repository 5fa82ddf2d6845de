// Backpressure at the door: the queue's two limits, and a refused connection
// kept in order until it resends what was refused first.
#include "gateway/ingress_admission.h"

#include <gtest/gtest.h>

namespace samverkan::gateway {
namespace {

using std::chrono::seconds;
using TimePoint = IngressAdmission::TimePoint;

IngressAdmission::Limits Limits(size_t submissions, size_t bytes) {
  IngressAdmission::Limits l;
  l.max_submissions = submissions;
  l.max_bytes = bytes;
  l.forget_after = seconds(30);
  return l;
}

const TimePoint kStart{};

TEST(IngressAdmissionTest, EachLimitRefusesWhatDoesNotFit) {
  struct Row {
    const char* name;
    size_t max_submissions;
    size_t max_bytes;
    std::vector<size_t> sizes;  // from distinct connections, in order
    std::vector<bool> admitted;
  };
  for (const Row& row : std::vector<Row>{
           {"room for all", 3, 100, {10, 10, 10}, {true, true, true}},
           {"count full", 2, 100, {10, 10, 10}, {true, true, false}},
           {"bytes full", 10, 25, {10, 10, 10}, {true, true, false}},
           {"a smaller one still fits",
            10,
            25,
            {10, 10, 10, 5},
            {true, true, false, true}},
           {"an empty queue takes one of any size",
            10,
            25,
            {40, 1},
            {true, false}},
       }) {
    IngressAdmission a(Limits(row.max_submissions, row.max_bytes));
    for (size_t i = 0; i < row.sizes.size(); ++i) {
      EXPECT_EQ(a.Admit("c" + std::to_string(i), std::string(row.sizes[i], 'x'),
                        kStart),
                row.admitted[i])
          << row.name << ", submission " << i;
    }
  }
}

TEST(IngressAdmissionTest, ReleaseMakesRoom) {
  IngressAdmission a(Limits(1, 100));
  ASSERT_TRUE(a.Admit("a", "first", kStart));
  EXPECT_FALSE(a.Admit("b", "second", kStart));
  a.Release(5);
  EXPECT_EQ(a.submissions(), 0u);
  EXPECT_EQ(a.bytes(), 0u);
  EXPECT_TRUE(a.Admit("b", "second", kStart));
}

TEST(IngressAdmissionTest, RefusedConnectionStaysInOrderUntilItResends) {
  IngressAdmission a(Limits(1, 100));
  ASSERT_TRUE(a.Admit("pub", "e1", kStart));
  EXPECT_FALSE(a.Admit("pub", "e2", kStart));  // full: e2 refused
  a.Release(2);
  // Room again, but e3 was sent after e2 and must not overtake it.
  EXPECT_FALSE(a.Admit("pub", "e3", kStart));
  EXPECT_EQ(a.refusing(), 1u);
  // Another connection is not held back by pub's refusal.
  EXPECT_TRUE(a.Admit("other", "o1", kStart));
  a.Release(2);
  // The resend of e2 ends the refusal; e3 may follow it.
  EXPECT_TRUE(a.Admit("pub", "e2", kStart));
  EXPECT_EQ(a.refusing(), 0u);
  a.Release(2);
  EXPECT_TRUE(a.Admit("pub", "e3", kStart));
}

TEST(IngressAdmissionTest, ResendThatStillDoesNotFitKeepsTheRefusal) {
  IngressAdmission a(Limits(1, 100));
  ASSERT_TRUE(a.Admit("other", "o1", kStart));
  EXPECT_FALSE(a.Admit("pub", "e1", kStart));
  EXPECT_FALSE(a.Admit("pub", "e1", kStart + seconds(20)));  // still full
  a.Release(2);
  EXPECT_FALSE(a.Admit("pub", "e2", kStart + seconds(40)));  // e1 first
  EXPECT_TRUE(a.Admit("pub", "e1", kStart + seconds(40)));
}

TEST(IngressAdmissionTest, ConnectionThatNeverResendsIsForgiven) {
  IngressAdmission a(Limits(1, 100));
  ASSERT_TRUE(a.Admit("other", "o1", kStart));
  EXPECT_FALSE(a.Admit("pub", "e1", kStart));
  a.Release(2);
  EXPECT_FALSE(a.Admit("pub", "e2", kStart + seconds(30)));
  EXPECT_TRUE(a.Admit("pub", "e2", kStart + seconds(31)));
  EXPECT_EQ(a.refusing(), 0u);
}

}  // namespace
}  // namespace samverkan::gateway
