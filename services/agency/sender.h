// Sends the outbox's pending entries to the gateway and records the answers:
// a final answer (ACCEPTED, duplicate or not; REJECTED other than
// RETRY_LATER) is reported to the agency system as a JSON line in the
// replies file and marks the entry done; RETRY_LATER, no answer in time or
// no gateway at all leaves it pending and backs off (doubling, bounded).
// Resending uses the entry's own event_id, so the gateway answers a resent
// event it already logged as a duplicate instead of logging it twice.
#ifndef SAMVERKAN_SERVICES_AGENCY_SENDER_H_
#define SAMVERKAN_SERVICES_AGENCY_SENDER_H_

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "common/status.h"
#include "services/agency/json_lines_file.h"
#include "services/agency/outbox.h"
#include "services/client/gateway_client.h"

namespace samverkan::agency {

// The part of client::GatewayClient the sender uses, so tests can answer
// in its place.
class SubmitChannel {
 public:
  virtual ~SubmitChannel() = default;
  virtual Status Submit(std::string_view correlation,
                        std::string_view envelope_bytes) = 0;
  virtual std::optional<client::Acknowledgement> Receive(
      std::chrono::milliseconds timeout) = 0;
};

// A fresh connection; called again after a timeout, since a restarted
// gateway may listen elsewhere.
using ConnectFn = std::function<StatusOr<std::unique_ptr<SubmitChannel>>()>;

// A real GatewayClient as a SubmitChannel; owns it.
std::unique_ptr<SubmitChannel> WrapGatewayClient(
    std::unique_ptr<client::GatewayClient> client);

struct SenderOptions {
  std::chrono::milliseconds min_backoff{50};
  std::chrono::milliseconds max_backoff{5000};
  // How long a batch may wait for its answers before it counts as lost.
  std::chrono::milliseconds reply_timeout{3000};
  size_t batch = 256;
};

// Exponential backoff between min and max; Reset after a success.
class Backoff {
 public:
  Backoff(std::chrono::milliseconds min, std::chrono::milliseconds max)
      : min_(min), max_(max) {}
  // The wait before the next try, doubling each time up to max.
  std::chrono::milliseconds Next();
  void Reset() { current_ = std::chrono::milliseconds(0); }

 private:
  std::chrono::milliseconds min_, max_;
  std::chrono::milliseconds current_{0};
};

class Sender {
 public:
  // `outbox` and `replies` must outlive the sender.
  Sender(Outbox& outbox, JsonLinesFile& replies, ConnectFn connect,
         SenderOptions options = {})
      : outbox_(outbox),
        replies_(replies),
        connect_(std::move(connect)),
        options_(options),
        backoff_(options.min_backoff, options.max_backoff) {}
  Sender(const Sender&) = delete;
  Sender& operator=(const Sender&) = delete;

  // Does what is due: sends a batch when none is out and no backoff runs,
  // and reads answers for up to `wait`. Errors are local (the outbox or the
  // replies file failing); the gateway's absence is not an error.
  Status Step(std::chrono::milliseconds wait);
  // Nothing sent and unanswered.
  bool idle() const { return in_flight_.empty(); }
  uint64_t attempts() const { return attempts_; }

 private:
  using Clock = std::chrono::steady_clock;
  Status SendBatch();
  // Gives up on the batch out: the connection is dropped and remade later.
  void Abandon();

  Outbox& outbox_;
  JsonLinesFile& replies_;
  ConnectFn connect_;
  SenderOptions options_;
  Backoff backoff_;
  std::unique_ptr<SubmitChannel> channel_;
  std::map<std::string, PendingEntry> in_flight_;  // by correlation
  Clock::time_point sent_at_{};
  Clock::time_point next_try_{};
  bool retry_later_ = false;
  uint64_t attempts_ = 0;
};

}  // namespace samverkan::agency

#endif  // SAMVERKAN_SERVICES_AGENCY_SENDER_H_
