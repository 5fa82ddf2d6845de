// The transport's ceiling: a server behind the gateway's CURVE ingress (a
// ZAP check of every client key, the SUBMIT frames, a SubmitReply) that
// answers every submission ACCEPTED at once, with no stage, no log and no
// fsync. The same publishers against it show what receiving and answering
// alone cost on this machine, next to the gateway and the bare reference
// (docs/BENCHMARKS.md, "The ceiling of CURVE ingress and acknowledgements").
// It acknowledges what it never stores: a measuring instrument, never a
// gateway.
#ifndef SAMVERKAN_BENCH_NULL_GATEWAY_H_
#define SAMVERKAN_BENCH_NULL_GATEWAY_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "common/status.h"
#include "common/transport/context.h"
#include "common/transport/curve_keys.h"
#include "common/transport/server_socket.h"
#include "common/transport/zap_handler.h"
#include "services/client/gateway_address.h"

namespace samverkan::bench {

class NullGateway {
 public:
  // Binds tcp://127.0.0.1 on an ephemeral port with `server` as its CURVE
  // keypair, admitting only `client_public_keys` (Z85), and answers on a
  // thread of its own until destroyed.
  static StatusOr<std::unique_ptr<NullGateway>> Start(
      const transport::CurveKeypair& server,
      std::vector<std::string> client_public_keys);
  // Stops answering and joins the thread.
  ~NullGateway();
  NullGateway(const NullGateway&) = delete;
  NullGateway& operator=(const NullGateway&) = delete;

  // Only `ingress` and `server_public_key` are set.
  const client::GatewayAddress& address() const { return address_; }
  // SUBMITs taken in, each counted before its answer is sent, so a client
  // that has its answers sees them all counted.
  uint64_t submissions() const { return submissions_.load(); }
  // Waits until ZAP has refused at least `count` handshakes; false on
  // timeout.
  bool WaitForDenied(uint64_t count, std::chrono::milliseconds timeout) const {
    return zap_->WaitForDeniedCount(count, timeout);
  }

 private:
  NullGateway() = default;
  void Serve();

  transport::TransportContext context_;
  std::unique_ptr<transport::ZapHandler> zap_;
  std::unique_ptr<transport::CurveRouter> router_;
  client::GatewayAddress address_;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> submissions_{0};
  std::thread thread_;
};

}  // namespace samverkan::bench

#endif  // SAMVERKAN_BENCH_NULL_GATEWAY_H_
