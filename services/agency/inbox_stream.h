// Follows one of the organisation's delivery streams (EVENTS or ALERTS)
// into a raw inbox file (services/inbox/InboxFile), which is the stream's
// durable cursor. Each delivery is first handed to the service (case-worker
// line, plan projection; both idempotent) and only then appended to the
// raw file, so a crash in between hands it out again rather than losing it.
// Reconnects, from the cursor, when the gateway's ready file changes (a
// restarted gateway listens on new ports) or when it was not up yet.
#ifndef SAMVERKAN_SERVICES_AGENCY_INBOX_STREAM_H_
#define SAMVERKAN_SERVICES_AGENCY_INBOX_STREAM_H_

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "common/status.h"
#include "common/transport/context.h"
#include "common/transport/curve_keys.h"
#include "services/client/delivery_client.h"
#include "services/client/gateway_address.h"
#include "services/inbox/inbox_file.h"

namespace samverkan::agency {

class InboxStream {
 public:
  using HandleFn =
      std::function<Status(v1::DeliveryStream, const v1::Delivery&)>;

  // `context` must outlive the stream; the rest is copied.
  static StatusOr<std::unique_ptr<InboxStream>> Open(
      const std::string& inbox_path, v1::DeliveryStream stream,
      transport::TransportContext& context, std::string ready_file,
      transport::CurveKeypair keypair, HandleFn handle);
  InboxStream(const InboxStream&) = delete;
  InboxStream& operator=(const InboxStream&) = delete;

  // Takes what arrived, waiting up to `wait` for the first.
  Status Poll(std::chrono::milliseconds wait);
  uint64_t last() const { return inbox_->last(); }

 private:
  InboxStream(std::unique_ptr<inbox::InboxFile> inbox,
              v1::DeliveryStream stream, transport::TransportContext& context,
              std::string ready_file, transport::CurveKeypair keypair,
              HandleFn handle)
      : inbox_(std::move(inbox)),
        stream_(stream),
        context_(context),
        ready_file_(std::move(ready_file)),
        keypair_(std::move(keypair)),
        handle_(std::move(handle)) {}
  // (Re)connects when there is no client or the gateway moved.
  void EnsureConnected();

  std::unique_ptr<inbox::InboxFile> inbox_;
  v1::DeliveryStream stream_;
  transport::TransportContext& context_;
  std::string ready_file_;
  transport::CurveKeypair keypair_;
  HandleFn handle_;
  std::unique_ptr<client::DeliveryClient> client_;
  std::string connected_to_;  // delivery endpoint + server key
  std::chrono::steady_clock::time_point next_check_{};
};

}  // namespace samverkan::agency

#endif  // SAMVERKAN_SERVICES_AGENCY_INBOX_STREAM_H_
