// protobuf JSON mapping in, envelopes out.
#include "services/agency/json_events.h"

#include <google/protobuf/util/json_util.h>

#include <cstdio>

#include "common/sha256.h"
#include "samverkan/v1/gateway.pb.h"
#include "services/agency/json_lines_file.h"

namespace samverkan::agency {

std::string DeterministicUuid(std::string_view seed) {
  Sha256 h;
  h.Update(seed);
  Digest d = h.Finish();
  d[6] = static_cast<uint8_t>((d[6] & 0x0f) | 0x80);  // version 8
  d[8] = static_cast<uint8_t>((d[8] & 0x3f) | 0x80);  // RFC variant
  std::string hex =
      ToHex(std::string_view(reinterpret_cast<const char*>(d.data()), 16));
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) +
         "-" + hex.substr(16, 4) + "-" + hex.substr(20, 12);
}

StatusOr<v1::Envelope> ParseEventLine(std::string_view line,
                                      const LineDefaults& defaults) {
  v1::Envelope e;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;  // a typo must not vanish silently
  auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(line.data(), line.size()), &e, options);
  if (!status.ok()) {
    return InvalidArgumentError("not a samverkan.v1.Envelope in JSON: " +
                                std::string(status.message()));
  }
  if (e.source_organisation().empty()) {
    e.set_source_organisation(defaults.organisation);
  }
  if (!e.has_occurred_at()) {
    e.mutable_occurred_at()->set_seconds(defaults.now_us / 1000000);
  }
  if (e.schema_version() == 0) e.set_schema_version(defaults.schema_version);
  if (e.event_id().empty()) {
    e.set_event_id(
        DeterministicUuid(e.source_organisation() + "\n" + std::string(line)));
  }
  return e;
}

std::string ReplyToJson(uint64_t line_number, const v1::SubmitReply& reply,
                        std::string_view source) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(reply, &json, options);
  // The source is a file name the service was given; quoted as JSON.
  std::string head = "{";
  if (!source.empty()) {
    head += "\"source\":" + JsonQuote(source) + ",";
  }
  return head + "\"line\":" + std::to_string(line_number) +
         ",\"reply\":" + json + "}";
}

}  // namespace samverkan::agency
