// The operator queries answered from a read-only view of the log and its
// projections.
#include "gateway/query_handler.h"

#include <algorithm>

#include "gateway/disclosure_planner.h"
#include "gateway/log/verifier.h"
#include "gateway/rules/ledger_book.h"
#include "samverkan/v1/ledger.pb.h"

namespace samverkan::gateway {
namespace {

v1::QueryReply Error(v1::RejectionCode code, std::string message) {
  v1::QueryReply reply;
  reply.mutable_error()->set_code(code);
  reply.mutable_error()->set_message(std::move(message));
  return reply;
}

void SetMicros(int64_t us, google::protobuf::Timestamp* t) {
  t->set_seconds(us / 1000000);
  t->set_nanos(static_cast<int32_t>(us % 1000000) * 1000);
}

}  // namespace

v1::RecordMetadata ToMetadata(const StoredRecord& r) {
  v1::RecordMetadata m;
  m.set_sequence(r.sequence);
  SetMicros(r.recorded_at_us, m.mutable_recorded_at());
  m.set_kind(r.kind);
  m.set_event_id(r.event_id);
  m.set_participant_id(r.participant_id);
  m.set_source_organisation(r.source_organisation);
  m.set_payload_type(r.payload_type);
  m.set_size_bytes(static_cast<uint32_t>(r.body.size()));
  m.set_hash_hex(ToHex(r.hash));
  return m;
}

v1::QueryReply QueryHandler::Handle(const v1::QueryRequest& request) {
  switch (request.query_case()) {
    case v1::QueryRequest::kTail:
      return Tail(request.tail());
    case v1::QueryRequest::kStats:
      return Stats();
    case v1::QueryRequest::kVerify:
      return Verify(request.verify());
    case v1::QueryRequest::kDisclosureReport:
      return DisclosureReport(request.disclosure_report());
    case v1::QueryRequest::kTimeline:
      return Timeline(request.timeline());
    case v1::QueryRequest::kHandovers:
      return Handovers(request.handovers());
    case v1::QueryRequest::QUERY_NOT_SET:
      break;
  }
  return Error(v1::MALFORMED, "the query names no operation");
}

v1::QueryReply QueryHandler::Tail(const v1::TailRequest& request) {
  const uint32_t limit = std::clamp<uint32_t>(
      request.limit() ? request.limit() : 100, 1, kMaxTail);
  std::vector<StoredRecord> records;
  Status s = store_->Read(std::max<uint64_t>(request.from_sequence(), 1), limit,
                          &records);
  if (!s.ok()) return Error(v1::RETRY_LATER, s.ToString());
  auto head = store_->Head();
  if (!head.ok()) return Error(v1::RETRY_LATER, head.status().ToString());
  v1::QueryReply reply;
  auto* tail = reply.mutable_tail();
  for (const StoredRecord& r : records) *tail->add_records() = ToMetadata(r);
  tail->set_head_sequence(head->sequence);
  return reply;
}

v1::QueryReply QueryHandler::Stats() {
  auto head = store_->Head();
  if (!head.ok()) return Error(v1::RETRY_LATER, head.status().ToString());
  auto rejections = store_->CountRejections();
  if (!rejections.ok()) {
    return Error(v1::RETRY_LATER, rejections.status().ToString());
  }
  v1::QueryReply reply;
  auto* stats = reply.mutable_stats();
  stats->set_head_sequence(head->sequence);
  stats->set_head_hash_hex(ToHex(head->hash));
  stats->set_events(head->sequence);
  for (const auto& r : *rejections) *stats->add_rejections() = r;
  const uint64_t batches = metrics_->batches_committed.load();
  stats->set_batches_committed(batches);
  stats->set_commit_seconds_total(metrics_->commit_seconds.Snapshot().sum);
  stats->set_mean_batch_size(
      batches ? static_cast<double>(metrics_->records_committed.load()) /
                    static_cast<double>(batches)
              : 0.0);
  if (int64_t last = metrics_->last_commit_us.load()) {
    SetMicros(last, stats->mutable_last_commit_at());
  }
  return reply;
}

v1::QueryReply QueryHandler::Verify(const v1::VerifyRequest& request) {
  const uint32_t limit = std::clamp<uint32_t>(
      request.limit() ? request.limit() : kMaxVerify, 1, kMaxVerify);
  auto result = VerifyChain(
      *store_, std::max<uint64_t>(request.from_sequence(), 1), limit);
  if (!result.ok()) return Error(v1::RETRY_LATER, result.status().ToString());
  auto head = store_->Head();
  if (!head.ok()) return Error(v1::RETRY_LATER, head.status().ToString());
  v1::QueryReply reply;
  auto* v = reply.mutable_verify();
  v->set_ok(result->ok);
  v->set_verified_through(result->verified_through);
  v->set_first_bad_sequence(result->first_bad_sequence);
  v->set_message(result->message);
  v->set_head_sequence(head->sequence);
  return reply;
}

v1::QueryReply QueryHandler::DisclosureReport(
    const v1::DisclosureReportRequest& request) {
  if (request.participant_id().empty()) {
    return Error(v1::MALFORMED, "the report needs a participant_id");
  }
  const uint32_t limit = std::clamp<uint32_t>(
      request.limit() ? request.limit() : kMaxDisclosures, 1, kMaxDisclosures);
  std::vector<StoredDisclosure> decisions;
  Status s = store_->ReadDisclosures(request.participant_id(),
                                     request.after_id(), limit, &decisions);
  if (!s.ok()) return Error(v1::RETRY_LATER, s.ToString());
  v1::QueryReply reply;
  auto* report = reply.mutable_disclosure_report();
  report->set_participant_id(request.participant_id());
  for (const StoredDisclosure& d : decisions) {
    v1::DisclosureEntry* e = report->add_entries();
    e->set_id(d.id);
    e->set_log_sequence(d.log_sequence);
    SetMicros(d.decided_at_us, e->mutable_decided_at());
    e->set_source_organisation(d.source_organisation);
    e->set_payload_type(d.payload_type);
    e->set_recipient(d.recipient);
    e->set_delivered(d.delivered);
    e->set_recipient_sequence(d.recipient_sequence);
    for (auto& item : SplitList(d.categories))
      e->add_categories(std::move(item));
    for (auto& item : SplitList(d.withheld_categories))
      e->add_withheld_categories(std::move(item));
    for (auto& item : SplitList(d.consent_ids))
      e->add_consent_ids(std::move(item));
    e->set_reason(d.reason);
  }
  return reply;
}

v1::QueryReply QueryHandler::Timeline(const v1::TimelineRequest& request) {
  if (request.participant_id().empty()) {
    return Error(v1::MALFORMED, "the timeline needs a participant_id");
  }
  const uint32_t limit = std::clamp<uint32_t>(
      request.limit() ? request.limit() : kMaxTimeline, 1, kMaxTimeline);
  std::vector<StoredRecord> records;
  Status s = store_->ReadParticipantRecords(
      request.participant_id(), std::max<uint64_t>(request.from_sequence(), 1),
      limit, &records);
  if (!s.ok()) return Error(v1::RETRY_LATER, s.ToString());
  v1::QueryReply reply;
  auto* timeline = reply.mutable_timeline();
  timeline->set_participant_id(request.participant_id());
  for (const StoredRecord& r : records)
    *timeline->add_records() = ToMetadata(r);
  return reply;
}

// Read from the projection rows the pipeline commits, not from the
// pipeline's in-memory ledgers: this thread must not touch those, and the
// rows are exactly what was acknowledged.
v1::QueryReply QueryHandler::Handovers(const v1::HandoversRequest& request) {
  std::vector<ProjectionRow> rows;
  Status s = store_->ReadProjections(
      std::string(kLedgerKeyPrefix) + request.after_participant_id(),
      kLedgersPerHandoversReply, &rows);
  if (!s.ok()) return Error(v1::RETRY_LATER, s.ToString());
  v1::QueryReply reply;
  auto* out = reply.mutable_handovers();
  for (const ProjectionRow& row : rows) {
    if (!row.key.starts_with(kLedgerKeyPrefix)) return reply;  // past ledgers
    const std::string participant = row.key.substr(kLedgerKeyPrefix.size());
    v1::ParticipantLedger ledger;
    if (!ledger.ParseFromString(row.bytes)) {
      return Error(v1::RETRY_LATER,
                   "the ledger of " + participant + " is not readable");
    }
    for (const v1::LedgerHandover& h : ledger.handovers()) {
      if (request.escalated_only() && !h.escalated()) continue;
      v1::HandoverSummary* summary = out->add_handovers();
      summary->set_participant_id(participant);
      summary->set_handover_id(h.opened().handover_id());
      summary->set_rule_id(h.opened().rule_id());
      summary->set_rule_set_version(h.opened().rule_set_version());
      summary->set_from_organisation(h.opened().from_organisation());
      summary->set_to_organisation(h.opened().to_organisation());
      if (h.opened().has_deadline()) {
        *summary->mutable_deadline() = h.opened().deadline();
      }
      summary->set_state(h.escalated() ? v1::HANDOVER_ESCALATED
                                       : v1::HANDOVER_OPEN);
    }
  }
  if (rows.size() == kLedgersPerHandoversReply) {
    out->set_next_after_participant_id(
        rows.back().key.substr(kLedgerKeyPrefix.size()));
  }
  return reply;
}

}  // namespace samverkan::gateway
