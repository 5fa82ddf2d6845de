// The cross-system rules of DESIGN §6, one method each; the clock that fires
// their reminders and escalations is rule_clock.cc. Sentences are written for a
// coordinator: what is at risk, who must act, by when. Rule ids are listed in
// docs/rules.md.
#include "gateway/rules/cross_rules.h"

#include <algorithm>

#include "gateway/rules/cross_rule_ids.h"
#include "gateway/rules/effect_writer.h"
#include "gateway/rules/ledger_view.h"
#include "samverkan/payload_type.h"

namespace samverkan::gateway {

namespace {

using cross_rule_ids::kAeEndsAt30;
using cross_rule_ids::kAePeriodEnding;
using cross_rule_ids::kIllnessInProgramme;
using cross_rule_ids::kIncomeGap;
using cross_rule_ids::kSeAppliedDuringIps;
using cross_rule_ids::kSgiEndangered;
using cross_rule_ids::kSicknessCertificate;
using cross_rule_ids::kSicknessLateReport;
using cross_rule_ids::kSicknessRemoval;
using cross_rule_ids::kSysselsattningOutsideBand;
using cross_rule_ids::kVilandeReturns;
using cross_rule_ids::kWageSubsidyDuringAssessment;
using cross_rule_ids::kWorkWithoutVilande;

const std::vector<std::string> kIncomeGrantTypes = {
    "forsorjningsstod_granted", "aktivitetsersattning_granted",
    "sjukersattning_granted",   "sjukpenning_granted",
    "aktivitetsstod_decided",   "employment_started"};

CivilDate Later(const CivilDate& a, const CivilDate& b) {
  return a < b ? b : a;
}

bool IsSubsidisedForm(v1::EmploymentForm form) {
  return form == v1::WAGE_SUBSIDY || form == v1::SHELTERED_OSA ||
         form == v1::SAMHALL || form == v1::NEW_START_JOB;
}

// Whether a programme has a sickness on record (a first sign already seen).
bool AnySickness(const v1::ParticipantLedger& l) {
  return std::any_of(l.programmes().begin(), l.programmes().end(),
                     [](const auto& p) { return p.second.has_sick_from(); });
}

class EventEvaluator {
 public:
  EventEvaluator(const RuleSet& rules, const v1::ParticipantLedger& before,
                 v1::ParticipantLedger* after, const v1::Envelope& e,
                 uint64_t sequence, const CivilDate& today, RuleEffects* out)
      : rules_(rules),
        before_(before),
        after_(after),
        e_(e),
        seq_(sequence),
        today_(today),
        type_(PayloadTypeName(e)),
        w_(rules, after, out) {}

  void Run() {
    CloseSatisfied();
    WorkWithoutVilande();
    WageSubsidyDuringAssessment();
    SeAppliedDuringIps();
    IllnessInProgramme();
    ProgrammeSickness();
    SgiEndangered();
    VilandeReturns();
    IncomeGap();
    AeAhead();
    SysselsattningOutsideBand();
  }

 private:
  void CloseSatisfied() {
    auto* list = after_->mutable_handovers();
    for (auto it = list->begin(); it != list->end();) {
      const auto& types = it->opened().closing_event_types();
      if (std::find(types.begin(), types.end(), type_) == types.end()) {
        ++it;
        continue;
      }
      v1::HandoverClosed& c = w_.effects().closed.emplace_back();
      c.set_handover_id(it->opened().handover_id());
      c.set_closed_by_sequence(seq_);
      c.set_to_organisation(it->opened().to_organisation());
      it = list->erase(it);
    }
  }

