// The benefit transition engine (issue #4): state rules, cross-system rules,
// handovers and reminders, evaluated against the participants' ledgers with
// the enforced rule set, and with a shadow rule set beside it when one is
// configured. The shadow set is evaluated on the same ledgers but never
// changes them or what is enforced; where it decides differently the engine
// says so, for the pipeline to record.
#ifndef SAMVERKAN_GATEWAY_RULES_TRANSITION_ENGINE_H_
#define SAMVERKAN_GATEWAY_RULES_TRANSITION_ENGINE_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gateway/rules/ledger_book.h"
#include "gateway/rules/rule_effects.h"
#include "gateway/rules/rule_set.h"
#include "gateway/rules/state_rules.h"

namespace samverkan::gateway {

class TransitionEngine {
 public:
  struct Decision {
    RuleEffects effects;
    // Set when a shadow rule set decided differently.
    std::optional<v1::ShadowDecision> shadow;
  };

  // `enforced` is required; `shadow` may be null. Both are shared read-only.
  TransitionEngine(std::shared_ptr<const RuleSet> enforced,
                   std::shared_ptr<const RuleSet> shadow);
  TransitionEngine(const TransitionEngine&) = delete;
  TransitionEngine& operator=(const TransitionEngine&) = delete;

  const RuleSet& enforced() const { return *enforced_; }
  const RuleSet* shadow() const { return shadow_.get(); }

  // The state rule of the enforced set that `e` breaks, if any.
  std::optional<RuleViolation> Check(const LedgerBook& ledgers,
                                     const v1::Envelope& e) const;

  // Applies an accepted event (recorded at `sequence`) to its participant's
  // ledger and returns what the rules raise, including anything the clock
  // already makes due on `today`.
  Decision Apply(LedgerBook& ledgers, const v1::Envelope& e, uint64_t sequence,
                 const CivilDate& today) const;

  // For an event the enforced set rejected with `violation`: the shadow
  // comparison, if a shadow set decides differently.
  std::optional<v1::ShadowDecision> ShadowOfRejected(
      const LedgerBook& ledgers, const v1::Envelope& e,
      const RuleViolation& violation, const CivilDate& today) const;

  // What the clock makes due on `today`, per participant (reminders fired,
  // handovers escalated); the ledgers are updated and marked as changed by
  // `sequence` (the head the records will follow).
  std::vector<std::pair<std::string, RuleEffects>> FireDue(
      LedgerBook& ledgers, const CivilDate& today, uint64_t sequence) const;

 private:
  std::shared_ptr<const RuleSet> enforced_;
  std::shared_ptr<const RuleSet> shadow_;
};

}  // namespace samverkan::gateway

#endif  // SAMVERKAN_GATEWAY_RULES_TRANSITION_ENGINE_H_
