// Duplicate detection against the store and the open batch.
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

Verdict IdempotencyStage::Process(Submission& s, BatchContext& batch) {
  const std::string& id = s.envelope.event_id();
  if (const BatchContext::Pending* pending = batch.FindPending(id)) {
    if (pending->source_organisation != s.peer->organisation) {
      return ReusedByAnother(id);
    }
    return Verdict::DuplicateInBatch(pending->index);
  }
  StatusOr<std::optional<uint64_t>> found = store_->FindEvent(id);
  if (!found.ok()) {
    return Verdict::Reject(v1::RETRY_LATER,
                           "the log could not be read to check for a "
                           "duplicate; send the event again later");
  }
  if (!found->has_value()) return Verdict::Continue();
  std::vector<StoredRecord> original;
  if (!store_->Read(**found, 1, &original).ok() || original.empty()) {
    return Verdict::Reject(v1::RETRY_LATER,
                           "the log could not be read to check for a "
                           "duplicate; send the event again later");
  }
  if (original.front().source_organisation != s.peer->organisation) {
    return ReusedByAnother(id);
  }
  return Verdict::AlreadyAccepted(**found);
}

}  // namespace samverkan::gateway
