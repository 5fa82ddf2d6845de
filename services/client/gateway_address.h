// Where a gateway listens and which public key proves it is the real one: read
// from the ready file the gateway writes, or given piece by piece.
#ifndef SAMVERKAN_SERVICES_CLIENT_GATEWAY_ADDRESS_H_
#define SAMVERKAN_SERVICES_CLIENT_GATEWAY_ADDRESS_H_

#include <ostream>
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
// NotFound when there is no such file: the gateway is not up yet, or is
// restarting.
StatusOr<GatewayAddress> LoadGatewayAddress(const std::string& path);

// What a follower (inbox, coordinator) checks as it starts, so that a wrong
// file fails at once: a ready file that exists must name a gateway. A
// missing one is not an error, since the follower's Subscription waits for
// the gateway, and a follower started while the gateway (re)starts must not
// give up; it says on `notes` what it waits for.
Status CheckReadyFileAtStart(const std::string& path, std::ostream& notes);

}  // namespace samverkan::client

#endif  // SAMVERKAN_SERVICES_CLIENT_GATEWAY_ADDRESS_H_
