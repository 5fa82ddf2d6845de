// Phase order inside a round and the bookkeeping around each phase; the
// measuring itself is in gateway_load.cc and bare_reference.cc.
#include "bench/round.h"

#include <chrono>

#include "bench/bare_reference.h"
#include "bench/envelope_corpus.h"
#include "bench/gateway_load.h"
#include "bench/gateway_process.h"
#include "bench/null_gateway.h"
#include "common/transport/context.h"
#include "services/client/query_client.h"

namespace samverkan::bench {
namespace {

// Committed batches and records so far, from the gateway's stats query.
struct CommitCounts {
  uint64_t batches = 0;
  uint64_t records = 0;
  double seconds = 0;  // the commits' wall time, added up
};

// A commit's mean wall time between two stats queries, in microseconds.
double MeanCommitUs(const CommitCounts& before, const CommitCounts& after) {
  const uint64_t batches = after.batches - before.batches;
  return batches == 0 ? 0
                      : (after.seconds - before.seconds) * 1e6 /
                            static_cast<double>(batches);
}

StatusOr<CommitCounts> QueryCommitCounts(transport::TransportContext& context,
                                         const client::GatewayAddress& address,
                                         const transport::CurveKeypair& key) {
  auto query = client::QueryClient::Connect(context, address.query,
                                            address.server_public_key, key);
  if (!query.ok()) return query.status();
  v1::QueryRequest request;
  request.mutable_stats();
  auto reply = (*query)->Query(request, std::chrono::seconds(10));
  if (!reply.ok()) return reply.status();
  if (!reply->has_stats()) return InternalError("stats query failed");
  return CommitCounts{reply->stats().batches_committed(),
                      reply->stats().head_sequence(),
                      reply->stats().commit_seconds_total()};
}

// `last_pause`: the think time of the last publisher only.
std::vector<PublisherLoad> PublisherLoads(
    const Workspace& workspace, const Corpus& corpus,
    const std::vector<std::vector<std::string>>& envelopes,
    std::chrono::microseconds last_pause = std::chrono::microseconds(0)) {
  std::vector<PublisherLoad> loads;
  for (size_t i = 0; i < workspace.publishers().size(); ++i) {
    PublisherLoad& l = loads.emplace_back();
    l.keypair = workspace.publishers()[i].keypair;
    l.warmup_envelope = corpus.warmup[i];
    l.envelopes = &envelopes[i];
  }
  if (!loads.empty()) loads.back().pause_after_ack = last_pause;
  return loads;
}

// The synchronous publisher against any server, the null gateway too.
Status RunSyncLoad(transport::TransportContext& context,
                   const client::GatewayAddress& address,
                   const Workspace& workspace, const Corpus& corpus,
                   const BenchOptions& options, LatencySummary& out) {
  PublisherLoad one;
  one.keypair = workspace.publishers()[0].keypair;
  one.warmup_envelope = corpus.sync.front();
  std::vector<std::string> timed(corpus.sync.begin() + 1, corpus.sync.end());
  one.envelopes = &timed;
  auto sync = RunGatewayLoad(context, address, {one}, 1,
                             std::chrono::seconds(options.reply_timeout_s));
  if (!sync.ok()) return sync.status();
  out = Summarize(std::move(sync->latencies_ns));
  return OkStatus();
}

// The synchronous publisher against the gateway, and what the gateway's
// commits took meanwhile.
Status RunSyncPhase(transport::TransportContext& context,
                    const client::GatewayAddress& address,
                    const Workspace& workspace, const Corpus& corpus,
                    const BenchOptions& options, RoundResult& out) {
  auto before = QueryCommitCounts(context, address, workspace.operator_key());
  if (!before.ok()) return before.status();
  if (Status s = RunSyncLoad(context, address, workspace, corpus, options,
                             out.sync_ack);
      !s.ok()) {
    return s;
  }
  auto after = QueryCommitCounts(context, address, workspace.operator_key());
  if (!after.ok()) return after.status();
  out.sync_commit_mean_us = MeanCommitUs(*before, *after);
  return OkStatus();
}

Status RunOurs(const BenchOptions& options, const Workspace& workspace,
               const Corpus& corpus, size_t round, RoundResult& out) {
  auto data_dir =
      workspace.NewFolder("round-" + std::to_string(round) + "/gateway");
  if (!data_dir.ok()) return data_dir.status();
  const std::string binary = options.gateway_binary.empty()
                                 ? DefaultGatewayBinary()
                                 : options.gateway_binary;
  auto gateway = GatewayProcess::Start(binary, workspace.config_file(),
                                       *data_dir, std::chrono::seconds(30));
  if (!gateway.ok()) return gateway.status();
  const client::GatewayAddress& address = (*gateway)->address();
  transport::TransportContext context;
  {
    // Untimed: consent and plans first, or every event is NO_CONSENT.
    const std::vector<std::string> rest(corpus.setup.begin() + 1,
                                        corpus.setup.end());
    PublisherLoad setup;
    setup.keypair = workspace.publishers().front().keypair;
    setup.warmup_envelope = corpus.setup.front();
    setup.envelopes = &rest;
    auto done = RunGatewayLoad(context, address, {setup}, options.window,
                               std::chrono::seconds(options.reply_timeout_s));
    if (!done.ok()) return done.status();
  }

  if (options.sync_on_fresh_log) {
    if (Status s =
            RunSyncPhase(context, address, workspace, corpus, options, out);
        !s.ok()) {
      return s;
    }
  }
  const auto timeout = std::chrono::seconds(options.reply_timeout_s);
  if (options.prefill > 0) {
    auto prefill = RunGatewayLoad(
        context, address, PublisherLoads(workspace, corpus, corpus.prefill),
        options.window, timeout);
    if (!prefill.ok()) return prefill.status();
  }
  auto commits_before =
      QueryCommitCounts(context, address, workspace.operator_key());
  if (!commits_before.ok()) return commits_before.status();
  const ProcessCounters before = (*gateway)->Counters();
  const ProcessCounters client_before = ReadProcessCounters("self");
  auto load = RunGatewayLoad(
      context, address,
      PublisherLoads(
          workspace, corpus, corpus.throughput,
          std::chrono::microseconds(options.last_publisher_pause_us)),
      options.window, timeout);
  if (!load.ok()) return load.status();
  const ProcessCounters client_after = ReadProcessCounters("self");
  const ProcessCounters after = (*gateway)->Counters();
  auto commits_after =
      QueryCommitCounts(context, address, workspace.operator_key());
  if (!commits_after.ok()) return commits_after.status();

  const double n = static_cast<double>(load->accepted);
  out.events_per_s = n / load->seconds;
  out.first_half_events_per_s = load->first_half_events_per_s;
  out.second_half_events_per_s = load->second_half_events_per_s;
  out.publisher_events_per_s = load->publisher_events_per_s;
  out.ack = Summarize(std::move(load->latencies_ns));
  // The warm-up events (one per publisher) are in these counts too; they
  // are a few in 10^5.
  out.gateway_cpu_us_per_event =
      (after.cpu_seconds - before.cpu_seconds) * 1e6 / n;
  out.gateway_main_thread_cpu_us_per_event =
      (after.main_thread_cpu_seconds - before.main_thread_cpu_seconds) * 1e6 /
      n;
  out.gateway_zmq_io_cpu_us_per_event =
      (after.zmq_io_cpu_seconds - before.zmq_io_cpu_seconds) * 1e6 / n;
  out.client_cpu_us_per_event =
      (client_after.cpu_seconds - client_before.cpu_seconds) * 1e6 / n;
  out.client_zmq_io_cpu_us_per_event =
      (client_after.zmq_io_cpu_seconds - client_before.zmq_io_cpu_seconds) *
      1e6 / n;
  out.gateway_write_bytes_per_event =
      static_cast<double>(after.write_bytes - before.write_bytes) / n;
  const uint64_t logged = commits_after->records - commits_before->records;
  if (logged != load->accepted + load->warmups_logged) {
    return InternalError("the log grew by " + std::to_string(logged) +
                         " records while " +
                         std::to_string(load->accepted + load->warmups_logged) +
                         " events were acknowledged");
  }
  const uint64_t batches = commits_after->batches - commits_before->batches;
  if (batches > 0) {
    out.mean_batch = static_cast<double>(logged) / static_cast<double>(batches);
  }
  out.commit_mean_us = MeanCommitUs(*commits_before, *commits_after);

  if (!options.sync_on_fresh_log) {
    if (Status s =
            RunSyncPhase(context, address, workspace, corpus, options, out);
        !s.ok()) {
      return s;
    }
  }
  return (*gateway)->Stop();
}

// Nothing is stored, so there is no setup and no check of the log: only
// the rate and the synchronous round trip.
Status RunNull(const BenchOptions& options, const Workspace& workspace,
               const Corpus& corpus, RoundResult& out) {
  std::vector<std::string> keys;
  for (const Publisher& p : workspace.publishers()) {
    keys.push_back(p.keypair.public_key);
  }
  auto null = NullGateway::Start(workspace.gateway_key(), std::move(keys));
  if (!null.ok()) return null.status();
  const client::GatewayAddress& address = (*null)->address();
  transport::TransportContext context;
  auto load = RunGatewayLoad(
      context, address, PublisherLoads(workspace, corpus, corpus.throughput),
      options.window, std::chrono::seconds(options.reply_timeout_s));
  if (!load.ok()) return load.status();
  out.null_events_per_s = static_cast<double>(load->accepted) / load->seconds;
  return RunSyncLoad(context, address, workspace, corpus, options,
                     out.null_sync_ack);
}

Status RunReference(const BenchOptions& options, const Workspace& workspace,
                    const Corpus& corpus, size_t round, RoundResult& out) {
  auto dir =
      workspace.NewFolder("round-" + std::to_string(round) + "/reference");
  if (!dir.ok()) return dir.status();
  ReferenceOptions ro;
  ro.db_path = *dir + "/reference.sqlite";
  ro.sync = options.reference_sync;
  ro.max_batch = options.reference_max_batch;
  for (const auto& c : corpus.prefill) ro.prefill.push_back(&c);
  // The same bodies as the gateway's synchronous phase, minus its warm-up.
  const std::vector<std::string> single(corpus.sync.begin() + 1,
                                        corpus.sync.end());
  ro.single_commits = &single;
  std::vector<const std::vector<std::string>*> senders;
  for (const auto& c : corpus.throughput) senders.push_back(&c);
  auto ref = RunBareReference(senders, ro);
  if (!ref.ok()) return ref.status();
  out.reference_events_per_s = static_cast<double>(ref->events) / ref->seconds;
  out.reference_mean_batch =
      static_cast<double>(ref->events) / static_cast<double>(ref->transactions);
  out.reference_write_bytes_per_event =
      static_cast<double>(ref->write_bytes) / static_cast<double>(ref->events);
  out.reference_commit = Summarize(std::move(ref->commit_latencies_ns));
  out.reference_sync_ack = Summarize(std::move(ref->round_trip_latencies_ns));
  return OkStatus();
}

}  // namespace

Corpus BuildCorpus(const Workspace& workspace, const BenchOptions& options) {
  constexpr uint64_t kTick = uint64_t{1} << 40;
  Corpus c;
  const auto& publishers = workspace.publishers();
  const size_t n = publishers.size();
  std::vector<std::string> organisations;
  for (const auto& p : publishers) organisations.push_back(p.organisation);
  // The warm-up events use the default shape's participants too.
  c.setup = BuildParticipantSetup(
      organisations,
      std::max(options.shape.participants, CorpusShape{}.participants));
  for (size_t i = 0; i < n; ++i) {
    // Spread the events as evenly as they go; the first few take the rest.
    const size_t count = options.events / n + (i < options.events % n ? 1 : 0);
    // Ticks: prefill first, then the throughput phase, then the sync
    // phase, so time-ordered ids keep growing from phase to phase.
    c.throughput.push_back(BuildEnvelopes(publishers[i].organisation, count,
                                          1000 + i, options.shape, kTick));
    c.warmup.push_back(BuildEnvelopes(publishers[i].organisation, 1, 2000 + i,
                                      CorpusShape{}, 0)
                           .front());
  }
  c.sync = BuildEnvelopes(publishers[0].organisation, options.sync_events + 1,
                          3000, options.shape, 2 * kTick);
  for (size_t i = 0; i < n && options.prefill > 0; ++i) {
    const size_t count =
        options.prefill / n + (i < options.prefill % n ? 1 : 0);
    c.prefill.push_back(BuildEnvelopes(publishers[i].organisation, count,
                                       4000 + i, options.shape, 0));
  }
  return c;
}

StatusOr<RoundResult> RunRound(const BenchOptions& options,
                               const Workspace& workspace, const Corpus& corpus,
                               size_t round, bool reference_first) {
  RoundResult r;
  for (int step = 0; step < 2; ++step) {
    const bool reference = (step == 0) == reference_first;
    Status s = reference ? RunReference(options, workspace, corpus, round, r)
                         : RunOurs(options, workspace, corpus, round, r);
    if (!s.ok()) {
      return Status(s.code(), std::string(reference ? "reference" : "gateway") +
                                  ", round " + std::to_string(round) + ": " +
                                  s.message());
    }
  }
  if (Status s = RunNull(options, workspace, corpus, r); !s.ok()) {
    return Status(s.code(), "null gateway, round " + std::to_string(round) +
                                ": " + s.message());
  }
  // Each round's files are only needed while it runs.
  if (!options.keep_work_dir) {
    workspace.RemoveFolder("round-" + std::to_string(round));
  }
  return r;
}

}  // namespace samverkan::bench
