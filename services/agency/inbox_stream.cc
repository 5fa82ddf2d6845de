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

Status InboxStream::Poll(std::chrono::milliseconds wait) {
  bool wrote = false;
  for (auto d = subscription_.Next(wait); d;
       d = subscription_.Next(std::chrono::milliseconds(0))) {
    if (Status s = handle_(stream_, *d); !s.ok()) return s;
    if (Status s = inbox_->Append(*d); !s.ok()) return s;
    wrote = true;
  }
  return wrote ? inbox_->Sync() : OkStatus();
}

}  // namespace samverkan::agency
