// The transition stage turns a state-rule violation into INVALID_TRANSITION
// with the rule's sentence and lets everything else through; the rules
// themselves have their own table (gateway/rules/state_rules_test.cc).
#include "gateway/stages/transition_stage.h"

#include <gtest/gtest.h>

#include "gateway/testing/rule_events.h"
#include "gateway/testing/test_rules.h"
#include "gateway/testing/verdict_rows.h"

namespace samverkan::gateway {
namespace {

using testing::Event;

TEST(TransitionStageTest, OneRowPerOutcome) {
  ManualClock clock(testing::MicrosAt(testing::kRuleToday));
  ParticipantState state(&clock);
  TransitionEngine engine(testing::ShippedRuleSet(), nullptr);
  engine.Apply(state.mutable_ledgers(), testing::RulePlan(), 1,
               testing::kRuleToday);
  const std::vector<testing::VerdictRow> kRows = {
      {"a valid grant", testing::AeGranted("2026-01-01", "2026-12-31"),
       v1::REJECTION_CODE_UNSPECIFIED, ""},
      {"vilande without the benefit",
       Event("fk",
             "vilande_granted { benefit: DORMANT_AKTIVITETSERSATTNING "
             "period { start @2026-04-01 end @2027-03-31 } }"),
       v1::INVALID_TRANSITION,
       "vilande needs an active aktivitetsersättning to make dormant; the "
       "participant has none (rule vilande.without_benefit, rule set 2026.1)"},
      {"an event no rule is about",
       Event("region", "inpatient_discharged { discharged_on @2026-03-01 }"),
       v1::REJECTION_CODE_UNSPECIFIED, ""},
  };
  TransitionStage stage(&engine, &state);
  testing::ExpectVerdicts(stage, kRows);
}

}  // namespace
}  // namespace samverkan::gateway
