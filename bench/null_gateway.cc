// A reply per submission, straight from the socket (null_gateway.h).
#include "bench/null_gateway.h"

#include <algorithm>
#include <chrono>
#include <utility>

#include "samverkan/ingress_frames.h"
#include "samverkan/v1/gateway.pb.h"

namespace samverkan::bench {

StatusOr<std::unique_ptr<NullGateway>> NullGateway::Start(
    const transport::CurveKeypair& server,
    std::vector<std::string> client_public_keys) {
  std::unique_ptr<NullGateway> g(new NullGateway);
  g->zap_ = std::make_unique<transport::ZapHandler>(
      g->context_, [keys = std::move(client_public_keys)](
                       std::string_view, std::string_view key) {
        return std::find(keys.begin(), keys.end(), key) != keys.end();
      });
  if (Status s = g->zap_->Start(); !s.ok()) return s;
  transport::CurveRouterOptions options;
  options.secret_key = server.secret_key;
  auto router = transport::CurveRouter::Create(g->context_, options);
  if (!router.ok()) return router.status();
  g->router_ = std::make_unique<transport::CurveRouter>(std::move(*router));
  auto bound = g->router_->Bind("tcp://127.0.0.1:0");
  if (!bound.ok()) return bound.status();
  g->address_.ingress = *bound;
  g->address_.server_public_key = server.public_key;
  g->thread_ = std::thread([raw = g.get()] { raw->Serve(); });
  return g;
}

NullGateway::~NullGateway() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void NullGateway::Serve() {
  uint64_t sequence = 0;
  v1::SubmitReply reply;
  reply.set_outcome(v1::ACCEPTED);
  while (!stop_.load()) {
    auto message = router_->Receive(std::chrono::milliseconds(50));
    while (message) {
      auto& frames = message->frames;
      // The gateway's frames: SUBMIT, a correlation id, the envelope.
      if (frames.size() == 3 && frames[0] == kSubmitVerb) {
        submissions_++;
        reply.set_sequence(++sequence);
        // A publisher that went away times out on its own; nothing to keep.
        const Status sent = router_->Send(
            message->routing_id, {std::move(frames[0]), std::move(frames[1]),
                                  reply.SerializeAsString()});
        (void)sent;
      }
      message = router_->TryReceive();
    }
  }
}

}  // namespace samverkan::bench
