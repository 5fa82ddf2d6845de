// The group-commit loop body. Decisions for a whole batch are taken first,
// then one Append. The sequences an accepted event will get are known when
// it is decided (the head is cached, and batches commit in the order they
// are decided), but no reply carries one before that commit has returned.
#include "gateway/pipeline.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace samverkan::gateway {
namespace {

void Reject(v1::SubmitReply& reply, v1::RejectionCode code,
            const std::string& sentence) {
  reply.set_outcome(v1::REJECTED);
  reply.set_code(code);
  reply.set_message(sentence);
  reply.set_duplicate(false);
  reply.clear_sequence();
}

}  // namespace

// A batch decided and applied to the state, not yet (or being) committed.
struct Pipeline::Decided {
  Batch batch;
  int64_t now = 0;
  uint64_t base = 0;  // the head it was decided on
  std::vector<v1::SubmitReply> replies;
  // Per reply: ACCEPTED once the commit returns (a new event, or a
  // duplicate of an uncommitted one); the sequence is already set.
  std::vector<bool> waits;
  std::map<std::string, uint64_t> alerts_by_rule;
  bool in_background = false;  // handed to the commit thread

  uint64_t last_sequence() const { return base + batch.records.size(); }
};

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
      metrics_(metrics),
      committer_(store) {
  while (stateless_ < stages_.size() && stages_[stateless_]->Stateless()) {
    ++stateless_;
  }
}

Pipeline::~Pipeline() = default;

void Pipeline::Prepare(std::vector<Submission>& subs) {
  prefetch_.clear();
  for (Submission& s : subs) {
    for (size_t i = 0; i < stateless_ && !s.rejection; ++i) {
      Verdict v = stages_[i]->Process(s, pending_);
      if (v.kind() == Verdict::Kind::kReject) {
        s.rejection.emplace(v.code(), v.sentence());
      }
    }
    if (!s.rejection) prefetch_.push_back(&s);
  }
  if (prefetch_.empty()) return;
  for (size_t i = stateless_; i < stages_.size(); ++i) {
    stages_[i]->Prefetch(prefetch_);
  }
}

Verdict Pipeline::RunChain(Submission& submission) {
  if (submission.rejection) {
    return Verdict::Reject(submission.rejection->first,
                           submission.rejection->second);
  }
  for (size_t i = stateless_; i < stages_.size(); ++i) {
    Verdict v = stages_[i]->Process(submission, pending_);
    if (v.kind() != Verdict::Kind::kContinue) return v;
  }
  return Verdict::Continue();
}

