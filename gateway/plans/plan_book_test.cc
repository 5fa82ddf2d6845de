// Plan projection: one open plan per participant, coordinator among parties.
#include "gateway/plans/plan_book.h"

#include <gtest/gtest.h>

namespace samverkan::gateway {
namespace {

v1::Envelope Opened(const std::string& participant, const std::string& plan,
                    const std::string& coordinator) {
  v1::Envelope e;
  e.set_participant_id(participant);
  auto* o = e.mutable_plan_opened();
  o->set_plan_id(plan);
  o->set_coordinating_organisation(coordinator);
  for (const char* org : {"kommun", "region"}) {
    auto* p = o->add_parties();
    p->set_organisation(org);
  }
  return e;
}

v1::Envelope Closed(const std::string& participant, const std::string& plan) {
  v1::Envelope e;
  e.set_participant_id(participant);
  e.mutable_plan_closed()->set_plan_id(plan);
  return e;
}

TEST(PlanBookTest, OpenCloseReopen) {
  PlanBook book;
  EXPECT_EQ(book.OpenPlan("p-1"), nullptr);
  ASSERT_TRUE(book.Apply(Opened("p-1", "sip-1", "kommun"), 3).ok());
  const Plan* plan = book.OpenPlan("p-1");
  ASSERT_NE(plan, nullptr);
  EXPECT_EQ(plan->coordinating_organisation, "kommun");
  EXPECT_TRUE(plan->HasParty("region"));
  EXPECT_FALSE(plan->HasParty("af"));
  EXPECT_EQ(plan->opened_at_sequence, 3u);
  ASSERT_TRUE(book.Apply(Closed("p-1", "sip-1"), 9).ok());
  EXPECT_EQ(book.OpenPlan("p-1"), nullptr);
  EXPECT_TRUE(book.Apply(Opened("p-1", "sip-2", "region"), 12).ok());
}

TEST(PlanBookTest, ImpossibleStepsAreRefusedWithASentence) {
  PlanBook book;
  ASSERT_TRUE(book.Apply(Opened("p-1", "sip-1", "kommun"), 1).ok());
  struct Row {
    v1::Envelope event;
    const char* sentence_part;
  };
  const Row kRows[] = {
      {Opened("p-1", "sip-9", "kommun"), "already has the open plan sip-1"},
      {Opened("p-2", "sip-2", "af"), "must be one of the plan's parties"},
      {Closed("p-1", "sip-7"), "has no open plan sip-7"},
      {Closed("p-3", "sip-3"), "has no open plan sip-3"},
  };
  for (const Row& row : kRows) {
    Status s = book.CheckApplicable(row.event);
    ASSERT_FALSE(s.ok()) << row.sentence_part;
    EXPECT_NE(s.message().find(row.sentence_part), std::string::npos)
        << s.message();
  }
}

}  // namespace
}  // namespace samverkan::gateway
