// The name a record's payload_type column carries: the name of the Envelope's
// set payload oneof field. Shared by the gateway (which fills the column),
// the verifier (which checks it) and the agency side (which shows it), so
// they can never disagree.
#ifndef SAMVERKAN_PROTO_PAYLOAD_TYPE_H_
#define SAMVERKAN_PROTO_PAYLOAD_TYPE_H_

#include <string>

#include "samverkan/v1/envelope.pb.h"

namespace samverkan {

// E.g. "health_deteriorated"; "" when no payload is set.
std::string PayloadTypeName(const v1::Envelope& envelope);

}  // namespace samverkan

#endif  // SAMVERKAN_PROTO_PAYLOAD_TYPE_H_
