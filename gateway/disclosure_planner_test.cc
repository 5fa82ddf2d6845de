// One decision per other party of the plan: delivered redacted, or withheld
// with a reason; none for the source, none without a plan.
#include "gateway/disclosure_planner.h"

#include <gtest/gtest.h>

#include "gateway/testing/test_envelopes.h"

namespace samverkan::gateway {
namespace {

TEST(DisclosurePlannerTest, DecidesPerRecipient) {
  ManualClock clock(1795392000LL * 1000000);
  ParticipantState state(&clock);
  v1::Envelope consent = testing::MakeConsentGranted("kommun", "p-1", "c-1");
  auto* p = consent.mutable_consent_granted()->mutable_provisions(0);
  p->add_recipient_organisations("fk");
  p->add_categories(v1::HEALTH_STATUS);
  ASSERT_TRUE(state.Apply(consent, 1).ok());
  ASSERT_TRUE(state
                  .Apply(testing::MakePlanOpened(
                             "p-1", {{"kommun", v1::MUNICIPALITY},
                                     {"region", v1::REGION_PSYCHIATRY},
                                     {"fk", v1::FORSAKRINGSKASSAN}}),
                         2)
                  .ok());
  v1::Envelope e = testing::MakeEnvelope("region");
  e.set_participant_id("p-1");
  e.mutable_health_deteriorated()->set_diagnosis_code("F32.1");

  DisclosurePlanner planner(&state);
  std::vector<Disclosure> out;
  planner.Decide(e, 4, &out);
  ASSERT_EQ(out.size(), 2u);  // kommun and fk; never the source
  const Disclosure& kommun = out[0];
  EXPECT_EQ(kommun.recipient, "kommun");
  EXPECT_FALSE(kommun.delivered);
  EXPECT_EQ(kommun.record_index, 4u);
  EXPECT_EQ(kommun.withheld_categories, "HEALTH_STATUS,HEALTH_DETAILS");
  EXPECT_EQ(kommun.reason,
            "no active consent lets kommun receive "
            "HEALTH_STATUS,HEALTH_DETAILS from region");
  EXPECT_TRUE(kommun.body.empty());

  const Disclosure& fk = out[1];
  EXPECT_TRUE(fk.delivered);
  EXPECT_EQ(fk.categories, "HEALTH_STATUS");
  EXPECT_EQ(fk.withheld_categories, "HEALTH_DETAILS");
  EXPECT_EQ(fk.consent_ids, "c-1");
  v1::Envelope delivered;
  ASSERT_TRUE(delivered.ParseFromString(fk.body));
  EXPECT_TRUE(delivered.health_deteriorated().work_capacity_affected());
  EXPECT_EQ(delivered.health_deteriorated().diagnosis_code(), "");

  v1::Envelope stranger = e;
  stranger.set_participant_id("p-without-plan");
  out.clear();
  planner.Decide(stranger, 0, &out);
  EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace samverkan::gateway
