// The ingress side of the gateway's main thread: takes whatever submissions
// are waiting off the socket into a bounded queue (refusing what does not
// fit with RETRY_LATER), folds up to max_batch of them into one group
// commit, then sends every reply. While one batch commits, ZeroMQ's I/O
// thread queues the next. A batch smaller than max_batch waits briefly for
// the connections due back (CommitGather).
#ifndef SAMVERKAN_GATEWAY_INGRESS_LOOP_H_
#define SAMVERKAN_GATEWAY_INGRESS_LOOP_H_

#include <chrono>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "common/transport/server_socket.h"
#include "gateway/auth/key_registry.h"
#include "gateway/commit_gather.h"
#include "gateway/ingress_admission.h"
#include "gateway/pipeline.h"
#include "samverkan/ingress_frames.h"

namespace samverkan::gateway {

class IngressLoop {
 public:
  // Everything is borrowed and must outlive the loop; all of it but
  // `metrics` (which other threads read) is used from the calling thread only.
  IngressLoop(transport::CurveRouter* socket, const KeyRegistry* registry,
              Pipeline* pipeline, uint32_t max_batch,
              IngressAdmission::Limits queue_limits,
              std::chrono::microseconds gather_window,
              PipelineMetrics* metrics);
  IngressLoop(const IngressLoop&) = delete;
  IngressLoop& operator=(const IngressLoop&) = delete;

  // Waits up to `timeout` for a submission unless some are queued already,
  // takes in what has arrived, then decides and answers one batch. Returns
  // how many submissions were answered, refusals included.
  size_t ServeOnce(std::chrono::milliseconds timeout);
  // Submissions taken in and not yet decided: ServeOnce should run again
  // without waiting for the socket.
  bool pending() const { return !queue_.empty(); }

 private:
  struct ReplyTo {
    std::string routing_id;
    std::string correlation;
    bool well_formed = false;
    // When the submission was taken off the socket, for the ack latency.
    std::chrono::steady_clock::time_point received;
  };
  struct Queued {
    Submission submission;
    ReplyTo reply_to;
  };
  // Queues the message, or answers it RETRY_LATER at once. Returns whether
  // it was answered.
  bool TakeIn(transport::IncomingMessage message);
  // Takes in what arrives before `until`, as long as a connection is still
  // due back and the batch is not full.
  // Returns how many it answered at once (refusals).
  size_t Gather(CommitGather::Clock::time_point until);
  void Reply(const ReplyTo& to, const v1::SubmitReply& reply);

  transport::CurveRouter* socket_;
  const KeyRegistry* registry_;
  Pipeline* pipeline_;
  uint32_t max_batch_;
  IngressAdmission admission_;
  CommitGather gather_;
  PipelineMetrics* metrics_;
  std::deque<Queued> queue_;
  std::vector<Submission> submissions_;
  std::vector<ReplyTo> reply_to_;
};

}  // namespace samverkan::gateway

#endif  // SAMVERKAN_GATEWAY_INGRESS_LOOP_H_
