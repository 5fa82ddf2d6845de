// samverkan-restart-bench: how long the real gateway takes from process start
// to serving on a large log (docs/BENCHMARKS.md, "Restart"). Builds the log
// (restart_log.h), then starts samverkan-gateway on it several times, timing
// start to ready file and ready to the first acknowledged SUBMIT.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <random>
#include <vector>

#include "bench/envelope_corpus.h"
#include "bench/gateway_load.h"
#include "bench/gateway_process.h"
#include "bench/report.h"
#include "bench/restart_log.h"
#include "bench/stats.h"
#include "bench/workspace.h"
#include "common/transport/context.h"
#include "gateway/log/sqlite_log_store.h"

namespace samverkan::bench {
namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point from) {
  return std::chrono::duration<double>(Clock::now() - from).count();
}

struct Restart {
  double ready_ms = 0;      // fork to ready file
  double cpu_ms = 0;        // the gateway's CPU time (all threads) by then
  double resident_mib = 0;  // and its resident memory
  double first_ack_ms = 0;  // ready file to the first ACCEPTED (connect too)
  double submit_us = 0;     // one SUBMIT on the established connection
};

StatusOr<Restart> RestartOnce(const Workspace& workspace,
                              const std::string& binary,
                              const std::string& data_dir,
                              uint32_t participants, uint64_t seed,
                              std::chrono::milliseconds pause) {
  Restart r;
  // The last run's ready file would read as ready at once, with old ports.
  std::filesystem::remove(data_dir + ".ready");
  const auto t0 = Clock::now();
  auto gateway = GatewayProcess::Start(binary, workspace.config_file(),
                                       data_dir, std::chrono::seconds(600));
  if (!gateway.ok()) return gateway.status();
  r.ready_ms = Seconds(t0) * 1e3;
  const ProcessCounters at_ready = (*gateway)->Counters();
  r.cpu_ms = at_ready.cpu_seconds * 1e3;
  r.resident_mib = static_cast<double>(at_ready.resident_bytes) / (1 << 20);
  const int64_t t1_ns = NowNs();
  const std::vector<std::string> envelopes =
      BuildEnvelopes(workspace.publishers().front().organisation, 2, seed,
                     CorpusShape{false, participants}, 0);
  const std::vector<std::string> timed(envelopes.begin() + 1, envelopes.end());
  PublisherLoad one;
  one.keypair = workspace.publishers().front().keypair;
  one.warmup_envelope = envelopes.front();
  one.pause_after_warmup = pause;
  one.envelopes = &timed;
  transport::TransportContext context;
  auto load = RunGatewayLoad(context, (*gateway)->address(), {one}, 1,
                             std::chrono::seconds(60));
  if (!load.ok()) return load.status();
  r.first_ack_ms =
      static_cast<double>(load->first_warmup_acked_ns - t1_ns) / 1e6;
  r.submit_us = static_cast<double>(load->latencies_ns.front()) / 1e3;
  if (Status s = (*gateway)->Stop(); !s.ok()) return s;
  return r;
}

uint64_t FileBytes(const std::string& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  return ec ? 0 : size;
}

}  // namespace
}  // namespace samverkan::bench

