// The address is checked once a second; the cursor survives reconnections.
#include "services/client/subscription.h"

#include <thread>

#include "services/client/gateway_address.h"

namespace samverkan::client {

Subscription::Subscription(transport::TransportContext& context,
                           std::string ready_file,
                           transport::CurveKeypair keypair, uint64_t after,
                           v1::DeliveryStream stream)
    : context_(context),
      ready_file_(std::move(ready_file)),
      keypair_(std::move(keypair)),
      stream_(stream),
      last_(after) {}

void Subscription::EnsureConnected() {
  const auto now = std::chrono::steady_clock::now();
  if (now < next_check_) return;
  next_check_ = now + std::chrono::seconds(1);
  auto address = LoadGatewayAddress(ready_file_);
  if (!address.ok() || address->delivery.empty()) return;  // not up yet
  const std::string where =
      address->delivery + " " + address->server_public_key;
  if (client_ && where == connected_to_) return;
  auto fresh = DeliveryClient::Connect(context_, address->delivery,
                                       address->server_public_key, keypair_,
                                       last_, stream_);
  if (!fresh.ok()) return;
  client_ = std::move(*fresh);
  connected_to_ = where;
}

std::optional<v1::Delivery> Subscription::Next(
    std::chrono::milliseconds timeout) {
  EnsureConnected();
  if (!client_) {
    std::this_thread::sleep_for(timeout);  // nothing to wait on yet
    return std::nullopt;
  }
  std::optional<v1::Delivery> d = client_->Next(timeout);
  if (d) last_ = d->recipient_sequence();
  return d;
}

}  // namespace samverkan::client
