// SUBMIT frames out, acknowledgements in (docs/protocol.md).
#include "services/client/gateway_client.h"

#include "samverkan/ingress_frames.h"
#include "services/client/connect.h"

namespace samverkan::client {

StatusOr<std::unique_ptr<GatewayClient>> GatewayClient::Connect(
    transport::TransportContext& context, const std::string& endpoint,
    const std::string& server_public_key,
    const transport::CurveKeypair& keypair) {
  auto dealer =
      ConnectDealer(context, endpoint, server_public_key, keypair, 100000);
  if (!dealer.ok()) return dealer.status();
  return std::unique_ptr<GatewayClient>(new GatewayClient(std::move(*dealer)));
}

Status GatewayClient::Submit(std::string_view correlation,
                             std::string_view envelope_bytes) {
  return dealer_.Send({std::string(kSubmitVerb), std::string(correlation),
                       std::string(envelope_bytes)});
}

Status GatewayClient::SendRaw(const std::vector<std::string>& frames) {
  return dealer_.Send(frames);
}

std::optional<Acknowledgement> GatewayClient::Receive(
    std::chrono::milliseconds timeout) {
  auto frames = dealer_.Receive(timeout);
  if (!frames) return std::nullopt;
  Acknowledgement ack;
  if (frames->size() != 3 || !ack.reply.ParseFromString((*frames)[2])) {
    ack.well_formed = false;
    ack.reply.set_outcome(v1::REJECTED);
    ack.reply.set_code(v1::MALFORMED);
    ack.reply.set_message("the gateway's reply could not be read");
    return ack;
  }
  ack.correlation = std::move((*frames)[1]);
  ack.well_formed = (*frames)[0] == kSubmitVerb;
  return ack;
}

StatusOr<v1::SubmitReply> GatewayClient::SubmitAndWait(
    std::string_view envelope_bytes, std::chrono::milliseconds timeout) {
  const std::string correlation = std::to_string(next_correlation_++);
  if (Status s = Submit(correlation, envelope_bytes); !s.ok()) return s;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    auto ack = Receive(left);
    if (ack && ack->correlation == correlation) return ack->reply;
  }
  return Status(StatusCode::kDeadlineExceeded,
                "no acknowledgement from the gateway in time");
}

}  // namespace samverkan::client
