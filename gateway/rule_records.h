// Turns what the transition rules raise into gateway-authored log records
// (alerts, handovers opened / closed / escalated, shadow decisions; DESIGN
// §7's last row) and their deliveries: to the alert stream of the plan's
// coordinating organisation always, to another party's only where the
// participant's consent lets it receive the plan's facts from the source.
#ifndef SAMVERKAN_GATEWAY_RULE_RECORDS_H_
#define SAMVERKAN_GATEWAY_RULE_RECORDS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "gateway/log/log_store.h"
#include "gateway/participant_state.h"
#include "gateway/rules/rule_effects.h"

namespace samverkan::gateway {

// The source_organisation of every record the gateway writes itself.
inline constexpr std::string_view kGatewayOrganisation = "samverkan-gateway";

class RuleRecordWriter {
 public:
  // `state` must outlive the writer.
  explicit RuleRecordWriter(const ParticipantState* state) : state_(state) {}

  // Appends the records for `effects` about `participant` to `batch`.
  // `trigger_id` makes the record ids (the triggering event's id, or the
  // clock's date); `source` is the organisation whose event raised them,
  // whose consent decides who besides the coordinator may see them.
  void Write(const RuleEffects& effects, const std::string& participant,
             std::string_view trigger_id, std::string_view source,
             const std::string& rule_set_version, int64_t now_us,
             Batch* batch) const;

  // A shadow rule set's different decision: logged, delivered to nobody.
  // `sequence` is the record's own (a rejected event may be sent again, and
  // each attempt is its own decision).
  void WriteShadow(const v1::ShadowDecision& decision,
                   const std::string& participant, uint64_t sequence,
                   int64_t now_us, Batch* batch) const;

 private:
  // Appends `e` as a GATEWAY_EVENT record; returns its index in the batch.
  size_t AppendRecord(v1::Envelope& e, const std::string& participant,
                      std::string event_id, int64_t now_us, Batch* batch) const;
  void Deliver(size_t record_index, const std::string& body,
               const std::string& participant, std::string_view source,
               std::vector<std::string> recipients, Batch* batch) const;

  const ParticipantState* state_;
};

}  // namespace samverkan::gateway

#endif  // SAMVERKAN_GATEWAY_RULE_RECORDS_H_
