// What the gateway knows about participants between events: their consents
// and plans, projected from the log, and their benefit ledgers, persisted in
// the store's projections with each commit. Stages read it; the pipeline
// applies accepted events to it in log order and rebuilds it from the store
// when a commit fails, so it never runs ahead of what is durable.
#ifndef SAMVERKAN_GATEWAY_PARTICIPANT_STATE_H_
#define SAMVERKAN_GATEWAY_PARTICIPANT_STATE_H_

#include "common/civil_date.h"
#include "common/clock.h"
#include "gateway/consent/consent_book.h"
#include "gateway/log/log_store.h"
#include "gateway/plans/plan_book.h"
#include "gateway/rules/ledger_book.h"

namespace samverkan::gateway {

class ParticipantState {
 public:
  // `clock` is borrowed and must outlive the state.
  explicit ParticipantState(const Clock* clock) : clock_(clock) {}
  ParticipantState(const ParticipantState&) = delete;
  ParticipantState& operator=(const ParticipantState&) = delete;

  // Whether a payload type feeds this projection (and is replayed at start).
  static bool IsReplayed(const v1::Envelope& e);

  // Applies an accepted event at its sequence.
  Status Apply(const v1::Envelope& e, uint64_t sequence);
  // Forgets everything, replays every replay-marked record of `store` and
  // loads the ledgers from its projections.
  Status Rebuild(LogStore& store);

  // Today's date on the gateway's clock; consent periods are judged by it.
  CivilDate Today() const;

  const ConsentBook& consents() const { return consents_; }
  const PlanBook& plans() const { return plans_; }
  const LedgerBook& ledgers() const { return ledgers_; }
  // The transition engine moves ledgers; nothing else writes them.
  LedgerBook& mutable_ledgers() { return ledgers_; }

 private:
  const Clock* clock_;
  ConsentBook consents_;
  PlanBook plans_;
  LedgerBook ledgers_;
};

}  // namespace samverkan::gateway

#endif  // SAMVERKAN_GATEWAY_PARTICIPANT_STATE_H_