  void WorkWithoutVilande() {
    std::string what;
    v1::Date start;
    if (e_.has_employment_started()) {
      const v1::EmploymentStarted& s = e_.employment_started();
      what = "Work (" + v1::EmploymentForm_Name(s.form()) + ", " +
             std::to_string(s.occupation_rate_percent()) + " %)";
      start = s.start_date();
    } else if (e_.has_studies_started()) {
      what = "Studies (" + e_.studies_started().kind() + ", " +
             std::to_string(e_.studies_started().rate_percent()) + " %)";
      start = e_.studies_started().start_date();
    } else {
      return;
    }
    const bool ae = IsRunning(before_.aktivitetsersattning());
    if (!ae && !IsRunning(before_.sjukersattning())) return;
    const v1::LedgerEntry& benefit =
        ae ? before_.aktivitetsersattning() : before_.sjukersattning();
    const char* name = ae ? "aktivitetsersättning" : "sjukersättning";
    const CivilDate deadline = Later(today_, AddDays(ToCivil(start), -1));
    w_.Handover(kWorkWithoutVilande, e_.event_id(), e_.source_organisation(),
                v1::FORSAKRINGSKASSAN, {"vilande_granted"}, deadline,
                v1::CRITICAL,
                what + " starts on " + Format(start) + " while " + name +
                    " is paid and no vilande decision exists: the benefit "
                    "may be stopped or reclaimed and income lost. "
                    "Försäkringskassan should decide vilande before the "
                    "start (by " +
                    FormatCivilDate(deadline) +
                    "); the coordinator should see that it is applied for.",
                {benefit.since_sequence(), seq_});
  }

  void WageSubsidyDuringAssessment() {
    std::string what;
    if (e_.has_wage_subsidy_decided()) {
      what =
          v1::SubsidyKind_Name(e_.wage_subsidy_decided().kind()) + " at " +
          std::to_string(e_.wage_subsidy_decided().occupation_rate_percent()) +
          " %";
    } else if (e_.has_employment_started() &&
               IsSubsidisedForm(e_.employment_started().form())) {
      what = "a " + v1::EmploymentForm_Name(e_.employment_started().form()) +
             " job";
    } else {
      return;
    }
    const v1::LedgerEntry* assessed = nullptr;
    const char* name = "";
    if (before_.sjukersattning().status() == v1::LEDGER_PENDING ||
        IsGranted(before_.sjukersattning())) {
      assessed = &before_.sjukersattning();
      name = "sjukersättning";
    } else if (IsGranted(before_.aktivitetsersattning())) {
      assessed = &before_.aktivitetsersattning();
      name = "aktivitetsersättning";
    }
    if (assessed == nullptr) return;
    w_.Alert(kWageSubsidyDuringAssessment, v1::WARNING,
             "The participant has " + what + " while " + name +
                 " is being assessed or paid: Försäkringskassan may read the "
                 "job as work capacity. The coordinator should make sure FK "
                 "learns what support the job depends on (wage subsidy, "
                 "adapted tasks) before it decides.",
             std::nullopt, {assessed->since_sequence(), seq_});
  }

  void SeAppliedDuringIps() {
    const bool applied_in_ips =
        e_.has_sjukersattning_applied() && IsRunning(before_.ips());
    const bool ips_while_applied =
        (e_.has_ips_enrolled() || e_.has_ips_job_search_started()) &&
        before_.sjukersattning().status() == v1::LEDGER_PENDING;
    if (!applied_in_ips && !ips_while_applied) return;
    const uint64_t other = applied_in_ips
                               ? before_.ips().since_sequence()
                               : before_.sjukersattning().since_sequence();
    const CivilDate deadline =
        AddDays(today_, rules_.conflict_alert_deadline_days);
    w_.Alert(kSeAppliedDuringIps, v1::WARNING,
             "Sjukersättning is applied for while an IPS job attempt is "
             "under way: Försäkringskassan may question the application "
             "(lasting loss of work capacity against a job being tried), and "
             "the attempt may be read as capacity. The coordinator, the IPS "
             "coach and FK should agree on the plan by " +
                 FormatCivilDate(deadline) + ".",
             deadline, {other, seq_}, {v1::FORSAKRINGSKASSAN});
  }

