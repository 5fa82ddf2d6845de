// State rules: one row per rule (and per way of breaking it), each with the
// ledger built from real events, the event, and the sentence it must get;
// plus rows that must pass, so no rule rejects more than it should.
#include "gateway/rules/state_rules.h"

#include <gtest/gtest.h>

#include "gateway/rules/ledger_apply.h"
#include "gateway/testing/rule_events.h"
#include "gateway/testing/test_rules.h"

namespace samverkan::gateway {
namespace {

using testing::AeGranted;
using testing::Event;
using testing::RulePlan;

struct Row {
  const char* name;
  std::vector<v1::Envelope> before;  // applied in order after the plan
  v1::Envelope event;
  const char* rule_id;  // "" = passes
  const char* sentence_part;
  int birth_year = 2000;
};

v1::Envelope Fk(const std::string& payload) { return Event("fk", payload); }
v1::Envelope Af(const std::string& payload) { return Event("af", payload); }
v1::Envelope Kommun(const std::string& payload) {
  return Event("kommun", payload);
}

const v1::Envelope kVilandeAe =
    Fk("vilande_granted { benefit: DORMANT_AKTIVITETSERSATTNING period { start "
       "@2026-04-01 end @2027-03-31 } }");
const v1::Envelope kSeApplied =
    Fk("sjukersattning_applied { applied_on @2026-02-01 "
       "requested_grade_percent: 100 }");
const v1::Envelope kProgramme =
    Af("programme_started { programme_id: \"p1\" kind: ARBETSTRANING period { "
       "start @2026-01-10 } }");

TEST(StateRulesTest, OneRowPerRule) {
  const std::vector<Row> kRows = {
      // Aktivitetsersättning.
      {"AE within every rule",
       {},
       AeGranted("2026-01-01", "2028-12-31", 50),
       "",
       ""},
      {"AE grade not in the rule set",
       {},
       AeGranted("2026-01-01", "2026-12-31", 40),
       "ae.grade",
       "granted at 25, 50, 75, 100 %, not 40 %"},
      {"AE without an end date",
       {},
       Fk("aktivitetsersattning_granted { grade_percent: 100 period { start "
          "@2026-01-01 } }"),
       "ae.period",
       "has no end date"},
      {"AE period over 36 months",
       {},
       AeGranted("2026-01-01", "2029-01-01"),
       "ae.period",
       "covers at most 36 months"},
      {"AE period ending before it starts",
       {},
       AeGranted("2026-06-01", "2026-01-01"),
       "ae.period",
       "ends before it starts"},
      {"AE past the month before 30",
       {},
       AeGranted("2026-01-01", "2027-12-31"),
       "ae.age",
       "until 2027-05-31",
       1997},
      {"AE before 19",
       {},
       AeGranted("2026-01-01", "2026-12-31"),
       "ae.age",
       "starts at age 19; the participant is 17",
       2008},
      {"AE granted twice for overlapping periods",
       {AeGranted("2026-01-01", "2026-12-31")},
       AeGranted("2026-06-01", "2027-05-31"),
       "ae.already_granted",
       "already granted for 2026-01-01 to 2026-12-31"},
      {"AE for the next period",
       {AeGranted("2026-01-01", "2026-12-31")},
       AeGranted("2027-01-01", "2027-12-31"),
       "",
       ""},
      {"AE ended without a grant",
       {},
       Fk("aktivitetsersattning_ended { ended_on @2026-03-01 }"),
       "ae.end_not_granted",
       "it is not granted"},
      // Sjukersättning.
      {"partial SE under 30",
       {},
       Fk("sjukersattning_granted { grade_percent: 50 period { start "
          "@2026-03-01 } }"),
       "se.partial_under_30",
       "partial sjukersättning is possible only from "
       "age 30; the participant is 25"},
      {"partial SE at 30",
       {},
       Fk("sjukersattning_granted { grade_percent: 50 period { start "
          "@2026-03-01 } }"),
       "",
       "",
       1995},
      {"SE grade 0",
       {},
       Fk("sjukersattning_granted { grade_percent: 0 period { start "
          "@2026-03-01 } }"),
       "se.grade",
       "1–100 %, not 0 %"},
      {"SE at 65",
       {},
       Fk("sjukersattning_granted { grade_percent: 100 period { start "
          "@2026-03-01 } }"),
       "se.age",
       "paid until age 65",
       1960},
      {"SE granted twice",
       {Fk("sjukersattning_granted { grade_percent: 100 period { start "
           "@2026-01-01 } }")},
       Fk("sjukersattning_granted { grade_percent: 100 period { start "
          "@2026-03-01 } }"),
       "se.already_granted",
       "would pay twice"},
      {"SE applied for twice",
       {kSeApplied},
       kSeApplied,
       "se.application_open",
       "already applied for"},
      {"SE refused without an application",
       {},
       Fk("sjukersattning_refused { decided_on @2026-03-01 }"),
       "se.refused_without_application",
       "no application is pending"},
      // Vilande.
      {"vilande of an active AE",
       {AeGranted("2026-01-01", "2028-12-31")},
       kVilandeAe,
       "",
       ""},
      {"vilande without an active AE",
       {},
       kVilandeAe,
       "vilande.without_benefit",
       "vilande needs an active aktivitetsersättning"},
      {"vilande naming no benefit",
       {AeGranted("2026-01-01", "2028-12-31")},
       Fk("vilande_granted { period { start @2026-04-01 end @2027-03-31 } }"),
       "vilande.without_benefit",
       "must name the benefit"},
      {"vilande twice",
       {AeGranted("2026-01-01", "2028-12-31"), kVilandeAe},
       kVilandeAe,
       "vilande.already_dormant",
       "already vilande"},
      {"vilande over 24 months",
       {AeGranted("2026-01-01", "2028-12-31")},
       Fk("vilande_granted { benefit: DORMANT_AKTIVITETSERSATTNING period { "
          "start @2026-04-01 end @2028-09-30 } }"),
       "vilande.period",
       "covers at most 24 months"},
      {"vilande ending when not dormant",
       {AeGranted("2026-01-01", "2028-12-31")},
       Fk("vilande_ended { benefit: DORMANT_AKTIVITETSERSATTNING ended_on "
          "@2026-05-01 }"),
       "vilande.end_not_dormant",
       "is not vilande"},
      // Sjukpenning, aktivitetsstöd, försörjningsstöd.
      {"sjukpenning granted twice",
       {Fk("sjukpenning_granted { period { start @2026-02-01 } sgi_present: "
           "true }")},
       Fk("sjukpenning_granted { period { start @2026-03-01 } }"),
       "sjukpenning.already_granted",
       "already granted"},
      {"sjukpenning ended when not granted",
       {},
       Fk("sjukpenning_ended { ended_on @2026-03-01 }"),
       "sjukpenning.end_not_granted",
       "it is not granted"},
      {"aktivitetsstöd stopped when not decided",
       {},
       Af("aktivitetsstod_stopped { stopped_on @2026-03-01 }"),
       "aktivitetsstod.stop_not_decided",
       "none is decided"},
      {"försörjningsstöd ended when not granted",
       {},
       Kommun("forsorjningsstod_ended { ended_on @2026-03-01 }"),
       "forsorjningsstod.end_not_granted",
       "it is not granted"},
      // Programmes.
      {"programme started twice",
       {kProgramme},
       kProgramme,
       "programme.already_started",
       "programme p1 has already started"},
      {"programme unknown",
       {},
       Af("programme_ended { programme_id: \"p9\" ended_on @2026-03-01 }"),
       "programme.unknown",
       "programme p9 has not started"},
      {"programme ended twice",
       {kProgramme,
        Af("programme_ended { programme_id: \"p1\" ended_on @2026-02-01 }")},
       Af("programme_ended { programme_id: \"p1\" ended_on @2026-03-01 }"),
       "programme.ended",
       "has already ended"},
      {"programme interrupted twice",
       {kProgramme, Af("programme_interrupted { programme_id: \"p1\" "
                       "interrupted_on @2026-02-01 reason: OTHER }")},
       Af("programme_interrupted { programme_id: \"p1\" interrupted_on "
          "@2026-03-01 reason: OTHER }"),
       "programme.ended",
       "is already interrupted"},
      {"sickness reported for an unknown programme",
       {},
       Af("sickness_reported_during_programme { programme_id: \"p1\" "
          "first_day @2026-03-01 }"),
       "programme.unknown",
       "has not started"},
      // Work, studies, IPS, job seeking, sysselsättning, plan actions.
      {"employment started twice",
       {Af("employment_started { employment_id: \"e1\" form: REGULAR "
           "start_date @2026-02-01 }")},
       Af("employment_started { employment_id: \"e1\" form: REGULAR "
          "start_date @2026-03-01 }"),
       "employment.already_started",
       "employment e1 has already started"},
      {"employment ended that never started",
       {},
       Af("employment_ended { employment_id: \"e1\" end_date @2026-03-01 }"),
       "employment.end_not_started",
       "it has not started"},
      {"studies ended that never started",
       {},
       Af("studies_ended { end_date @2026-03-01 }"),
       "studies.end_not_started",
       "none have started"},
      {"IPS job search without enrolment",
       {},
       Kommun("ips_job_search_started { started_on @2026-03-01 }"),
       "ips.not_enrolled",
       "needs an IPS enrolment"},
      {"IPS ended without enrolment",
       {},
       Kommun("ips_ended { ended_on @2026-03-01 }"),
       "ips.not_enrolled",
       "not enrolled"},
      {"deregistered without registration",
       {},
       Af("job_seeker_deregistered { deregistered_on @2026-03-01 }"),
       "job_seeker.not_registered",
       "not registered as a job seeker"},
      {"sysselsättning without an hour band",
       {},
       Kommun("sysselsattning_decided { purpose: SOCIAL }"),
       "sysselsattning.band",
       "names none"},
      {"attendance without a decision",
       {},
       Kommun("sysselsattning_attendance_reported { week_starting "
              "@2026-03-02 hours: 10 }"),
       "sysselsattning.not_decided",
       "needs a sysselsättning decision"},
      {"plan action added twice",
       {Kommun("plan_action_added { plan_id: \"sip-1\" action_id: \"a1\" }")},
       Kommun("plan_action_added { plan_id: \"sip-1\" action_id: \"a1\" }"),
       "plan_action.duplicate",
       "already exists"},
      {"unknown plan action changed",
       {},
       Kommun("plan_action_changed { plan_id: \"sip-1\" action_id: \"a9\" "
              "status: ACTION_DONE }"),
       "plan_action.unknown",
       "does not exist"},
  };
  const RuleSet& rules = *testing::ShippedRuleSet();
  for (const Row& row : kRows) {
    SCOPED_TRACE(row.name);
    v1::ParticipantLedger ledger;
    uint64_t sequence = 1;
    ApplyToLedger(RulePlan(row.birth_year), sequence++, &ledger);
    for (const v1::Envelope& e : row.before) {
      ASSERT_FALSE(CheckStateRules(rules, ledger, e))
          << "setup event rejected: " << e.ShortDebugString();
      ApplyToLedger(e, sequence++, &ledger);
    }
    std::optional<RuleViolation> v = CheckStateRules(rules, ledger, row.event);
    if (std::string(row.rule_id).empty()) {
      EXPECT_FALSE(v) << v->sentence;
      continue;
    }
    ASSERT_TRUE(v);
    EXPECT_EQ(v->rule_id, row.rule_id);
    EXPECT_NE(v->sentence.find(row.sentence_part), std::string::npos)
        << v->sentence;
    // Every sentence names its rule and the rule-set version.
    EXPECT_NE(v->sentence.find("(rule " + v->rule_id + ", rule set 2026.1)"),
              std::string::npos)
        << v->sentence;
  }
}

}  // namespace
}  // namespace samverkan::gateway
