// The bookkeeping behind holding a batch: who was answered when, how soon
// each came back last time, and who still has submissions queued.
#include "gateway/commit_gather.h"

#include <algorithm>

namespace samverkan::gateway {

void CommitGather::Queued(const std::string& connection,
                          Clock::time_point now) {
  // Off: nothing is ever held, so nothing needs counting per submission.
  if (window_ == Clock::duration::zero()) return;
  Peer& p = peers_[connection];
  if (p.answered) p.comes_back_after = now - *p.answered;
  p.answered.reset();
  p.queued++;
}

void CommitGather::Decided(const std::string& connection) {
  if (window_ == Clock::duration::zero()) return;
  auto it = peers_.find(connection);
  if (it != peers_.end() && it->second.queued > 0) it->second.queued--;
}

void CommitGather::Answered(const std::string& connection,
                            Clock::time_point now) {
  if (window_ == Clock::duration::zero()) return;
  Peer& p = peers_[connection];
  // Its next submission is already here: nothing to wait for.
  if (p.queued > 0) return;
  p.answered = now;
}

void CommitGather::Forget(Clock::time_point now) {
  std::erase_if(peers_, [&](const auto& entry) {
    const Peer& p = entry.second;
    return p.queued == 0 && (!p.answered || now - *p.answered >= window_);
  });
}

size_t CommitGather::Due(Clock::time_point now, Clock::time_point until) {
  Forget(now);
  size_t due = 0;
  for (const auto& [connection, p] : peers_) {
    if (!p.answered) continue;
    const Clock::time_point back =
        *p.answered + p.comes_back_after.value_or(Clock::duration::zero());
    if (back <= until) ++due;
  }
  return due;
}

std::optional<CommitGather::Clock::time_point> CommitGather::HoldUntil(
    Clock::time_point now) {
  if (last_commit_ <= Clock::duration::zero()) return std::nullopt;
  const Clock::time_point until = now + last_commit_;
  if (Due(now, until) == 0) return std::nullopt;
  // No later than the window of the latest answered: past it, nobody is due.
  Clock::time_point last = Clock::time_point::min();
  for (const auto& [connection, p] : peers_) {
    if (p.answered) last = std::max(last, *p.answered);
  }
  return std::min(until, last + window_);
}

}  // namespace samverkan::gateway
