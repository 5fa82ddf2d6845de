// The ingress side of the gateway's main thread: drains whatever submissions
// are waiting (up to max_batch) into one group commit, then sends every reply.
// While one batch commits, ZeroMQ's I/O thread queues the next.
#ifndef SAMVERKAN_GATEWAY_INGRESS_LOOP_H_
#define SAMVERKAN_GATEWAY_INGRESS_LOOP_H_

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "common/transport/server_socket.h"
#include "gateway/auth/key_registry.h"
#include "gateway/pipeline.h"

namespace samverkan::gateway {

inline constexpr std::string_view kSubmitVerb = "SUBMIT";
inline constexpr std::string_view kErrorVerb = "ERROR";

class IngressLoop {
 public:
  // Everything is borrowed and must outlive the loop; all of it but
  // `metrics` (which other threads read) is used from the calling thread only.
  IngressLoop(transport::CurveRouter* socket, const KeyRegistry* registry,
              Pipeline* pipeline, uint32_t max_batch, PipelineMetrics* metrics);
  IngressLoop(const IngressLoop&) = delete;
  IngressLoop& operator=(const IngressLoop&) = delete;

  // Waits up to `timeout` for a submission, then handles one batch. Returns
  // how many submissions were answered.
  size_t ServeOnce(std::chrono::milliseconds timeout);

 private:
  struct ReplyTo {
    std::string routing_id;
    std::string correlation;
    bool well_formed = false;
    // When the submission was taken off the socket, for the ack latency.
    std::chrono::steady_clock::time_point received;
  };
  void Admit(transport::IncomingMessage message);

  transport::CurveRouter* socket_;
  const KeyRegistry* registry_;
  Pipeline* pipeline_;
  uint32_t max_batch_;
  PipelineMetrics* metrics_;
  std::vector<Submission> submissions_;
  std::vector<ReplyTo> reply_to_;
};

}  // namespace samverkan::gateway

#endif  // SAMVERKAN_GATEWAY_INGRESS_LOOP_H_
