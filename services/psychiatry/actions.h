// What a case worker at the region's psychiatry has to do about a delivery.
#ifndef SAMVERKAN_SERVICES_PSYCHIATRY_ACTIONS_H_
#define SAMVERKAN_SERVICES_PSYCHIATRY_ACTIONS_H_

#include <string>

#include "samverkan/v1/envelope.pb.h"

namespace samverkan::psychiatry {

// The sentence for `organisation` (this agency), "" for information.
std::string PsychiatryAction(const v1::Envelope& envelope,
                             const std::string& organisation);

}  // namespace samverkan::psychiatry

#endif  // SAMVERKAN_SERVICES_PSYCHIATRY_ACTIONS_H_
