// The ZeroMQ context of a process, owned here so that callers never touch
// zmq::context_t: sockets and the ZAP handler are made from a TransportContext.
#ifndef SAMVERKAN_COMMON_TRANSPORT_CONTEXT_H_
#define SAMVERKAN_COMMON_TRANSPORT_CONTEXT_H_

#include <memory>

namespace samverkan::transport {

namespace internal {
struct ContextState;
}  // namespace internal

// Thread-safe. Sockets keep the underlying context alive, so destroying the
// TransportContext before its sockets is safe (the last one out terminates it).
class TransportContext {
 public:
  explicit TransportContext(int io_threads = 1);
  ~TransportContext();
  TransportContext(const TransportContext&) = delete;
  TransportContext& operator=(const TransportContext&) = delete;

  // For the transport module's own classes.
  const std::shared_ptr<internal::ContextState>& state() const {
    return state_;
  }

 private:
  std::shared_ptr<internal::ContextState> state_;
};

}  // namespace samverkan::transport

#endif  // SAMVERKAN_COMMON_TRANSPORT_CONTEXT_H_
