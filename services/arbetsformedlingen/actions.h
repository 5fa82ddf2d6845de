// What a case worker at the Arbetsförmedlingen has to do about a delivery.
#ifndef SAMVERKAN_SERVICES_ARBETSFORMEDLINGEN_ACTIONS_H_
#define SAMVERKAN_SERVICES_ARBETSFORMEDLINGEN_ACTIONS_H_

#include <string>

#include "samverkan/v1/envelope.pb.h"

namespace samverkan::arbetsformedlingen {

// The sentence for `organisation` (this agency), "" for information.
std::string ArbetsformedlingenAction(const v1::Envelope& envelope,
                                     const std::string& organisation);

}  // namespace samverkan::arbetsformedlingen

#endif  // SAMVERKAN_SERVICES_ARBETSFORMEDLINGEN_ACTIONS_H_
