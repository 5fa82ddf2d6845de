// Ready-file parsing.
#include "services/client/gateway_address.h"

#include <toml++/toml.h>

namespace samverkan::client {

StatusOr<GatewayAddress> LoadGatewayAddress(const std::string& path) {
  toml::table t;
  try {
    t = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    return InvalidArgumentError("cannot read gateway address from " + path +
                                ": " + std::string(e.description()));
  }
  GatewayAddress a;
  a.ingress = t["ingress"].value_or(std::string());
  a.query = t["query"].value_or(std::string());
  a.delivery = t["delivery"].value_or(std::string());
  a.server_public_key = t["server_public_key"].value_or(std::string());
  a.metrics = t["metrics"].value_or(std::string());
  if (a.ingress.empty() || a.query.empty() || a.server_public_key.empty()) {
    return InvalidArgumentError(
        path + " must name ingress, query and server_public_key");
  }
  return a;
}

}  // namespace samverkan::client
