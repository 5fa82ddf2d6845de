// See effect_writer.h; also the ids every rule effect derives (DerivedId).
#include "gateway/rules/effect_writer.h"

#include <algorithm>
#include <utility>

#include "common/sha256.h"
#include "gateway/rules/ledger_view.h"

namespace samverkan::gateway {

std::string DerivedId(std::string_view prefix, std::string_view a,
                      std::string_view b) {
  Sha256 h;
  h.Update(a);
  h.Update(std::string_view("\0", 1));
  h.Update(b);
  const Digest d = h.Finish();
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(prefix);
  for (int i = 0; i < 8; ++i) {
    out += kHex[d[i] >> 4];
    out += kHex[d[i] & 15];
  }
  return out;
}

RaisedAlert& EffectWriter::Alert(const char* rule_id, v1::Severity severity,
                                 std::string sentence,
                                 std::optional<CivilDate> deadline,
                                 std::vector<uint64_t> based_on,
                                 std::vector<v1::PartyKind> notify) {
  RaisedAlert& a = out_->alerts.emplace_back();
  a.rule_id = rule_id;
  a.severity = severity;
  a.sentence = std::move(sentence);
  a.deadline = deadline;
  a.based_on_sequences = std::move(based_on);
  for (v1::PartyKind kind : notify) {
    std::string org = PartyOfKind(*ledger_, kind);
    if (!org.empty() && org != ledger_->coordinating_organisation()) {
      a.also_notify.push_back(std::move(org));
    }
  }
  return a;
}

void EffectWriter::Handover(const char* rule_id, std::string_view trigger_id,
                            const std::string& from, v1::PartyKind to,
                            std::vector<std::string> closing_types,
                            CivilDate deadline, v1::Severity severity,
                            std::string sentence,
                            std::vector<uint64_t> based_on) {
  v1::LedgerHandover& h = out_->opened.emplace_back();
  v1::HandoverOpened& o = *h.mutable_opened();
  o.set_handover_id(DerivedId("ho-", trigger_id, rule_id));
  o.set_rule_id(rule_id);
  o.set_rule_set_version(rules_.version);
  o.set_from_organisation(from);
  const std::string to_org = PartyOfKind(*ledger_, to);
  o.set_to_organisation(to_org.empty() ? v1::PartyKind_Name(to) : to_org);
  for (std::string& t : closing_types) o.add_closing_event_types(t);
  *o.mutable_deadline() = ToDate(deadline);
  o.set_sentence(sentence);
  for (uint64_t s : based_on) h.add_based_on_sequences(s);
  *ledger_->add_handovers() = h;
  RaisedAlert& a = Alert(rule_id, severity, std::move(sentence), deadline,
                         std::move(based_on), {to});
  a.handover_id = o.handover_id();
}

void EffectWriter::Remind(const char* rule_id, std::string_view trigger_id,
                          CivilDate fire_on, CivilDate deadline,
                          uint64_t based_on) {
  v1::LedgerReminder r;
  r.set_reminder_id(DerivedId("rm-", trigger_id, rule_id));
  r.set_rule_id(rule_id);
  *r.mutable_fire_on() = ToDate(fire_on);
  *r.mutable_deadline() = ToDate(deadline);
  r.add_based_on_sequences(based_on);
  out_->scheduled.push_back(r);
  *ledger_->add_reminders() = std::move(r);
}

void EffectWriter::DropReminders(
    std::initializer_list<std::string_view> rule_ids) {
  auto* list = ledger_->mutable_reminders();
  list->erase(std::remove_if(list->begin(), list->end(),
                             [&](const v1::LedgerReminder& r) {
                               return std::find(rule_ids.begin(),
                                                rule_ids.end(),
                                                r.rule_id()) != rule_ids.end();
                             }),
              list->end());
}

}  // namespace samverkan::gateway
