// Group commit for synchronous publishers. A publisher that waits for each
// acknowledgement sends its next event one round trip after its answer.
// Deciding whatever is queued at once splits several such publishers into
// halves that take turns, each half paying a commit (an fsync) of its own.
// Holding a small batch for the connections just answered lets them share
// one commit: PostgreSQL's commit_delay, but only for connections due back.
//
// A connection is due back while its answer is younger than the window and
// it came back, last time, quickly enough to arrive within the hold. A hold
// is never longer than the last batch took to decide and commit: a
// late-comer left out would have waited about that long anyway. So a
// publisher that pauses between events is not waited for and does not pace
// faster ones, and a hold for one that does not come at most doubles the
// held batch's wait.
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

  // An answered connection may be due back for `window`; zero turns holding
  // off. Not thread-safe: the ingress loop's thread owns it.
  explicit CommitGather(Clock::duration window) : window_(window) {}
  CommitGather(const CommitGather&) = delete;
  CommitGather& operator=(const CommitGather&) = delete;

  // A submission from `connection` was taken into the queue at `now`.
  void Queued(const std::string& connection, Clock::time_point now);
  // A submission of `connection` left the queue for a batch.
  void Decided(const std::string& connection);
  // `connection` was sent an answer at `now`. Unless it still has
  // submissions queued (a pipelining publisher), it may be due back.
  void Answered(const std::string& connection, Clock::time_point now);
  // The last batch took `took` from being cut to its answers.
  void Committed(Clock::duration took) { last_commit_ = took; }

  // Until when a batch about to be cut, smaller than the largest allowed,
  // should wait for more: at most the last batch's time from `now`, and
  // only if a connection is due back by then. Nothing: cut it now (also
  // before any batch has been timed).
  std::optional<Clock::time_point> HoldUntil(Clock::time_point now);
  // Connections due back, at `now`, by `until`.
  size_t Due(Clock::time_point now, Clock::time_point until);

 private:
  struct Peer {
    size_t queued = 0;
    // Set while answered with nothing queued, until it sends again.
    std::optional<Clock::time_point> answered;
    // From its last answer to its next submission; unknown at first.
    std::optional<Clock::duration> comes_back_after;
  };
  // Drops what no longer tells anything: peers with nothing queued whose
  // answer is older than the window.
  void Forget(Clock::time_point now);

  const Clock::duration window_;
  Clock::duration last_commit_ = Clock::duration::zero();
  std::unordered_map<std::string, Peer> peers_;
};

}  // namespace samverkan::gateway

#endif  // SAMVERKAN_GATEWAY_COMMIT_GATHER_H_
