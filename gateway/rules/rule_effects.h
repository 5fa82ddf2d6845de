// What the cross-system rules and the clock produce for one participant:
// alerts to raise and handovers opened, closed or escalated. The pipeline
// turns these into gateway-authored log records and alert deliveries.
#ifndef SAMVERKAN_GATEWAY_RULES_RULE_EFFECTS_H_
#define SAMVERKAN_GATEWAY_RULES_RULE_EFFECTS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/civil_date.h"
#include "samverkan/v1/envelope.pb.h"
#include "samverkan/v1/ledger.pb.h"

namespace samverkan::gateway {

struct RaisedAlert {
  std::string rule_id;
  v1::Severity severity = v1::WARNING;
  // What is at risk and what to do, for a coordinator.
  std::string sentence;
  std::optional<CivilDate> deadline;
  std::vector<uint64_t> based_on_sequences;
  // Organisations besides the coordinator who must act; they receive the
  // alert only where the participant's consent covers it.
  std::vector<std::string> also_notify;
  std::string handover_id;
};

struct RuleEffects {
  std::vector<RaisedAlert> alerts;
  std::vector<v1::LedgerHandover> opened;
  std::vector<v1::HandoverClosed> closed;
  std::vector<v1::HandoverEscalated> escalated;
  // Reminders scheduled (not yet fired); recorded only in shadow comparisons.
  std::vector<v1::LedgerReminder> scheduled;

  bool empty() const {
    return alerts.empty() && opened.empty() && closed.empty() &&
           escalated.empty();
  }
};

// A short stable id: prefix + 16 hex digits of SHA-256 over the parts, so
// the same trigger and rule always give the same id (replays, shadow runs).
std::string DerivedId(std::string_view prefix, std::string_view a,
                      std::string_view b);

}  // namespace samverkan::gateway

#endif  // SAMVERKAN_GATEWAY_RULES_RULE_EFFECTS_H_
