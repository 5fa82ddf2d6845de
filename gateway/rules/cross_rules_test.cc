// Cross-system rules: one row per rule of DESIGN §6 (and the safe variants
// that must raise nothing), each with the ledger built from real events, the
// event, the alerts and handovers it must raise and the sentence a
// coordinator reads. Run through the engine, as the gateway runs them.
#include "gateway/rules/cross_rules.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>

#include "gateway/rules/transition_engine.h"
#include "gateway/testing/rule_events.h"
#include "gateway/testing/test_rules.h"

namespace samverkan::gateway {
namespace {

using testing::AeGranted;
using testing::Event;
using testing::kRuleToday;
using testing::RulePlan;

v1::Envelope Fk(const std::string& p) { return Event("fk", p); }
v1::Envelope Af(const std::string& p) { return Event("af", p); }
v1::Envelope Kommun(const std::string& p) { return Event("kommun", p); }
v1::Envelope Region(const std::string& p) { return Event("region", p); }

const v1::Envelope kJobApril =
    Af("employment_started { employment_id: \"e1\" form: REGULAR "
       "occupation_rate_percent: 50 start_date @2026-04-01 }");
const v1::Envelope kVilande =
    Fk("vilande_granted { benefit: DORMANT_AKTIVITETSERSATTNING period { start "
       "@2026-03-20 end @2027-03-19 } }");
const v1::Envelope kProgramme =
    Af("programme_started { programme_id: \"p1\" kind: ARBETSTRANING period { "
       "start @2026-01-10 } }");
const v1::Envelope kAktivitetsstod =
    Af("aktivitetsstod_decided { period { start @2026-01-10 } daily_rate_sek: "
       "365 }");
const v1::Envelope kWorse = Region(
    "health_deteriorated { observed_on @2026-03-01 work_capacity_affected: "
    "true expected_duration_days: 60 diagnosis_code: \"F32\" }");
const v1::Envelope kIps = Kommun(
    "ips_enrolled { coach_organisation: \"kommun\" enrolled_on @2026-01-15 }");
const v1::Envelope kSeApplied = Fk(
    "sjukersattning_applied { applied_on @2026-03-02 requested_grade_percent: "
    "100 }");
const v1::Envelope kFbGranted = Kommun(
    "forsorjningsstod_granted { period { start @2026-03-01 } "
    "monthly_amount_sek: 9000 }");
const v1::Envelope kStodStopped =
    Af("aktivitetsstod_stopped { stopped_on @2026-03-31 reason: \"ill\" }");

struct Row {
  const char* name;
  std::vector<v1::Envelope> before;
  v1::Envelope event;
  std::vector<std::string> alerts = {};     // rule ids, in order
  std::vector<std::string> handovers = {};  // "rule_id to deadline"
  size_t closed = 0;
  const char* sentence_part = "";  // of the first alert
  int birth_year = 2000;
};

std::vector<std::string> Ids(const RuleEffects& e) {
  std::vector<std::string> out;
  for (const RaisedAlert& a : e.alerts) out.push_back(a.rule_id);
  return out;
}

std::vector<std::string> Handovers(const RuleEffects& e) {
  std::vector<std::string> out;
  for (const v1::LedgerHandover& h : e.opened) {
    const v1::HandoverOpened& o = h.opened();
    out.push_back(o.rule_id() + " " + o.to_organisation() + " " +
                  FormatCivilDate({o.deadline().year(), o.deadline().month(),
                                   o.deadline().day()}));
  }
  return out;
}

TEST(CrossRulesTest, OneRowPerRule) {
  const std::vector<Row> kRows = {
      {"work while AE is paid, no vilande",
       {AeGranted("2026-01-01", "2028-12-31")},
       kJobApril,
       {"work_without_vilande"},
       {"work_without_vilande fk 2026-03-31"},
       0,
       "Work (REGULAR, 50 %) starts on 2026-04-01 while aktivitetsersättning "
       "is paid and no vilande decision exists"},
      {"safe: work after vilande",
       {AeGranted("2026-01-01", "2028-12-31"), kVilande},
       kJobApril},
      {"studies while SE is paid, no vilande",
       {Fk("sjukersattning_granted { grade_percent: 100 period { start "
           "@2026-01-01 } }")},
       Kommun("studies_started { kind: \"komvux\" rate_percent: 50 "
              "start_date @2026-08-17 }"),
       {"work_without_vilande"},
       {"work_without_vilande fk 2026-08-16"},
       0,
       "Studies (komvux, 50 %) starts on 2026-08-17 while sjukersättning"},
      {"safe: work with no FK benefit", {kIps}, kJobApril},
      {"the vilande decision closes the handover",
       {AeGranted("2026-01-01", "2028-12-31"), kJobApril},
       kVilande,
       {},
       {},
       1},
      {"wage subsidy while SE is assessed",
       {kSeApplied},
       Af("wage_subsidy_decided { kind: LONEBIDRAG employer_kind: "
          "PRIVATE_EMPLOYER occupation_rate_percent: 75 }"),
       {"wage_subsidy_during_assessment"},
       {},
       0,
       "LONEBIDRAG at 75 % while sjukersättning is being assessed"},
      {"safe: wage subsidy with no FK assessment",
       {},
       Af("wage_subsidy_decided { kind: LONEBIDRAG occupation_rate_percent: "
          "75 }")},
      {"SE applied during an IPS job attempt",
       {kIps},
       kSeApplied,
       {"se_applied_during_ips"},
       {},
       0,
       "Sjukersättning is applied for while an IPS job attempt is under way"},
      {"IPS started while SE is applied for",
       {kSeApplied},
       kIps,
       {"se_applied_during_ips"}},
      {"illness in a programme, aktivitetsstöd, no SGI",
       {kProgramme, kAktivitetsstod},
       kWorse,
       {"illness_in_programme"},
       {"illness_in_programme kommun 2026-03-16"},
       0,
       "without an SGI there is no sjukpenning. Prepare försörjningsstöd"},
      {"illness in a programme with the SGI protected",
       {kProgramme, kAktivitetsstod,
        Fk("sgi_status_changed { status: SGI_PROTECTED effective_on "
           "@2026-01-01 }")},
       kWorse,
       {"illness_in_programme"},
       {},
       0,
       "the SGI is protected, so sjukpenning can be applied for"},
      {"a second sign of the same illness adds nothing",
       {kProgramme, kAktivitetsstod, kWorse},
       Af("programme_interrupted { programme_id: \"p1\" interrupted_on "
          "@2026-03-02 reason: ILLNESS }")},
      {"safe: illness with no programme", {}, kWorse},
      {"försörjningsstöd granted closes the illness handover",
       {kProgramme, kAktivitetsstod, kWorse},
       kFbGranted,
       {},
       {},
       1},
      {"sickness reported late to AF",
       {kProgramme},
       Af("sickness_reported_during_programme { programme_id: \"p1\" "
          "first_day @2026-02-25 }"),
       {"illness_in_programme", "programme_sickness_late_report"},
       {},
       0,
       "Health worsened on 2026-02-25 during a programme"},
      {"deregistration endangers the SGI",
       {Af("job_seeker_registered { registered_on @2026-01-01 }")},
       Af("job_seeker_deregistered { deregistered_on @2026-03-02 }"),
       {"sgi_endangered"},
       {},
       0,
       "ends the protection of the SGI"},
      {"SGI zero",
       {},
       Fk("sgi_status_changed { status: SGI_ZERO effective_on @2026-03-01 }"),
       {"sgi_endangered"},
       {},
       0,
       "The SGI is zero from 2026-03-01"},
      {"the last income stops",
       {kProgramme, kAktivitetsstod},
       kStodStopped,
       {"income_gap"},
       {"income_gap kommun 2026-04-14"},
       0,
       "Aktivitetsstöd ends on 2026-03-31 and the participant has no other "
       "income"},
      {"safe: another income continues",
       {kProgramme, kAktivitetsstod, kFbGranted},
       kStodStopped},
      {"safe: a successor is applied for",
       {kProgramme, kAktivitetsstod, kSeApplied},
       kStodStopped},
      {"SE refused leaves nothing",
       {kSeApplied},
       Fk("sjukersattning_refused { decided_on @2026-03-02 }"),
       {"income_gap"},
       {"income_gap kommun 2026-03-16"}},
      {"the job ends while AE is vilande",
       {AeGranted("2026-01-01", "2028-12-31"), kVilande, kJobApril},
       Af("employment_ended { employment_id: \"e1\" end_date @2026-03-02 }"),
       {"vilande_returns"},
       {"vilande_returns fk 2026-03-16"},
       0,
       "the vilande aktivitetsersättning comes back"},
      {"AE granted within the lead of age 30 alerts at once",
       {},
       AeGranted("2026-01-01", "2026-05-31"),
       {"ae_ends_at_30"},
       {},
       0,
       "Aktivitetsersättning ends on 2026-05-31 when the participant reaches "
       "age 30",
       1996},
      {"AE far from its end alerts nothing yet",
       {},
       AeGranted("2026-01-01", "2027-12-31")},
      {"attendance outside the hour band",
       {Kommun("sysselsattning_decided { hour_band: HOURS_10_24 purpose: "
               "WORK_ORIENTED }")},
       Kommun("sysselsattning_attendance_reported { week_starting "
              "@2026-02-23 hours: 30 }"),
       {"sysselsattning_outside_band"},
       {},
       0,
       "outside the decided band of 10–24 hours a week"},
      {"safe: attendance inside the band",
       {Kommun("sysselsattning_decided { hour_band: HOURS_10_24 }")},
       Kommun("sysselsattning_attendance_reported { week_starting "
              "@2026-02-23 hours: 12 }")},
  };
  TransitionEngine engine(testing::ShippedRuleSet(), nullptr);
  for (const Row& row : kRows) {
    SCOPED_TRACE(row.name);
    LedgerBook ledgers;
    uint64_t sequence = 1;
    engine.Apply(ledgers, RulePlan(row.birth_year), sequence++, kRuleToday);
    for (const v1::Envelope& e : row.before) {
      ASSERT_FALSE(engine.Check(ledgers, e)) << e.ShortDebugString();
      engine.Apply(ledgers, e, sequence++, kRuleToday);
    }
    ASSERT_FALSE(engine.Check(ledgers, row.event));
    std::map<std::string, std::string> open_to;  // handover id -> organisation
    for (const v1::LedgerHandover& h :
         ledgers.Get(row.event.participant_id()).handovers()) {
      open_to[h.opened().handover_id()] = h.opened().to_organisation();
    }
    TransitionEngine::Decision d =
        engine.Apply(ledgers, row.event, sequence, kRuleToday);
    EXPECT_EQ(Ids(d.effects), row.alerts);
    EXPECT_EQ(Handovers(d.effects), row.handovers);
    EXPECT_EQ(d.effects.closed.size(), row.closed);
    for (const v1::HandoverClosed& c : d.effects.closed) {
      EXPECT_EQ(c.closed_by_sequence(), sequence);
      // Whose handover it was, so that organisation hears of the closing.
      ASSERT_TRUE(open_to.count(c.handover_id())) << c.handover_id();
      EXPECT_EQ(c.to_organisation(), open_to[c.handover_id()]);
      EXPECT_FALSE(c.to_organisation().empty());
    }
    if (!d.effects.alerts.empty()) {
      const RaisedAlert& a = d.effects.alerts.front();
      EXPECT_NE(a.sentence.find(row.sentence_part), std::string::npos)
          << a.sentence;
      // Every alert rests on the event that raised it.
      EXPECT_NE(std::find(a.based_on_sequences.begin(),
                          a.based_on_sequences.end(), sequence),
                a.based_on_sequences.end());
    }
  }
}

}  // namespace
}  // namespace samverkan::gateway
