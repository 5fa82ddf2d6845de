// One switch over the catalogue: each event sets the status of the entry it
// is about, with the sequence and date alerts will cite.
#include "gateway/rules/ledger_apply.h"

#include "gateway/rules/ledger_view.h"

namespace samverkan::gateway {
namespace {

void Set(v1::LedgerEntry* entry, v1::LedgerStatus status, uint64_t sequence,
         const v1::Date& since) {
  entry->set_status(status);
  entry->set_since_sequence(sequence);
  *entry->mutable_since() = since;
}

void Grant(v1::LedgerEntry* entry, uint64_t sequence, const v1::Period& period,
           uint32_t grade) {
  entry->Clear();
  Set(entry, v1::LEDGER_ACTIVE, sequence, period.start());
  *entry->mutable_period() = period;
  entry->set_grade_percent(grade);
}

v1::LedgerEntry* Dormant(v1::ParticipantLedger* l, v1::DormantBenefit b) {
  return b == v1::DORMANT_SJUKERSATTNING ? l->mutable_sjukersattning()
                                         : l->mutable_aktivitetsersattning();
}

void ClearSickness(v1::ParticipantLedger* l) {
  for (auto& [id, p] : *l->mutable_programmes()) {
    p.clear_sick_from();
    p.set_certificate_received(false);
  }
}

}  // namespace

void ApplyToLedger(const v1::Envelope& e, uint64_t seq,
                   v1::ParticipantLedger* l) {
  using E = v1::Envelope;
  switch (e.payload_case()) {
    case E::kPlanOpened: {
      const v1::PlanOpened& p = e.plan_opened();
      l->set_plan_open(true);
      l->set_coordinating_organisation(p.coordinating_organisation());
      *l->mutable_parties() = p.parties();
      if (p.has_birth_month()) *l->mutable_birth_month() = p.birth_month();
      break;
    }
    case E::kPlanClosed:
      l->set_plan_open(false);
      break;
    case E::kPlanActionAdded: {
      v1::LedgerAction& a =
          (*l->mutable_actions())[e.plan_action_added().action_id()];
      a.set_status(e.plan_action_added().status());
      a.set_responsible_organisation(
          e.plan_action_added().responsible_organisation());
      break;
    }
    case E::kPlanActionChanged:
      (*l->mutable_actions())[e.plan_action_changed().action_id()].set_status(
          e.plan_action_changed().status());
      break;

    case E::kIpsEnrolled:
      Set(l->mutable_ips(), v1::LEDGER_ACTIVE, seq,
          e.ips_enrolled().enrolled_on());
      break;
    case E::kIpsJobSearchStarted:
      Set(l->mutable_ips(), v1::LEDGER_ACTIVE, seq,
          e.ips_job_search_started().started_on());
      break;
    case E::kIpsEnded:
      Set(l->mutable_ips(), v1::LEDGER_ENDED, seq, e.ips_ended().ended_on());
      break;
    case E::kSysselsattningDecided:
      Grant(l->mutable_sysselsattning(), seq,
            e.sysselsattning_decided().period(), 0);
      l->set_sysselsattning_band(e.sysselsattning_decided().hour_band());
      break;
    case E::kForsorjningsstodGranted:
      Grant(l->mutable_forsorjningsstod(), seq,
            e.forsorjningsstod_granted().period(), 0);
      break;
    case E::kForsorjningsstodEnded:
      Set(l->mutable_forsorjningsstod(), v1::LEDGER_ENDED, seq,
          e.forsorjningsstod_ended().ended_on());
      break;

    case E::kHealthDeteriorated:
      if (e.health_deteriorated().work_capacity_affected()) {
        Set(l->mutable_health(), v1::LEDGER_ACTIVE, seq,
            e.health_deteriorated().observed_on());
      }
      break;
    case E::kInpatientAdmitted:
      Set(l->mutable_health(), v1::LEDGER_ACTIVE, seq,
          e.inpatient_admitted().admitted_on());
      break;
    case E::kHealthImproved:
      Set(l->mutable_health(), v1::LEDGER_ENDED, seq,
          e.health_improved().observed_on());
      ClearSickness(l);
      break;
    case E::kSickCertificateIssued:
      for (auto& [id, p] : *l->mutable_programmes()) {
        if (p.has_sick_from()) p.set_certificate_received(true);
      }
      break;

    case E::kJobSeekerRegistered:
      Set(l->mutable_job_seeker(), v1::LEDGER_ACTIVE, seq,
          e.job_seeker_registered().registered_on());
      break;
    case E::kJobSeekerDeregistered:
      Set(l->mutable_job_seeker(), v1::LEDGER_ENDED, seq,
          e.job_seeker_deregistered().deregistered_on());
      break;
    case E::kProgrammeStarted: {
      const v1::ProgrammeStarted& p = e.programme_started();
      v1::LedgerProgramme& prog = (*l->mutable_programmes())[p.programme_id()];
      prog.Clear();
      prog.set_kind(p.kind());
      Grant(prog.mutable_entry(), seq, p.period(), 0);
      break;
    }
    case E::kProgrammeInterrupted: {
      const v1::ProgrammeInterrupted& p = e.programme_interrupted();
      v1::LedgerProgramme& prog = (*l->mutable_programmes())[p.programme_id()];
      Set(prog.mutable_entry(), v1::LEDGER_INTERRUPTED, seq,
          p.interrupted_on());
      if (p.reason() == v1::ILLNESS && !prog.has_sick_from()) {
        *prog.mutable_sick_from() = p.interrupted_on();
      }
      break;
    }
    case E::kProgrammeEnded: {
      v1::LedgerProgramme& prog =
          (*l->mutable_programmes())[e.programme_ended().programme_id()];
      Set(prog.mutable_entry(), v1::LEDGER_ENDED, seq,
          e.programme_ended().ended_on());
      prog.clear_sick_from();
      break;
    }
    case E::kSicknessReportedDuringProgramme: {
      const v1::SicknessReportedDuringProgramme& s =
          e.sickness_reported_during_programme();
      v1::LedgerProgramme& prog = (*l->mutable_programmes())[s.programme_id()];
      if (!prog.has_sick_from()) *prog.mutable_sick_from() = s.first_day();
      if (s.certificate_received()) prog.set_certificate_received(true);
      break;
    }
    case E::kAktivitetsstodDecided:
      Grant(l->mutable_aktivitetsstod(), seq,
            e.aktivitetsstod_decided().period(), 0);
      break;
    case E::kAktivitetsstodStopped:
      Set(l->mutable_aktivitetsstod(), v1::LEDGER_ENDED, seq,
          e.aktivitetsstod_stopped().stopped_on());
      break;

    case E::kAktivitetsersattningGranted:
      Grant(l->mutable_aktivitetsersattning(), seq,
            e.aktivitetsersattning_granted().period(),
            e.aktivitetsersattning_granted().grade_percent());
      break;
    case E::kAktivitetsersattningEnded:
      Set(l->mutable_aktivitetsersattning(), v1::LEDGER_ENDED, seq,
          e.aktivitetsersattning_ended().ended_on());
      break;
    case E::kSjukersattningApplied:
      Set(l->mutable_sjukersattning(), v1::LEDGER_PENDING, seq,
          e.sjukersattning_applied().applied_on());
      break;
    case E::kSjukersattningGranted:
      Grant(l->mutable_sjukersattning(), seq,
            e.sjukersattning_granted().period(),
            e.sjukersattning_granted().grade_percent());
      break;
    case E::kSjukersattningRefused:
      Set(l->mutable_sjukersattning(), v1::LEDGER_REFUSED, seq,
          e.sjukersattning_refused().decided_on());
      break;
    case E::kVilandeGranted: {
      v1::LedgerEntry* b = Dormant(l, e.vilande_granted().benefit());
      Set(b, v1::LEDGER_DORMANT, seq, e.vilande_granted().period().start());
      *b->mutable_dormant_period() = e.vilande_granted().period();
      break;
    }
    case E::kVilandeEnded: {
      v1::LedgerEntry* b = Dormant(l, e.vilande_ended().benefit());
      Set(b, v1::LEDGER_ACTIVE, seq, e.vilande_ended().ended_on());
      b->clear_dormant_period();
      break;
    }
    case E::kSjukpenningGranted:
      Grant(l->mutable_sjukpenning(), seq, e.sjukpenning_granted().period(), 0);
      break;
    case E::kSjukpenningEnded:
      Set(l->mutable_sjukpenning(), v1::LEDGER_ENDED, seq,
          e.sjukpenning_ended().ended_on());
      break;
    case E::kSgiStatusChanged:
      l->set_sgi(e.sgi_status_changed().status());
      break;

    case E::kEmploymentStarted: {
      const v1::EmploymentStarted& s = e.employment_started();
      v1::LedgerEmployment& job =
          (*l->mutable_employments())[s.employment_id()];
      job.Clear();
      job.set_form(s.form());
      Set(job.mutable_entry(), v1::LEDGER_ACTIVE, seq, s.start_date());
      job.mutable_entry()->set_grade_percent(s.occupation_rate_percent());
      break;
    }
    case E::kEmploymentEnded: {
      v1::LedgerEmployment& job =
          (*l->mutable_employments())[e.employment_ended().employment_id()];
      Set(job.mutable_entry(), v1::LEDGER_ENDED, seq,
          e.employment_ended().end_date());
      break;
    }
    case E::kStudiesStarted:
      Set(l->mutable_studies(), v1::LEDGER_ACTIVE, seq,
          e.studies_started().start_date());
      l->mutable_studies()->set_grade_percent(
          e.studies_started().rate_percent());
      break;
    case E::kStudiesEnded:
      Set(l->mutable_studies(), v1::LEDGER_ENDED, seq,
          e.studies_ended().end_date());
      break;
    case E::kOtherIncomeReported: {
      v1::LedgerOtherIncome* other = l->add_other_income();
      other->set_source(e.other_income_reported().source());
      *other->mutable_period() = e.other_income_reported().period();
      other->set_since_sequence(seq);
      break;
    }
    default:
      break;
  }
}

}  // namespace samverkan::gateway
