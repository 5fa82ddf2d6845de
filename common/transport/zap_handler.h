// The ZAP handler (ZeroMQ RFC 27) that decides which CURVE clients may
// connect: every handshake on a CurveRouter of the same context asks it, and
// an accepted client's public key becomes the User-Id of all its messages, so
// the server maps each message to a registry entry without trusting content.
#ifndef SAMVERKAN_COMMON_TRANSPORT_ZAP_HANDLER_H_
#define SAMVERKAN_COMMON_TRANSPORT_ZAP_HANDLER_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>

#include "common/status.h"
#include "common/transport/context.h"

namespace samverkan::transport {

class ZapHandler {
 public:
  // Called on the handler's own thread, once per CURVE handshake, with the
  // server socket's ZAP domain and the client's public key in Z85. Must be
  // safe to call from that thread (e.g. read an immutable registry).
  using Authorizer = std::function<bool(std::string_view domain,
                                        std::string_view public_key_z85)>;

  ZapHandler(TransportContext& context, Authorizer authorizer);
  ~ZapHandler();  // Stops.
  ZapHandler(ZapHandler&&) noexcept;
  ZapHandler& operator=(ZapHandler&&) noexcept;

  // Binds inproc://zeromq.zap.01 before returning, so every CurveRouter bound
  // afterwards is protected, then serves on a thread. FailedPrecondition if
  // already started or another handler serves this context.
  Status Start();
  // Ends the thread; idempotent. Handshakes after this fail closed. Start and
  // Stop must not run concurrently with each other.
  void Stop();

  uint64_t denied_count() const;
  uint64_t accepted_count() const;
  // Waits until at least `count` handshakes have been denied; false on
  // timeout. For tests and health checks that must not sleep.
  bool WaitForDeniedCount(uint64_t count,
                          std::chrono::milliseconds timeout) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace samverkan::transport

#endif  // SAMVERKAN_COMMON_TRANSPORT_ZAP_HANDLER_H_
