// Enforced evaluation, and the shadow comparison that rides along with it.
#include "gateway/rules/transition_engine.h"

#include "gateway/rules/cross_rules.h"
#include "gateway/rules/ledger_apply.h"
#include "gateway/rules/ledger_view.h"
#include "gateway/rules/rule_clock.h"
#include "samverkan/payload_type.h"

namespace samverkan::gateway {
namespace {

std::string DeadlineText(const std::optional<CivilDate>& d) {
  return d ? FormatCivilDate(*d) : std::string("-");
}

v1::RuleOutcome Summarise(const RuleSet& rules,
                          const std::optional<RuleViolation>& violation,
                          const RuleEffects& effects) {
  v1::RuleOutcome out;
  out.set_rule_set_version(rules.version);
  if (violation) {
    out.set_rejected_by_rule(violation->rule_id);
    out.set_rejection_sentence(violation->sentence);
    return out;
  }
  for (const RaisedAlert& a : effects.alerts) {
    out.add_alerts(a.rule_id + " " + v1::Severity_Name(a.severity) + " " +
                   DeadlineText(a.deadline));
  }
  for (const v1::LedgerReminder& r : effects.scheduled) {
    out.add_alerts(r.rule_id() + " scheduled " + Format(r.fire_on()));
  }
  for (const v1::LedgerHandover& h : effects.opened) {
    out.add_handovers(h.opened().rule_id() + " " +
                      h.opened().to_organisation() + " " +
                      Format(h.opened().deadline()));
  }
  return out;
}

bool SameDecision(v1::RuleOutcome a, v1::RuleOutcome b) {
  a.clear_rule_set_version();
  b.clear_rule_set_version();
  // Sentences name the version; the rule id says what decided.
  a.clear_rejection_sentence();
  b.clear_rejection_sentence();
  return a.SerializeAsString() == b.SerializeAsString();
}

void Append(RuleEffects& into, RuleEffects&& more) {
  for (auto& a : more.alerts) into.alerts.push_back(std::move(a));
  for (auto& h : more.opened) into.opened.push_back(std::move(h));
  for (auto& c : more.closed) into.closed.push_back(std::move(c));
  for (auto& x : more.escalated) into.escalated.push_back(std::move(x));
  for (auto& r : more.scheduled) into.scheduled.push_back(std::move(r));
}

// One rule set's view of an accepted event: the ledger it leaves and what it
// raises.
RuleEffects Evaluate(const RuleSet& rules, const v1::ParticipantLedger& before,
                     v1::ParticipantLedger* after, const v1::Envelope& e,
                     uint64_t sequence, const CivilDate& today) {
  *after = before;
  ApplyToLedger(e, sequence, after);
  RuleEffects effects =
      EvaluateCrossRules(rules, before, after, e, sequence, today);
  Append(effects, FireDue(rules, after, today));
  return effects;
}

v1::ShadowDecision MakeShadow(const v1::Envelope& e, uint64_t sequence,
                              v1::RuleOutcome enforced,
                              v1::RuleOutcome shadow) {
  v1::ShadowDecision d;
  d.set_event_id(e.event_id());
  d.set_event_sequence(sequence);
  d.set_payload_type(PayloadTypeName(e));
  *d.mutable_enforced() = std::move(enforced);
  *d.mutable_shadow() = std::move(shadow);
  return d;
}

}  // namespace

TransitionEngine::TransitionEngine(std::shared_ptr<const RuleSet> enforced,
                                   std::shared_ptr<const RuleSet> shadow)
    : enforced_(std::move(enforced)), shadow_(std::move(shadow)) {}

std::optional<RuleViolation> TransitionEngine::Check(
    const LedgerBook& ledgers, const v1::Envelope& e) const {
  return CheckStateRules(*enforced_, ledgers.Get(e.participant_id()), e);
}

TransitionEngine::Decision TransitionEngine::Apply(
    LedgerBook& ledgers, const v1::Envelope& e, uint64_t sequence,
    const CivilDate& today) const {
  const v1::ParticipantLedger& before = ledgers.Get(e.participant_id());
  Decision d;
  v1::ParticipantLedger* after = ledgers.Spare();
  d.effects = Evaluate(*enforced_, before, after, e, sequence, today);
  if (shadow_) {
    std::optional<RuleViolation> shadow_violation =
        CheckStateRules(*shadow_, before, e);
    RuleEffects shadow_effects;
    if (!shadow_violation) {
      v1::ParticipantLedger shadow_after;
      shadow_effects =
          Evaluate(*shadow_, before, &shadow_after, e, sequence, today);
    }
    v1::RuleOutcome enforced = Summarise(*enforced_, std::nullopt, d.effects);
    v1::RuleOutcome shadow =
        Summarise(*shadow_, shadow_violation, shadow_effects);
    if (!SameDecision(enforced, shadow)) {
      d.shadow =
          MakeShadow(e, sequence, std::move(enforced), std::move(shadow));
    }
  }
  ledgers.Swap(e.participant_id(), after, sequence);
  return d;
}

std::optional<v1::ShadowDecision> TransitionEngine::ShadowOfRejected(
    const LedgerBook& ledgers, const v1::Envelope& e,
    const RuleViolation& violation, const CivilDate& today) const {
  if (!shadow_) return std::nullopt;
  const v1::ParticipantLedger& before = ledgers.Get(e.participant_id());
  std::optional<RuleViolation> shadow_violation =
      CheckStateRules(*shadow_, before, e);
  RuleEffects shadow_effects;
  if (!shadow_violation) {
    v1::ParticipantLedger scratch;
    shadow_effects = Evaluate(*shadow_, before, &scratch, e, 0, today);
  }
  v1::RuleOutcome enforced = Summarise(*enforced_, violation, {});
  v1::RuleOutcome shadow =
      Summarise(*shadow_, shadow_violation, shadow_effects);
  if (SameDecision(enforced, shadow)) return std::nullopt;
  return MakeShadow(e, 0, std::move(enforced), std::move(shadow));
}

std::vector<std::pair<std::string, RuleEffects>> TransitionEngine::FireDue(
    LedgerBook& ledgers, const CivilDate& today, uint64_t sequence) const {
  std::vector<std::pair<std::string, RuleEffects>> out;
  for (const std::string& participant : ledgers.DueBy(today)) {
    v1::ParticipantLedger* ledger = ledgers.Spare();
    *ledger = ledgers.Get(participant);
    RuleEffects effects = gateway::FireDue(*enforced_, ledger, today);
    ledgers.Swap(participant, ledger, sequence);
    if (!effects.empty()) out.emplace_back(participant, std::move(effects));
  }
  return out;
}

}  // namespace samverkan::gateway
