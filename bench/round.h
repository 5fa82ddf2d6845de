// One round of the benchmark: the gateway's throughput and synchronous
// phases on a freshly started samverkan-gateway, and the bare reference on a
// fresh SQLite file, in the order given; then the same phases against the
// null gateway, the transport's ceiling.
#ifndef SAMVERKAN_BENCH_ROUND_H_
#define SAMVERKAN_BENCH_ROUND_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "bench/options.h"
#include "bench/stats.h"
#include "bench/workspace.h"
#include "common/status.h"

namespace samverkan::bench {

// Prebuilt envelopes for every phase, shared by all rounds (each round has a
// fresh log, so the same event ids are new to it).
struct Corpus {
  // Consent and plans, sent untimed by publisher 1 before anything else.
  std::vector<std::string> setup;
  std::vector<std::string> warmup;                   // one per publisher
  std::vector<std::vector<std::string>> throughput;  // one per publisher
  std::vector<std::string> sync;                     // publisher 1's
  std::vector<std::vector<std::string>> prefill;     // one per publisher
};

Corpus BuildCorpus(const Workspace& workspace, const BenchOptions& options);

struct RoundResult {
  // The gateway, throughput phase.
  double events_per_s = 0;
  double first_half_events_per_s = 0;
  double second_half_events_per_s = 0;
  std::vector<double> publisher_events_per_s;
  LatencySummary ack;
  // The gateway, one synchronous publisher.
  LatencySummary sync_ack;
  // What the gateway process spent on the throughput phase.
  double gateway_cpu_us_per_event = 0;
  double gateway_main_thread_cpu_us_per_event = 0;  // the pipeline thread
  double gateway_zmq_io_cpu_us_per_event = 0;
  // The load generator's own CPU (publishers and their ZeroMQ I/O thread).
  double client_cpu_us_per_event = 0;
  double client_zmq_io_cpu_us_per_event = 0;
  double gateway_write_bytes_per_event = 0;
  double mean_batch = 0;  // submissions per group commit (gateway stats)
  // A group commit's mean wall time (its transaction and flush), in the
  // throughput phase and in the synchronous one (gateway stats).
  double commit_mean_us = 0;
  double sync_commit_mean_us = 0;
  // The bare reference.
  double reference_events_per_s = 0;
  double reference_mean_batch = 0;
  double reference_write_bytes_per_event = 0;
  LatencySummary reference_commit;  // one row per transaction
  // DEALER -> ROUTER (no CURVE), one-row commit, reply.
  LatencySummary reference_sync_ack;
  // The transport's ceiling (null_gateway.h): the throughput phase's
  // publishers, then the synchronous publisher, against a server that
  // answers at once behind the same CURVE.
  double null_events_per_s = 0;
  LatencySummary null_sync_ack;

  // `events_per_s` as a share of the bare reference's rate.
  double OfReference(double events_per_s) const {
    return reference_events_per_s > 0 ? events_per_s / reference_events_per_s
                                      : 0;
  }
  double Ratio() const { return OfReference(events_per_s); }
  double NullRatio() const { return OfReference(null_events_per_s); }
};

StatusOr<RoundResult> RunRound(const BenchOptions& options,
                               const Workspace& workspace, const Corpus& corpus,
                               size_t round, bool reference_first);

}  // namespace samverkan::bench

#endif  // SAMVERKAN_BENCH_ROUND_H_
