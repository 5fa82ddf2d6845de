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
#include "services/client/subscription.h"
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

  // Takes what arrived, at most `max_deliveries`, waiting up to `wait` for
  // the first; returns how many it took. The cap is what lets a service far
  // behind on its stream (back after a stretch offline) publish between
  // slices of the backlog instead of after all of it.
  StatusOr<size_t> Poll(std::chrono::milliseconds wait, size_t max_deliveries);
  uint64_t last() const { return inbox_->last(); }

 private:
  InboxStream(std::unique_ptr<inbox::InboxFile> inbox,
              v1::DeliveryStream stream, transport::TransportContext& context,
              std::string ready_file, transport::CurveKeypair keypair,
              HandleFn handle)
      : inbox_(std::move(inbox)),
        stream_(stream),
        subscription_(context, std::move(ready_file), std::move(keypair),
                      inbox_->last(), stream),
        handle_(std::move(handle)) {}

  std::unique_ptr<inbox::InboxFile> inbox_;
  v1::DeliveryStream stream_;
  client::Subscription subscription_;
  HandleFn handle_;
};

}  // namespace samverkan::agency

#endif  // SAMVERKAN_SERVICES_AGENCY_INBOX_STREAM_H_
