// Handle first, cursor second; address checked once a second.
#include "services/agency/inbox_stream.h"

#include <thread>

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

void InboxStream::EnsureConnected() {
  const auto now = std::chrono::steady_clock::now();
  if (now < next_check_) return;
  next_check_ = now + std::chrono::seconds(1);
  auto address = client::LoadGatewayAddress(ready_file_);
  if (!address.ok() || address->delivery.empty()) return;  // not up yet
  const std::string where =
      address->delivery + " " + address->server_public_key;
  if (client_ && where == connected_to_) return;
  auto fresh = client::DeliveryClient::Connect(
      context_, address->delivery, address->server_public_key, keypair_,
      inbox_->last(), stream_);
  if (!fresh.ok()) return;
  client_ = std::move(*fresh);
  connected_to_ = where;
}

Status InboxStream::Poll(std::chrono::milliseconds wait) {
  EnsureConnected();
  if (!client_) {
    std::this_thread::sleep_for(wait);  // nothing to wait on yet
    return OkStatus();
  }
  bool wrote = false;
  for (auto d = client_->Next(wait); d;
       d = client_->Next(std::chrono::milliseconds(0))) {
    if (Status s = handle_(stream_, *d); !s.ok()) return s;
    if (Status s = inbox_->Append(*d); !s.ok()) return s;
    wrote = true;
  }
  return wrote ? inbox_->Sync() : OkStatus();
}

}  // namespace samverkan::agency
