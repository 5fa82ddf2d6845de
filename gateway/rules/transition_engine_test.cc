// The engine over time and beside a shadow rule set: handovers escalate once
// when their deadline passes and not before; reminders fire on their day
// only while the risk stands; a shadow rule set with one changed threshold
// records a different decision and changes nothing that is enforced.
#include "gateway/rules/transition_engine.h"

#include <gtest/gtest.h>

#include "gateway/rules/ledger_view.h"
#include "gateway/testing/rule_events.h"
#include "gateway/testing/test_rules.h"

namespace samverkan::gateway {
namespace {

using testing::AeGranted;
using testing::Event;
using testing::kRuleToday;
using testing::RulePlan;

class TransitionEngineTest : public ::testing::Test {
 protected:
  explicit TransitionEngineTest(std::shared_ptr<const RuleSet> shadow = nullptr)
      : engine_(testing::ShippedRuleSet(), std::move(shadow)) {}

  TransitionEngine::Decision Apply(const v1::Envelope& e,
                                   CivilDate today = kRuleToday) {
    EXPECT_FALSE(engine_.Check(ledgers_, e)) << e.ShortDebugString();
    return engine_.Apply(ledgers_, e, ++sequence_, today);
  }

  std::vector<std::pair<std::string, RuleEffects>> Tick(CivilDate today) {
    return engine_.FireDue(ledgers_, today, sequence_);
  }

