// Cross-system rules (DESIGN §6, issue #4): events that are valid on their
// own but put the participant's income at risk across benefit systems, e.g.
// work starting while aktivitetsersättning is active without a vilande
// decision, or the last income source ending. They raise alerts, open
// handovers with deadlines, close handovers their successor event satisfies,
// and schedule reminders for risks known ahead (AE ending at 30), which the
// clock fires (rule_clock.h).
#ifndef SAMVERKAN_GATEWAY_RULES_CROSS_RULES_H_
#define SAMVERKAN_GATEWAY_RULES_CROSS_RULES_H_

#include <cstdint>

#include "common/civil_date.h"
#include "gateway/rules/rule_effects.h"
#include "gateway/rules/rule_set.h"
#include "samverkan/v1/envelope.pb.h"
#include "samverkan/v1/ledger.pb.h"

namespace samverkan::gateway {

// Evaluates `e` (recorded at `sequence`) against the ledger as it was
// (`before`) and as the event left it (`*after`, state machines already
// moved). Adds opened handovers and scheduled reminders to *after and removes
// closed handovers and obsolete reminders from it. `today` is the gateway's
// date; deadlines are computed from the dates in the events.
RuleEffects EvaluateCrossRules(const RuleSet& rules,
                               const v1::ParticipantLedger& before,
                               v1::ParticipantLedger* after,
                               const v1::Envelope& e, uint64_t sequence,
                               const CivilDate& today);

}  // namespace samverkan::gateway

#endif  // SAMVERKAN_GATEWAY_RULES_CROSS_RULES_H_
