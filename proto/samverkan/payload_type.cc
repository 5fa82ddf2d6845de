// Payload type names come from the descriptor, not a hand-written table, so a
// payload added to envelope.proto is named correctly without touching this.
#include "samverkan/payload_type.h"

namespace samverkan {

std::string PayloadTypeName(const v1::Envelope& envelope) {
  if (envelope.payload_case() == v1::Envelope::PAYLOAD_NOT_SET) return "";
  // The oneof case value is the field number.
  const google::protobuf::FieldDescriptor* field =
      v1::Envelope::descriptor()->FindFieldByNumber(envelope.payload_case());
  return field != nullptr ? field->name() : "";
}

}  // namespace samverkan
