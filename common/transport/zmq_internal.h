// Module-private glue shared by the transport's .cc files: the ZeroMQ context
// state and the conversion of zmq::error_t into Status. Never include this
// outside common/transport; it is the one header that pulls in zmq.hpp.
#ifndef SAMVERKAN_COMMON_TRANSPORT_ZMQ_INTERNAL_H_
#define SAMVERKAN_COMMON_TRANSPORT_ZMQ_INTERNAL_H_

#include <atomic>
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

}  // namespace samverkan::transport::internal

#endif  // SAMVERKAN_COMMON_TRANSPORT_ZMQ_INTERNAL_H_