  // The first sign of illness while a programme runs; later signs of the
  // same episode add nothing.
  void IllnessInProgramme() {
    v1::Date sign;
    if (e_.has_health_deteriorated() &&
        e_.health_deteriorated().work_capacity_affected()) {
      sign = e_.health_deteriorated().observed_on();
    } else if (e_.has_inpatient_admitted()) {
      sign = e_.inpatient_admitted().admitted_on();
    } else if (e_.has_programme_interrupted() &&
               e_.programme_interrupted().reason() == v1::ILLNESS) {
      sign = e_.programme_interrupted().interrupted_on();
    } else if (e_.has_sickness_reported_during_programme()) {
      sign = e_.sickness_reported_during_programme().first_day();
    } else {
      return;
    }
    if (!AnyProgrammeRunning(before_) || IsRunning(before_.health()) ||
        AnySickness(before_)) {
      return;
    }
    const std::string advice =
        "sickness must be reported to Arbetsförmedlingen on day " +
        std::to_string(rules_.programme_sick_report_day) +
        " and certified after " +
        std::to_string(rules_.programme_sick_certificate_after_days) +
        " days; after more than " +
        std::to_string(rules_.programme_sick_removal_after_days) +
        " days sick full time the participant leaves the programme and "
        "aktivitetsstöd stops";
    if (IsRunning(before_.aktivitetsstod()) &&
        before_.sgi() != v1::SGI_PROTECTED) {
      const CivilDate deadline =
          AddDays(Later(today_, ToCivil(sign)),
                  rules_.income_gap_handover_deadline_days);
      w_.Handover(
          kIllnessInProgramme, e_.event_id(), e_.source_organisation(),
          v1::MUNICIPALITY, {"forsorjningsstod_granted", "sjukpenning_granted"},
          deadline, v1::CRITICAL,
          "Health worsened on " + Format(sign) +
              " during a programme paid with aktivitetsstöd: " + advice +
              ", and without an SGI there is no sjukpenning. "
              "Prepare försörjningsstöd with the municipality (decided "
              "by " +
              FormatCivilDate(deadline) + ").",
          {before_.aktivitetsstod().since_sequence(), seq_});
      return;
    }
    w_.Alert(kIllnessInProgramme, v1::WARNING,
             "Health worsened on " + Format(sign) +
                 " during a programme: " + advice +
                 (IsRunning(before_.aktivitetsstod())
                      ? "; the SGI is protected, so sjukpenning can be "
                        "applied for with Försäkringskassan."
                      : "."),
             std::nullopt, {seq_},
             {v1::ARBETSFORMEDLINGEN, v1::FORSAKRINGSKASSAN});
  }

  void ProgrammeSickness() {
    if (e_.has_sickness_reported_during_programme()) {
      const v1::SicknessReportedDuringProgramme& s =
          e_.sickness_reported_during_programme();
      const int64_t day =
          DaysBetween(ToCivil(s.first_day()), OccurredOn(e_)) + 1;
      if (day > rules_.programme_sick_report_day) {
        w_.Alert(kSicknessLateReport, v1::WARNING,
                 "Sickness from " + Format(s.first_day()) +
                     " was reported to Arbetsförmedlingen on day " +
                     std::to_string(day) + " (must be day " +
                     std::to_string(rules_.programme_sick_report_day) +
                     "): aktivitetsstöd is not paid for the days before the "
                     "report.",
                 std::nullopt, {seq_});
      }
    }
    // Reminders start when a programme's sickness is first on record.
    for (const auto& [id, p] : after_->programmes()) {
      auto was = before_.programmes().find(id);
      const bool new_sickness =
          p.has_sick_from() &&
          (was == before_.programmes().end() || !was->second.has_sick_from());
      if (!new_sickness) continue;
      const CivilDate from = ToCivil(p.sick_from());
      if (!p.certificate_received()) {
        const CivilDate due =
            AddDays(from, rules_.programme_sick_certificate_after_days);
        w_.Remind(kSicknessCertificate, e_.event_id(), due, due, seq_);
      }
      const CivilDate removal =
          AddDays(from, rules_.programme_sick_removal_after_days);
      w_.Remind(kSicknessRemoval, e_.event_id(), removal, removal, seq_);
    }
  }

