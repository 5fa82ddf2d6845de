// Frames in, replies out; the decisions are the pipeline's, except the
// refusal of what does not fit in the queue, which must not touch the log.
#include "gateway/ingress_loop.h"

#include <spdlog/spdlog.h>

namespace samverkan::gateway {

IngressLoop::IngressLoop(transport::CurveRouter* socket,
                         const KeyRegistry* registry, Pipeline* pipeline,
                         uint32_t max_batch,
                         IngressAdmission::Limits queue_limits,
                         std::chrono::microseconds gather_window,
                         PipelineMetrics* metrics)
    : socket_(socket),
      registry_(registry),
      pipeline_(pipeline),
      max_batch_(max_batch),
      admission_(queue_limits),
      gather_(gather_window),
      metrics_(metrics) {}

void IngressLoop::Reply(const ReplyTo& to, const v1::SubmitReply& reply) {
  Status sent = socket_->Send(
      to.routing_id, {std::string(to.well_formed ? kSubmitVerb : kErrorVerb),
                      to.correlation, reply.SerializeAsString()});
  // A client that vanished will resubmit; its events are safe either way.
  if (!sent.ok()) spdlog::debug("reply not sent: {}", sent.ToString());
}

bool IngressLoop::TakeIn(transport::IncomingMessage message) {
  Queued q;
  ReplyTo& to = q.reply_to;
  Submission& s = q.submission;
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
  if (admission_.Admit(to.routing_id, s.bytes, to.received)) {
    gather_.Queued(to.routing_id, to.received);
    queue_.push_back(std::move(q));
    return false;
  }
  v1::SubmitReply reply;
  reply.set_outcome(v1::REJECTED);
  reply.set_code(v1::RETRY_LATER);
  reply.set_message(
      "the gateway is behind: " + std::to_string(admission_.submissions()) +
      " submissions are waiting for the log; nothing was stored, send it "
      "again after a pause, and what you sent after it too");
  Reply(to, reply);
  metrics_->rejected[v1::RETRY_LATER]++;
  if (metrics_->refused_queue_full++ % 10000 == 0) {
    spdlog::warn(
        "ingress queue full ({} submissions, {} bytes): answering "
        "RETRY_LATER",
        admission_.submissions(), admission_.bytes());
  }
  return true;
}

size_t IngressLoop::Gather(CommitGather::Clock::time_point until) {
  metrics_->commit_gather_holds++;
  size_t answered = 0;
  for (;;) {
    const auto now = CommitGather::Clock::now();
    if (queue_.size() >= max_batch_ || now >= until ||
        gather_.Due(now, until) == 0) {
      return answered;
    }
    auto next = socket_->Receive(
        std::chrono::ceil<std::chrono::microseconds>(until - now));
    if (!next) return answered;
    const size_t queued = queue_.size();
    answered += TakeIn(std::move(*next));
    metrics_->commit_gather_joined += queue_.size() - queued;
  }
}

size_t IngressLoop::ServeOnce(std::chrono::milliseconds timeout) {
  size_t answered = 0;
  if (queue_.empty()) {
    auto first = socket_->Receive(timeout);
    if (!first) return 0;
    answered += TakeIn(std::move(*first));
  }
  // Bounded, so a flood that is only being refused cannot keep the queued
  // submissions from their commit.
  const size_t take_at_most = 2 * static_cast<size_t>(max_batch_) + 1;
  for (size_t taken = 0; taken < take_at_most; ++taken) {
    auto next = socket_->TryReceive();
    if (!next) break;
    answered += TakeIn(std::move(*next));
  }
  if (!queue_.empty() && queue_.size() < max_batch_) {
    if (auto until = gather_.HoldUntil(CommitGather::Clock::now())) {
      answered += Gather(*until);
    }
  }
  metrics_->ingress_queue_depth = queue_.size();

  submissions_.clear();
  reply_to_.clear();
  while (!queue_.empty() && submissions_.size() < max_batch_) {
    Queued& q = queue_.front();
    admission_.Release(q.submission.bytes.size());
    gather_.Decided(q.reply_to.routing_id);
    submissions_.push_back(std::move(q.submission));
    reply_to_.push_back(std::move(q.reply_to));
    queue_.pop_front();
  }
  if (submissions_.empty()) return answered;

  const auto cut = std::chrono::steady_clock::now();
  std::vector<v1::SubmitReply> replies = pipeline_->Run(submissions_);
  gather_.Committed(std::chrono::steady_clock::now() - cut);
  for (size_t i = 0; i < replies.size(); ++i) {
    const ReplyTo& to = reply_to_[i];
    Reply(to, replies[i]);
    const auto now = std::chrono::steady_clock::now();
    gather_.Answered(to.routing_id, now);
    metrics_->ack_latency_seconds.Observe(
        std::chrono::duration<double>(now - to.received).count());
  }
  return answered + replies.size();
}

}  // namespace samverkan::gateway
