// samverkan-gateway: flags and signals; everything else is in Gateway.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <csignal>

#include "common/file_clock.h"
#include "common/stop_signal.h"
#include "gateway/gateway.h"

int main(int argc, char** argv) {
  CLI::App app{"Samverkan gateway: authenticated ingress, rules, durable log"};
  std::string config_path;
  std::string data_dir, ingress, query, ready_file;
  app.add_option("-c,--config", config_path, "TOML config file")->required();
  app.add_option("--data-dir", data_dir, "Overrides gateway.data_dir");
  app.add_option("--ingress", ingress, "Overrides gateway.ingress_endpoint");
  app.add_option("--query", query, "Overrides gateway.query_endpoint");
  app.add_option("--ready-file", ready_file, "Overrides gateway.ready_file");
  CLI11_PARSE(app, argc, argv);

  auto config = samverkan::gateway::LoadGatewayConfig(config_path);
  if (!config.ok()) {
    spdlog::critical("{}", config.status().ToString());
    return 2;
  }
  if (!data_dir.empty()) config->data_dir = data_dir;
  if (!ingress.empty()) config->ingress_endpoint = ingress;
  if (!query.empty()) config->query_endpoint = query;
  if (!ready_file.empty()) config->ready_file = ready_file;

  const std::atomic<bool>& stop = samverkan::StopOnSignals();
  // A file-size limit reached must be a failed write, answered RETRY_LATER
  // like a full disk, not the death of the process.
  std::signal(SIGXFSZ, SIG_IGN);
  samverkan::SystemClock system_clock;
  std::unique_ptr<samverkan::FileClock> file_clock;
  const samverkan::Clock* clock = &system_clock;
  if (!config->clock_file.empty()) {
    auto opened = samverkan::FileClock::Open(config->clock_file);
    if (!opened.ok()) {
      spdlog::critical("{}", opened.status().ToString());
      return 2;
    }
    file_clock = std::move(*opened);
    clock = file_clock.get();
    spdlog::warn("time is read from {}: for tests and demos only",
                 config->clock_file);
  }
  auto gateway = samverkan::gateway::Gateway::Start(*config, clock);
  if (!gateway.ok()) {
    spdlog::critical("cannot start: {}", gateway.status().ToString());
    return 1;
  }
  (*gateway)->Run(stop);
  spdlog::info("gateway stopped");
  return 0;
}
