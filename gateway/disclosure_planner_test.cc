// One decision per other party of the plan: delivered redacted, or withheld
// with a reason; none for the source, none without a plan.
#include "gateway/disclosure_planner.h"

#include <gtest/gtest.h>

#include "gateway/consent/redactor.h"
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

// Recipients with the same permission share one redaction per event; each
// must still get exactly what redacting for it alone gives, and its own
// consent ids.
TEST(DisclosurePlannerTest, SharedRedactionIsTheSameAsRedactingAlone) {
  ManualClock clock(1795392000LL * 1000000);
  ParticipantState state(&clock);
  // fk and af: everything, under different consents; kommun: status only.
  const std::vector<std::pair<std::string, std::vector<v1::DataCategory>>>
      grants = {{"fk", {}},
                {"af", {}},
                {"kommun", {v1::HEALTH_STATUS}},
                {"region-2", {v1::HEALTH_STATUS}}};
  uint64_t sequence = 0;
  for (const auto& [recipient, categories] : grants) {
    v1::Envelope consent =
        testing::MakeConsentGranted("region", "p-1", "c-" + recipient);
    auto* p = consent.mutable_consent_granted()->mutable_provisions(0);
    p->add_recipient_organisations(recipient);
    for (v1::DataCategory c : categories) p->add_categories(c);
    ASSERT_TRUE(state.Apply(consent, ++sequence).ok());
  }
  ASSERT_TRUE(state
                  .Apply(testing::MakePlanOpened(
                             "p-1", {{"kommun", v1::MUNICIPALITY},
                                     {"region", v1::REGION_PSYCHIATRY},
                                     {"fk", v1::FORSAKRINGSKASSAN},
                                     {"af", v1::ARBETSFORMEDLINGEN},
                                     {"region-2", v1::REGION_PSYCHIATRY},
                                     {"nobody", v1::MUNICIPALITY}}),
                         ++sequence)
                  .ok());
  v1::Envelope e = testing::MakeEnvelope("region");
  e.set_participant_id("p-1");
  e.mutable_health_deteriorated()->set_diagnosis_code("F32.1");
  e.mutable_health_deteriorated()->set_work_capacity_affected(true);

  DisclosurePlanner planner(&state);
  std::vector<Disclosure> out;
  planner.Decide(e, 0, &out);
  ASSERT_EQ(out.size(), 5u);
  for (const Disclosure& d : out) {
    SCOPED_TRACE(d.recipient);
    const Permission permission = state.consents().Permitted(
        "p-1", "region", d.recipient, v1::COORDINATION, state.Today());
    v1::Envelope alone;
    const RedactionResult r = Redact(e, permission.categories, &alone);
    EXPECT_EQ(d.delivered, r.any_payload_field);
    EXPECT_EQ(d.categories, JoinCategories(r.disclosed));
    EXPECT_EQ(d.withheld_categories, JoinCategories(r.withheld));
    if (d.delivered) {
      EXPECT_EQ(d.body, alone.SerializeAsString());
      EXPECT_EQ(d.consent_ids, "c-" + d.recipient);
    } else {
      EXPECT_TRUE(d.body.empty());
      EXPECT_TRUE(d.consent_ids.empty());
    }
  }
  EXPECT_EQ(out[0].recipient, "kommun");
  EXPECT_EQ(out[0].categories, "HEALTH_STATUS");
  EXPECT_EQ(out[1].recipient, "fk");
  EXPECT_EQ(out[1].categories, "HEALTH_STATUS,HEALTH_DETAILS");
  EXPECT_EQ(out[4].recipient, "nobody");
  EXPECT_FALSE(out[4].delivered);
}

TEST(DisclosurePlannerTest, CategoryMaskJoinsLikeTheSet) {
  for (CategoryMask mask : {CategoryMask{0}, CategoryMask{1}, CategoryMask{6},
                            kAllCategories, kAllCategories | 1}) {
    EXPECT_EQ(JoinCategories(mask), JoinCategories(FromCategoryMask(mask)));
  }
}

}  // namespace
}  // namespace samverkan::gateway
