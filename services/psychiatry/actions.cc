// No rule of the rule set hands this party a decision of its own kind yet,
// so the shared wording covers it: handovers given to it, plan actions it
// is responsible for, escalations.
#include "services/psychiatry/actions.h"

#include "services/agency/caseworker_action.h"

namespace samverkan::psychiatry {

std::string PsychiatryAction(const v1::Envelope& envelope,
                             const std::string& organisation) {
  return agency::CommonAction(envelope, organisation);
}

}  // namespace samverkan::psychiatry
