// UNKNOWN_PARTICIPANT, plan membership and plan steps, one row each.
#include "gateway/stages/plan_stage.h"

#include <gtest/gtest.h>

#include "gateway/testing/test_envelopes.h"
#include "gateway/testing/verdict_rows.h"

namespace samverkan::gateway {
namespace {

using testing::MakeEnvelope;
using testing::MakePlanOpened;

TEST(PlanStageTest, OneRowPerRule) {
  ManualClock clock(1795392000LL * 1000000);
  ParticipantState state(&clock);
  ASSERT_TRUE(
      state
          .Apply(MakePlanOpened("p-1", {{"kommun", v1::MUNICIPALITY},
                                        {"region", v1::REGION_PSYCHIATRY}}),
                 1)
          .ok());
  auto from = [](const std::string& org, const std::string& participant) {
    v1::Envelope e = MakeEnvelope(org);
    e.set_participant_id(participant);
    return e;
  };
  v1::Envelope close_wrong = from("kommun", "p-1");
  close_wrong.mutable_plan_closed()->set_plan_id("sip-other");
  v1::Envelope close_right = from("kommun", "p-1");
  close_right.mutable_plan_closed()->set_plan_id("sip-p-1");
  v1::Envelope open_for_others =
      MakePlanOpened("p-2", {{"region", v1::REGION_PSYCHIATRY}});
  open_for_others.set_source_organisation("kommun");

  const std::vector<testing::VerdictRow> kRows = {
      {"party of the open plan", from("region", "p-1"),
       v1::REJECTION_CODE_UNSPECIFIED, ""},
      {"no plan", from("region", "p-2"), v1::UNKNOWN_PARTICIPANT,
       "participant p-2 has no open plan"},
      {"not a party", from("af", "p-1"), v1::NOT_AUTHORISED,
       "af is not a party of sip-p-1"},
      {"second open plan",
       MakePlanOpened("p-1", {{"kommun", v1::MUNICIPALITY}}),
       v1::INVALID_TRANSITION, "already has the open plan sip-p-1"},
      {"opening a plan for others", open_for_others, v1::NOT_AUTHORISED,
       "cannot open a plan it does not take part in"},
      {"closing another plan", close_wrong, v1::INVALID_TRANSITION,
       "no open plan sip-other"},
      {"closing the plan", close_right, v1::REJECTION_CODE_UNSPECIFIED, ""},
      {"consent needs no plan", testing::MakeConsentGranted("af", "p-7", "c-7"),
       v1::REJECTION_CODE_UNSPECIFIED, ""},
  };
  PlanStage stage(&state);
  testing::ExpectVerdicts(stage, kRows);
}

}  // namespace
}  // namespace samverkan::gateway
