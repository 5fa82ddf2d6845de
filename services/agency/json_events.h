// Agency systems hand events over as JSON lines: one samverkan.v1.Envelope per
// line in protobuf's JSON mapping. This turns a line into an envelope, filling
// what a line may leave out, and says exactly what is wrong with a bad line.
#ifndef SAMVERKAN_SERVICES_AGENCY_JSON_EVENTS_H_
#define SAMVERKAN_SERVICES_AGENCY_JSON_EVENTS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "samverkan/v1/envelope.pb.h"
#include "samverkan/v1/gateway.pb.h"

namespace samverkan::agency {

struct LineDefaults {
  // Used when the line has no source_organisation.
  std::string organisation;
  // Used when the line has no occurred_at (microseconds since the epoch).
  int64_t now_us = 0;
  uint32_t schema_version = 1;
};

// Parses one line. A line without event_id gets a UUID derived from the
// organisation and the line's exact text, so feeding the same file twice
// submits the same events twice, which the gateway answers as duplicates
// instead of storing them again.
StatusOr<v1::Envelope> ParseEventLine(std::string_view line,
                                      const LineDefaults& defaults);

// A UUID (version 8, RFC 9562 "custom") from SHA-256 of `seed`.
std::string DeterministicUuid(std::string_view seed);

// The reply as one JSON object, for the agency system to read back:
// {"line":N,"reply":{...}}, with "source" first when `source` is not empty.
std::string ReplyToJson(uint64_t line_number, const v1::SubmitReply& reply,
                        std::string_view source = {});

}  // namespace samverkan::agency

#endif  // SAMVERKAN_SERVICES_AGENCY_JSON_EVENTS_H_
