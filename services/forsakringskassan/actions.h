// What a case worker at the Försäkringskassan has to do about a delivery.
#ifndef SAMVERKAN_SERVICES_FORSAKRINGSKASSAN_ACTIONS_H_
#define SAMVERKAN_SERVICES_FORSAKRINGSKASSAN_ACTIONS_H_

#include <string>

#include "samverkan/v1/envelope.pb.h"

namespace samverkan::forsakringskassan {

// The sentence for `organisation` (this agency), "" for information.
std::string ForsakringskassanAction(const v1::Envelope& envelope,
                                    const std::string& organisation);

}  // namespace samverkan::forsakringskassan

#endif  // SAMVERKAN_SERVICES_FORSAKRINGSKASSAN_ACTIONS_H_