void Pipeline::Accept(const v1::Envelope& e, size_t index, uint64_t base,
                      int64_t now, Batch& batch) {
  const uint64_t sequence = base + 1 + index;
  // Later submissions must see this one's effect.
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

std::unique_ptr<Pipeline::Decided> Pipeline::Decide(
    std::vector<Submission>& subs, uint64_t base) {
  auto d = std::make_unique<Decided>();
  Batch& batch = d->batch;
  d->replies.resize(subs.size());
  d->waits.assign(subs.size(), false);
  // Sized like the last batch, so that a batch of records and their
  // disclosures is not grown (and moved) from empty every time; not for a
  // tick, which has no events.
  if (!subs.empty()) {
    batch.records.reserve(std::max(subs.size(), last_records_));
    batch.disclosures.reserve(last_disclosures_);
  }
  pending_.OpenBatch();
  alerts_by_rule_.clear();
  d->now = clock_->NowMicros();
  const int64_t now = d->now;
  d->base = base;
  FireClock(base, now, batch);

  for (size_t i = 0; i < subs.size(); ++i) {
    Submission& s = subs[i];
    v1::SubmitReply& reply = d->replies[i];
    Verdict v = RunChain(s);
    reply.set_event_id(s.envelope.event_id());
    switch (v.kind()) {
      case Verdict::Kind::kContinue: {
        const uint64_t sequence = base + 1 + batch.records.size();
        d->waits[i] = true;
        reply.set_sequence(sequence);
        pending_.AddPending(s.envelope.event_id(), sequence,
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
        reply.set_sequence(v.sequence());
        d->waits[i] = v.pending();
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
  d->alerts_by_rule = std::move(alerts_by_rule_);
  last_records_ = batch.records.size();
  last_disclosures_ = batch.disclosures.size();
  metrics_->handovers_open = state_->ledgers().open_handovers();
  metrics_->handovers_escalated = state_->ledgers().escalated_handovers();
  return d;
}

std::vector<v1::SubmitReply> Pipeline::Step(std::vector<Submission>& next) {
  std::vector<v1::SubmitReply> replies;
  FinishCommit(&replies);
  // No commit is running: the stages may read the log.
  Prepare(next);
  if (next.empty()) {
    CommitDecided(/*in_background=*/false, &replies);
    return replies;
  }
  CommitDecided(/*in_background=*/true, &replies);
  decided_ = Decide(next, committing_ != nullptr ? committing_->last_sequence()
                                                 : CommittedHead());
  return replies;
}

std::vector<v1::SubmitReply> Pipeline::Flush() {
  std::vector<v1::SubmitReply> replies;
  FinishCommit(&replies);
  CommitDecided(/*in_background=*/false, &replies);
  return replies;
}

void Pipeline::CommitDecided(bool in_background,
                             std::vector<v1::SubmitReply>* out) {
  if (decided_ == nullptr) return;
  committing_ = std::move(decided_);
  // A batch of duplicates only writes nothing.
  committing_->in_background = in_background && !committing_->batch.empty();
  if (committing_->in_background) {
    committer_.Start(&committing_->batch, committing_->now);
  } else {
    FinishCommit(out);
  }
}

void Pipeline::FinishCommit(std::vector<v1::SubmitReply>* out) {
  if (committing_ == nullptr) return;
  std::unique_ptr<Decided> d = std::move(committing_);
  CommitThread::Result result;
  if (d->in_background) {
    result = committer_.Wait();
  } else if (d->batch.empty()) {
    result.head = LogHead{d->base, {}};
  } else {
    // Nothing to overlap it with: a hand-over to the commit thread would
    // only add its wake-up to the acknowledgement's latency.
    result.head = store_->Append(d->batch, d->now, &result.recipient_sequences);
  }
  const bool committed = result.head.ok();
  Finish(*d, std::move(result), out);
  if (!committed && decided_ != nullptr) {
    const size_t from = out->size();
    Refuse(*decided_,
           "an earlier batch could not be written to the log just now, and "
           "this event was decided after it; nothing was stored, send it "
           "again",
           out);
    Count(*out, from);
    decided_ = nullptr;
  }
}

uint64_t Pipeline::CommittedHead() {
  // The writer's head is cached, so this costs nothing.
  StatusOr<LogHead> head = store_->Head();
  return head.ok() ? head->sequence : 0;
}

std::vector<v1::SubmitReply> Pipeline::Run(std::vector<Submission>& subs) {
  std::vector<v1::SubmitReply> replies = Step(subs);
  std::vector<v1::SubmitReply> rest = Flush();
  std::move(rest.begin(), rest.end(), std::back_inserter(replies));
  return replies;
}

void Pipeline::Tick() {
  if (has_pending()) return;
  std::vector<Submission> none;
  decided_ = Decide(none, CommittedHead());
  (void)Flush();
}

void Pipeline::Count(const std::vector<v1::SubmitReply>& replies, size_t from) {
  for (size_t i = from; i < replies.size(); ++i) {
    const v1::SubmitReply& r = replies[i];
    if (r.outcome() == v1::ACCEPTED) {
      (r.duplicate() ? metrics_->duplicates : metrics_->accepted)++;
    } else {
      metrics_->rejected[static_cast<size_t>(r.code())]++;
    }
  }
}

void Pipeline::Refuse(Decided& d, const std::string& sentence,
                      std::vector<v1::SubmitReply>* out) {
  for (v1::SubmitReply& reply : d.replies) {
    Reject(reply, v1::RETRY_LATER, sentence);
    out->push_back(std::move(reply));
  }
}

void Pipeline::Finish(Decided& d, CommitThread::Result result,
                      std::vector<v1::SubmitReply>* out) {
  Batch& batch = d.batch;
  const size_t from = out->size();
  if (!result.head.ok()) {
    metrics_->commit_failures++;
    metrics_->last_commit_failed = true;
    spdlog::error("commit of {} records failed: {}", batch.records.size(),
                  result.head.status().ToString());
    // The state ran ahead of the log; the log is the truth. Every decision
    // of the batch may rest on an event that is not stored, rejections
    // included, so all of it is refused and decided afresh when sent again.
    pending_.Clear();
    if (Status s = state_->Rebuild(*store_); !s.ok()) {
      spdlog::error("rebuilding participant state failed: {}", s.ToString());
    }
    Refuse(d,
           "the log could not be written just now; nothing was stored, "
           "send the event again",
           out);
    Count(*out, from);
    return;
  }
  pending_.CommitOldest();
  for (size_t i = 0; i < d.replies.size(); ++i) {
    if (d.waits[i]) d.replies[i].set_outcome(v1::ACCEPTED);
    out->push_back(std::move(d.replies[i]));
  }
  Count(*out, from);
  // Counted per batch and added under one lock, after the commit, so a
  // failed commit counts nothing.
  std::map<std::string, uint64_t> delivered;
  std::map<std::string, uint64_t> withheld;
  // The batch is durable and is not read again: what the deliveries need
  // of the disclosures is moved, not copied.
  deliveries_.reserve(deliveries_.size() + batch.disclosures.size());
  for (size_t i = 0; i < batch.disclosures.size(); ++i) {
    Disclosure& disclosure = batch.disclosures[i];
    (disclosure.delivered ? delivered : withheld)[disclosure.recipient]++;
    if (!disclosure.delivered) continue;
    const NewRecord& r = batch.records[disclosure.record_index];
    deliveries_.push_back(
        {std::move(disclosure.recipient), r.participant_id,
         r.source_organisation, std::move(disclosure.categories),
         result.recipient_sequences[i], d.base + 1 + disclosure.record_index,
         std::move(disclosure.withheld_categories),
         std::move(disclosure.body)});
  }
  if (batch.empty()) return;
  metrics_->delivered.Add(delivered);
  metrics_->withheld.Add(withheld);
  uint64_t alerts = 0;
  for (const auto& [rule, n] : d.alerts_by_rule) alerts += n;
  metrics_->alerts_raised += alerts;
  metrics_->alerts_by_rule.Add(d.alerts_by_rule);
  metrics_->batches_committed++;
  metrics_->records_committed += batch.records.size();
  metrics_->commit_batch_size.Observe(
      static_cast<double>(batch.records.size()));
  metrics_->last_commit_failed = false;
  metrics_->last_commit_us = d.now;
}

}  // namespace samverkan::gateway
