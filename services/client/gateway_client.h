// A party's connection to the gateway's ingress: submit envelopes, pipelined,
// and read the acknowledgements. Correlation ids are the client's own.
#ifndef SAMVERKAN_SERVICES_CLIENT_GATEWAY_CLIENT_H_
#define SAMVERKAN_SERVICES_CLIENT_GATEWAY_CLIENT_H_

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "common/transport/client_socket.h"
#include "common/transport/context.h"
#include "samverkan/v1/gateway.pb.h"

namespace samverkan::client {

struct Acknowledgement {
  std::string correlation;
  // False when the gateway could not read the request frames at all.
  bool well_formed = true;
  v1::SubmitReply reply;
};

class GatewayClient {
 public:
  // `context` must outlive the client.
  static StatusOr<std::unique_ptr<GatewayClient>> Connect(
      transport::TransportContext& context, const std::string& endpoint,
      const std::string& server_public_key,
      const transport::CurveKeypair& keypair);
  GatewayClient(const GatewayClient&) = delete;
  GatewayClient& operator=(const GatewayClient&) = delete;

  // Queues one submission without waiting.
  Status Submit(std::string_view correlation, std::string_view envelope_bytes);
  // Sends arbitrary frames: for tests of what the gateway does with garbage.
  Status SendRaw(const std::vector<std::string>& frames);
  // The next acknowledgement, waiting up to `timeout`.
  std::optional<Acknowledgement> Receive(std::chrono::milliseconds timeout);
  // Submit and wait for this submission's reply (earlier ones are skipped).
  StatusOr<v1::SubmitReply> SubmitAndWait(std::string_view envelope_bytes,
                                          std::chrono::milliseconds timeout);

 private:
  explicit GatewayClient(transport::CurveDealer dealer)
      : dealer_(std::move(dealer)) {}

  transport::CurveDealer dealer_;
  uint64_t next_correlation_ = 1;
};

}  // namespace samverkan::client

#endif  // SAMVERKAN_SERVICES_CLIENT_GATEWAY_CLIENT_H_
