// Where a gateway listens and which public key proves it is the real one: read
// from the ready file the gateway writes, or given piece by piece.
#ifndef SAMVERKAN_SERVICES_CLIENT_GATEWAY_ADDRESS_H_
#define SAMVERKAN_SERVICES_CLIENT_GATEWAY_ADDRESS_H_

#include <string>

#include "common/status.h"

namespace samverkan::client {

struct GatewayAddress {
  std::string ingress;
  std::string query;
  std::string delivery;  // empty when the ready file predates deliveries
  std::string server_public_key;
  // "http://host:port" of /metrics and /healthz; empty when not served.
  std::string metrics;
};

// Parses the gateway's ready file (TOML: ingress, query, server_public_key).
StatusOr<GatewayAddress> LoadGatewayAddress(const std::string& path);

}  // namespace samverkan::client

#endif  // SAMVERKAN_SERVICES_CLIENT_GATEWAY_ADDRESS_H_
