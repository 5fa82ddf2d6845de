// Envelopes for gateway-authored records, and their alert-stream disclosures.
#include "gateway/rule_records.h"

#include <algorithm>

#include "gateway/alert_stream.h"
#include "gateway/rules/ledger_view.h"
#include "samverkan/payload_type.h"

namespace samverkan::gateway {

size_t RuleRecordWriter::AppendRecord(v1::Envelope& e,
                                      const std::string& participant,
                                      std::string event_id, int64_t now_us,
                                      Batch* batch) const {
  e.set_event_id(std::move(event_id));
  e.set_participant_id(participant);
  e.set_source_organisation(std::string(kGatewayOrganisation));
  e.mutable_occurred_at()->set_seconds(now_us / 1000000);
  e.set_schema_version(1);
  NewRecord& r = batch->records.emplace_back();
  r.kind = v1::GATEWAY_EVENT;
  r.event_id = e.event_id();
  r.participant_id = participant;
  r.source_organisation = e.source_organisation();
  r.payload_type = PayloadTypeName(e);
  e.SerializeToString(&r.body);
  return batch->records.size() - 1;
}

void RuleRecordWriter::Deliver(size_t record_index, const std::string& body,
                               const std::string& participant,
                               std::string_view source,
                               std::vector<std::string> recipients,
                               Batch* batch) const {
  const v1::ParticipantLedger& ledger = state_->ledgers().Get(participant);
  const std::string& coordinator = ledger.coordinating_organisation();
  const CivilDate today = state_->Today();
  if (!coordinator.empty()) recipients.insert(recipients.begin(), coordinator);
  std::vector<std::string> seen;
  for (const std::string& org : recipients) {
    if (org.empty() || std::find(seen.begin(), seen.end(), org) != seen.end()) {
      continue;
    }
    seen.push_back(org);
    Disclosure& d = batch->disclosures.emplace_back();
    d.record_index = record_index;
    d.recipient = AlertStreamRecipient(org);
    if (org == coordinator) {
      d.delivered = true;
      d.reason = "alert for the plan's coordinating organisation";
    } else {
      const Permission p = state_->consents().Permitted(
          participant, source, org, v1::COORDINATION, today);
      d.delivered = p.categories.contains(v1::PLAN);
      for (const std::string& id : p.consent_ids) {
        d.consent_ids += (d.consent_ids.empty() ? "" : ",") + id;
      }
      d.reason =
          d.delivered
              ? "alert to a party that must act, under consent " + d.consent_ids
              : "no active consent lets " + org +
                    " receive the plan's facts from " + std::string(source);
    }
    if (d.delivered) {
      d.categories = "PLAN";
      d.body = body;
    } else {
      d.withheld_categories = "PLAN";
    }
  }
}

void RuleRecordWriter::Write(const RuleEffects& effects,
                             const std::string& participant,
                             std::string_view trigger_id,
                             std::string_view source,
                             const std::string& rule_set_version,
                             int64_t now_us, Batch* batch) const {
  for (const v1::HandoverClosed& closed : effects.closed) {
    v1::Envelope e;
    *e.mutable_handover_closed() = closed;
    const size_t i = AppendRecord(
        e, participant, DerivedId("gw-", closed.handover_id(), "closed"),
        now_us, batch);
    // The party that had to act hears of its handover's whole course, as
    // the coordinator does.
    Deliver(i, batch->records[i].body, participant, source,
            {closed.to_organisation()}, batch);
  }
  for (const v1::LedgerHandover& h : effects.opened) {
    v1::Envelope e;
    *e.mutable_handover_opened() = h.opened();
    const size_t i = AppendRecord(
        e, participant, DerivedId("gw-", h.opened().handover_id(), "opened"),
        now_us, batch);
    Deliver(i, batch->records[i].body, participant, source,
            {h.opened().to_organisation()}, batch);
  }
  for (const v1::HandoverEscalated& x : effects.escalated) {
    v1::Envelope e;
    *e.mutable_handover_escalated() = x;
    const size_t i = AppendRecord(
        e, participant, DerivedId("gw-", x.handover_id(), "escalated"), now_us,
        batch);
    Deliver(i, batch->records[i].body, participant, source,
            {x.to_organisation()}, batch);
  }
  for (size_t n = 0; n < effects.alerts.size(); ++n) {
    const RaisedAlert& a = effects.alerts[n];
    v1::Envelope e;
    v1::Alert& alert = *e.mutable_alert();
    alert.set_alert_id(
        DerivedId("al-", trigger_id,
                  a.rule_id + "#" + std::to_string(n) + a.handover_id));
    alert.set_rule_id(a.rule_id);
    alert.set_rule_set_version(rule_set_version);
    alert.set_severity(a.severity);
    alert.set_sentence(a.sentence);
    if (a.deadline) *alert.mutable_deadline() = ToDate(*a.deadline);
    for (uint64_t s : a.based_on_sequences) alert.add_based_on_sequences(s);
    alert.set_handover_id(a.handover_id);
    const size_t i =
        AppendRecord(e, participant, "gw-" + alert.alert_id(), now_us, batch);
    Deliver(i, batch->records[i].body, participant, source, a.also_notify,
            batch);
  }
}

void RuleRecordWriter::WriteShadow(const v1::ShadowDecision& decision,
                                   const std::string& participant,
                                   uint64_t sequence, int64_t now_us,
                                   Batch* batch) const {
  v1::Envelope e;
  *e.mutable_shadow_decision() = decision;
  AppendRecord(e, participant,
               DerivedId("gw-", decision.event_id(),
                         "shadow " + decision.shadow().rule_set_version() +
                             " @" + std::to_string(sequence)),
               now_us, batch);
}

}  // namespace samverkan::gateway