  void SgiEndangered() {
    if (e_.has_job_seeker_deregistered() && before_.sgi() != v1::SGI_ZERO) {
      w_.Alert(kSgiEndangered, v1::WARNING,
               "Deregistration from Arbetsförmedlingen on " +
                   Format(e_.job_seeker_deregistered().deregistered_on()) +
                   " ends the protection of the SGI (it is protected only "
                   "while registered and actively seeking work): a break can "
                   "reduce it to zero, and with it sjukpenning. Check with "
                   "Försäkringskassan before the break.",
               std::nullopt, {seq_}, {v1::FORSAKRINGSKASSAN});
    }
    if (e_.has_sgi_status_changed()) {
      const v1::SgiStatus s = e_.sgi_status_changed().status();
      if (s == v1::SGI_AT_RISK || s == v1::SGI_ZERO) {
        w_.Alert(kSgiEndangered, s == v1::SGI_ZERO ? v1::CRITICAL : v1::WARNING,
                 std::string("The SGI is ") +
                     (s == v1::SGI_ZERO ? "zero" : "at risk") + " from " +
                     Format(e_.sgi_status_changed().effective_on()) +
                     ": if the participant falls ill there is no "
                     "sjukpenning. Register at Arbetsförmedlingen and keep "
                     "seeking work actively to protect it.",
                 std::nullopt, {seq_}, {v1::ARBETSFORMEDLINGEN});
      }
    }
  }

  void VilandeReturns() {
    v1::Date ended;
    std::string what;
    if (e_.has_employment_ended()) {
      ended = e_.employment_ended().end_date();
      what = "Employment " + e_.employment_ended().employment_id();
    } else if (e_.has_studies_ended()) {
      ended = e_.studies_ended().end_date();
      what = "Studies";
    } else {
      return;
    }
    if (AnyEmploymentRunning(*after_) || IsRunning(after_->studies())) return;
    for (const auto* benefit :
         {&after_->aktivitetsersattning(), &after_->sjukersattning()}) {
      if (benefit->status() != v1::LEDGER_DORMANT) continue;
      const char* name = benefit == &after_->aktivitetsersattning()
                             ? "aktivitetsersättning"
                             : "sjukersättning";
      const CivilDate deadline =
          AddDays(Later(today_, ToCivil(ended)),
                  rules_.income_gap_handover_deadline_days);
      w_.Handover(
          kVilandeReturns, e_.event_id(), e_.source_organisation(),
          v1::FORSAKRINGSKASSAN, {"vilande_ended"}, deadline, v1::WARNING,
          what + " ended on " + Format(ended) + ": the vilande " + name +
              " comes back, but only once Försäkringskassan ends the "
              "vilande. Tell FK now so that payment resumes without a "
              "gap (by " +
              FormatCivilDate(deadline) + ").",
          {benefit->since_sequence(), seq_});
      return;
    }
  }

