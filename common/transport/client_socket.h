// The client side of the transport: a CURVE-encrypted DEALER that knows the
// server's public key, so it talks only to the real server, and proves its own
// identity with its keypair.
#ifndef SAMVERKAN_COMMON_TRANSPORT_CLIENT_SOCKET_H_
#define SAMVERKAN_COMMON_TRANSPORT_CLIENT_SOCKET_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "common/transport/context.h"
#include "common/transport/curve_keys.h"

namespace samverkan::transport {

struct CurveDealerOptions {
  // The server's public key, Z85.
  std::string server_public_key;
  // This client's own keypair; the server's registry knows the public half.
  CurveKeypair keypair;
  // Ceiling per received frame; -1 means none (the server is trusted).
  int64_t max_message_bytes = -1;
  int send_hwm = 1000;
  int receive_hwm = 1000;
};

// Not thread-safe: use one CurveDealer from one thread at a time.
class CurveDealer {
 public:
  static StatusOr<CurveDealer> Create(TransportContext& context,
                                      const CurveDealerOptions& options);
  ~CurveDealer();
  CurveDealer(CurveDealer&&) noexcept;
  CurveDealer& operator=(CurveDealer&&) noexcept;

  // Starts connecting in the background (and reconnects after a drop);
  // messages queue meanwhile. A key the server refuses is never reported
  // here: nothing is delivered and no reply comes.
  Status Connect(const std::string& endpoint);

  // Queues a message without blocking; Unavailable when the send queue is
  // full (send_hwm) or the context is closing.
  Status Send(const std::vector<std::string>& frames);

  // The next message if one is waiting; never blocks.
  std::optional<std::vector<std::string>> TryReceive();
  // Waits up to `timeout` for the next message (to the microsecond).
  std::optional<std::vector<std::string>> Receive(
      std::chrono::microseconds timeout);

 private:
  friend class Poller;
  struct Impl;
  explicit CurveDealer(std::unique_ptr<Impl> impl);
  void* handle() const;
  std::unique_ptr<Impl> impl_;
};

}  // namespace samverkan::transport

#endif  // SAMVERKAN_COMMON_TRANSPORT_CLIENT_SOCKET_H_
