// The verb in the first frame of the ingress protocol (docs/protocol.md): a
// party sends SUBMIT, a correlation id and an envelope; the gateway answers
// SUBMIT with the correlation id and a SubmitReply, or ERROR when it could
// not read the request's frames. Shared by the gateway, the client library
// and the bench's null gateway, so they can never disagree.
#ifndef SAMVERKAN_PROTO_INGRESS_FRAMES_H_
#define SAMVERKAN_PROTO_INGRESS_FRAMES_H_

#include <string_view>

namespace samverkan {

inline constexpr std::string_view kSubmitVerb = "SUBMIT";
inline constexpr std::string_view kErrorVerb = "ERROR";

}  // namespace samverkan

#endif  // SAMVERKAN_PROTO_INGRESS_FRAMES_H_
