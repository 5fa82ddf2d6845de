// One check per state rule, each returning its own sentence. Thresholds come
// from the RuleSet only; the rule id and version close every sentence so a
// case worker can look the rule up (docs/rules.md).
#include "gateway/rules/state_rules.h"

#include <algorithm>

#include "gateway/rules/ledger_view.h"

namespace samverkan::gateway {
namespace {

using Violation = std::optional<RuleViolation>;

class Checker {
 public:
  Checker(const RuleSet& rules, const v1::ParticipantLedger& ledger)
      : rules_(rules), l_(ledger) {}

  Violation Check(const v1::Envelope& e) const;

 private:
  Violation Fail(std::string rule_id, std::string why) const {
    return RuleViolation{rule_id, why + " (rule " + rule_id + ", rule set " +
                                      rules_.version + ")"};
  }

  Violation AeGranted(const v1::AktivitetsersattningGranted& g) const;
  Violation SeGranted(const v1::SjukersattningGranted& g) const;
  Violation VilandeGranted(const v1::VilandeGranted& g) const;
  Violation PeriodWithin(const std::string& rule_id, const std::string& what,
                         const v1::Period& p, int max_months) const;
  Violation Require(bool ok, const std::string& rule_id,
                    const std::string& why) const {
    return ok ? Violation() : Fail(rule_id, why);
  }

