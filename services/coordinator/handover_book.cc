// Handover records in, the set of open handovers out.
#include "services/coordinator/handover_book.h"

#include "services/coordinator/handover_table.h"

namespace samverkan::coordinator {

void HandoverBook::Apply(const v1::Delivery& delivery) {
  if (delivery.withheld_after_withdrawal()) return;
  const v1::Envelope& e = delivery.envelope();
  switch (e.payload_case()) {
    case v1::Envelope::kHandoverOpened: {
      const v1::HandoverOpened& opened = e.handover_opened();
      v1::HandoverSummary& h =
          open_[{e.participant_id(), opened.handover_id()}];
      h.set_participant_id(e.participant_id());
      h.set_handover_id(opened.handover_id());
      h.set_rule_id(opened.rule_id());
      h.set_rule_set_version(opened.rule_set_version());
      h.set_from_organisation(opened.from_organisation());
      h.set_to_organisation(opened.to_organisation());
      if (opened.has_deadline()) *h.mutable_deadline() = opened.deadline();
      h.set_state(v1::HANDOVER_OPEN);
      return;
    }
    case v1::Envelope::kHandoverEscalated: {
      auto it = open_.find(
          {e.participant_id(), e.handover_escalated().handover_id()});
      if (it != open_.end()) it->second.set_state(v1::HANDOVER_ESCALATED);
      return;
    }
    case v1::Envelope::kHandoverClosed:
      open_.erase({e.participant_id(), e.handover_closed().handover_id()});
      return;
    default:
      return;
  }
}

std::vector<v1::HandoverSummary> HandoverBook::Open() const {
  std::vector<v1::HandoverSummary> out;
  out.reserve(open_.size());
  for (const auto& [key, h] : open_) out.push_back(h);
  SortByDeadline(&out);
  return out;
}

}  // namespace samverkan::coordinator
