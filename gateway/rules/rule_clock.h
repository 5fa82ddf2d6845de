// The transition rules' clock (DESIGN §6): what becomes due on a day with
// no event, reminders whose day has come and handovers whose deadline has
// passed. The gateway asks each ledger once a day (ledger_book.h).
#ifndef SAMVERKAN_GATEWAY_RULES_RULE_CLOCK_H_
#define SAMVERKAN_GATEWAY_RULES_RULE_CLOCK_H_

#include <optional>

#include "common/civil_date.h"
#include "gateway/rules/rule_effects.h"
#include "gateway/rules/rule_set.h"
#include "samverkan/v1/ledger.pb.h"

namespace samverkan::gateway {

// Fires what the clock makes due in *ledger on `today`: reminders whose day
// has come (removed once fired) and handovers whose deadline has passed
// (escalated once). Nothing happens twice.
RuleEffects FireDue(const RuleSet& rules, v1::ParticipantLedger* ledger,
                    const CivilDate& today);

// The first day on which FireDue would do something; unset when nothing is
// scheduled.
std::optional<CivilDate> NextDue(const v1::ParticipantLedger& ledger);

}  // namespace samverkan::gateway

#endif  // SAMVERKAN_GATEWAY_RULES_RULE_CLOCK_H_
