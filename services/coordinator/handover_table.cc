// Sorting and wording of open handovers.
#include "services/coordinator/handover_table.h"

#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <tuple>

#include "common/civil_date.h"

namespace samverkan::coordinator {
namespace {

bool HasDeadline(const v1::HandoverSummary& h) {
  return h.has_deadline() && h.deadline().year() != 0;
}

CivilDate Deadline(const v1::HandoverSummary& h) {
  return {h.deadline().year(), h.deadline().month(), h.deadline().day()};
}

// Left-aligned in `width` columns; longer text is kept whole (the caller's
// separator still follows it).
std::string Pad(const std::string& text, size_t width) {
  return text.size() >= width ? text
                              : text + std::string(width - text.size(), ' ');
}

}  // namespace

void SortByDeadline(std::vector<v1::HandoverSummary>* handovers) {
  std::sort(handovers->begin(), handovers->end(),
            [](const v1::HandoverSummary& a, const v1::HandoverSummary& b) {
              auto key = [](const v1::HandoverSummary& h) {
                return std::make_tuple(!HasDeadline(h), Deadline(h),
                                       h.participant_id(), h.handover_id());
              };
              return key(a) < key(b);
            });
}

std::string DescribeHandover(const v1::HandoverSummary& h) {
  const std::string deadline =
      HasDeadline(h) ? FormatCivilDate(Deadline(h)) : "no deadline";
  const std::string state =
      h.state() == v1::HANDOVER_ESCALATED ? "ESCALATED" : "open";
  return Pad(deadline, 11) + " " + Pad(state, 10) + " " +
         Pad(h.participant_id(), 12) + " " + h.rule_id() + " -> " +
         h.to_organisation() + " (" + h.handover_id() + ")";
}

std::string HandoverTable(const std::vector<v1::HandoverSummary>& handovers) {
  if (handovers.empty()) return "no open handovers\n";
  std::string out = Pad("DEADLINE", 11) + " " + Pad("STATE", 10) + " " +
                    Pad("PARTICIPANT", 12) + " RULE -> TO (HANDOVER)\n";
  for (const v1::HandoverSummary& h : handovers) {
    out += DescribeHandover(h) + "\n";
  }
  return out;
}

std::string HandoverJson(const v1::HandoverSummary& handover) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(handover, &json, options);
  return json;
}

std::string FormatHandovers(const std::vector<v1::HandoverSummary>& handovers,
                            bool json) {
  if (!json) return HandoverTable(handovers);
  std::string out;
  for (const v1::HandoverSummary& h : handovers) out += HandoverJson(h) + "\n";
  return out;
}

}  // namespace samverkan::coordinator
