// The group-commit loop body. Decisions for a whole batch are taken first,
// then one Append; replies are built from the committed head so that a
// sequence number is never promised before it exists.
#include "gateway/pipeline.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

namespace samverkan::gateway {
namespace {

void Reject(v1::SubmitReply& reply, v1::RejectionCode code,
            const std::string& sentence) {
  reply.set_outcome(v1::REJECTED);
  reply.set_code(code);
  reply.set_message(sentence);
}

}  // namespace

Pipeline::Pipeline(std::vector<std::unique_ptr<Stage>> stages, LogStore* store,
                   ParticipantState* state, const TransitionEngine* engine,
                   const Clock* clock, PipelineMetrics* metrics)
    : stages_(std::move(stages)),
      store_(store),
      state_(state),
      engine_(engine),
      planner_(state),
      rule_records_(state),
      clock_(clock),
      metrics_(metrics) {}

Verdict Pipeline::RunChain(Submission& submission) {
  if (submission.transport_error) {
    return Verdict::Reject(submission.transport_error->first,
                           submission.transport_error->second);
  }
  for (const auto& stage : stages_) {
    Verdict v = stage->Process(submission, batch_);
    if (v.kind() != Verdict::Kind::kContinue) return v;
  }
  return Verdict::Continue();
}

void Pipeline::Accept(const v1::Envelope& e, size_t index, uint64_t base,
                      int64_t now, Batch& batch) {
  const uint64_t sequence = base + 1 + index;
  // Later submissions of the same batch must see this one's effect.
  (void)state_->Apply(e, sequence);
  planner_.Decide(e, index, &batch.disclosures);
  TransitionEngine::Decision d =
      engine_->Apply(state_->mutable_ledgers(), e, sequence, state_->Today());
  rule_records_.Write(d.effects, e.participant_id(), e.event_id(),
                      e.source_organisation(), engine_->enforced().version, now,
                      &batch);
  CountAlerts(d.effects);
  if (d.shadow) {
    rule_records_.WriteShadow(*d.shadow, e.participant_id(),
                              base + 1 + batch.records.size(), now, &batch);
    metrics_->shadow_differences++;
  }
}

void Pipeline::FireClock(uint64_t base, int64_t now, Batch& batch) {
  const CivilDate today = state_->Today();
  for (auto& [participant, effects] :
       engine_->FireDue(state_->mutable_ledgers(), today, base)) {
    // The trigger must differ between ticks: the head moves with each commit.
    const std::string trigger = "clock " + FormatCivilDate(today) + " " +
                                participant + " @" + std::to_string(base);
    const std::string& coordinator =
        state_->ledgers().Get(participant).coordinating_organisation();
    rule_records_.Write(effects, participant, trigger, coordinator,
                        engine_->enforced().version, now, &batch);
    CountAlerts(effects);
  }
}

void Pipeline::CountAlerts(const RuleEffects& effects) {
  for (const RaisedAlert& a : effects.alerts) alerts_by_rule_[a.rule_id]++;
}

void Pipeline::RecordShadowOfRejected(const Submission& s, uint64_t base,
                                      int64_t now, Batch& batch) {
  if (engine_->shadow() == nullptr) return;
  std::optional<RuleViolation> violation =
      engine_->Check(state_->ledgers(), s.envelope);
  if (!violation) return;
  if (auto shadow = engine_->ShadowOfRejected(state_->ledgers(), s.envelope,
                                              *violation, state_->Today())) {
    rule_records_.WriteShadow(*shadow, s.envelope.participant_id(),
                              base + 1 + batch.records.size(), now, &batch);
    metrics_->shadow_differences++;
  }
}

std::vector<v1::SubmitReply> Pipeline::Run(std::vector<Submission>& subs) {
  std::vector<v1::SubmitReply> replies(subs.size());
  // For each reply: the index of its record in the batch, or -1.
  std::vector<long> record_of(subs.size(), -1);
  Batch batch;
  // Sized like the last batch, so that a batch of records and their
  // disclosures is not grown (and moved) from empty every time; not for a
  // tick, which has no events.
  if (!subs.empty()) {
    batch.records.reserve(std::max(subs.size(), last_records_));
    batch.disclosures.reserve(last_disclosures_);
  }
  batch_.Clear();
  deliveries_.clear();
  alerts_by_rule_.clear();
  const int64_t now = clock_->NowMicros();
  // The writer's head is cached, so this costs nothing; the sequence an
  // accepted event will get is known before the commit that gives it.
  StatusOr<LogHead> head_before = store_->Head();
  const uint64_t base = head_before.ok() ? head_before->sequence : 0;
  FireClock(base, now, batch);

  // The idempotency lookups of the whole batch share one read snapshot;
  // Append lets it go before the commit.
  ReadScope reads(*store_);
  for (size_t i = 0; i < subs.size(); ++i) {
    Submission& s = subs[i];
    v1::SubmitReply& reply = replies[i];
    Verdict v = RunChain(s);
    reply.set_event_id(s.envelope.event_id());
    switch (v.kind()) {
      case Verdict::Kind::kContinue: {
        record_of[i] = static_cast<long>(batch.records.size());
        batch_.AddPending(s.envelope.event_id(), batch.records.size(),
                          s.envelope.source_organisation());
        NewRecord& r = batch.records.emplace_back();
        r.kind = v1::EVENT;
        r.event_id = s.envelope.event_id();
        r.participant_id = s.envelope.participant_id();
        r.source_organisation = s.envelope.source_organisation();
        // Nothing reads the submission's copy after the chain.
        r.payload_type = std::move(s.payload_type);
        r.body = std::move(s.bytes);
        r.replay = ParticipantState::IsReplayed(s.envelope);
        Accept(s.envelope, batch.records.size() - 1, base, now, batch);
        break;
      }
      case Verdict::Kind::kAnswer:
        reply.set_outcome(v1::ACCEPTED);
        reply.set_duplicate(true);
        if (v.pending_index()) {
          record_of[i] = static_cast<long>(*v.pending_index());
        } else {
          reply.set_sequence(v.sequence());
        }
        break;
      case Verdict::Kind::kReject: {
        Reject(reply, v.code(), v.sentence());
        AuditEntry& a = batch.audit.emplace_back();
        a.at_us = now;
        a.peer_organisation = s.peer ? s.peer->organisation : "";
        a.event_id = s.envelope.event_id();
        a.participant_id = s.envelope.participant_id();
        a.payload_type = s.payload_type;
        a.code = v.code();
        a.message = v.sentence();
        spdlog::warn("rejected {} from {}: {} ({})", a.event_id,
                     a.peer_organisation, v1::RejectionCode_Name(v.code()),
                     v.sentence());
        if (v.code() == v1::INVALID_TRANSITION) {
          RecordShadowOfRejected(s, base, now, batch);
        }
        break;
      }
    }
  }

  batch.projections = state_->mutable_ledgers().TakeChanged();
  last_records_ = batch.records.size();
  last_disclosures_ = batch.disclosures.size();
  if (!batch.empty()) Commit(batch, now, record_of, replies);
  for (const v1::SubmitReply& r : replies) {
    if (r.outcome() == v1::ACCEPTED) {
      (r.duplicate() ? metrics_->duplicates : metrics_->accepted)++;
    } else {
      metrics_->rejected[static_cast<size_t>(r.code())]++;
    }
  }
  metrics_->handovers_open = state_->ledgers().open_handovers();
  metrics_->handovers_escalated = state_->ledgers().escalated_handovers();
  NoteLogBacklog();
  return replies;
}

void Pipeline::NoteLogBacklog() {
  metrics_->log_unindexed_records = store_->UnindexedRecords();
  metrics_->log_unfolded_projection_changes =
      store_->UnfoldedProjectionChanges();
  const LogStore::LookupStats lookups = store_->EventLookups();
  metrics_->log_event_lookups = lookups.lookups;
  metrics_->log_event_index_searches = lookups.index_searches;
  metrics_->log_event_key_filter_bytes = lookups.filter_bytes;
  const LogStore::IndexRuns runs = store_->IndexRunStats();
  metrics_->log_event_runs.Set(runs.events);
  metrics_->log_participant_runs.Set(runs.participants);
}

void Pipeline::Commit(Batch& batch, int64_t now,
                      const std::vector<long>& record_of,
                      std::vector<v1::SubmitReply>& replies) {
  std::vector<uint64_t> recipient_sequences;
  // Steady time, not the injected clock: that one follows the calendar.
  const auto started = std::chrono::steady_clock::now();
  StatusOr<LogHead> head = store_->Append(batch, now, &recipient_sequences);
  const std::chrono::duration<double> took =
      std::chrono::steady_clock::now() - started;
  if (!head.ok()) {
    metrics_->commit_failures++;
    metrics_->last_commit_failed = true;
    // The state ran ahead of the log; the log is the truth.
    if (Status s = state_->Rebuild(*store_); !s.ok()) {
      spdlog::error("rebuilding participant state failed: {}", s.ToString());
    }
    spdlog::error("commit of {} records failed: {}", batch.records.size(),
                  head.status().ToString());
    // Rejections too: their audit rows went with the batch, and some rest
    // on events of the batch that were never stored. Sent again, they are
    // decided and audited afresh. Only duplicates of logged events keep
    // their answer, which the log already holds.
    for (size_t i = 0; i < replies.size(); ++i) {
      if (record_of[i] >= 0 || replies[i].outcome() == v1::REJECTED) {
        replies[i].set_duplicate(false);
        Reject(replies[i], v1::RETRY_LATER,
               "the log could not be written just now; nothing was stored, "
               "send the event again");
      }
    }
  } else {
    const uint64_t first = head->sequence - batch.records.size() + 1;
    for (size_t i = 0; i < replies.size(); ++i) {
      if (record_of[i] < 0) continue;
      replies[i].set_outcome(v1::ACCEPTED);
      replies[i].set_sequence(first + static_cast<uint64_t>(record_of[i]));
    }
    // Counted per batch and added under one lock, after the commit, so a
    // failed commit counts nothing.
    std::map<std::string, uint64_t> delivered;
    std::map<std::string, uint64_t> withheld;
    // The batch is durable and is not read again: what the deliveries need
    // of the disclosures is moved, not copied.
    deliveries_.reserve(batch.disclosures.size());
    for (size_t i = 0; i < batch.disclosures.size(); ++i) {
      Disclosure& d = batch.disclosures[i];
      (d.delivered ? delivered : withheld)[d.recipient]++;
      if (!d.delivered) continue;
      const NewRecord& r = batch.records[d.record_index];
      deliveries_.push_back({std::move(d.recipient), r.participant_id,
                             r.source_organisation, std::move(d.categories),
                             recipient_sequences[i], first + d.record_index,
                             std::move(d.withheld_categories),
                             std::move(d.body)});
    }
    metrics_->delivered.Add(delivered);
    metrics_->withheld.Add(withheld);
    uint64_t alerts = 0;
    for (const auto& [rule, n] : alerts_by_rule_) alerts += n;
    metrics_->alerts_raised += alerts;
    metrics_->alerts_by_rule.Add(alerts_by_rule_);
    metrics_->batches_committed++;
    metrics_->records_committed += batch.records.size();
    metrics_->commit_batch_size.Observe(
        static_cast<double>(batch.records.size()));
    metrics_->commit_seconds.Observe(took.count());
    metrics_->last_commit_failed = false;
    metrics_->last_commit_us = now;
  }
}

}  // namespace samverkan::gateway