  TransitionEngine engine_;
  LedgerBook ledgers_;
  uint64_t sequence_ = 0;
};

TEST_F(TransitionEngineTest, HandoverEscalatesOnceAfterItsDeadline) {
  Apply(RulePlan());
  Apply(Event("af",
              "programme_started { programme_id: \"p1\" kind: "
              "ARBETSTRANING period { start @2026-01-10 } }"));
  Apply(Event("af", "aktivitetsstod_decided { period { start @2026-01-10 } }"));
  auto d = Apply(Event("region",
                       "health_deteriorated { observed_on @2026-03-01 "
                       "work_capacity_affected: true }"));
  ASSERT_EQ(d.effects.opened.size(), 1u);
  const std::string id = d.effects.opened[0].opened().handover_id();
  // Deadline 2026-03-16: nothing on the day itself.
  EXPECT_TRUE(Tick({2026, 3, 16}).empty());
  auto fired = Tick({2026, 3, 17});
  ASSERT_EQ(fired.size(), 1u);
  EXPECT_EQ(fired[0].first, "p-1");
  ASSERT_EQ(fired[0].second.escalated.size(), 1u);
  const v1::HandoverEscalated& x = fired[0].second.escalated[0];
  EXPECT_EQ(x.handover_id(), id);
  EXPECT_EQ(x.rule_id(), d.effects.opened[0].opened().rule_id());
  EXPECT_EQ(x.to_organisation(),
            d.effects.opened[0].opened().to_organisation());
  EXPECT_EQ(Format(x.deadline()), "2026-03-16");
  ASSERT_EQ(fired[0].second.alerts.size(), 1u);
  EXPECT_EQ(fired[0].second.alerts[0].severity, v1::CRITICAL);
  EXPECT_EQ(fired[0].second.alerts[0].handover_id, id);
  EXPECT_NE(fired[0].second.alerts[0].sentence.find("Overdue since 2026-03-16"),
            std::string::npos);
  EXPECT_TRUE(Tick({2026, 3, 18}).empty());
  EXPECT_TRUE(Tick({2026, 6, 1}).empty());
  // Granting försörjningsstöd still closes the escalated handover.
  auto closed = Apply(Event("kommun",
                            "forsorjningsstod_granted { period { start "
                            "@2026-03-20 } }"),
                      {2026, 3, 20});
  ASSERT_EQ(closed.effects.closed.size(), 1u);
  EXPECT_EQ(closed.effects.closed[0].handover_id(), id);
  EXPECT_TRUE(ledgers_.Get("p-1").handovers().empty());
}

TEST_F(TransitionEngineTest, ClosedBeforeTheDeadlineNeverEscalates) {
  Apply(RulePlan());
  Apply(AeGranted("2026-01-01", "2028-12-31"));
  auto d = Apply(Event("af",
                       "employment_started { employment_id: \"e1\" "
                       "form: REGULAR start_date @2026-04-01 }"));
  ASSERT_EQ(d.effects.opened.size(), 1u);
  Apply(Event("fk",
              "vilande_granted { benefit: DORMANT_AKTIVITETSERSATTNING "
              "period { start @2026-04-01 end @2027-03-31 } }"));
  EXPECT_TRUE(Tick({2026, 5, 1}).empty());
}

TEST_F(TransitionEngineTest, AePeriodReminderFiresOnItsDayOnlyWhileGranted) {
  Apply(RulePlan());
  Apply(AeGranted("2026-01-01", "2027-12-31"));
  // Six months ahead of 2027-12-31.
  EXPECT_TRUE(Tick({2027, 6, 29}).empty());
  auto fired = Tick({2027, 6, 30});
  ASSERT_EQ(fired.size(), 1u);
  ASSERT_EQ(fired[0].second.alerts.size(), 1u);
  EXPECT_EQ(fired[0].second.alerts[0].rule_id, "ae_period_ending");
  EXPECT_EQ(fired[0].second.alerts[0].deadline, (CivilDate{2027, 12, 31}));
  EXPECT_EQ(fired[0].second.alerts[0].also_notify,
            std::vector<std::string>{"fk"});
  EXPECT_TRUE(Tick({2027, 7, 1}).empty());

  // Ended before its reminder: the reminder stays silent (the income gap
  // the ending opens escalates, which is another rule).
  Apply(AeGranted("2028-01-01", "2028-12-31"));
  Apply(Event("fk", "aktivitetsersattning_ended { ended_on @2028-03-01 }"));
  for (const auto& [participant, effects] : Tick({2028, 12, 1})) {
    for (const RaisedAlert& a : effects.alerts) {
      EXPECT_NE(a.rule_id, "ae_period_ending");
      EXPECT_EQ(a.rule_id, "income_gap");
    }
  }
}

TEST_F(TransitionEngineTest, SicknessRemindersFireOnlyWhileStillSick) {
  Apply(RulePlan());
  Apply(Event("af",
              "programme_started { programme_id: \"p1\" kind: SIUS "
              "period { start @2026-01-10 } }"));
  Apply(Event("af",
              "sickness_reported_during_programme { programme_id: "
              "\"p1\" first_day @2026-03-02 }"));
  // Certificate due after 7 days, removal after 30.
  EXPECT_TRUE(Tick({2026, 3, 8}).empty());
  auto day7 = Tick({2026, 3, 9});
  ASSERT_EQ(day7.size(), 1u);
  ASSERT_EQ(day7[0].second.alerts.size(), 1u);
  EXPECT_EQ(day7[0].second.alerts[0].rule_id, "programme_sickness_certificate");
  EXPECT_NE(day7[0].second.alerts[0].sentence.find("during SIUS since"),
            std::string::npos)
      << day7[0].second.alerts[0].sentence;
  auto day30 = Tick({2026, 4, 1});
  ASSERT_EQ(day30.size(), 1u);
  ASSERT_EQ(day30[0].second.alerts.size(), 1u);
  EXPECT_EQ(day30[0].second.alerts[0].rule_id, "programme_sickness_removal");
  EXPECT_EQ(day30[0].second.alerts[0].severity, v1::CRITICAL);

  // Recovered, or certified, in time: the reminders stay silent.
  Apply(Event("af",
              "programme_started { programme_id: \"p2\" kind: SIUS "
              "period { start @2026-05-01 } }"));
  Apply(Event("af",
              "sickness_reported_during_programme { programme_id: "
              "\"p2\" first_day @2026-05-04 certificate_received: "
              "true }"));
  Apply(Event("region", "health_improved { observed_on @2026-05-20 }"));
  EXPECT_TRUE(Tick({2026, 7, 1}).empty());
}

std::shared_ptr<const RuleSet> ShadowWith(void (*change)(RuleSet&)) {
  RuleSet shadow = *testing::ShippedRuleSet();
  shadow.version = "2027.1-shadow";
  change(shadow);
  return std::make_shared<const RuleSet>(std::move(shadow));
}

class ShadowGradesTest : public TransitionEngineTest {
 protected:
  ShadowGradesTest()
      : TransitionEngineTest(ShadowWith([](RuleSet& r) {
          r.ae_grades_percent = {50, 75, 100};
        })) {}
};

TEST_F(ShadowGradesTest, ShadowRejectionIsRecordedNotEnforced) {
  Apply(RulePlan());
  auto d = Apply(AeGranted("2026-01-01", "2027-12-31", 25));
  ASSERT_TRUE(d.shadow);
  EXPECT_EQ(d.shadow->event_sequence(), 2u);
  EXPECT_EQ(d.shadow->payload_type(), "aktivitetsersattning_granted");
  EXPECT_EQ(d.shadow->enforced().rule_set_version(), "2026.1");
  EXPECT_EQ(d.shadow->enforced().rejected_by_rule(), "");
  EXPECT_EQ(d.shadow->shadow().rule_set_version(), "2027.1-shadow");
  EXPECT_EQ(d.shadow->shadow().rejected_by_rule(), "ae.grade");
  // Enforced: the grant stands.
  EXPECT_EQ(ledgers_.Get("p-1").aktivitetsersattning().status(),
            v1::LEDGER_ACTIVE);
  // Where both agree, nothing is recorded.
  EXPECT_FALSE(
      Apply(Event("kommun", "ips_enrolled { enrolled_on @2026-03-01 }"))
          .shadow);
}

class ShadowDeadlineTest : public TransitionEngineTest {
 protected:
  ShadowDeadlineTest()
      : TransitionEngineTest(ShadowWith([](RuleSet& r) {
          r.income_gap_handover_deadline_days = 7;
          r.ae_max_decision_period_months = 48;
        })) {}
};

TEST_F(ShadowDeadlineTest, ChangedThresholdShowsAsADifferentDecision) {
  Apply(RulePlan());
  Apply(Event("fk", "sjukersattning_applied { applied_on @2026-02-01 }"));
  auto d =
      Apply(Event("fk", "sjukersattning_refused { decided_on @2026-03-02 }"));
  ASSERT_EQ(d.effects.opened.size(), 1u);
  EXPECT_EQ(d.effects.opened[0].opened().deadline().day(), 16);  // 14 days
  ASSERT_TRUE(d.shadow);
  ASSERT_EQ(d.shadow->enforced().handovers_size(), 1);
  EXPECT_EQ(d.shadow->enforced().handovers(0), "income_gap kommun 2026-03-16");
  ASSERT_EQ(d.shadow->shadow().handovers_size(), 1);
  EXPECT_EQ(d.shadow->shadow().handovers(0), "income_gap kommun 2026-03-09");
  // The enforced handover keeps the enforced deadline.
  ASSERT_EQ(ledgers_.Get("p-1").handovers_size(), 1);
  EXPECT_EQ(ledgers_.Get("p-1").handovers(0).opened().deadline().day(), 16);

  // Rejected by the enforced set, accepted by the shadow: recorded too.
  const v1::Envelope long_ae = AeGranted("2026-04-01", "2029-12-31");
  std::optional<RuleViolation> v = engine_.Check(ledgers_, long_ae);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->rule_id, "ae.period");
  auto shadow = engine_.ShadowOfRejected(ledgers_, long_ae, *v, kRuleToday);
  ASSERT_TRUE(shadow);
  EXPECT_EQ(shadow->event_sequence(), 0u);
  EXPECT_EQ(shadow->enforced().rejected_by_rule(), "ae.period");
  EXPECT_EQ(shadow->shadow().rejected_by_rule(), "");
}

}  // namespace
}  // namespace samverkan::gateway
