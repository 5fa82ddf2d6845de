// Frames in, replies out; the decisions are the pipeline's.
#include "gateway/ingress_loop.h"

#include <spdlog/spdlog.h>

namespace samverkan::gateway {

IngressLoop::IngressLoop(transport::CurveRouter* socket,
                         const KeyRegistry* registry, Pipeline* pipeline,
                         uint32_t max_batch, PipelineMetrics* metrics)
    : socket_(socket),
      registry_(registry),
      pipeline_(pipeline),
      max_batch_(max_batch),
      metrics_(metrics) {}

void IngressLoop::Admit(transport::IncomingMessage message) {
  Submission& s = submissions_.emplace_back();
  ReplyTo& to = reply_to_.emplace_back();
  to.routing_id = std::move(message.routing_id);
  to.received = std::chrono::steady_clock::now();
  s.peer = registry_->FindByKey(message.peer_public_key);
  auto& frames = message.frames;
  if (frames.size() >= 2) to.correlation = frames[1].substr(0, 64);
  if (s.peer == nullptr) {
    // ZAP admitted a key the registry no longer knows: fail closed.
    s.transport_error = {v1::UNAUTHENTICATED,
                         "this key is not in the gateway's key registry"};
  } else if (frames.size() != 3 || frames[0] != kSubmitVerb) {
    s.transport_error = {v1::MALFORMED,
                         "expected three frames: SUBMIT, a correlation id of "
                         "at most 64 bytes, and an Envelope"};
  } else if (frames[1].size() > 64) {
    s.transport_error = {v1::MALFORMED,
                         "the correlation id is longer than 64 bytes"};
  } else {
    to.well_formed = true;
    s.bytes = std::move(frames[2]);
  }
}

size_t IngressLoop::ServeOnce(std::chrono::milliseconds timeout) {
  submissions_.clear();
  reply_to_.clear();
  auto first = socket_->Receive(timeout);
  if (!first) return 0;
  Admit(std::move(*first));
  while (submissions_.size() < max_batch_) {
    auto next = socket_->TryReceive();
    if (!next) break;
    Admit(std::move(*next));
  }
  metrics_->ingress_queue_depth = submissions_.size();

  std::vector<v1::SubmitReply> replies = pipeline_->Run(submissions_);
  for (size_t i = 0; i < replies.size(); ++i) {
    const ReplyTo& to = reply_to_[i];
    Status sent = socket_->Send(
        to.routing_id, {std::string(to.well_formed ? kSubmitVerb : kErrorVerb),
                        to.correlation, replies[i].SerializeAsString()});
    // A client that vanished will resubmit; its events are safe either way.
    if (!sent.ok()) spdlog::debug("reply not sent: {}", sent.ToString());
    metrics_->ack_latency_seconds.Observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                      to.received)
            .count());
  }
  return replies.size();
}

}  // namespace samverkan::gateway
