// TOML → GatewayConfig, with every rejection naming the offending key.
#include "gateway/config.h"

#include <toml++/toml.h>

#include <fstream>
#include <set>
#include <sstream>

namespace samverkan::gateway {
namespace {

Status ReadString(const toml::table& t, const char* key, std::string* out) {
  const toml::node* node = t.get(key);
  if (node == nullptr) return OkStatus();
  auto value = node->value<std::string>();
  if (!value)
    return InvalidArgumentError(std::string("gateway.") + key +
                                " must be a string");
  *out = *value;
  return OkStatus();
}

// `zero` says whether 0 is allowed (it turns something off).
Status ReadCount(const toml::table& t, const char* key, uint32_t* out,
                 bool zero = false) {
  const toml::node* node = t.get(key);
  if (node == nullptr) return OkStatus();
  auto value = node->value<int64_t>();
  if (!value || *value < (zero ? 0 : 1) || *value > UINT32_MAX) {
    return InvalidArgumentError(std::string("gateway.") + key + " must be a " +
                                (zero ? "non-negative" : "positive") +
                                " integer");
  }
  *out = static_cast<uint32_t>(*value);
  return OkStatus();
}

}  // namespace

StatusOr<GatewayConfig> ParseGatewayConfig(const std::string& toml_text) {
  toml::table root;
  try {
    root = toml::parse(toml_text);
  } catch (const toml::parse_error& e) {
    std::ostringstream msg;
    msg << "config is not valid TOML: " << e.description() << " (line "
        << e.source().begin.line << ")";
    return InvalidArgumentError(msg.str());
  }
  const toml::table* gateway = root["gateway"].as_table();
  if (gateway == nullptr) {
    return InvalidArgumentError("config has no [gateway] table");
  }
  static const std::set<std::string> kKnown = {"data_dir",
                                               "ingress_endpoint",
                                               "query_endpoint",
                                               "delivery_endpoint",
                                               "heartbeat_interval_ms",
                                               "server_key_file",
                                               "registry_file",
                                               "ready_file",
                                               "max_event_bytes",
                                               "max_message_bytes",
                                               "max_batch",
                                               "max_queue",
                                               "max_queue_bytes",
                                               "commit_gather_us",
                                               "index_lag",
                                               "schema_version",
                                               "rule_set_file",
                                               "shadow_rule_set_file",
                                               "clock_file",
                                               "metrics_listen"};
  for (const auto& [key, value] : *gateway) {
    if (!kKnown.count(std::string(key.str()))) {
      return InvalidArgumentError("unknown key gateway." +
                                  std::string(key.str()));
    }
  }
  GatewayConfig c;
  for (Status s :
       {ReadString(*gateway, "data_dir", &c.data_dir),
        ReadString(*gateway, "ingress_endpoint", &c.ingress_endpoint),
        ReadString(*gateway, "query_endpoint", &c.query_endpoint),
        ReadString(*gateway, "server_key_file", &c.server_key_file),
        ReadString(*gateway, "registry_file", &c.registry_file),
        ReadString(*gateway, "ready_file", &c.ready_file),
        ReadString(*gateway, "rule_set_file", &c.rule_set_file),
        ReadString(*gateway, "shadow_rule_set_file", &c.shadow_rule_set_file),
        ReadString(*gateway, "clock_file", &c.clock_file),
        ReadString(*gateway, "metrics_listen", &c.metrics_listen),
        ReadCount(*gateway, "heartbeat_interval_ms", &c.heartbeat_interval_ms),
        ReadCount(*gateway, "max_event_bytes", &c.max_event_bytes),
        ReadCount(*gateway, "max_message_bytes", &c.max_message_bytes),
        ReadCount(*gateway, "max_batch", &c.max_batch),
        ReadCount(*gateway, "max_queue", &c.max_queue),
        ReadCount(*gateway, "max_queue_bytes", &c.max_queue_bytes),
        ReadCount(*gateway, "commit_gather_us", &c.commit_gather_us,
                  /*zero=*/true),
        ReadCount(*gateway, "index_lag", &c.index_lag),
        ReadCount(*gateway, "schema_version", &c.schema_version)}) {
    if (!s.ok()) return s;
  }
  if (c.rule_set_file.empty()) {
    return InvalidArgumentError(
        "gateway.rule_set_file is required: the transition rules are "
        "enforced from it (e.g. deploy/rules/rules-2026.1.toml)");
  }
  if (c.max_message_bytes < c.max_event_bytes) {
    return InvalidArgumentError(
        "gateway.max_message_bytes must be at least gateway.max_event_bytes, "
        "or oversized events could not be answered TOO_LARGE");
  }
  return c;
}

StatusOr<GatewayConfig> LoadGatewayConfig(const std::string& path) {
  std::ifstream in(path);
  if (!in) return NotFoundError("cannot read config file " + path);
  std::stringstream text;
  text << in.rdbuf();
  return ParseGatewayConfig(text.str());
}

}  // namespace samverkan::gateway
