// CurveDealer: DEALER + CURVE client.
#include "common/transport/client_socket.h"

#include <spdlog/spdlog.h>

#include <zmq_addon.hpp>

#include "common/transport/zmq_internal.h"

namespace samverkan::transport {

struct CurveDealer::Impl {
  std::shared_ptr<internal::ContextState> state;  // outlives the socket
  zmq::socket_t socket;
};

CurveDealer::CurveDealer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CurveDealer::~CurveDealer() = default;
CurveDealer::CurveDealer(CurveDealer&&) noexcept = default;
CurveDealer& CurveDealer::operator=(CurveDealer&&) noexcept = default;

StatusOr<CurveDealer> CurveDealer::Create(TransportContext& context,
                                          const CurveDealerOptions& options) {
  auto server = DecodeZ85Key(options.server_public_key, "server public key");
  if (!server.ok()) return server.status();
  auto pub = DecodeZ85Key(options.keypair.public_key, "client public key");
  if (!pub.ok()) return pub.status();
  auto secret = DecodeZ85Key(options.keypair.secret_key, "client secret key");
  if (!secret.ok()) return secret.status();
  auto impl = std::make_unique<Impl>();
  impl->state = context.state();
  try {
    impl->socket =
        zmq::socket_t(impl->state->context, zmq::socket_type::dealer);
    zmq::socket_t& s = impl->socket;
    s.set(zmq::sockopt::linger, 0);
    s.set(zmq::sockopt::sndhwm, options.send_hwm);
    s.set(zmq::sockopt::rcvhwm, options.receive_hwm);
    s.set(zmq::sockopt::maxmsgsize, options.max_message_bytes);
    s.set(zmq::sockopt::curve_serverkey,
          zmq::const_buffer(server->data(), server->size()));
    s.set(zmq::sockopt::curve_publickey,
          zmq::const_buffer(pub->data(), pub->size()));
    s.set(zmq::sockopt::curve_secretkey,
          zmq::const_buffer(secret->data(), secret->size()));
  } catch (const zmq::error_t& e) {
    return internal::ZmqError("cannot create CURVE client socket", e);
  }
  return CurveDealer(std::move(impl));
}

Status CurveDealer::Connect(const std::string& endpoint) {
  try {
    impl_->socket.connect(endpoint);
    return OkStatus();
  } catch (const zmq::error_t& e) {
    return internal::ZmqError("cannot connect to " + endpoint, e);
  }
}

Status CurveDealer::Send(const std::vector<std::string>& frames) {
  if (frames.empty()) return InvalidArgumentError("a message needs a frame");
  std::vector<zmq::const_buffer> buffers;
  buffers.reserve(frames.size());
  for (const std::string& f : frames) buffers.push_back(zmq::buffer(f));
  try {
    // DEALER queues whole messages: either every frame or none goes out.
    if (!zmq::send_multipart(impl_->socket, buffers,
                             zmq::send_flags::dontwait)) {
      return UnavailableError("send queue full (send_hwm reached)");
    }
    return OkStatus();
  } catch (const zmq::error_t& e) {
    return internal::ZmqError("send failed", e);
  }
}

std::optional<std::vector<std::string>> CurveDealer::TryReceive() {
  try {
    std::vector<zmq::message_t> parts;
    if (!zmq::recv_multipart(impl_->socket, std::back_inserter(parts),
                             zmq::recv_flags::dontwait)) {
      return std::nullopt;
    }
    std::vector<std::string> frames;
    frames.reserve(parts.size());
    for (const zmq::message_t& p : parts) frames.push_back(p.to_string());
    return frames;
  } catch (const zmq::error_t& e) {
    spdlog::error("transport: receive failed: {}", e.what());
    return std::nullopt;
  }
}

std::optional<std::vector<std::string>> CurveDealer::Receive(
    std::chrono::microseconds timeout) {
  return internal::ReceiveWithin(impl_->socket, timeout,
                                 [this] { return TryReceive(); });
}

void* CurveDealer::handle() const { return impl_->socket.handle(); }

}  // namespace samverkan::transport
