// In-order, exactly-once reading of DELIVERY and HEARTBEAT frames of one
// stream.
#include "services/client/delivery_client.h"

#include "services/client/connect.h"

namespace samverkan::client {

StatusOr<std::unique_ptr<DeliveryClient>> DeliveryClient::Connect(
    transport::TransportContext& context, const std::string& endpoint,
    const std::string& server_public_key,
    const transport::CurveKeypair& keypair, uint64_t after,
    v1::DeliveryStream stream) {
  auto dealer =
      ConnectDealer(context, endpoint, server_public_key, keypair, 100000);
  if (!dealer.ok()) return dealer.status();
  std::unique_ptr<DeliveryClient> client(
      new DeliveryClient(std::move(*dealer), after, stream));
  client->Resubscribe(true);
  return client;
}

void DeliveryClient::Resubscribe(bool force) {
  const auto now = std::chrono::steady_clock::now();
  if (!force && now - last_subscribe_ < std::chrono::milliseconds(300)) return;
  last_subscribe_ = now;
  v1::SubscribeRequest request;
  request.set_after_recipient_sequence(last_);
  // Every time, not just the first: the gateway reads each SUBSCRIBE on its
  // own, and one without a stream means EVENTS, so an alert subscriber that
  // left it out when backfilling would be handed its event deliveries.
  request.set_stream(stream_);
  (void)dealer_.Send({"SUBSCRIBE", request.SerializeAsString()});
}

std::optional<v1::Delivery> DeliveryClient::Next(
    std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() < 0) return std::nullopt;
    auto frames = dealer_.Receive(left);
    if (!frames) {
      // Quiet: if the gateway announced more than we hold, ask for it.
      if (announced_ > last_) Resubscribe(false);
      return std::nullopt;
    }
    if (frames->size() != 3) continue;
    const std::string& verb = (*frames)[1];
    if (verb == "HEARTBEAT") {
      v1::DeliveryHeartbeat heartbeat;
      if (!heartbeat.ParseFromString((*frames)[2])) continue;
      announced_ = std::max(announced_, heartbeat.latest_recipient_sequence());
      heard_ = true;
      if (announced_ > last_) Resubscribe(false);
      continue;
    }
    if (verb != "DELIVERY") continue;
    v1::Delivery delivery;
    if (!delivery.ParseFromString((*frames)[2])) continue;
    const uint64_t n = delivery.recipient_sequence();
    announced_ = std::max(announced_, n);
    if (n <= last_) continue;  // already held: a backfill overlapping a push
    if (n != last_ + 1) {      // a gap: fetch from where we are
      Resubscribe(false);
      continue;
    }
    last_ = n;
    return delivery;
  }
}

}  // namespace samverkan::client