  // Any event that ends an income source while nothing else pays and
  // nothing is pending.
  void IncomeGap() {
    v1::Date ended;
    std::string what;
    if (e_.has_aktivitetsersattning_ended()) {
      ended = e_.aktivitetsersattning_ended().ended_on();
      what = "Aktivitetsersättning";
    } else if (e_.has_sjukpenning_ended()) {
      ended = e_.sjukpenning_ended().ended_on();
      what = "Sjukpenning";
    } else if (e_.has_aktivitetsstod_stopped()) {
      ended = e_.aktivitetsstod_stopped().stopped_on();
      what = "Aktivitetsstöd";
    } else if (e_.has_forsorjningsstod_ended()) {
      ended = e_.forsorjningsstod_ended().ended_on();
      what = "Försörjningsstöd";
    } else if (e_.has_employment_ended()) {
      ended = e_.employment_ended().end_date();
      what = "Salary from employment " + e_.employment_ended().employment_id();
    } else if (e_.has_sjukersattning_refused()) {
      ended = e_.sjukersattning_refused().decided_on();
      what = "The sjukersättning application (refused)";
    } else {
      return;
    }
    if (!ActiveIncome(*after_, today_).empty() || IncomePending(*after_) ||
        after_->aktivitetsersattning().status() == v1::LEDGER_DORMANT ||
        after_->sjukersattning().status() == v1::LEDGER_DORMANT) {
      return;
    }
    const CivilDate deadline =
        AddDays(Later(today_, ToCivil(ended)),
                rules_.income_gap_handover_deadline_days);
    w_.Handover(kIncomeGap, e_.event_id(), e_.source_organisation(),
                v1::MUNICIPALITY, kIncomeGrantTypes, deadline, v1::CRITICAL,
                what + " ends on " + Format(ended) +
                    " and the participant has no other income and none "
                    "applied for: apply for försörjningsstöd with the "
                    "municipality (decided by " +
                    FormatCivilDate(deadline) +
                    ") and check whether aktivitetsersättning, "
                    "sjukersättning or aktivitetsstöd can be applied for.",
                {seq_});
  }

  void AeAhead() {
    if (e_.has_aktivitetsersattning_ended()) {
      w_.DropReminders({kAeEndsAt30, kAePeriodEnding});
      return;
    }
    if (!e_.has_aktivitetsersattning_granted()) return;
    w_.DropReminders({kAeEndsAt30, kAePeriodEnding});
    const CivilDate end =
        ToCivil(e_.aktivitetsersattning_granted().period().end());
    const std::optional<CivilDate> last = AeLastDay(*after_, rules_);
    const bool at_age_limit = last && !(end < *last);
    const CivilDate deadline = at_age_limit ? *last : end;
    w_.Remind(at_age_limit ? kAeEndsAt30 : kAePeriodEnding, e_.event_id(),
              AddMonths(deadline, -rules_.ae_end_alert_lead_months), deadline,
              seq_);
  }

  void SysselsattningOutsideBand() {
    if (!e_.has_sysselsattning_attendance_reported()) return;
    const int band = before_.sysselsattning_band();
    if (band < 1 ||
        band > static_cast<int>(rules_.sysselsattning_hour_bands.size())) {
      return;
    }
    const HourBand& b = rules_.sysselsattning_hour_bands[band - 1];
    const int hours =
        static_cast<int>(e_.sysselsattning_attendance_reported().hours());
    if (hours >= b.low_hours && hours <= b.high_hours) return;
    w_.Alert(
        kSysselsattningOutsideBand, v1::WARNING,
        "Attendance of " + std::to_string(hours) + " hours in the week of " +
            Format(e_.sysselsattning_attendance_reported().week_starting()) +
            " is outside the decided band of " + std::to_string(b.low_hours) +
            "–" + std::to_string(b.high_hours) +
            " hours a week: the municipality needs to make a new "
            "sysselsättning decision.",
        std::nullopt, {before_.sysselsattning().since_sequence(), seq_});
  }

  const RuleSet& rules_;
  const v1::ParticipantLedger& before_;
  v1::ParticipantLedger* after_;
  const v1::Envelope& e_;
  const uint64_t seq_;
  const CivilDate today_;
  const std::string type_;
  EffectWriter w_;
};

}  // namespace

RuleEffects EvaluateCrossRules(const RuleSet& rules,
                               const v1::ParticipantLedger& before,
                               v1::ParticipantLedger* after,
                               const v1::Envelope& e, uint64_t sequence,
                               const CivilDate& today) {
  RuleEffects out;
  EventEvaluator(rules, before, after, e, sequence, today, &out).Run();
  return out;
}

}  // namespace samverkan::gateway
