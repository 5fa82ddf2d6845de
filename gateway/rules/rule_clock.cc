// See rule_clock.h. A reminder raises its alert only if the risk it was
// scheduled for still stands; sentences are written for a coordinator.
#include "gateway/rules/rule_clock.h"

#include <string>
#include <utility>
#include <vector>

#include "gateway/rules/cross_rule_ids.h"
#include "gateway/rules/effect_writer.h"
#include "gateway/rules/ledger_view.h"

namespace samverkan::gateway {
namespace {

using cross_rule_ids::kAeEndsAt30;
using cross_rule_ids::kAePeriodEnding;
using cross_rule_ids::kSicknessCertificate;
using cross_rule_ids::kSicknessRemoval;

// A reminder whose day has come: raise its alert if the risk still stands.
void FireReminder(const RuleSet& rules, const v1::LedgerReminder& r,
                  EffectWriter& w) {
  const v1::ParticipantLedger& l = w.ledger();
  const CivilDate deadline = ToCivil(r.deadline());
  const std::vector<uint64_t> based_on(r.based_on_sequences().begin(),
                                       r.based_on_sequences().end());
  if (r.rule_id() == kAeEndsAt30 || r.rule_id() == kAePeriodEnding) {
    if (!IsGranted(l.aktivitetsersattning())) return;
    const bool at_30 = r.rule_id() == kAeEndsAt30;
    w.Alert(r.rule_id().c_str(), v1::WARNING,
            "Aktivitetsersättning ends on " + FormatCivilDate(deadline) +
                (at_30 ? " when the participant reaches age " +
                             std::to_string(rules.ae_age_limit_years) +
                             ": apply for sjukersättning with "
                             "Försäkringskassan or plan the move to "
                             "Arbetsförmedlingen well before then."
                       : ": a new application is needed for the next "
                         "period, or another income must be in place."),
            deadline, based_on, {v1::FORSAKRINGSKASSAN});
    return;
  }
  const v1::LedgerProgramme* sick = SickProgramme(l);
  if (sick == nullptr) return;  // recovered or the programme ended
  if (r.rule_id() == kSicknessCertificate && !sick->certificate_received()) {
    w.Alert(kSicknessCertificate, v1::WARNING,
            "Sickness during " + ProgrammeName(sick->kind()) + " since " +
                Format(sick->sick_from()) + " has lasted " +
                std::to_string(rules.programme_sick_certificate_after_days) +
                " days without a sick certificate to Arbetsförmedlingen: "
                "without one aktivitetsstöd stops.",
            deadline, based_on,
            {v1::REGION_PSYCHIATRY, v1::ARBETSFORMEDLINGEN});
  } else if (r.rule_id() == kSicknessRemoval) {
    w.Alert(kSicknessRemoval, v1::CRITICAL,
            "Sickness during " + ProgrammeName(sick->kind()) + " since " +
                Format(sick->sick_from()) + " has lasted more than " +
                std::to_string(rules.programme_sick_removal_after_days) +
                " days: the participant leaves the programme and "
                "aktivitetsstöd stops. Make sure sjukpenning or "
                "försörjningsstöd follows.",
            deadline, based_on, {v1::ARBETSFORMEDLINGEN});
  }
}

}  // namespace

RuleEffects FireDue(const RuleSet& rules, v1::ParticipantLedger* ledger,
                    const CivilDate& today) {
  RuleEffects out;
  EffectWriter w(rules, ledger, &out);
  // Take the due reminders out first: firing one may not re-schedule it.
  std::vector<v1::LedgerReminder> due;
  auto* reminders = ledger->mutable_reminders();
  for (auto it = reminders->begin(); it != reminders->end();) {
    if (today < ToCivil(it->fire_on())) {
      ++it;
    } else {
      due.push_back(std::move(*it));
      it = reminders->erase(it);
    }
  }
  for (const v1::LedgerReminder& r : due) FireReminder(rules, r, w);
  for (v1::LedgerHandover& h : *ledger->mutable_handovers()) {
    const v1::HandoverOpened& o = h.opened();
    if (h.escalated() || !(ToCivil(o.deadline()) < today)) continue;
    h.set_escalated(true);
    v1::HandoverEscalated& x = out.escalated.emplace_back();
    x.set_handover_id(o.handover_id());
    x.set_rule_id(o.rule_id());
    x.set_to_organisation(o.to_organisation());
    *x.mutable_deadline() = o.deadline();
    x.set_sentence("Overdue since " + Format(o.deadline()) + ": " +
                   o.to_organisation() + " has not acted (" + o.rule_id() +
                   "). " + o.sentence());
    RaisedAlert& a = w.Alert(
        o.rule_id().c_str(), v1::CRITICAL, x.sentence(), ToCivil(o.deadline()),
        std::vector<uint64_t>(h.based_on_sequences().begin(),
                              h.based_on_sequences().end()));
    a.handover_id = o.handover_id();
    if (o.to_organisation() != ledger->coordinating_organisation()) {
      a.also_notify.push_back(o.to_organisation());
    }
  }
  return out;
}

std::optional<CivilDate> NextDue(const v1::ParticipantLedger& ledger) {
  std::optional<CivilDate> next;
  auto consider = [&](const CivilDate& d) {
    if (!next || d < *next) next = d;
  };
  for (const v1::LedgerReminder& r : ledger.reminders()) {
    consider(ToCivil(r.fire_on()));
  }
  for (const v1::LedgerHandover& h : ledger.handovers()) {
    if (!h.escalated()) consider(AddDays(ToCivil(h.opened().deadline()), 1));
  }
  return next;
}
}  // namespace samverkan::gateway
