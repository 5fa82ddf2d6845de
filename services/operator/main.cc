// samverkan-operator: connects with an OPERATOR key and runs one command.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "common/stop_signal.h"
#include "common/transport/curve_keys.h"
#include "services/client/gateway_address.h"
#include "services/operator/operator_commands.h"

int main(int argc, char** argv) {
  using namespace samverkan;
  CLI::App app{
      "Samverkan operator CLI: metadata of the event log, never payloads"};
  app.require_subcommand(1);
  std::string gateway_file, endpoint, server_key_file, key_file;
  bool json = false;
  app.add_option("--gateway", gateway_file,
                 "The gateway's ready file (endpoints and public key)");
  app.add_option("--endpoint", endpoint,
                 "Query endpoint, instead of --gateway");
  app.add_option("--server-key", server_key_file,
                 "Gateway public key file, with --endpoint");
  app.add_option("--key", key_file, "Your OPERATOR keypair file")->required();
  app.add_flag("--json", json, "JSON lines instead of text");

  uint64_t from = 1;
  bool follow = false;
  auto* tail = app.add_subcommand("tail", "Record metadata from a sequence");
  tail->add_option("--from", from, "First sequence (default 1)");
  tail->add_flag("-f,--follow", follow, "Keep printing new records");
  auto* stats = app.add_subcommand("stats", "Head, commits and rejections");
  auto* verify = app.add_subcommand("verify", "Walk and check the hash chain");
  std::string participant;
  auto* report = app.add_subcommand(
      "report", "Who received what about a participant, when and why");
  report->add_option("participant", participant, "The participant pseudonym")
      ->required();
  std::string timeline_participant;
  auto* timeline = app.add_subcommand(
      "timeline", "Metadata of every record about a participant");
  timeline
      ->add_option("participant", timeline_participant,
                   "The participant pseudonym")
      ->required();
  bool escalated_only = false;
  auto* handovers = app.add_subcommand(
      "handovers", "Open handovers across participants, by deadline");
  handovers->add_flag("--escalated", escalated_only, "Only escalated ones");
  CLI11_PARSE(app, argc, argv);

  client::GatewayAddress address;
  if (!gateway_file.empty()) {
    auto loaded = client::LoadGatewayAddress(gateway_file);
    if (!loaded.ok()) {
      std::cerr << loaded.status().message() << "\n";
      return 2;
    }
    address = *loaded;
  } else {
    auto server_key = transport::LoadPublicKeyFile(server_key_file);
    if (endpoint.empty() || !server_key.ok()) {
      std::cerr << "give --gateway FILE, or --endpoint and --server-key\n";
      return 2;
    }
    address.query = endpoint;
    address.server_public_key = *server_key;
  }
  auto keypair = transport::LoadKeypairFile(key_file);
  if (!keypair.ok()) {
    std::cerr << keypair.status().message() << "\n";
    return 2;
  }
  transport::TransportContext context;
  auto client = client::QueryClient::Connect(
      context, address.query, address.server_public_key, *keypair);
  if (!client.ok()) {
    std::cerr << client.status().message() << "\n";
    return 2;
  }
  const std::atomic<bool>& stop = StopOnSignals();
  operator_cli::OutputOptions options;
  options.json = json;
  if (isatty(STDERR_FILENO) && !json) options.progress = &std::cerr;
  if (*tail)
    return operator_cli::Tail(**client, from, follow, stop, options, std::cout);
  if (*stats) return operator_cli::Stats(**client, options, std::cout);
  if (*verify) return operator_cli::Verify(**client, options, std::cout);
  if (*report) {
    return operator_cli::DisclosureReport(**client, participant, options,
                                          std::cout);
  }
  if (*timeline) {
    return operator_cli::Timeline(**client, timeline_participant, options,
                                  std::cout);
  }
  if (*handovers) {
    return operator_cli::Handovers(**client, escalated_only, options,
                                   std::cout);
  }
  return 2;
}
