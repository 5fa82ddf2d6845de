// Försäkringskassan decides on vilande when work or studies start while
// aktivitetsersättning or sjukersättning is paid, and when such an attempt
// ends and the benefit returns.
#include "services/forsakringskassan/actions.h"

#include "services/agency/caseworker_action.h"

namespace samverkan::forsakringskassan {

std::string ForsakringskassanAction(const v1::Envelope& envelope,
                                    const std::string& organisation) {
  using agency::DateText;
  if (const auto* h = agency::HandoverTo(envelope, organisation)) {
    if (h->rule_id() == "work_without_vilande") {
      return "A vilande decision is due by " + DateText(h->deadline()) +
             " for " + envelope.participant_id() + ": " + h->sentence();
    }
    if (h->rule_id() == "vilande_returns") {
      return "The vilande benefit returns for " + envelope.participant_id() +
             ": decide that vilande ends" +
             (h->has_deadline() ? " by " + DateText(h->deadline()) : "") +
             ": " + h->sentence();
    }
  }
  return agency::CommonAction(envelope, organisation);
}

}  // namespace samverkan::forsakringskassan
