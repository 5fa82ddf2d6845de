// The bookkeeping behind holding a batch: who was answered when, and who
// still has submissions queued.
#include "gateway/commit_gather.h"

#include <algorithm>

namespace samverkan::gateway {

void CommitGather::Queued(const std::string& connection) {
  expected_.erase(connection);
  queued_[connection]++;
}

void CommitGather::Decided(const std::string& connection) {
  auto it = queued_.find(connection);
  if (it != queued_.end() && --it->second == 0) queued_.erase(it);
}

void CommitGather::Answered(const std::string& connection,
                            Clock::time_point now) {
  if (window_ == Clock::duration::zero()) return;
  // Its next submission is already here: nothing to wait for.
  if (queued_.contains(connection)) return;
  expected_[connection] = now;
}

void CommitGather::Forget(Clock::time_point now) {
  std::erase_if(expected_,
                [&](const auto& e) { return now - e.second >= window_; });
}

size_t CommitGather::Expected(Clock::time_point now) {
  Forget(now);
  return expected_.size();
}

std::optional<CommitGather::Clock::time_point> CommitGather::HoldUntil(
    Clock::time_point now) {
  Forget(now);
  if (expected_.empty() || last_commit_ <= Clock::duration::zero()) {
    return std::nullopt;
  }
  Clock::time_point last = Clock::time_point::min();
  for (const auto& [connection, answered] : expected_) {
    last = std::max(last, answered);
  }
  return std::min(last + window_, now + last_commit_);
}

}  // namespace samverkan::gateway
