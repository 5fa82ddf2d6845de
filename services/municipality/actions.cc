// The municipality decides on försörjningsstöd when income stops (income
// gap, illness in a programme without SGI), and as the usual coordinator it
// follows up the alerts on its plans.
#include "services/municipality/actions.h"

#include "services/agency/caseworker_action.h"

namespace samverkan::municipality {

std::string MunicipalityAction(const v1::Envelope& envelope,
                               const std::string& organisation) {
  using agency::DateText;
  if (const auto* h = agency::HandoverTo(envelope, organisation)) {
    if (h->rule_id() == "income_gap" ||
        h->rule_id() == "illness_in_programme") {
      return "Decide on försörjningsstöd for " + envelope.participant_id() +
             " by " + DateText(h->deadline()) + ": " + h->sentence();
    }
  }
  if (envelope.payload_case() == v1::Envelope::kAlert &&
      envelope.alert().severity() == v1::CRITICAL) {
    const std::string by = DateText(envelope.alert().deadline());
    return "As coordinator, follow up " + envelope.participant_id() +
           (by.empty() ? "" : " by " + by) + ": " + envelope.alert().sentence();
  }
  return agency::CommonAction(envelope, organisation);
}

}  // namespace samverkan::municipality
