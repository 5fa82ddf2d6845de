// TransportContext: creates the shared ZeroMQ context state.
#include "common/transport/context.h"

#include "common/transport/zmq_internal.h"

namespace samverkan::transport {

TransportContext::TransportContext(int io_threads)
    : state_(std::make_shared<internal::ContextState>(io_threads)) {}

TransportContext::~TransportContext() = default;

}  // namespace samverkan::transport
