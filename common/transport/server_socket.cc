// CurveRouter: ROUTER + CURVE server + ZAP domain + size ceiling.
#include "common/transport/server_socket.h"

#include <spdlog/spdlog.h>

#include "common/transport/curve_keys.h"
#include "common/transport/zmq_internal.h"

namespace samverkan::transport {
namespace {

// A CURVE MESSAGE command wraps each frame: "\x07MESSAGE" (8), nonce (8),
// MAC (16), flags (1). ZMQ_MAXMSGSIZE sees the wrapped size.
constexpr int64_t kCurveFrameOverhead = 8 + 8 + 16 + 1;

}  // namespace

struct CurveRouter::Impl {
  std::shared_ptr<internal::ContextState> state;  // outlives the socket
  zmq::socket_t socket;
  size_t max_frames = 0;
  uint64_t dropped = 0;

  // Reads one whole message; nullopt if none waits or it was discarded.
  std::optional<IncomingMessage> ReadOne() {
    zmq::message_t routing_id;
    if (!socket.recv(routing_id, zmq::recv_flags::dontwait)) {
      return std::nullopt;
    }
    IncomingMessage out;
    out.routing_id = routing_id.to_string();
    bool more = routing_id.more();
    bool too_many = false;
    // The rest of a multipart message is already here (atomic delivery), so
    // these receives never block.
    while (more) {
      zmq::message_t frame;
      if (!socket.recv(frame, zmq::recv_flags::none)) break;
      more = frame.more();
      if (out.frames.empty()) {
        try {
          out.peer_public_key = frame.gets("User-Id");
        } catch (const zmq::error_t&) {
          out.peer_public_key.clear();  // no ZAP verdict: caller rejects
        }
      }
      if (out.frames.size() >= max_frames) {
        too_many = true;
        continue;  // drain the message without keeping it
      }
      out.frames.push_back(frame.to_string());
    }
    if (too_many || out.frames.empty()) {
      ++dropped;
      spdlog::warn("transport: dropped a message from key {}...: {}",
                   out.peer_public_key.substr(0, 8),
                   too_many ? "too many frames" : "no body");
      return std::nullopt;
    }
    return out;
  }
};

CurveRouter::CurveRouter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CurveRouter::~CurveRouter() = default;
CurveRouter::CurveRouter(CurveRouter&&) noexcept = default;
CurveRouter& CurveRouter::operator=(CurveRouter&&) noexcept = default;

StatusOr<CurveRouter> CurveRouter::Create(TransportContext& context,
                                          const CurveRouterOptions& options) {
  auto secret = DecodeZ85Key(options.secret_key, "server secret key");
  if (!secret.ok()) return secret.status();
  if (options.zap_domain.empty()) {
    // libzmq skips ZAP entirely for an empty domain.
    return InvalidArgumentError("a CURVE server needs a non-empty ZAP domain");
  }
  if (options.max_message_bytes <= 0 || options.max_frames == 0) {
    return InvalidArgumentError(
        "max_message_bytes and max_frames must be positive");
  }
  auto impl = std::make_unique<Impl>();
  impl->state = context.state();
  impl->max_frames = options.max_frames;
  try {
    impl->socket =
        zmq::socket_t(impl->state->context, zmq::socket_type::router);
    zmq::socket_t& s = impl->socket;
    s.set(zmq::sockopt::linger, 0);
    s.set(zmq::sockopt::router_mandatory, options.report_unsendable);
    s.set(zmq::sockopt::sndhwm, options.send_hwm);
    s.set(zmq::sockopt::rcvhwm, options.receive_hwm);
    s.set(zmq::sockopt::maxmsgsize,
          options.max_message_bytes + kCurveFrameOverhead);
    s.set(zmq::sockopt::curve_server, true);
    s.set(zmq::sockopt::curve_secretkey,
          zmq::const_buffer(secret->data(), secret->size()));
    s.set(zmq::sockopt::zap_domain, options.zap_domain);
    int enforce = 1;
    if (zmq_setsockopt(s.handle(), internal::kZapEnforceDomainOption, &enforce,
                       sizeof enforce) != 0) {
      spdlog::warn(
          "transport: this libzmq cannot enforce the ZAP domain; keep the "
          "ZapHandler running for as long as the server serves");
    }
  } catch (const zmq::error_t& e) {
    return internal::ZmqError("cannot create CURVE server socket", e);
  }
  return CurveRouter(std::move(impl));
}

StatusOr<std::string> CurveRouter::Bind(const std::string& endpoint) {
  if (impl_->state->zap_handlers.load() == 0) {
    return FailedPreconditionError(
        "start a ZapHandler on this transport context before binding " +
        endpoint + ": without one every client key would be accepted");
  }
  try {
    impl_->socket.bind(endpoint);
    return impl_->socket.get(zmq::sockopt::last_endpoint);
  } catch (const zmq::error_t& e) {
    return internal::ZmqError("cannot bind " + endpoint, e);
  }
}

std::optional<IncomingMessage> CurveRouter::TryReceive() {
  try {
    // A discarded message must not hide one queued behind it.
    while (impl_->socket.get(zmq::sockopt::events) & ZMQ_POLLIN) {
      if (auto m = impl_->ReadOne()) return m;
    }
  } catch (const zmq::error_t& e) {
    spdlog::error("transport: receive failed: {}", e.what());
  }
  return std::nullopt;
}

std::optional<IncomingMessage> CurveRouter::Receive(
    std::chrono::microseconds timeout) {
  return internal::ReceiveWithin(impl_->socket, timeout,
                                 [this] { return TryReceive(); });
}

Status CurveRouter::Send(std::string_view routing_id,
                         const std::vector<std::string>& frames) {
  if (frames.empty()) return InvalidArgumentError("a message needs a frame");
  try {
    impl_->socket.send(zmq::buffer(routing_id),
                       zmq::send_flags::sndmore | zmq::send_flags::dontwait);
    for (size_t i = 0; i < frames.size(); ++i) {
      zmq::send_flags flags = zmq::send_flags::dontwait;
      if (i + 1 < frames.size()) flags = flags | zmq::send_flags::sndmore;
      impl_->socket.send(zmq::buffer(frames[i]), flags);
    }
    return OkStatus();
  } catch (const zmq::error_t& e) {
    return internal::ZmqError("send failed", e);
  }
}

uint64_t CurveRouter::dropped_count() const { return impl_->dropped; }
void* CurveRouter::handle() const { return impl_->socket.handle(); }

}  // namespace samverkan::transport
