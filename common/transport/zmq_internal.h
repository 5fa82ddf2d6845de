// Module-private glue shared by the transport's .cc files: the ZeroMQ context
// state and the conversion of zmq::error_t into Status. Never include this
// outside common/transport; it is the one header that pulls in zmq.hpp.
#ifndef SAMVERKAN_COMMON_TRANSPORT_ZMQ_INTERNAL_H_
#define SAMVERKAN_COMMON_TRANSPORT_ZMQ_INTERNAL_H_

#include <poll.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <zmq.hpp>

#include "common/status.h"

namespace samverkan::transport::internal {

// Shared by the TransportContext and every socket made from it, so the
// context outlives its sockets whatever order the owners are destroyed in
// (zmq_ctx_term would otherwise block forever on a socket still open).
struct ContextState {
  explicit ContextState(int io_threads) : context(io_threads) {}
  zmq::context_t context;
  // ZAP handlers currently bound on this context; a CURVE server refuses to
  // bind without one, since libzmq would then accept every client key.
  std::atomic<int> zap_handlers{0};
};

// ZMQ_ZAP_ENFORCE_DOMAIN sits in the draft section of the 4.3 headers but the
// library honours it; with it, a lost ZAP handler fails handshakes closed.
inline constexpr int kZapEnforceDomainOption = 93;

inline Status ZmqError(std::string_view what, const zmq::error_t& e) {
  return UnavailableError(std::string(what) + ": " + e.what());
}

// Calls `try_receive` until it yields a message or `timeout` has passed,
// sleeping in between: in zmq_poll for whole milliseconds (its unit), and
// for what is left under a millisecond in ppoll on the socket's ZMQ_FD, so
// that a wait of a few hundred microseconds is neither skipped nor rounded
// up to a millisecond. The one blocking receive of both socket kinds.
template <typename TryReceive>
auto ReceiveWithin(zmq::socket_t& socket, std::chrono::microseconds timeout,
                   TryReceive try_receive) -> decltype(try_receive()) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  try {
    for (;;) {
      if (auto m = try_receive()) return m;
      const auto left = deadline - std::chrono::steady_clock::now();
      if (left <= std::chrono::steady_clock::duration::zero()) {
        return std::nullopt;
      }
      if (left >= std::chrono::milliseconds(1)) {
        zmq::pollitem_t item{socket.handle(), 0, ZMQ_POLLIN, 0};
        zmq::poll(&item, 1,
                  std::chrono::floor<std::chrono::milliseconds>(left));
        continue;
      }
      // ZMQ_FD signals edges: sleep on it only once ZMQ_EVENTS, which also
      // processes what woke it, says nothing is readable.
      if (socket.get(zmq::sockopt::events) & ZMQ_POLLIN) continue;
      pollfd fd{socket.get(zmq::sockopt::fd), POLLIN, 0};
      const timespec wait{
          0, static_cast<long>(
                 std::chrono::duration_cast<std::chrono::nanoseconds>(left)
                     .count())};
      if (ppoll(&fd, 1, &wait, nullptr) < 0 && errno != EINTR) {
        spdlog::error("transport: ppoll failed: {}", std::strerror(errno));
        return std::nullopt;
      }
    }
  } catch (const zmq::error_t& e) {
    if (e.num() != EINTR) spdlog::error("transport: poll failed: {}", e.what());
  }
  return std::nullopt;
}

}  // namespace samverkan::transport::internal

#endif  // SAMVERKAN_COMMON_TRANSPORT_ZMQ_INTERNAL_H_
