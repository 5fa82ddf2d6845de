// The one way a client reaches a gateway endpoint: a CURVE dealer that knows
// the server's key, with queues sized for the caller's pipelining.
#ifndef SAMVERKAN_SERVICES_CLIENT_CONNECT_H_
#define SAMVERKAN_SERVICES_CLIENT_CONNECT_H_

#include <string>

#include "common/transport/client_socket.h"
#include "common/transport/context.h"

namespace samverkan::client {

inline StatusOr<transport::CurveDealer> ConnectDealer(
    transport::TransportContext& context, const std::string& endpoint,
    const std::string& server_public_key,
    const transport::CurveKeypair& keypair, int queue_length) {
  transport::CurveDealerOptions options;
  options.server_public_key = server_public_key;
  options.keypair = keypair;
  options.send_hwm = queue_length;
  options.receive_hwm = queue_length;
  auto dealer = transport::CurveDealer::Create(context, options);
  if (!dealer.ok()) return dealer.status();
  if (Status s = dealer->Connect(endpoint); !s.ok()) return s;
  return dealer;
}

}  // namespace samverkan::client

#endif  // SAMVERKAN_SERVICES_CLIENT_CONNECT_H_
