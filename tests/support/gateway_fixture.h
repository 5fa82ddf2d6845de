// A real samverkan-gateway process in a temporary folder, for process-level
// tests: fresh CURVE keys for the gateway and each party, a registry and a
// config that bind ephemeral loopback ports, and clients connected as any of
// the parties. The gateway can be killed and restarted; the ports change on
// every start, so clients must reconnect to address() afterwards.
#ifndef SAMVERKAN_TESTS_SUPPORT_GATEWAY_FIXTURE_H_
#define SAMVERKAN_TESTS_SUPPORT_GATEWAY_FIXTURE_H_

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "common/testing/temp_dir.h"
#include "common/transport/context.h"
#include "common/transport/curve_keys.h"
#include "samverkan/v1/options.pb.h"
#include "services/client/gateway_address.h"
#include "services/client/gateway_client.h"
#include "services/client/query_client.h"
#include "tests/support/child_process.h"

namespace samverkan::testing {

// One registry entry; the organisation also names the party in the fixture.
struct PartySpec {
  std::string organisation;
  v1::PartyKind kind = v1::PARTY_KIND_UNSPECIFIED;  // NONE: operator-only
  std::vector<v1::Role> roles;
};

struct GatewayFixtureOptions {
  std::vector<PartySpec> parties;
  // Unset: the gateway's defaults.
  std::optional<uint32_t> max_event_bytes;
  std::optional<uint32_t> max_message_bytes;
  std::optional<uint32_t> max_batch;
  std::optional<uint32_t> max_queue;
  std::optional<uint32_t> index_lag;
  std::optional<uint32_t> commit_gather_us;
  // The enforced rule set; empty: the shipped deploy/rules one.
  std::string rule_set_file;
  // A shadow rule set evaluated beside it; empty: none.
  std::string shadow_rule_set_file;
  // The gateway reads "now" from ClockFile() (written with this date at
  // Create, moved with SetClock) instead of the system clock.
  std::optional<std::string> clock_date;
  // Serve /metrics and /healthz on an ephemeral loopback port, named by
  // address().metrics once started.
  bool metrics = false;
  // How long a start may take before the ready file must be there. Generous,
  // because sanitizer builds start slowly on a busy machine.
  std::chrono::milliseconds ready_timeout = std::chrono::seconds(20);
};

class GatewayFixture {
 public:
  // Writes keys/, registry.toml and gateway.toml into a fresh TempDir; does
  // not start the gateway.
  static StatusOr<std::unique_ptr<GatewayFixture>> Create(
      GatewayFixtureOptions options);
  // Kills the gateway. If the current test failed, prints the end of the
  // gateway's output first, since that is usually where the reason is.
  ~GatewayFixture();
  GatewayFixture(const GatewayFixture&) = delete;
  GatewayFixture& operator=(const GatewayFixture&) = delete;

  // Starts samverkan-gateway and waits (bounded) for its ready file. Fails
  // at once if the process exits while starting.
  Status Start();
  // SIGKILLs the gateway and reaps it: a crash at an arbitrary instant.
  Status KillHard();
  // SIGTERM; the gateway must exit with code 0 within `timeout`.
  Status Stop(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // After a kill or stop (SIGKILLs first if it still runs): deletes the old
  // ready file, starts again and waits for the new one.
  Status Restart();
  bool Running();

  // Valid after a successful Start(); changes with every start.
  const client::GatewayAddress& address() const { return address_; }
  const transport::CurveKeypair& keypair(const std::string& organisation) const;
  // The party's keypair file (mode 0600), for the operator CLI's --key.
  std::string KeyFile(const std::string& organisation) const;

  StatusOr<std::unique_ptr<client::GatewayClient>> ConnectIngress(
      const std::string& organisation);
  StatusOr<std::unique_ptr<client::GatewayClient>> ConnectIngress(
      const transport::CurveKeypair& keypair);
  StatusOr<std::unique_ptr<client::QueryClient>> ConnectQuery(
      const std::string& organisation);
  StatusOr<std::unique_ptr<client::QueryClient>> ConnectQuery(
      const transport::CurveKeypair& keypair);

  // Runs `samverkan-operator --gateway <ready file> --key <party's key>
  // <command...>` to completion.
  StatusOr<RunResult> RunOperator(
      const std::string& organisation, const std::vector<std::string>& command,
      std::chrono::milliseconds timeout = std::chrono::seconds(60));

  const std::string& dir() const { return dir_.path(); }
  std::string LogPath() const { return dir_.File("data/log.sqlite"); }
  std::string ReadyFile() const { return dir_.File("gateway.ready"); }
  std::string ConfigFile() const { return dir_.File("gateway.toml"); }
  std::string ClockFile() const { return dir_.File("clock"); }
  // Moves the gateway's clock (only with options.clock_date): "2026-11-23"
  // or "2026-11-23T12:00:00Z".
  Status SetClock(const std::string& text);
  // Everything every gateway run so far printed.
  std::string GatewayOutput() const;
  int starts() const { return starts_; }
  ChildProcess* process() { return process_.get(); }
  transport::TransportContext& context() { return context_; }

 private:
  explicit GatewayFixture(GatewayFixtureOptions options)
      : options_(std::move(options)) {}
  Status WriteFiles();

  GatewayFixtureOptions options_;
  TempDir dir_;
  transport::TransportContext context_;
  std::map<std::string, transport::CurveKeypair> keys_;
  std::unique_ptr<ChildProcess> process_;
  client::GatewayAddress address_;
  int starts_ = 0;
};

// The parties most tests need: the psychiatry region, the municipality and
// Försäkringskassan as publishers, plus an operator-only key.
inline constexpr char kRegion[] = "region-orebro";
inline constexpr char kKommun[] = "kommun-orebro";
inline constexpr char kFk[] = "forsakringskassan";
inline constexpr char kOperator[] = "samverkan-drift";
std::vector<PartySpec> StandardParties();
// All four agencies as publishers, the municipality also coordinating plans
// (so it has an alert stream), and the operator: for tests of plans, rules
// and alerts.
inline constexpr char kArbetsformedlingen[] = "arbetsformedlingen";
std::vector<PartySpec> AllAgencyParties();

}  // namespace samverkan::testing

#endif  // SAMVERKAN_TESTS_SUPPORT_GATEWAY_FIXTURE_H_
