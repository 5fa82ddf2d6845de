// The municipality decides on försörjningsstöd when income stops, and
// follows up critical alerts as the coordinator.
#include "services/municipality/actions.h"

#include <gtest/gtest.h>

namespace samverkan::municipality {
namespace {

TEST(MunicipalityActionTest, IncomeGapAsksForAForsorjningsstodDecision) {
  for (const char* rule : {"income_gap", "illness_in_programme"}) {
    v1::Envelope e;
    e.set_participant_id("p-anna");
    v1::HandoverOpened* h = e.mutable_handover_opened();
    h->set_rule_id(rule);
    h->set_to_organisation("kommun-orebro");
    h->mutable_deadline()->set_year(2026);
    h->mutable_deadline()->set_month(11);
    h->mutable_deadline()->set_day(16);
    h->set_sentence("Aktivitetsstöd stopped.");
    EXPECT_EQ(MunicipalityAction(e, "kommun-orebro"),
              "Decide on försörjningsstöd for p-anna by 2026-11-16: "
              "Aktivitetsstöd stopped.");
  }
}

TEST(MunicipalityActionTest, CriticalAlertsAreFollowedUpOthersInformed) {
  v1::Envelope e;
  e.set_participant_id("p-anna");
  e.mutable_alert()->set_severity(v1::CRITICAL);
  e.mutable_alert()->set_sentence("No income.");
  EXPECT_EQ(MunicipalityAction(e, "kommun-orebro"),
            "As coordinator, follow up p-anna: No income.");
  e.mutable_alert()->set_severity(v1::WARNING);
  EXPECT_EQ(MunicipalityAction(e, "kommun-orebro"), "");
}

}  // namespace
}  // namespace samverkan::municipality
