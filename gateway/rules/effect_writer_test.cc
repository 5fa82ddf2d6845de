// EffectWriter: what a rule decides lands in its effects and in the
// participant's ledger alike, addressed to the plan's parties, with ids
// that stay the same when the same trigger is evaluated again.
#include "gateway/rules/effect_writer.h"

#include <gtest/gtest.h>

#include "gateway/rules/ledger_view.h"
#include "gateway/testing/test_rules.h"

namespace samverkan::gateway {
namespace {

v1::ParticipantLedger PlanWithParties() {
  v1::ParticipantLedger l;
  l.set_coordinating_organisation("kommun");
  for (const auto& [org, kind] : {std::pair{"kommun", v1::MUNICIPALITY},
                                  std::pair{"fk", v1::FORSAKRINGSKASSAN},
                                  std::pair{"af", v1::ARBETSFORMEDLINGEN}}) {
    v1::PlanParty& p = *l.add_parties();
    p.set_organisation(org);
    p.set_kind(kind);
  }
  return l;
}

class EffectWriterTest : public ::testing::Test {
 protected:
  std::shared_ptr<const RuleSet> rules_ = testing::ShippedRuleSet();
  v1::ParticipantLedger ledger_ = PlanWithParties();
  RuleEffects effects_;
  EffectWriter writer_{*rules_, &ledger_, &effects_};
};

TEST_F(EffectWriterTest,
       AlertNotifiesThePartiesOfTheKindsButNotTheCoordinator) {
  RaisedAlert& a = writer_.Alert(
      "income_gap", v1::CRITICAL, "No income from 1 April.",
      CivilDate{2026, 4, 1}, {7, 9},
      {v1::FORSAKRINGSKASSAN, v1::MUNICIPALITY, v1::REGION_PSYCHIATRY});
  ASSERT_EQ(effects_.alerts.size(), 1u);
  EXPECT_EQ(&a, &effects_.alerts[0]);
  EXPECT_EQ(a.rule_id, "income_gap");
  EXPECT_EQ(a.based_on_sequences, (std::vector<uint64_t>{7, 9}));
  // The municipality coordinates; psychiatry takes no part in this plan.
  EXPECT_EQ(a.also_notify, std::vector<std::string>{"fk"});
  EXPECT_TRUE(ledger_.handovers().empty());
}

TEST_F(EffectWriterTest, HandoverGoesIntoTheLedgerAndRaisesItsAlert) {
  writer_.Handover("work_without_vilande", "event-1", "af",
                   v1::FORSAKRINGSKASSAN, {"vilande_granted"},
                   CivilDate{2026, 4, 15}, v1::WARNING, "Decide on vilande.",
                   {3});
  ASSERT_EQ(effects_.opened.size(), 1u);
  ASSERT_EQ(ledger_.handovers_size(), 1);
  const v1::HandoverOpened& o = ledger_.handovers(0).opened();
  EXPECT_EQ(o.handover_id(), effects_.opened[0].opened().handover_id());
  EXPECT_EQ(o.to_organisation(), "fk");
  EXPECT_EQ(o.rule_set_version(), rules_->version);
  EXPECT_EQ(Format(o.deadline()), "2026-04-15");
  ASSERT_EQ(effects_.alerts.size(), 1u);
  EXPECT_EQ(effects_.alerts[0].handover_id, o.handover_id());
  EXPECT_EQ(effects_.alerts[0].also_notify, std::vector<std::string>{"fk"});
}

TEST_F(EffectWriterTest, IdsFollowTheTriggerAndTheRule) {
  writer_.Handover("sgi_endangered", "event-1", "af", v1::FORSAKRINGSKASSAN, {},
                   CivilDate{2026, 4, 15}, v1::WARNING, "s", {1});
  writer_.Handover("sgi_endangered", "event-1", "af", v1::FORSAKRINGSKASSAN, {},
                   CivilDate{2026, 4, 15}, v1::WARNING, "s", {1});
  writer_.Handover("sgi_endangered", "event-2", "af", v1::FORSAKRINGSKASSAN, {},
                   CivilDate{2026, 4, 15}, v1::WARNING, "s", {1});
  ASSERT_EQ(ledger_.handovers_size(), 3);
  const auto id = [&](int i) {
    return ledger_.handovers(i).opened().handover_id();
  };
  EXPECT_EQ(id(0), id(1));
  EXPECT_NE(id(0), id(2));
  EXPECT_EQ(id(0).rfind("ho-", 0), 0u);
  EXPECT_EQ(id(0), DerivedId("ho-", "event-1", "sgi_endangered"));
}

TEST_F(EffectWriterTest, DropRemindersRemovesOnlyTheNamedRules) {
  writer_.Remind("ae_ends_at_30", "event-1", CivilDate{2026, 9, 1},
                 CivilDate{2026, 12, 31}, 4);
  writer_.Remind("ae_period_ending", "event-1", CivilDate{2026, 10, 1},
                 CivilDate{2026, 12, 31}, 4);
  writer_.Remind("programme_sickness_removal", "event-2", CivilDate{2026, 5, 1},
                 CivilDate{2026, 5, 1}, 5);
  ASSERT_EQ(effects_.scheduled.size(), 3u);
  ASSERT_EQ(ledger_.reminders_size(), 3);

  writer_.DropReminders({"ae_ends_at_30", "ae_period_ending"});

  ASSERT_EQ(ledger_.reminders_size(), 1);
  EXPECT_EQ(ledger_.reminders(0).rule_id(), "programme_sickness_removal");
  EXPECT_EQ(Format(ledger_.reminders(0).fire_on()), "2026-05-01");
  // What was scheduled stays reported: shadow comparisons read it.
  EXPECT_EQ(effects_.scheduled.size(), 3u);
}

}  // namespace
}  // namespace samverkan::gateway
