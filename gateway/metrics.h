// Counters the ingress pipeline keeps for operators (the query API's stats
// and the Prometheus /metrics page). Written by the pipeline thread, read by
// the query and metrics threads: plain numbers are atomics, counters keyed by
// a string sit behind a mutex that the pipeline takes once per batch.
#ifndef SAMVERKAN_GATEWAY_METRICS_H_
#define SAMVERKAN_GATEWAY_METRICS_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "gateway/log/log_store.h"
#include "samverkan/v1/gateway.pb.h"

namespace samverkan::gateway {

// A histogram's state at one instant, in Prometheus terms: cumulative counts
// per upper bound (the last, +Inf, bucket is `count`).
struct HistogramSnapshot {
  std::vector<double> bounds;
  std::vector<uint64_t> cumulative;  // one per bound
  uint64_t count = 0;
  double sum = 0;
};

// Fixed buckets chosen at construction; Observe is lock-free. A reader may
// see a count a moment ahead of the sum, which Prometheus tolerates.
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  Histogram(const Histogram&) = delete;
  Histogram& operator=(const Histogram&) = delete;

  void Observe(double value);
  HistogramSnapshot Snapshot() const;

 private:
  const std::vector<double> bounds_;
  std::vector<std::atomic<uint64_t>> buckets_;  // per bound, not cumulative
  std::atomic<uint64_t> count_{0};
  std::atomic<double> sum_{0};
};

// Counters keyed by a label value (a recipient, a rule id). A mutex rather
// than atomics because the keys are open-ended; callers add a whole batch at
// once so the lock is taken once per commit.
class LabelledCounters {
 public:
  LabelledCounters() = default;
  LabelledCounters(const LabelledCounters&) = delete;
  LabelledCounters& operator=(const LabelledCounters&) = delete;

  void Add(const std::map<std::string, uint64_t>& increments);
  std::map<std::string, uint64_t> Snapshot() const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, uint64_t> counts_;
};

// Everything /metrics shows, copied out so it can be formatted (and tested)
// without the live counters.
struct MetricsSnapshot {
  uint64_t accepted = 0;
  uint64_t duplicates = 0;
  // Only codes seen at least once, by RejectionCode name.
  std::map<std::string, uint64_t> rejected;
  std::map<std::string, uint64_t> delivered;  // by recipient
  std::map<std::string, uint64_t> withheld;   // by recipient
  std::map<std::string, uint64_t> alerts;     // by rule id
  uint64_t commit_failures = 0;
  int64_t handovers_open = 0;
  int64_t handovers_escalated = 0;
  uint64_t log_unindexed_records = 0;
  uint64_t log_unfolded_projection_changes = 0;
  uint64_t log_event_lookups = 0;
  uint64_t log_event_index_searches = 0;
  uint64_t log_event_key_filter_bytes = 0;
  LogStore::IndexRuns log_index_runs;
  HistogramSnapshot commit_batch_size;
  HistogramSnapshot commit_seconds;
  HistogramSnapshot ack_latency_seconds;
  uint64_t ingress_queue_depth = 0;
  uint64_t ingress_refused = 0;
  uint64_t commit_gather_holds = 0;
  uint64_t commit_gather_joined = 0;
  uint64_t delivery_pushes_dropped = 0;
  // The process's resident memory, and how much of it SQLite holds (page
  // caches of every connection, schemas, statements). Filled by whoever
  // serves the page, from the process rather than the pipeline.
  uint64_t resident_bytes = 0;
  uint64_t sqlite_memory_bytes = 0;
  // Seconds since the last successful commit, or since start when there has
  // been none.
  double last_commit_age_seconds = 0;
};

struct PipelineMetrics {
  PipelineMetrics();

  std::atomic<uint64_t> accepted{0};
  std::atomic<uint64_t> duplicates{0};
  std::atomic<uint64_t> batches_committed{0};
  std::atomic<uint64_t> records_committed{0};
  std::atomic<uint64_t> commit_failures{0};
  // Whether the latest commit attempt failed: the store is not writable.
  std::atomic<bool> last_commit_failed{false};
  std::atomic<int64_t> last_commit_us{0};
  // When the gateway started serving; the commit age counts from here until
  // the first commit.
  std::atomic<int64_t> started_us{0};
  std::atomic<uint64_t> alerts_raised{0};
  std::atomic<uint64_t> shadow_differences{0};
  std::array<std::atomic<uint64_t>, v1::RejectionCode_ARRAYSIZE> rejected{};
  LabelledCounters delivered;  // by recipient
  LabelledCounters withheld;   // by recipient
  LabelledCounters alerts_by_rule;
  std::atomic<int64_t> handovers_open{0};
  std::atomic<int64_t> handovers_escalated{0};
  // LogStore::UnindexedRecords as of the latest commit or index pass.
  std::atomic<uint64_t> log_unindexed_records{0};
  // LogStore::UnfoldedProjectionChanges, likewise.
  std::atomic<uint64_t> log_unfolded_projection_changes{0};
  // LogStore::EventLookups, likewise.
  std::atomic<uint64_t> log_event_lookups{0};
  std::atomic<uint64_t> log_event_index_searches{0};
  std::atomic<uint64_t> log_event_key_filter_bytes{0};
  // LogStore::IndexRunStats, likewise, for each index.
  struct RunGauges {
    std::atomic<uint64_t> runs{0};
    std::atomic<uint64_t> merges{0};
    std::atomic<uint64_t> appended{0};
    std::atomic<uint64_t> merged{0};
    void Set(const LogStore::RunStats& stats);
    LogStore::RunStats Get() const;
  };
  RunGauges log_event_runs;
  RunGauges log_participant_runs;
  // Records per successful commit.
  Histogram commit_batch_size;
  // Wall time of each successful commit: the transaction and its flush.
  Histogram commit_seconds;
  // From a submission's arrival to its reply being handed to the socket.
  Histogram ack_latency_seconds;
  // Submissions taken off the ingress socket and waiting for the log, as
  // the latest batch was cut (ZeroMQ's own buffers are not observable).
  std::atomic<uint64_t> ingress_queue_depth{0};
  // Submissions answered RETRY_LATER because the queue was full (also
  // counted under rejected).
  std::atomic<uint64_t> refused_queue_full{0};
  // Batches held for connections due back (CommitGather), and the
  // submissions taken in while holding.
  std::atomic<uint64_t> commit_gather_holds{0};
  std::atomic<uint64_t> commit_gather_joined{0};
  // Deliveries and heartbeats a subscriber's full (or vanished) connection
  // could not take; the subscriber backfills them by number.
  std::atomic<uint64_t> delivery_pushes_dropped{0};

  uint64_t Rejected(v1::RejectionCode code) const {
    return rejected[static_cast<size_t>(code)].load();
  }
  // `now_us` on the gateway's clock, for the commit age.
  MetricsSnapshot Snapshot(int64_t now_us) const;
};

}  // namespace samverkan::gateway

#endif  // SAMVERKAN_GATEWAY_METRICS_H_