int main(int argc, char** argv) {
  using namespace samverkan::bench;  // NOLINT(build/namespaces)
  RestartLogOptions o;
  size_t restarts = 5;
  std::string work_parent;
  std::string existing_data_dir;
  bool keep = false;
  uint64_t unindexed = 0;
  int pause_ms = 0;
  CLI::App app{
      "Samverkan restart bench: the real gateway started on a large log, "
      "process start to serving"};
  app.add_option("-n,--events", o.events, "Records in the log")
      ->check(CLI::Range(uint64_t{1000}, uint64_t{1000000000}))
      ->capture_default_str();
  app.add_option("--participants", o.participants,
                 "Participants, each with consent and a plan (with "
                 "--data-dir: those of that log)")
      ->check(CLI::Range(4, 99999))
      ->capture_default_str();
  app.add_option("--batch", o.batch, "Records per transaction while building")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  app.add_option("--disclosure-every", o.disclosure_every,
                 "Every n-th record is disclosed to the other three publishers")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  app.add_option("-r,--restarts", restarts, "Restarts timed")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
  app.add_option("--data-dir", existing_data_dir,
                 "Restart on this gateway data folder (kept from an earlier "
                 "run with --keep) instead of building a log");
  app.add_option("--gateway", o.gateway_binary,
                 "samverkan-gateway binary (default: next to this one)");
  app.add_option("--work-dir", work_parent,
                 "Where the temporary folder goes; must be on the disk you "
                 "want to measure");
  app.add_flag("--keep", keep, "Keep the temporary folder and the log");
  app.add_option("--unindexed", unindexed,
                 "Before each restart, leave this many of the last records "
                 "out of the indexes, as a gateway killed just before an "
                 "index pass does (at most the gateway's index_lag, 65536)")
      ->check(CLI::Range(uint64_t{0}, uint64_t{65536}))
      ->capture_default_str();
  app.add_option("--pause-ms", pause_ms,
                 "Between the first acknowledgement and the next SUBMIT; "
                 "past 100 ms the gateway is idle and runs deferred work")
      ->check(CLI::Range(0, 60000))
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  if (o.gateway_binary.empty()) o.gateway_binary = DefaultGatewayBinary();

  auto workspace = Workspace::Create(work_parent, 4);
  if (!workspace.ok()) {
    spdlog::critical("{}", workspace.status().ToString());
    return 1;
  }
  if (keep) {
    workspace->Keep();
    std::cout << "working folder: " << workspace->root() << "\n";
  }
  std::string data_dir = existing_data_dir;
  double build_s = 0;
  if (data_dir.empty()) {
    auto dir = workspace->NewFolder("gateway");
    if (!dir.ok()) {
      spdlog::critical("{}", dir.status().ToString());
      return 1;
    }
    data_dir = *dir;
    const auto t0 = Clock::now();
    if (samverkan::Status s = BuildRestartLog(*workspace, data_dir, o);
        !s.ok()) {
      spdlog::critical("building the log: {}", s.ToString());
      return 1;
    }
    build_s = Seconds(t0);
  }
  const std::string log_path = data_dir + "/log.sqlite";
  samverkan::gateway::SqliteLogStore::Options read_only;
  read_only.read_only = true;
  auto head = [&]() -> samverkan::StatusOr<samverkan::gateway::LogHead> {
    auto store = samverkan::gateway::SqliteLogStore::Open(log_path, read_only);
    if (!store.ok()) return store.status();
    return (*store)->Head();
  }();
  if (!head.ok()) {
    spdlog::critical("{}", head.status().ToString());
    return 1;
  }
  const uint64_t log_bytes = FileBytes(log_path) + FileBytes(log_path + "-wal");
  const Environment env = DescribeEnvironment(workspace->root());
  std::printf("log: %llu records, %.2f GB (%s), built in %.0f s; %s, %d CPUs\n",
              static_cast<unsigned long long>(head->sequence),
              static_cast<double>(log_bytes) / 1e9, env.filesystem.c_str(),
              build_s, env.cpu_model.c_str(), env.cpus);

  // New event ids on every run, also on a log kept from an earlier one.
  const uint64_t first_seed = std::random_device{}();
  std::vector<double> ready_ms, cpu_ms, resident_mib, first_ack_ms, submit_us;
  for (size_t i = 1; i <= restarts; ++i) {
    // An idle gateway indexes what waits, so every restart needs it anew.
    if (unindexed > 0) {
      if (samverkan::Status s = UnindexTail(log_path, unindexed); !s.ok()) {
        spdlog::critical("unindexing the tail: {}", s.ToString());
        return 1;
      }
    }
    auto r = RestartOnce(*workspace, o.gateway_binary, data_dir, o.participants,
                         first_seed + i, std::chrono::milliseconds(pause_ms));
    if (!r.ok()) {
      spdlog::critical("restart {}: {}", i, r.status().ToString());
      return 1;
    }
    std::printf(
        "restart %zu: ready in %.0f ms (%.0f ms CPU, %.0f MiB resident); "
        "first SUBMIT acknowledged %.1f ms "
        "after ready (connect included), the next in %.0f us\n",
        i, r->ready_ms, r->cpu_ms, r->resident_mib, r->first_ack_ms,
        r->submit_us);
    ready_ms.push_back(r->ready_ms);
    cpu_ms.push_back(r->cpu_ms);
    resident_mib.push_back(r->resident_mib);
    first_ack_ms.push_back(r->first_ack_ms);
    submit_us.push_back(r->submit_us);
  }
  const double median = Median(ready_ms);
  const double max = *std::max_element(ready_ms.begin(), ready_ms.end());
  const bool met = max < 1000;
  std::printf(
      "median ready %.0f ms, max %.0f ms (target < 1000 ms: %s), %.0f ms of "
      "CPU, %.0f MiB resident; first ack after ready: median %.1f ms\n",
      median, max, met ? "met" : "NOT met", Median(cpu_ms),
      Median(resident_mib), Median(first_ack_ms));
  std::printf(
      "JSON {\"records\":%llu,\"unindexed\":%llu,\"participants\":%u,"
      "\"log_bytes\":%llu,"
      "\"build_s\":%.1f,\"restarts\":%zu,\"ready_median_ms\":%.1f,"
      "\"ready_max_ms\":%.1f,\"cpu_median_ms\":%.0f,"
      "\"resident_median_mib\":%.1f,\"first_ack_median_ms\":%.2f,"
      "\"submit_median_us\":%.0f,\"target_met\":%s}\n",
      static_cast<unsigned long long>(head->sequence),
      static_cast<unsigned long long>(unindexed), o.participants,
      static_cast<unsigned long long>(log_bytes), build_s, restarts, median,
      max, Median(cpu_ms), Median(resident_mib), Median(first_ack_ms),
      Median(submit_us), met ? "true" : "false");
  return 0;
}
