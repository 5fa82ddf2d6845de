// The wording every agency shares: its own plan actions and handovers given
// to it are to do; others' are for information.
#include "services/agency/caseworker_action.h"

#include <gtest/gtest.h>

namespace samverkan::agency {
namespace {

TEST(CaseworkerActionTest, OwnPlanActionsAndHandoversAreToDo) {
  v1::Envelope e;
  e.set_participant_id("p-1");
  v1::PlanActionAdded* a = e.mutable_plan_action_added();
  a->set_plan_id("sip-1");
  a->set_kind("meeting");
  a->set_responsible_organisation("region-orebro");
  a->mutable_due()->set_year(2026);
  a->mutable_due()->set_month(9);
  a->mutable_due()->set_day(15);
  EXPECT_EQ(CommonAction(e, "region-orebro"),
            "Plan action 'meeting' in sip-1 for p-1 is yours, due 2026-09-15.");
  EXPECT_EQ(CommonAction(e, "arbetsformedlingen"), "");

  v1::Envelope h;
  h.set_participant_id("p-1");
  h.mutable_handover_opened()->set_rule_id("some_rule");
  h.mutable_handover_opened()->set_to_organisation("region-orebro");
  h.mutable_handover_opened()->set_sentence("Act.");
  EXPECT_EQ(CommonAction(h, "region-orebro"),
            "Handover some_rule to you for p-1: Act.");
  EXPECT_EQ(CommonAction(h, "kommun-orebro"), "");
  EXPECT_EQ(HandoverTo(h, "kommun-orebro"), nullptr);
}

TEST(CaseworkerActionTest, EscalationsAreToDoAndEventsForInformation) {
  v1::Envelope e;
  e.set_participant_id("p-1");
  e.mutable_handover_escalated()->set_handover_id("h-1");
  e.mutable_handover_escalated()->set_sentence("Deadline passed.");
  EXPECT_EQ(CommonAction(e, "kommun-orebro"),
            "Escalated handover h-1 for p-1: Deadline passed.");
  v1::Envelope job;
  job.mutable_employment_started();
  EXPECT_EQ(CommonAction(job, "kommun-orebro"), "");
  EXPECT_EQ(DateText(v1::Date()), "");
}

}  // namespace
}  // namespace samverkan::agency
