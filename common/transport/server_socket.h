// The server side of the transport: a CURVE-encrypted ROUTER that tells the
// caller, for every message, which client key sent it (as vouched for by the
// ZapHandler), and drops oversized frames before they are buffered whole.
#ifndef SAMVERKAN_COMMON_TRANSPORT_SERVER_SOCKET_H_
#define SAMVERKAN_COMMON_TRANSPORT_SERVER_SOCKET_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "common/transport/context.h"

namespace samverkan::transport {

struct CurveRouterOptions {
  // The server's own secret key, Z85. Clients connect with its public key.
  std::string secret_key;
  // Passed to the ZapHandler's authorizer, so one handler can tell the
  // ingress endpoint from the query endpoint.
  std::string zap_domain = "samverkan";
  // Hard ceiling per frame (ZMQ_MAXMSGSIZE): a peer sending a larger frame is
  // disconnected before the frame is read in full. Counts the plaintext; the
  // CURVE overhead is added internally.
  int64_t max_message_bytes = 1024 * 1024;
  // A message with more body frames than this is read, discarded and counted.
  size_t max_frames = 16;
  int send_hwm = 10000;
  int receive_hwm = 10000;
  // ROUTER_MANDATORY: Send fails when the peer's queue is full or the peer
  // is gone, instead of ZeroMQ dropping the message silently, so the caller
  // can count what it could not hand over.
  bool report_unsendable = false;
};

struct IncomingMessage {
  // Opaque; pass back to CurveRouter::Send to answer this peer.
  std::string routing_id;
  // The sender's CURVE public key, Z85 (40 chars), from the ZAP User-Id.
  std::string peer_public_key;
  // The body frames after the routing id (at least one).
  std::vector<std::string> frames;
};

// Not thread-safe: use one CurveRouter from one thread at a time.
class CurveRouter {
 public:
  static StatusOr<CurveRouter> Create(TransportContext& context,
                                      const CurveRouterOptions& options);
  ~CurveRouter();
  CurveRouter(CurveRouter&&) noexcept;
  CurveRouter& operator=(CurveRouter&&) noexcept;

  // Binds and returns the actual endpoint (tcp://127.0.0.1:0 yields the
  // ephemeral port chosen). FailedPrecondition unless a ZapHandler runs on
  // the context: without one libzmq would accept every client key.
  StatusOr<std::string> Bind(const std::string& endpoint);

  // The next message if one is waiting; never blocks.
  std::optional<IncomingMessage> TryReceive();
  // Waits up to `timeout` for the next message (to the microsecond).
  std::optional<IncomingMessage> Receive(std::chrono::microseconds timeout);

  // Queues a reply to `routing_id`. A peer that has gone, or whose queue is
  // full, loses the message silently (ROUTER semantics): the protocol above
  // must recover by sequence numbers and acknowledgements, not by this call.
  Status Send(std::string_view routing_id,
              const std::vector<std::string>& frames);

  // Messages read but discarded (too many frames, no body).
  uint64_t dropped_count() const;

 private:
  friend class Poller;
  struct Impl;
  explicit CurveRouter(std::unique_ptr<Impl> impl);
  void* handle() const;
  std::unique_ptr<Impl> impl_;
};

}  // namespace samverkan::transport

#endif  // SAMVERKAN_COMMON_TRANSPORT_SERVER_SOCKET_H_
