// A party's subscription to one of its delivery streams (its event
// deliveries, or the alerts of plans it coordinates): hands them out strictly
// in recipient-sequence order, exactly once, however the network behaves. A
// gap (a dropped message, a slow start, a heartbeat showing more) is closed by
// subscribing again from the last number held.
#ifndef SAMVERKAN_SERVICES_CLIENT_DELIVERY_CLIENT_H_
#define SAMVERKAN_SERVICES_CLIENT_DELIVERY_CLIENT_H_

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "common/transport/client_socket.h"
#include "common/transport/context.h"
#include "samverkan/v1/delivery.pb.h"

namespace samverkan::client {

class DeliveryClient {
 public:
  // `after` is the last recipient sequence the caller already holds on
  // `stream` (0 for none): the streams are numbered independently, so a
  // cursor from one means nothing on the other. `context` must outlive the
  // client.
  static StatusOr<std::unique_ptr<DeliveryClient>> Connect(
      transport::TransportContext& context, const std::string& endpoint,
      const std::string& server_public_key,
      const transport::CurveKeypair& keypair, uint64_t after,
      v1::DeliveryStream stream = v1::DELIVERY_STREAM_EVENTS);
  DeliveryClient(const DeliveryClient&) = delete;
  DeliveryClient& operator=(const DeliveryClient&) = delete;

  // The next delivery in order, waiting up to `timeout`.
  std::optional<v1::Delivery> Next(std::chrono::milliseconds timeout);

  v1::DeliveryStream stream() const { return stream_; }
  uint64_t last() const { return last_; }
  // The latest number the gateway has announced.
  uint64_t announced() const { return announced_; }
  // True once a heartbeat came: the gateway answers each subscription with
  // its backfill and then one, so only from then on does announced() say how
  // far the stream went at subscription, even when that is 0.
  bool heard() const { return heard_; }

 private:
  DeliveryClient(transport::CurveDealer dealer, uint64_t after,
                 v1::DeliveryStream stream)
      : dealer_(std::move(dealer)), stream_(stream), last_(after) {}
  // Asks for everything after last_, at most every few hundred ms so that a
  // burst of out-of-order messages causes one request, not hundreds.
  void Resubscribe(bool force);

  transport::CurveDealer dealer_;
  v1::DeliveryStream stream_;
  uint64_t last_;
  uint64_t announced_ = 0;
  bool heard_ = false;
  std::chrono::steady_clock::time_point last_subscribe_{};
};

}  // namespace samverkan::client

#endif  // SAMVERKAN_SERVICES_CLIENT_DELIVERY_CLIENT_H_
