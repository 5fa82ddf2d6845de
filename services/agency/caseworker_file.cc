// Lines written by hand with JsonQuote; read back on open through protobuf's
// Struct, which is all the parsing the cursor needs.
#include "services/agency/caseworker_file.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include "samverkan/payload_type.h"
#include "services/inbox/delivery_text.h"

namespace samverkan::agency {

std::string StreamName(v1::DeliveryStream stream) {
  return stream == v1::DELIVERY_STREAM_ALERTS ? "alerts" : "events";
}

std::string HandoverIdOf(const v1::Envelope& e) {
  if (e.has_handover_opened()) return e.handover_opened().handover_id();
  if (e.has_handover_escalated()) return e.handover_escalated().handover_id();
  if (e.has_handover_closed()) return e.handover_closed().handover_id();
  if (e.has_alert()) return e.alert().handover_id();
  return "";
}

std::string CaseworkerLine(v1::DeliveryStream stream,
                           const v1::Delivery& delivery,
                           const std::string& action) {
  const v1::Envelope& e = delivery.envelope();
  const std::string handover = HandoverIdOf(e);
  return "{\"stream\":" + JsonQuote(StreamName(stream)) +
         ",\"recipient_sequence\":" +
         std::to_string(delivery.recipient_sequence()) +
         ",\"log_sequence\":" + std::to_string(delivery.log_sequence()) +
         ",\"participant_id\":" + JsonQuote(e.participant_id()) +
         ",\"event\":" + JsonQuote(PayloadTypeName(e)) +
         ",\"from\":" + JsonQuote(e.source_organisation()) +
         (handover.empty() ? "" : ",\"handover_id\":" + JsonQuote(handover)) +
         ",\"to_do\":" + (action.empty() ? "false" : "true") +
         ",\"action\":" + JsonQuote(action.empty() ? kForInformation : action) +
         ",\"summary\":" + JsonQuote(inbox::DescribeDelivery(delivery)) + "}";
}

StatusOr<std::unique_ptr<CaseworkerFile>> CaseworkerFile::Open(
    const std::string& path) {
  auto file = JsonLinesFile::Open(path);  // trims a torn last line first
  if (!file.ok()) return file.status();
  std::map<v1::DeliveryStream, uint64_t> last;
  for (const std::string& line : ReadJsonLines(path)) {
    google::protobuf::Struct fields;
    if (!google::protobuf::util::JsonStringToMessage(line, &fields).ok()) {
      return DataLossError(path + ": not a case-worker line: " + line);
    }
    const auto& f = fields.fields();
    auto stream = f.find("stream");
    auto sequence = f.find("recipient_sequence");
    if (stream == f.end() || sequence == f.end()) continue;
    const v1::DeliveryStream s = stream->second.string_value() == "alerts"
                                     ? v1::DELIVERY_STREAM_ALERTS
                                     : v1::DELIVERY_STREAM_EVENTS;
    last[s] = std::max(last[s],
                       static_cast<uint64_t>(sequence->second.number_value()));
  }
  return std::unique_ptr<CaseworkerFile>(
      new CaseworkerFile(std::move(*file), std::move(last)));
}

uint64_t CaseworkerFile::last(v1::DeliveryStream stream) const {
  auto it = last_.find(stream);
  return it == last_.end() ? 0 : it->second;
}

Status CaseworkerFile::Append(v1::DeliveryStream stream,
                              const v1::Delivery& delivery,
                              const std::string& action) {
  if (delivery.recipient_sequence() <= last(stream)) return OkStatus();
  if (Status s = file_->Append(CaseworkerLine(stream, delivery, action));
      !s.ok()) {
    return s;
  }
  if (Status s = file_->Sync(); !s.ok()) return s;
  last_[stream] = delivery.recipient_sequence();
  return OkStatus();
}

}  // namespace samverkan::agency
