// Group commit for synchronous publishers. A publisher that waits for each
// acknowledgement sends its next event one round trip after its answer.
// Deciding whatever is queued at once splits several such publishers into
// halves that take turns, each half paying a commit (an fsync) of its own.
// Holding a small batch for the connections just answered, until they are
// back or a short window has passed, lets them share one commit: PostgreSQL's
// commit_delay, but only for connections that are expected back. A hold is
// never longer than the last batch took to decide and commit: a late-comer
// left out would have waited about that long anyway, so a hold for one that
// does not come at most doubles the held batch's wait, however slow (or
// quiet) the others are.
#ifndef SAMVERKAN_GATEWAY_COMMIT_GATHER_H_
#define SAMVERKAN_GATEWAY_COMMIT_GATHER_H_

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <unordered_map>

namespace samverkan::gateway {

class CommitGather {
 public:
  using Clock = std::chrono::steady_clock;

  // An answered connection is expected back for `window`; zero turns holding
  // off. Not thread-safe: the ingress loop's thread owns it.
  explicit CommitGather(Clock::duration window) : window_(window) {}
  CommitGather(const CommitGather&) = delete;
  CommitGather& operator=(const CommitGather&) = delete;

  // A submission from `connection` was taken into the queue: the connection
  // is back.
  void Queued(const std::string& connection);
  // A submission of `connection` left the queue for a batch.
  void Decided(const std::string& connection);
  // `connection` was sent an answer at `now`. Unless it still has
  // submissions queued (a pipelining publisher), it is expected back.
  void Answered(const std::string& connection, Clock::time_point now);
  // The last batch took `took` from being cut to its answers.
  void Committed(Clock::duration took) { last_commit_ = took; }

  // Until when a batch about to be cut, smaller than the largest allowed,
  // should wait for more: the last moment an answered connection is still
  // expected back, and no later than the last batch's time from `now`.
  // Nothing: cut it now (also before any batch has been timed).
  std::optional<Clock::time_point> HoldUntil(Clock::time_point now);
  // Connections expected back at `now`.
  size_t Expected(Clock::time_point now);

 private:
  void Forget(Clock::time_point now);

  const Clock::duration window_;
  Clock::duration last_commit_ = Clock::duration::zero();
  // Answered and not back yet: when each was answered.
  std::unordered_map<std::string, Clock::time_point> expected_;
  // Submissions in the queue, per connection.
  std::unordered_map<std::string, size_t> queued_;
};

}  // namespace samverkan::gateway

#endif  // SAMVERKAN_GATEWAY_COMMIT_GATHER_H_
