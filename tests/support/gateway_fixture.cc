// Files are written with absolute paths, so the gateway does not depend on
// the test's working directory; ports are ephemeral, so tests can run in
// parallel and a restarted gateway never races its predecessor for a port.
#include "tests/support/gateway_fixture.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "gateway/auth/key_registry.h"

namespace samverkan::testing {
namespace {

Status WriteText(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
  out.close();
  if (!out) return FailedPreconditionError("cannot write " + path);
  return OkStatus();
}

}  // namespace

std::vector<PartySpec> StandardParties() {
  return {
      {kRegion, v1::REGION_PSYCHIATRY, {v1::PUBLISHER}},
      {kKommun, v1::MUNICIPALITY, {v1::PUBLISHER}},
      {kFk, v1::FORSAKRINGSKASSAN, {v1::PUBLISHER}},
      {kOperator, v1::PARTY_KIND_UNSPECIFIED, {v1::OPERATOR}},
  };
}

std::vector<PartySpec> AllAgencyParties() {
  return {
      {kRegion, v1::REGION_PSYCHIATRY, {v1::PUBLISHER}},
      {kKommun, v1::MUNICIPALITY, {v1::PUBLISHER, v1::COORDINATOR}},
      {kFk, v1::FORSAKRINGSKASSAN, {v1::PUBLISHER}},
      {kArbetsformedlingen, v1::ARBETSFORMEDLINGEN, {v1::PUBLISHER}},
      {kOperator, v1::PARTY_KIND_UNSPECIFIED, {v1::OPERATOR}},
  };
}

StatusOr<std::unique_ptr<GatewayFixture>> GatewayFixture::Create(
    GatewayFixtureOptions options) {
  std::unique_ptr<GatewayFixture> f(new GatewayFixture(std::move(options)));
  if (f->dir().empty()) {
    return FailedPreconditionError("cannot create a temporary folder");
  }
  if (Status s = f->WriteFiles(); !s.ok()) return s;
  return f;
}

Status GatewayFixture::WriteFiles() {
  std::error_code ec;
  std::filesystem::create_directories(dir_.File("keys"), ec);
  if (ec)
    return FailedPreconditionError("cannot create keys/: " + ec.message());

  auto server = transport::GenerateCurveKeypair();
  if (!server.ok()) return server.status();
  if (Status s = transport::SaveKeypairFile(dir_.File("keys/gateway.key"),
                                            *server, "test gateway");
      !s.ok()) {
    return s;
  }

  std::string registry = "# Written by GatewayFixture.\n";
  for (const PartySpec& spec : options_.parties) {
    auto keypair = transport::GenerateCurveKeypair();
    if (!keypair.ok()) return keypair.status();
    if (Status s = transport::SaveKeypairFile(
            dir_.File("keys/" + spec.organisation + ".key"), *keypair,
            spec.organisation);
        !s.ok()) {
      return s;
    }
    gateway::Party party;
    party.organisation = spec.organisation;
    party.name = spec.organisation;
    party.kind = spec.kind;
    party.roles = spec.roles;
    party.public_key = keypair->public_key;
    registry += '\n';
    registry += gateway::FormatPartyEntry(party);
    keys_[spec.organisation] = *keypair;
  }
  if (Status s = WriteText(dir_.File("registry.toml"), registry); !s.ok()) {
    return s;
  }

  std::string config = "# Written by GatewayFixture.\n[gateway]\n";
  auto quoted = [](const std::string& s) { return "\"" + s + "\""; };
  config += "data_dir = " + quoted(dir_.File("data")) + "\n";
  config += "ingress_endpoint = \"tcp://127.0.0.1:0\"\n";
  config += "query_endpoint = \"tcp://127.0.0.1:0\"\n";
  config += "server_key_file = " + quoted(dir_.File("keys/gateway.key")) + "\n";
  config += "registry_file = " + quoted(dir_.File("registry.toml")) + "\n";
  config += "ready_file = " + quoted(ReadyFile()) + "\n";
  auto add_count = [&config](const char* key,
                             const std::optional<uint32_t>& value) {
    if (value)
      config += std::string(key) + " = " + std::to_string(*value) + "\n";
  };
  add_count("max_event_bytes", options_.max_event_bytes);
  add_count("max_message_bytes", options_.max_message_bytes);
  add_count("max_batch", options_.max_batch);
  add_count("max_queue", options_.max_queue);
  add_count("index_lag", options_.index_lag);
  add_count("commit_gather_us", options_.commit_gather_us);
  config += "rule_set_file = " +
            quoted(options_.rule_set_file.empty()
                       ? std::string(SAMVERKAN_RULES_DIR) + "/rules-2026.1.toml"
                       : options_.rule_set_file) +
            "\n";
  if (!options_.shadow_rule_set_file.empty()) {
    config +=
        "shadow_rule_set_file = " + quoted(options_.shadow_rule_set_file) +
        "\n";
  }
  if (options_.metrics) config += "metrics_listen = \"127.0.0.1:0\"\n";
  if (options_.clock_date) {
    if (Status s = SetClock(*options_.clock_date); !s.ok()) return s;
    config += "clock_file = " + quoted(ClockFile()) + "\n";
  }
  return WriteText(ConfigFile(), config);
}

Status GatewayFixture::SetClock(const std::string& text) {
  // Renamed into place so the gateway never reads half a date.
  const std::string tmp = ClockFile() + ".tmp";
  if (Status s = WriteText(tmp, text + "\n"); !s.ok()) return s;
  if (std::rename(tmp.c_str(), ClockFile().c_str()) != 0) {
    return InternalError("cannot move the clock file into place");
  }
  return OkStatus();
}

GatewayFixture::~GatewayFixture() {
  if (::testing::Test::HasFailure()) {
    std::string out = GatewayOutput();
    constexpr size_t kTail = 6000;
    if (out.size() > kTail) out = "..." + out.substr(out.size() - kTail);
    std::cerr << "---- gateway output (" << dir() << ") ----\n"
              << out << "---- end of gateway output ----\n";
  }
}

std::string GatewayFixture::GatewayOutput() const {
  return ReadFileOrEmpty(dir_.File("gateway.out"));
}

Status GatewayFixture::Start() {
  if (process_ && process_->Running()) {
    return FailedPreconditionError("the gateway is already running");
  }
  // A stale ready file would name the previous run's ports.
  std::error_code ec;
  std::filesystem::remove(ReadyFile(), ec);
  address_ = {};

  ChildProcess::Options options;
  options.stdout_file = dir_.File("gateway.out");
  auto child =
      ChildProcess::Start("samverkan-gateway", {"-c", ConfigFile()}, options);
  if (!child.ok()) return child.status();
  process_ = std::move(*child);
  ++starts_;

  const auto deadline =
      std::chrono::steady_clock::now() + options_.ready_timeout;
  while (true) {
    if (std::filesystem::exists(ReadyFile(), ec)) {
      // The gateway renames a complete file into place, so one that exists
      // parses; a failure here is a real error, not a race.
      auto address = client::LoadGatewayAddress(ReadyFile());
      if (!address.ok()) return address.status();
      address_ = *address;
      return OkStatus();
    }
    if (auto exit = process_->Wait(std::chrono::milliseconds(0))) {
      return FailedPreconditionError(
          "samverkan-gateway ended while starting (" + exit->ToString() +
          "): " + GatewayOutput());
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return Status(StatusCode::kDeadlineExceeded,
                    "samverkan-gateway wrote no ready file within " +
                        std::to_string(options_.ready_timeout.count()) +
                        " ms: " + GatewayOutput());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

Status GatewayFixture::KillHard() {
  if (!process_) return FailedPreconditionError("the gateway was not started");
  process_->Kill(SIGKILL);
  if (!process_->Wait(std::chrono::seconds(10))) {
    return Status(StatusCode::kDeadlineExceeded,
                  "the gateway did not die within 10 s of SIGKILL");
  }
  return OkStatus();
}

Status GatewayFixture::Stop(std::chrono::milliseconds timeout) {
  if (!process_) return FailedPreconditionError("the gateway was not started");
  process_->Kill(SIGTERM);
  auto exit = process_->Wait(timeout);
  if (!exit) {
    return Status(StatusCode::kDeadlineExceeded,
                  "the gateway did not stop within " +
                      std::to_string(timeout.count()) + " ms of SIGTERM");
  }
  if (!exit->Succeeded()) {
    return InternalError("the gateway stopped with " + exit->ToString());
  }
  return OkStatus();
}

Status GatewayFixture::Restart() {
  if (process_ && process_->Running()) {
    if (Status s = KillHard(); !s.ok()) return s;
  }
  return Start();
}

bool GatewayFixture::Running() { return process_ && process_->Running(); }

const transport::CurveKeypair& GatewayFixture::keypair(
    const std::string& organisation) const {
  auto it = keys_.find(organisation);
  if (it == keys_.end()) {
    // A typo in a test, not a condition to handle.
    std::cerr << "GatewayFixture: no party " << organisation << "\n";
    std::abort();
  }
  return it->second;
}

std::string GatewayFixture::KeyFile(const std::string& organisation) const {
  return dir_.File("keys/" + organisation + ".key");
}

StatusOr<std::unique_ptr<client::GatewayClient>> GatewayFixture::ConnectIngress(
    const std::string& organisation) {
  return ConnectIngress(keypair(organisation));
}

StatusOr<std::unique_ptr<client::GatewayClient>> GatewayFixture::ConnectIngress(
    const transport::CurveKeypair& keypair) {
  return client::GatewayClient::Connect(context_, address_.ingress,
                                        address_.server_public_key, keypair);
}

StatusOr<std::unique_ptr<client::QueryClient>> GatewayFixture::ConnectQuery(
    const std::string& organisation) {
  return ConnectQuery(keypair(organisation));
}

StatusOr<std::unique_ptr<client::QueryClient>> GatewayFixture::ConnectQuery(
    const transport::CurveKeypair& keypair) {
  return client::QueryClient::Connect(context_, address_.query,
                                      address_.server_public_key, keypair);
}

StatusOr<RunResult> GatewayFixture::RunOperator(
    const std::string& organisation, const std::vector<std::string>& command,
    std::chrono::milliseconds timeout) {
  std::vector<std::string> args = {"--gateway", ReadyFile(), "--key",
                                   KeyFile(organisation)};
  args.insert(args.end(), command.begin(), command.end());
  return RunToCompletion("samverkan-operator", args, dir(), "operator",
                         timeout);
}

}  // namespace samverkan::testing
