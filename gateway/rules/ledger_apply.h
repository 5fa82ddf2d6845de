// The per-participant state machines (issue #4): how one accepted event moves
// a participant's ledger, e.g. aktivitetsersättning active → vilande → active,
// a programme started → interrupted → ended. Assumes the state rules already
// let the event through; handovers and reminders are the engine's business.
#ifndef SAMVERKAN_GATEWAY_RULES_LEDGER_APPLY_H_
#define SAMVERKAN_GATEWAY_RULES_LEDGER_APPLY_H_

#include <cstdint>

#include "samverkan/v1/envelope.pb.h"
#include "samverkan/v1/ledger.pb.h"

namespace samverkan::gateway {

// Applies `e`, recorded at `sequence`, to `ledger`. Payloads that move no
// state machine (consents, gateway records) leave it unchanged.
void ApplyToLedger(const v1::Envelope& e, uint64_t sequence,
                   v1::ParticipantLedger* ledger);

}  // namespace samverkan::gateway

#endif  // SAMVERKAN_GATEWAY_RULES_LEDGER_APPLY_H_
