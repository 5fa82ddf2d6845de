// Handle first, cursor second.
#include "services/agency/inbox_stream.h"

namespace samverkan::agency {

StatusOr<std::unique_ptr<InboxStream>> InboxStream::Open(
    const std::string& inbox_path, v1::DeliveryStream stream,
    transport::TransportContext& context, std::string ready_file,
    transport::CurveKeypair keypair, HandleFn handle) {
  auto inbox = inbox::InboxFile::Open(inbox_path);
  if (!inbox.ok()) return inbox.status();
  return std::unique_ptr<InboxStream>(
      new InboxStream(std::move(*inbox), stream, context, std::move(ready_file),
                      std::move(keypair), std::move(handle)));
}

StatusOr<size_t> InboxStream::Poll(std::chrono::milliseconds wait,
                                   size_t max_deliveries) {
  size_t taken = 0;
  for (auto d = subscription_.Next(wait); d;
       d = subscription_.Next(std::chrono::milliseconds(0))) {
    if (Status s = handle_(stream_, *d); !s.ok()) return s;
    if (Status s = inbox_->Append(*d); !s.ok()) return s;
    if (++taken >= max_deliveries) break;
  }
  if (taken > 0) {
    if (Status s = inbox_->Sync(); !s.ok()) return s;
  }
  return taken;
}

}  // namespace samverkan::agency
