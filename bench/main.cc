// samverkan-bench: the load generator of docs/BENCHMARKS.md. Parses flags,
// prepares the workspace and the envelopes, runs the rounds (gateway and
// bare reference interleaved) and prints the report.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <map>

#include "bench/envelope_corpus.h"
#include "bench/options.h"
#include "bench/report.h"
#include "bench/round.h"
#include "bench/workspace.h"

int main(int argc, char** argv) {
  using samverkan::bench::BenchOptions;
  using samverkan::bench::ReferenceSync;
  BenchOptions o;
  CLI::App app{
      "Samverkan load generator: the real gateway under CURVE against a bare "
      "ZeroMQ + SQLite reference, in one invocation"};
  app.add_option("-p,--publishers", o.publishers,
                 "Publishers in the throughput phase, each with its own key")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  app.add_option("-w,--window", o.window, "Submissions in flight per publisher")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  app.add_option("-n,--events", o.events, "Events in the throughput phase")
      ->check(CLI::Range(1, 100000000))
      ->capture_default_str();
  app.add_option("--prefill", o.prefill,
                 "Events put into the gateway's log and the reference table, "
                 "untimed, before the throughput phase")
      ->check(CLI::Range(0, 100000000))
      ->capture_default_str();
  const std::map<std::string, bool> id_orders = {{"random", false},
                                                 {"time-ordered", true}};
  app.add_option("--event-ids", o.shape.time_ordered_ids,
                 "random (UUID v4) or time-ordered (UUIDv7-like) event ids")
      ->transform(CLI::CheckedTransformer(id_orders, CLI::ignore_case))
      ->default_str("random");
  app.add_option("--participants", o.shape.participants,
                 "Distinct participants the events are about")
      ->check(CLI::Range(1, 10000000))
      ->capture_default_str();
  app.add_option("-k,--sync-events", o.sync_events,
                 "Events of the synchronous publisher (window 1)")
      ->check(CLI::Range(1, 10000000))
      ->capture_default_str();
  app.add_option("-r,--rounds", o.rounds,
                 "Rounds of gateway and reference, interleaved; medians are "
                 "reported")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
  const std::map<std::string, ReferenceSync> syncs = {
      {"full", ReferenceSync::kFull}, {"normal", ReferenceSync::kNormal}};
  app.add_option("--reference-sync", o.reference_sync,
                 "synchronous= of the reference's SQLite file; the gateway "
                 "always uses full")
      ->transform(CLI::CheckedTransformer(syncs, CLI::ignore_case))
      ->default_str("full");
  app.add_option("--reference-batch", o.reference_max_batch,
                 "Largest reference transaction")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  app.add_flag("--sync-on-fresh-log", o.sync_on_fresh_log,
               "Run the synchronous phase on an empty log, before the "
               "throughput phase");
  app.add_option("--gateway", o.gateway_binary,
                 "samverkan-gateway binary (default: next to this one)");
  app.add_option("--work-dir", o.work_parent,
                 "Where the temporary folder goes (default: $TMPDIR or /tmp); "
                 "must be on the disk you want to measure");
  app.add_flag("--keep", o.keep_work_dir, "Keep the temporary folder");
  app.add_option("--last-publisher-pause-us", o.last_publisher_pause_us,
                 "Microseconds the last throughput publisher waits after each "
                 "acknowledgement before sending again (a slower system "
                 "beside faster ones; see the per-publisher rates)")
      ->check(CLI::Range(0, 10000000))
      ->capture_default_str();
  app.add_option("--index-lag", o.index_lag,
                 "The gateway's index_lag (records between index passes); "
                 "0: its default")
      ->check(CLI::Range(0, 100000000));
  app.add_option("--reply-timeout", o.reply_timeout_s,
                 "Seconds to wait for any one acknowledgement")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  auto workspace = samverkan::bench::Workspace::Create(
      o.work_parent, o.publishers,
      o.index_lag == 0 ? ""
                       : "index_lag = " + std::to_string(o.index_lag) + "\n");
  if (!workspace.ok()) {
    spdlog::critical("{}", workspace.status().ToString());
    return 1;
  }
  if (o.keep_work_dir) {
    workspace->Keep();
    std::cout << "working folder: " << workspace->root() << "\n";
  }
  const samverkan::bench::Corpus corpus =
      samverkan::bench::BuildCorpus(*workspace, o);
  samverkan::bench::Environment env =
      samverkan::bench::DescribeEnvironment(workspace->root());
  env.envelope_bytes = samverkan::bench::MeanEnvelopeBytes(corpus.throughput);
  samverkan::bench::PrintSetup(std::cout, o, env);

  std::vector<samverkan::bench::RoundResult> rounds;
  for (size_t round = 1; round <= o.rounds; ++round) {
    // Alternate which side goes first, so drift in the machine's load
    // does not favour one of them.
    auto r = samverkan::bench::RunRound(o, *workspace, corpus, round,
                                        /*reference_first=*/round % 2 == 0);
    if (!r.ok()) {
      spdlog::critical("{}", r.status().ToString());
      return 1;
    }
    samverkan::bench::PrintRound(std::cout, round, *r);
    rounds.push_back(*r);
  }
  samverkan::bench::PrintSummary(std::cout, o, env, rounds);
  return 0;
}
