// State rules (DESIGN §6, issue #4): the steps a participant's benefits and
// programmes cannot take, e.g. vilande without an active aktivitetsersättning,
// aktivitetsersättning outside ages 19–29, ending what is not active. An
// event breaking one is rejected INVALID_TRANSITION with the sentence here.
#ifndef SAMVERKAN_GATEWAY_RULES_STATE_RULES_H_
#define SAMVERKAN_GATEWAY_RULES_STATE_RULES_H_

#include <optional>
#include <string>

#include "gateway/rules/rule_set.h"
#include "samverkan/v1/envelope.pb.h"
#include "samverkan/v1/ledger.pb.h"

namespace samverkan::gateway {

struct RuleViolation {
  std::string rule_id;  // e.g. "ae.grade"
  // Says what is wrong and why, for the agency's case worker; ends with the
  // rule id and the rule-set version.
  std::string sentence;
};

// The first state rule `e` breaks given the participant's `ledger`, if any.
std::optional<RuleViolation> CheckStateRules(
    const RuleSet& rules, const v1::ParticipantLedger& ledger,
    const v1::Envelope& e);

}  // namespace samverkan::gateway

#endif  // SAMVERKAN_GATEWAY_RULES_STATE_RULES_H_
