// Follows one delivery stream through gateway restarts: a restarted gateway
// listens on new ports and names them in its ready file, so the file is read
// again (at most once a second) and, when the address has changed, the
// stream is subscribed again from the last number held. Every long-running
// follower (agency services, the coordinator, samverkan-inbox) uses this;
// DeliveryClient alone is one connection to one address.
#ifndef SAMVERKAN_SERVICES_CLIENT_SUBSCRIPTION_H_
#define SAMVERKAN_SERVICES_CLIENT_SUBSCRIPTION_H_

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "common/transport/context.h"
#include "common/transport/curve_keys.h"
#include "services/client/delivery_client.h"

namespace samverkan::client {

class Subscription {
 public:
  // `context` must outlive the subscription. `after` is the last recipient
  // sequence the caller already holds on `stream`.
  Subscription(transport::TransportContext& context, std::string ready_file,
               transport::CurveKeypair keypair, uint64_t after,
               v1::DeliveryStream stream);
  Subscription(const Subscription&) = delete;
  Subscription& operator=(const Subscription&) = delete;

  // The next delivery in order, waiting up to `timeout` (also when there is
  // no gateway to connect to yet).
  std::optional<v1::Delivery> Next(std::chrono::milliseconds timeout);

  uint64_t last() const { return last_; }
  // As DeliveryClient's, for the current connection: a reconnection must be
  // heard from again before announced() means anything.
  uint64_t announced() const { return client_ ? client_->announced() : 0; }
  bool heard() const { return client_ && client_->heard(); }

 private:
  // (Re)connects when there is no client or the gateway has moved.
  void EnsureConnected();

  transport::TransportContext& context_;
  const std::string ready_file_;
  const transport::CurveKeypair keypair_;
  const v1::DeliveryStream stream_;
  uint64_t last_;
  std::unique_ptr<DeliveryClient> client_;
  std::string connected_to_;  // delivery endpoint + server key
  std::chrono::steady_clock::time_point next_check_{};
};

}  // namespace samverkan::client

#endif  // SAMVERKAN_SERVICES_CLIENT_SUBSCRIPTION_H_
