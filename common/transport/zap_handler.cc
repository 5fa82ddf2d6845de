// ZapHandler: a REP socket on inproc://zeromq.zap.01 served by one thread,
// woken for shutdown by an inproc PAIR so Stop() never waits on a timeout.
#include "common/transport/zap_handler.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>
#include <zmq_addon.hpp>

#include "common/transport/curve_keys.h"
#include "common/transport/zmq_internal.h"

namespace samverkan::transport {
namespace {

constexpr const char* kZapEndpoint = "inproc://zeromq.zap.01";
constexpr std::string_view kZapVersion = "1.0";
// Request frames: version, request id, domain, address, identity, mechanism,
// then the mechanism's credentials (CURVE: the 32-byte client public key).
constexpr size_t kMinRequestFrames = 6;

std::atomic<uint64_t> next_control_id{1};

}  // namespace

struct ZapHandler::Impl {
  std::shared_ptr<internal::ContextState> state;
  Authorizer authorizer;
  std::optional<zmq::socket_t> control_sender;  // Stop() side of the PAIR
  std::thread thread;
  bool running = false;

  std::atomic<uint64_t> accepted{0};
  std::atomic<uint64_t> denied{0};
  mutable std::mutex mutex;  // guards nothing but the wake-ups of waiters
  mutable std::condition_variable decided;

  // Decides one request; returns the reply frames.
  std::vector<std::string> Decide(const std::vector<zmq::message_t>& request) {
    std::string request_id =
        request.size() > 1 ? request[1].to_string() : std::string();
    auto reply = [&](std::string_view code, std::string_view text,
                     std::string user_id) {
      return std::vector<std::string>{
          std::string(kZapVersion), request_id,         std::string(code),
          std::string(text),        std::move(user_id), std::string()};
    };
    if (request.size() < kMinRequestFrames ||
        request[0].to_string_view() != kZapVersion) {
      spdlog::error("ZAP: malformed request ({} frames)", request.size());
      return reply("500", "malformed ZAP request", "");
    }
    std::string_view domain = request[2].to_string_view();
    std::string_view address = request[3].to_string_view();
    std::string_view mechanism = request[5].to_string_view();
    if (mechanism != "CURVE") {
      Deny(domain, address, "", "mechanism " + std::string(mechanism));
      return reply("400", "only CURVE is accepted", "");
    }
    if (request.size() != kMinRequestFrames + 1 ||
        request[6].size() != kBinaryKeyLength) {
      Deny(domain, address, "", "malformed CURVE credentials");
      return reply("400", "malformed CURVE credentials", "");
    }
    char z85[kZ85KeyLength + 1];
    zmq_z85_encode(z85, static_cast<const uint8_t*>(request[6].data()),
                   kBinaryKeyLength);
    std::string key(z85, kZ85KeyLength);
    bool allowed = false;
    try {
      allowed = authorizer(domain, key);
    } catch (const std::exception& e) {
      spdlog::error("ZAP: authorizer threw: {}", e.what());
    }
    if (!allowed) {
      Deny(domain, address, key, "key not authorised");
      return reply("400", "key not authorised", "");
    }
    {
      std::lock_guard lock(mutex);
      accepted.fetch_add(1);
    }
    decided.notify_all();
    return reply("200", "OK", std::move(key));
  }

  void Deny(std::string_view domain, std::string_view address,
            std::string_view key, std::string_view reason) {
    // Only a prefix: enough to find the key, and logs are not a key store.
    spdlog::warn("ZAP: denied handshake from {} (domain \"{}\", key {}...): {}",
                 address, domain, key.substr(0, 8), reason);
    {
      std::lock_guard lock(mutex);
      denied.fetch_add(1);
    }
    decided.notify_all();
  }

