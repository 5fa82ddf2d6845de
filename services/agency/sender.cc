// One batch out at a time, pipelined; answers matched by correlation (the
// outbox id), so answers from a batch never confuse another.
#include "services/agency/sender.h"

#include <algorithm>

#include "services/agency/json_events.h"

namespace samverkan::agency {
namespace {

class GatewayChannel : public SubmitChannel {
 public:
  explicit GatewayChannel(std::unique_ptr<client::GatewayClient> client)
      : client_(std::move(client)) {}
  Status Submit(std::string_view correlation,
                std::string_view envelope_bytes) override {
    return client_->Submit(correlation, envelope_bytes);
  }
  std::optional<client::Acknowledgement> Receive(
      std::chrono::milliseconds timeout) override {
    return client_->Receive(timeout);
  }

 private:
  std::unique_ptr<client::GatewayClient> client_;
};

int64_t WallMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::unique_ptr<SubmitChannel> WrapGatewayClient(
    std::unique_ptr<client::GatewayClient> client) {
  return std::make_unique<GatewayChannel>(std::move(client));
}

std::chrono::milliseconds Backoff::Next() {
  current_ = current_.count() == 0 ? min_ : std::min(current_ * 2, max_);
  return current_;
}

void Sender::Abandon() {
  in_flight_.clear();
  channel_.reset();
  next_try_ = Clock::now() + backoff_.Next();
}

Status Sender::SendBatch() {
  auto pending = outbox_.Pending(options_.batch);
  if (!pending.ok()) return pending.status();
  if (pending->empty()) return OkStatus();
  if (!channel_) {
    auto channel = connect_();
    if (!channel.ok()) {  // e.g. no ready file yet: the gateway is down
      next_try_ = Clock::now() + backoff_.Next();
      return OkStatus();
    }
    channel_ = std::move(*channel);
  }
  ++attempts_;
  sent_at_ = Clock::now();
  retry_later_ = false;
  for (PendingEntry& entry : *pending) {
    const std::string correlation = std::to_string(entry.id);
    if (!channel_->Submit(correlation, entry.envelope_bytes).ok()) {
      Abandon();
      return OkStatus();
    }
    in_flight_.emplace(correlation, std::move(entry));
  }
  return OkStatus();
}

Status Sender::Step(std::chrono::milliseconds wait) {
  if (in_flight_.empty() && Clock::now() >= next_try_) {
    if (Status s = SendBatch(); !s.ok()) return s;
  }
  if (in_flight_.empty()) return OkStatus();
  std::vector<FinalAnswer> answers;
  std::string lines;
  for (auto ack = channel_->Receive(wait); ack;
       ack = channel_->Receive(std::chrono::milliseconds(0))) {
    auto it = in_flight_.find(ack->correlation);
    if (it == in_flight_.end()) continue;  // an answer to an abandoned batch
    const v1::SubmitReply& reply = ack->reply;
    if (reply.outcome() == v1::REJECTED && reply.code() == v1::RETRY_LATER) {
      retry_later_ = true;  // stays pending
    } else {
      if (!lines.empty()) lines += '\n';
      lines += ReplyToJson(it->second.line_number, reply, it->second.source);
      answers.push_back({it->second.id, reply});
    }
    in_flight_.erase(it);
    if (in_flight_.empty()) break;
  }
  if (!answers.empty()) {
    // The agency system hears the answer before the entry is done: a crash
    // in between repeats an answer line, it never loses one.
    if (Status s = replies_.Append(lines); !s.ok()) return s;
    if (Status s = replies_.Sync(); !s.ok()) return s;
    if (Status s = outbox_.Finish(answers, WallMicros()); !s.ok()) return s;
  }
  if (in_flight_.empty()) {
    if (retry_later_) {
      next_try_ = Clock::now() + backoff_.Next();
    } else {
      backoff_.Reset();
    }
  } else if (Clock::now() - sent_at_ > options_.reply_timeout) {
    Abandon();
  }
  return OkStatus();
}

}  // namespace samverkan::agency
