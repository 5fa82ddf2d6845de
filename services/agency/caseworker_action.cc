// Shared wording; agency-specific sentences live in each agency's folder.
#include "services/agency/caseworker_action.h"

#include "common/civil_date.h"

namespace samverkan::agency {

std::string DateText(const v1::Date& date) {
  if (date.year() == 0) return "";
  return FormatCivilDate(CivilDate{date.year(), date.month(), date.day()});
}

const v1::HandoverOpened* HandoverTo(const v1::Envelope& envelope,
                                     const std::string& organisation) {
  if (envelope.payload_case() != v1::Envelope::kHandoverOpened) return nullptr;
  const v1::HandoverOpened& h = envelope.handover_opened();
  return h.to_organisation() == organisation ? &h : nullptr;
}

std::string CommonAction(const v1::Envelope& envelope,
                         const std::string& organisation) {
  if (const v1::HandoverOpened* h = HandoverTo(envelope, organisation)) {
    const std::string by = DateText(h->deadline());
    return "Handover " + h->rule_id() + " to you for " +
           envelope.participant_id() + (by.empty() ? "" : ", by " + by) + ": " +
           h->sentence();
  }
  if (envelope.payload_case() == v1::Envelope::kPlanActionAdded) {
    const v1::PlanActionAdded& a = envelope.plan_action_added();
    if (a.responsible_organisation() != organisation) return "";
    const std::string due = DateText(a.due());
    return "Plan action '" + a.kind() + "' in " + a.plan_id() + " for " +
           envelope.participant_id() + " is yours" +
           (due.empty() ? "" : ", due " + due) + ".";
  }
  if (envelope.payload_case() == v1::Envelope::kHandoverEscalated) {
    return "Escalated handover " + envelope.handover_escalated().handover_id() +
           " for " + envelope.participant_id() + ": " +
           envelope.handover_escalated().sentence();
  }
  return "";
}

}  // namespace samverkan::agency