  void Serve(zmq::socket_t rep, zmq::socket_t control) {
    try {
      for (;;) {
        zmq::pollitem_t items[] = {{rep.handle(), 0, ZMQ_POLLIN, 0},
                                   {control.handle(), 0, ZMQ_POLLIN, 0}};
        zmq::poll(items, 2, std::chrono::milliseconds(-1));
        if (items[1].revents & ZMQ_POLLIN) break;
        if (!(items[0].revents & ZMQ_POLLIN)) continue;
        std::vector<zmq::message_t> request;
        if (!zmq::recv_multipart(rep, std::back_inserter(request),
                                 zmq::recv_flags::dontwait)) {
          continue;
        }
        std::vector<std::string> reply = Decide(request);
        std::vector<zmq::const_buffer> buffers;
        for (const std::string& f : reply) buffers.push_back(zmq::buffer(f));
        zmq::send_multipart(rep, buffers);
      }
    } catch (const zmq::error_t& e) {
      // ETERM: the context is going away; anything else ends serving too,
      // and handshakes then fail closed (ZAP domain enforced).
      if (e.num() != ETERM) spdlog::error("ZAP: handler stopped: {}", e.what());
    }
    rep.close();
    state->zap_handlers.fetch_sub(1);
  }
};

ZapHandler::ZapHandler(TransportContext& context, Authorizer authorizer)
    : impl_(std::make_unique<Impl>()) {
  impl_->state = context.state();
  impl_->authorizer = std::move(authorizer);
}

ZapHandler::~ZapHandler() { Stop(); }
ZapHandler::ZapHandler(ZapHandler&&) noexcept = default;

ZapHandler& ZapHandler::operator=(ZapHandler&& other) noexcept {
  if (this != &other) {
    Stop();
    impl_ = std::move(other.impl_);
  }
  return *this;
}

Status ZapHandler::Start() {
  if (impl_->running)
    return FailedPreconditionError("ZAP handler already runs");
  zmq::context_t& ctx = impl_->state->context;
  try {
    zmq::socket_t rep(ctx, zmq::socket_type::rep);
    rep.set(zmq::sockopt::linger, 0);
    try {
      rep.bind(kZapEndpoint);
    } catch (const zmq::error_t& e) {
      if (e.num() == EADDRINUSE) {
        return FailedPreconditionError(
            "another ZAP handler already serves this transport context");
      }
      throw;
    }
    std::string control_endpoint = "inproc://samverkan.zap-control." +
                                   std::to_string(next_control_id.fetch_add(1));
    zmq::socket_t control_receiver(ctx, zmq::socket_type::pair);
    control_receiver.set(zmq::sockopt::linger, 0);
    control_receiver.bind(control_endpoint);
    zmq::socket_t control_sender(ctx, zmq::socket_type::pair);
    control_sender.set(zmq::sockopt::linger, 0);
    control_sender.connect(control_endpoint);

    impl_->state->zap_handlers.fetch_add(1);
    impl_->control_sender.emplace(std::move(control_sender));
    // The sockets move to the thread; thread start orders the hand-over.
    impl_->thread = std::thread(&Impl::Serve, impl_.get(), std::move(rep),
                                std::move(control_receiver));
    impl_->running = true;
    return OkStatus();
  } catch (const zmq::error_t& e) {
    return internal::ZmqError("cannot start ZAP handler", e);
  }
}

void ZapHandler::Stop() {
  if (!impl_ || !impl_->running) return;
  try {
    impl_->control_sender->send(zmq::str_buffer("stop"));
  } catch (const zmq::error_t& e) {
    // ETERM: the thread sees the same and exits on its own.
    spdlog::debug("ZAP: stop signal not sent: {}", e.what());
  }
  impl_->thread.join();
  impl_->control_sender.reset();
  impl_->running = false;
}

uint64_t ZapHandler::denied_count() const { return impl_->denied.load(); }
uint64_t ZapHandler::accepted_count() const { return impl_->accepted.load(); }

bool ZapHandler::WaitForDeniedCount(uint64_t count,
                                    std::chrono::milliseconds timeout) const {
  std::unique_lock lock(impl_->mutex);
  return impl_->decided.wait_for(lock, timeout,
                                 [&] { return impl_->denied.load() >= count; });
}

}  // namespace samverkan::transport
