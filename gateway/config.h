// The gateway's configuration: read once at start-up from a TOML file (plus
// command-line overrides), validated, then shared read-only by every stage.
#ifndef SAMVERKAN_GATEWAY_CONFIG_H_
#define SAMVERKAN_GATEWAY_CONFIG_H_

#include <cstdint>
#include <string>

#include "common/status.h"

namespace samverkan::gateway {

struct GatewayConfig {
  // Folder for the SQLite files; created if missing.
  std::string data_dir = "data";
  std::string ingress_endpoint = "tcp://127.0.0.1:7400";
  std::string query_endpoint = "tcp://127.0.0.1:7401";
  // Ephemeral by default; the ready file tells where it is.
  std::string delivery_endpoint = "tcp://127.0.0.1:0";
  std::string server_key_file = "keys/gateway.key";
  std::string registry_file = "registry.toml";
  // Where the bound endpoints are written once the gateway serves (for
  // launchers and tests that bind port 0). Empty: not written.
  std::string ready_file;

  // Where GET /metrics (Prometheus text) and /healthz are served, as
  // "host:port"; loopback unless an operator means otherwise. Port 0 picks a
  // free one (named in the ready file). Empty: not served.
  std::string metrics_listen;

  // An envelope larger than this is answered TOO_LARGE.
  uint32_t max_event_bytes = 64 * 1024;
  // A ZeroMQ message larger than this drops the connection outright, before
  // it is ever buffered whole.
  uint32_t max_message_bytes = 1024 * 1024;
  // Most submissions folded into one group commit.
  uint32_t max_batch = 2048;
  // Most submissions, and their bytes, taken in and waiting for the log;
  // beyond either, submissions are answered RETRY_LATER (backpressure).
  uint32_t max_queue = 8192;
  uint32_t max_queue_bytes = 64u << 20;
  // For this long after its answer, a connection with nothing queued that
  // came back quickly last time is due to send again, and a batch smaller
  // than max_batch waits for it (no longer than the last batch took), so
  // that synchronous publishers share a commit (gateway/commit_gather.h).
  // 0: never wait.
  uint32_t commit_gather_us = 1000;
  // Records appended before the log's event-id and participant indexes take
  // them in, in one sorted pass (gateway/log/record_index.h).
  uint32_t index_lag = 65536;
  uint32_t schema_version = 1;
  // How often subscribers hear the latest delivery number.
  uint32_t heartbeat_interval_ms = 1000;

  // The enforced rule set (deploy/rules/*.toml); required.
  std::string rule_set_file;
  // A rule set evaluated beside the enforced one and recorded, never
  // enforced (e.g. next year's version). Empty: none.
  std::string shadow_rule_set_file;
  // Tests and demos only: read "now" from this file instead of the system
  // clock, so deadlines can be moved through. Empty: the system clock.
  std::string clock_file;

  std::string LogPath() const { return data_dir + "/log.sqlite"; }
};

// Parses a TOML document with a [gateway] table; unknown keys are errors so a
// typo never silently falls back to a default.
StatusOr<GatewayConfig> ParseGatewayConfig(const std::string& toml_text);
StatusOr<GatewayConfig> LoadGatewayConfig(const std::string& path);

}  // namespace samverkan::gateway

#endif  // SAMVERKAN_GATEWAY_CONFIG_H_
