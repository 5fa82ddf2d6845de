// How the transition rules write what they decide: alerts, handovers with
// their alerts, and reminders go into the rules' effects and the
// participant's ledger at once, so that the two never disagree. Shared by
// the event rules (cross_rules.cc) and the clock (rule_clock.cc).
#ifndef SAMVERKAN_GATEWAY_RULES_EFFECT_WRITER_H_
#define SAMVERKAN_GATEWAY_RULES_EFFECT_WRITER_H_

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/civil_date.h"
#include "gateway/rules/rule_effects.h"
#include "gateway/rules/rule_set.h"
#include "samverkan/v1/ledger.pb.h"

namespace samverkan::gateway {

class EffectWriter {
 public:
  // Writes into *ledger and *out; neither is owned, and both and `rules`
  // must outlive the writer.
  EffectWriter(const RuleSet& rules, v1::ParticipantLedger* ledger,
               RuleEffects* out)
      : rules_(rules), ledger_(ledger), out_(out) {}
  EffectWriter(const EffectWriter&) = delete;
  EffectWriter& operator=(const EffectWriter&) = delete;

  // Raises an alert for the coordinator, also sent to the plan's parties of
  // the kinds in `notify` other than the coordinating organisation.
  RaisedAlert& Alert(const char* rule_id, v1::Severity severity,
                     std::string sentence, std::optional<CivilDate> deadline,
                     std::vector<uint64_t> based_on,
                     std::vector<v1::PartyKind> notify = {});
  // Opens a handover toward the party of kind `to` and raises its alert.
  // Its id is derived from `trigger_id` and the rule, so that evaluating
  // the same event again opens the same handover.
  void Handover(const char* rule_id, std::string_view trigger_id,
                const std::string& from, v1::PartyKind to,
                std::vector<std::string> closing_types, CivilDate deadline,
                v1::Severity severity, std::string sentence,
                std::vector<uint64_t> based_on);
  // Schedules the rule's alert for `fire_on` (rule_clock.h fires it).
  void Remind(const char* rule_id, std::string_view trigger_id,
              CivilDate fire_on, CivilDate deadline, uint64_t based_on);
  // Unschedules the reminders of these rules: their risk has gone.
  void DropReminders(std::initializer_list<std::string_view> rule_ids);

  const v1::ParticipantLedger& ledger() const { return *ledger_; }
  RuleEffects& effects() { return *out_; }

 private:
  const RuleSet& rules_;
  v1::ParticipantLedger* const ledger_;
  RuleEffects* const out_;
};

}  // namespace samverkan::gateway

#endif  // SAMVERKAN_GATEWAY_RULES_EFFECT_WRITER_H_
