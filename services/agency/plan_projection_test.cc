// Plans from plan_opened / plan_closed deliveries; applying twice is a no-op.
#include "services/agency/plan_projection.h"

#include <gtest/gtest.h>

#include "common/testing/temp_dir.h"

namespace samverkan::agency {
namespace {

v1::Delivery Opened(const std::string& plan, uint64_t log_sequence) {
  v1::Delivery d;
  d.set_log_sequence(log_sequence);
  v1::Envelope* e = d.mutable_envelope();
  e->set_participant_id("p-" + plan);
  v1::PlanOpened* p = e->mutable_plan_opened();
  p->set_plan_id(plan);
  p->set_coordinating_organisation("kommun-orebro");
  for (const char* org : {"kommun-orebro", "forsakringskassan"}) {
    p->add_parties()->set_organisation(org);
  }
  return d;
}

TEST(PlanProjectionTest, OpensClosesAndListsOpenFirst) {
  testing::TempDir dir;
  const std::string path = dir.File("agency.sqlite");
  {
    auto db = SqliteDb::Open(path);
    auto plans = PlanProjection::Open(**db);
    ASSERT_TRUE((*plans)->Apply(Opened("sip-a", 3)).ok());
    ASSERT_TRUE((*plans)->Apply(Opened("sip-b", 5)).ok());
    v1::Delivery closed;
    closed.set_log_sequence(9);
    closed.mutable_envelope()->mutable_plan_closed()->set_plan_id("sip-a");
    closed.mutable_envelope()->mutable_plan_closed()->set_reason("job found");
    ASSERT_TRUE((*plans)->Apply(closed).ok());
    ASSERT_TRUE((*plans)->Apply(closed).ok());  // handed out again
    v1::Delivery other;
    other.mutable_envelope()->mutable_ips_enrolled();
    ASSERT_TRUE((*plans)->Apply(other).ok());
  }
  auto db = SqliteDb::Open(path);
  auto plans = PlanProjection::Open(**db);
  auto rows = (*plans)->List();
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].plan_id, "sip-b");
  EXPECT_TRUE((*rows)[0].open);
  EXPECT_EQ((*rows)[0].parties, "kommun-orebro, forsakringskassan");
  EXPECT_EQ((*rows)[1].plan_id, "sip-a");
  EXPECT_FALSE((*rows)[1].open);
  EXPECT_EQ((*rows)[1].closed_reason, "job found");
  EXPECT_EQ((*rows)[1].updated_at_log_sequence, 9u);
  EXPECT_EQ(DescribePlan((*rows)[1]),
            "sip-a  p-sip-a  closed (job found)  coordinator kommun-orebro  "
            "parties kommun-orebro, forsakringskassan  (log #3)");
}

}  // namespace
}  // namespace samverkan::agency
