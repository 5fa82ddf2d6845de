// Ready-file parsing.
#include "services/client/gateway_address.h"

#include <toml++/toml.h>

#include <filesystem>
#include <system_error>

namespace samverkan::client {

StatusOr<GatewayAddress> LoadGatewayAddress(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec) && !ec) {
    return NotFoundError("no gateway ready file at " + path +
                         " (the gateway is not up)");
  }
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

Status CheckReadyFileAtStart(const std::string& path, std::ostream& notes) {
  StatusOr<GatewayAddress> address = LoadGatewayAddress(path);
  if (address.status().code() == StatusCode::kNotFound) {
    notes << "waiting for the gateway to write " << path << std::endl;
    return OkStatus();
  }
  return address.status();
}

}  // namespace samverkan::client
