// The name a record's payload_type column carries: the name of the Envelope's
// set payload oneof field. Shared by the gateway (which fills the column) and
// the verifier (which checks it), so the two can never disagree.
#ifndef SAMVERKAN_GATEWAY_LOG_PAYLOAD_TYPE_H_
#define SAMVERKAN_GATEWAY_LOG_PAYLOAD_TYPE_H_

#include <string>

#include "samverkan/v1/envelope.pb.h"

namespace samverkan::gateway {

// E.g. "health_deteriorated"; "" when no payload is set.
std::string PayloadTypeName(const v1::Envelope& envelope);

}  // namespace samverkan::gateway

#endif  // SAMVERKAN_GATEWAY_LOG_PAYLOAD_TYPE_H_
