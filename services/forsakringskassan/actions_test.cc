// FK's case workers see the vilande decisions that are theirs to make.
#include "services/forsakringskassan/actions.h"

#include <gtest/gtest.h>

namespace samverkan::forsakringskassan {
namespace {

v1::Envelope Handover(const std::string& rule, const std::string& to) {
  v1::Envelope e;
  e.set_participant_id("p-cecilia");
  v1::HandoverOpened* h = e.mutable_handover_opened();
  h->set_rule_id(rule);
  h->set_to_organisation(to);
  h->mutable_deadline()->set_year(2026);
  h->mutable_deadline()->set_month(10);
  h->mutable_deadline()->set_day(31);
  h->set_sentence("A job starts on 2026-11-01 while AE is paid.");
  return e;
}

TEST(ForsakringskassanActionTest, VilandeDecisionIsDue) {
  EXPECT_EQ(ForsakringskassanAction(
                Handover("work_without_vilande", "forsakringskassan"),
                "forsakringskassan"),
            "A vilande decision is due by 2026-10-31 for p-cecilia: A job "
            "starts on 2026-11-01 while AE is paid.");
  EXPECT_EQ(
      ForsakringskassanAction(Handover("vilande_returns", "forsakringskassan"),
                              "forsakringskassan")
          .rfind("The vilande benefit returns for p-cecilia", 0),
      0u);
}

TEST(ForsakringskassanActionTest, OthersHandoversAndEventsAreInformation) {
  EXPECT_EQ(ForsakringskassanAction(Handover("income_gap", "kommun-orebro"),
                                    "forsakringskassan"),
            "");
  v1::Envelope job;
  job.mutable_employment_started();
  EXPECT_EQ(ForsakringskassanAction(job, "forsakringskassan"), "");
}

}  // namespace
}  // namespace samverkan::forsakringskassan
