// What a case worker at the municipality has to do about a delivery.
#ifndef SAMVERKAN_SERVICES_MUNICIPALITY_ACTIONS_H_
#define SAMVERKAN_SERVICES_MUNICIPALITY_ACTIONS_H_

#include <string>

#include "samverkan/v1/envelope.pb.h"

namespace samverkan::municipality {

// The sentence for `organisation` (this agency), "" for information.
std::string MunicipalityAction(const v1::Envelope& envelope,
                               const std::string& organisation);

}  // namespace samverkan::municipality

#endif  // SAMVERKAN_SERVICES_MUNICIPALITY_ACTIONS_H_
