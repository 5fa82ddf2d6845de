// Duplicate detection against the store and the uncommitted batches.
#include "gateway/stages/idempotency_stage.h"

namespace samverkan::gateway {
namespace {

// Another organisation reusing an id must not learn the original's fate.
Verdict ReusedByAnother(const std::string& id) {
  return Verdict::Reject(v1::MALFORMED,
                         "event_id " + id +
                             " is already used by another organisation; "
                             "event ids must be unique UUIDs");
}

}  // namespace

void IdempotencyStage::Prefetch(std::span<Submission* const> submissions) {
  ids_.clear();
  for (const Submission* s : submissions) {
    ids_.push_back(s->envelope.event_id());
  }
  const bool read = store_->FindEvents(ids_, &found_).ok();
  for (size_t i = 0; i < submissions.size(); ++i) {
    Submission::LogLookup& logged = submissions[i]->logged.emplace();
    if (!read) {
      logged.failed = true;
      continue;
    }
    if (!found_[i]) continue;
    // Rare (a resubmission): read the original for its source.
    std::vector<StoredRecord> original;
    if (!store_->Read(*found_[i], 1, &original).ok() || original.empty()) {
      logged.failed = true;
      continue;
    }
    logged.sequence = found_[i];
    logged.source_organisation =
        std::move(original.front().source_organisation);
  }
}

Verdict IdempotencyStage::Process(Submission& s, BatchContext& batch) {
  const std::string& id = s.envelope.event_id();
  if (const BatchContext::Pending* pending = batch.FindPending(id)) {
    if (pending->source_organisation != s.peer->organisation) {
      return ReusedByAnother(id);
    }
    return Verdict::DuplicateOfPending(pending->sequence);
  }
  if (!s.logged) {
    Submission* one[] = {&s};
    Prefetch(one);
  }
  if (s.logged->failed) {
    return Verdict::Reject(v1::RETRY_LATER,
                           "the log could not be read to check for a "
                           "duplicate; send the event again later");
  }
  if (!s.logged->sequence) return Verdict::Continue();
  if (s.logged->source_organisation != s.peer->organisation) {
    return ReusedByAnother(id);
  }
  return Verdict::AlreadyAccepted(*s.logged->sequence);
}

}  // namespace samverkan::gateway