  const RuleSet& rules_;
  const v1::ParticipantLedger& l_;
};

std::string Since(const v1::LedgerEntry& entry) {
  return " (since " + Format(entry.since()) + ", log sequence " +
         std::to_string(entry.since_sequence()) + ")";
}

Violation Checker::PeriodWithin(const std::string& rule_id,
                                const std::string& what, const v1::Period& p,
                                int max_months) const {
  if (!p.has_start() || !p.has_end()) {
    return Fail(rule_id, "each " + what +
                             " decision covers a fixed period of " +
                             "at most " + std::to_string(max_months) +
                             " months; this one has no " +
                             (p.has_start() ? "end" : "start") + " date");
  }
  const CivilDate start = ToCivil(p.start());
  const CivilDate end = ToCivil(p.end());
  if (end < start) {
    return Fail(rule_id, "the " + what + " period " + FormatPeriod(p) +
                             " ends before it starts");
  }
  if (AddDays(AddMonths(start, max_months), -1) < end) {
    return Fail(rule_id, "each " + what + " decision covers at most " +
                             std::to_string(max_months) + " months; " +
                             FormatPeriod(p) + " is longer");
  }
  return std::nullopt;
}

Violation Checker::AeGranted(const v1::AktivitetsersattningGranted& g) const {
  const auto& grades = rules_.ae_grades_percent;
  if (std::find(grades.begin(), grades.end(),
                static_cast<int>(g.grade_percent())) == grades.end()) {
    std::string list;
    for (int grade : grades) {
      list += (list.empty() ? "" : ", ") + std::to_string(grade);
    }
    return Fail("ae.grade", "aktivitetsersättning is granted at " + list +
                                " %, not " + std::to_string(g.grade_percent()) +
                                " %");
  }
  if (Violation v =
          PeriodWithin("ae.period", "aktivitetsersättning", g.period(),
                       rules_.ae_max_decision_period_months)) {
    return v;
  }
  const CivilDate start = ToCivil(g.period().start());
  const std::optional<int> age = AgeAt(l_, start);
  const std::optional<CivilDate> last = AeLastDay(l_, rules_);
  if (age && *age < rules_.ae_min_age_years) {
    return Fail("ae.age", "aktivitetsersättning starts at age " +
                              std::to_string(rules_.ae_min_age_years) +
                              "; the participant is " + std::to_string(*age) +
                              " on " + FormatCivilDate(start));
  }
  if (last && *last < ToCivil(g.period().end())) {
    return Fail("ae.age",
                "aktivitetsersättning is paid until the month before age " +
                    std::to_string(rules_.ae_age_limit_years) +
                    ", for this participant until " + FormatCivilDate(*last) +
                    "; the period " + FormatPeriod(g.period()) +
                    " runs past it (sjukersättning or Arbetsförmedlingen "
                    "take over)");
  }
  if (IsGranted(l_.aktivitetsersattning()) &&
      (!l_.aktivitetsersattning().period().has_end() ||
       !(ToCivil(l_.aktivitetsersattning().period().end()) < start))) {
    return Fail("ae.already_granted",
                "aktivitetsersättning is already granted for " +
                    FormatPeriod(l_.aktivitetsersattning().period()) +
                    Since(l_.aktivitetsersattning()) +
                    "; a new decision must start after that period");
  }
  return std::nullopt;
}

Violation Checker::SeGranted(const v1::SjukersattningGranted& g) const {
  if (g.grade_percent() == 0 || g.grade_percent() > 100) {
    return Fail("se.grade", "a sjukersättning grade is 1–100 %, not " +
                                std::to_string(g.grade_percent()) + " %");
  }
  const CivilDate start =
      g.period().has_start() ? ToCivil(g.period().start()) : CivilDate{};
  if (const std::optional<int> age = AgeAt(l_, start)) {
    if (g.grade_percent() < 100 && *age < rules_.se_partial_min_age_years) {
      return Fail("se.partial_under_30",
                  "partial sjukersättning is possible only from age " +
                      std::to_string(rules_.se_partial_min_age_years) +
                      "; the participant is " + std::to_string(*age) + " on " +
                      FormatCivilDate(start) + " and is granted " +
                      std::to_string(g.grade_percent()) + " %");
    }
    if (*age >= rules_.se_max_age_years) {
      return Fail("se.age", "sjukersättning is paid until age " +
                                std::to_string(rules_.se_max_age_years) +
                                "; the participant is " + std::to_string(*age) +
                                " on " + FormatCivilDate(start));
    }
  }
  if (IsGranted(l_.sjukersattning())) {
    return Fail("se.already_granted",
                "sjukersättning is already granted" +
                    Since(l_.sjukersattning()) +
                    "; a duplicate grant would pay twice");
  }
  return std::nullopt;
}

Violation Checker::VilandeGranted(const v1::VilandeGranted& g) const {
  if (g.benefit() != v1::DORMANT_AKTIVITETSERSATTNING &&
      g.benefit() != v1::DORMANT_SJUKERSATTNING) {
    return Fail("vilande.without_benefit",
                "a vilande decision must name the benefit made dormant "
                "(aktivitetsersättning or sjukersättning)");
  }
  const v1::LedgerEntry& b = g.benefit() == v1::DORMANT_SJUKERSATTNING
                                 ? l_.sjukersattning()
                                 : l_.aktivitetsersattning();
  const std::string name = DormantBenefitName(g.benefit());
  if (b.status() == v1::LEDGER_DORMANT) {
    return Fail("vilande.already_dormant",
                name + " is already vilande" + Since(b));
  }
  if (!IsRunning(b)) {
    return Fail("vilande.without_benefit",
                "vilande needs an active " + name +
                    " to make dormant; the participant has none");
  }
  return PeriodWithin("vilande.period", "vilande", g.period(),
                      rules_.vilande_max_months);
}

Violation Checker::Check(const v1::Envelope& e) const {
  using E = v1::Envelope;
  switch (e.payload_case()) {
    case E::kAktivitetsersattningGranted:
      return AeGranted(e.aktivitetsersattning_granted());
    case E::kAktivitetsersattningEnded:
      return Require(IsGranted(l_.aktivitetsersattning()), "ae.end_not_granted",
                     "aktivitetsersättning cannot end: it is not granted");
    case E::kSjukersattningGranted:
      return SeGranted(e.sjukersattning_granted());
    case E::kSjukersattningApplied:
      return Require(l_.sjukersattning().status() != v1::LEDGER_PENDING &&
                         !IsGranted(l_.sjukersattning()),
                     "se.application_open",
                     "sjukersättning is already applied for or granted" +
                         Since(l_.sjukersattning()));
    case E::kSjukersattningRefused:
      return Require(l_.sjukersattning().status() == v1::LEDGER_PENDING,
                     "se.refused_without_application",
                     "sjukersättning cannot be refused: no application is "
                     "pending");
    case E::kVilandeGranted:
      return VilandeGranted(e.vilande_granted());
    case E::kVilandeEnded: {
      const v1::LedgerEntry& b =
          e.vilande_ended().benefit() == v1::DORMANT_SJUKERSATTNING
              ? l_.sjukersattning()
              : l_.aktivitetsersattning();
      return Require(b.status() == v1::LEDGER_DORMANT,
                     "vilande.end_not_dormant",
                     std::string("vilande cannot end: ") +
                         DormantBenefitName(e.vilande_ended().benefit()) +
                         " is not vilande");
    }
    case E::kSjukpenningGranted:
      return Require(
          !IsRunning(l_.sjukpenning()), "sjukpenning.already_granted",
          "sjukpenning is already granted" + Since(l_.sjukpenning()));
    case E::kSjukpenningEnded:
      return Require(IsRunning(l_.sjukpenning()), "sjukpenning.end_not_granted",
                     "sjukpenning cannot end: it is not granted");
    case E::kAktivitetsstodStopped:
      return Require(IsRunning(l_.aktivitetsstod()),
                     "aktivitetsstod.stop_not_decided",
                     "aktivitetsstöd cannot stop: none is decided");
    case E::kForsorjningsstodEnded:
      return Require(IsRunning(l_.forsorjningsstod()),
                     "forsorjningsstod.end_not_granted",
                     "försörjningsstöd cannot end: it is not granted");
    case E::kProgrammeStarted: {
      auto it = l_.programmes().find(e.programme_started().programme_id());
      const bool running =
          it != l_.programmes().end() &&
          (IsRunning(it->second.entry()) ||
           it->second.entry().status() == v1::LEDGER_INTERRUPTED);
      return running ? Fail("programme.already_started",
                            "programme " + it->first + " has already started" +
                                Since(it->second.entry()))
                     : Violation();
    }
    case E::kProgrammeInterrupted:
    case E::kProgrammeEnded:
    case E::kSicknessReportedDuringProgramme: {
      const std::string& id =
          e.has_programme_interrupted()
              ? e.programme_interrupted().programme_id()
          : e.has_programme_ended()
              ? e.programme_ended().programme_id()
              : e.sickness_reported_during_programme().programme_id();
      auto it = l_.programmes().find(id);
      if (it == l_.programmes().end()) {
        return Fail(
            "programme.unknown",
            "programme " + id + " has not started for this participant");
      }
      const v1::LedgerStatus s = it->second.entry().status();
      if (s == v1::LEDGER_ENDED) {
        return Fail("programme.ended", "programme " + id +
                                           " has already ended" +
                                           Since(it->second.entry()));
      }
      if (e.has_programme_interrupted() && s == v1::LEDGER_INTERRUPTED) {
        return Fail("programme.ended", "programme " + id +
                                           " is already interrupted" +
                                           Since(it->second.entry()));
      }
      return std::nullopt;
    }
    case E::kEmploymentStarted: {
      auto it = l_.employments().find(e.employment_started().employment_id());
      return it != l_.employments().end() && IsRunning(it->second.entry())
                 ? Fail("employment.already_started",
                        "employment " + it->first + " has already started" +
                            Since(it->second.entry()))
                 : Violation();
    }
    case E::kEmploymentEnded: {
      auto it = l_.employments().find(e.employment_ended().employment_id());
      return it == l_.employments().end() || !IsRunning(it->second.entry())
                 ? Fail("employment.end_not_started",
                        "employment " + e.employment_ended().employment_id() +
                            " cannot end: it has not started")
                 : Violation();
    }
    case E::kStudiesEnded:
      return Require(IsRunning(l_.studies()), "studies.end_not_started",
                     "studies cannot end: none have started");
    case E::kIpsJobSearchStarted:
      return Require(IsRunning(l_.ips()), "ips.not_enrolled",
                     "IPS job search needs an IPS enrolment first");
    case E::kIpsEnded:
      return Require(IsRunning(l_.ips()), "ips.not_enrolled",
                     "IPS cannot end: the participant is not enrolled");
    case E::kJobSeekerDeregistered:
      return Require(IsRunning(l_.job_seeker()), "job_seeker.not_registered",
                     "the participant is not registered as a job seeker");
    case E::kSysselsattningDecided: {
      const int band = e.sysselsattning_decided().hour_band();
      return band < 1 || band > static_cast<int>(
                                    rules_.sysselsattning_hour_bands.size())
                 ? Fail("sysselsattning.band",
                        "sysselsättning is decided in one of the hour bands "
                        "of the rule set; this decision names none")
                 : Violation();
    }
    case E::kSysselsattningAttendanceReported:
      return Require(IsRunning(l_.sysselsattning()),
                     "sysselsattning.not_decided",
                     "attendance needs a sysselsättning decision; none is "
                     "in force");
    case E::kPlanActionAdded:
      return l_.actions().contains(e.plan_action_added().action_id())
                 ? Fail("plan_action.duplicate",
                        "plan action " + e.plan_action_added().action_id() +
                            " already exists")
                 : Violation();
    case E::kPlanActionChanged:
      return l_.actions().contains(e.plan_action_changed().action_id())
                 ? Violation()
                 : Fail("plan_action.unknown",
                        "plan action " + e.plan_action_changed().action_id() +
                            " does not exist");
    default:
      return std::nullopt;
  }
}

}  // namespace

std::optional<RuleViolation> CheckStateRules(
    const RuleSet& rules, const v1::ParticipantLedger& ledger,
    const v1::Envelope& e) {
  return Checker(rules, ledger).Check(e);
}

}  // namespace samverkan::gateway
