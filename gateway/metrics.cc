// The pipeline's counters: histogram buckets, labelled counters, snapshots.
#include "gateway/metrics.h"

#include <algorithm>

namespace samverkan::gateway {
namespace {

// Powers of two up to the largest max_batch anyone should configure.
std::vector<double> BatchSizeBounds() {
  std::vector<double> b;
  for (double v = 1; v <= 4096; v *= 2) b.push_back(v);
  return b;
}

// From a quarter millisecond (an in-memory reject) to seconds (a stalled
// fsync); the DESIGN target is tens of milliseconds at the 99th percentile.
std::vector<double> AckLatencyBounds() {
  return {0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
          0.05,    0.1,    0.25,  0.5,    1,     2.5,  5};
}

// A commit is one transaction and its flush: a tenth of a millisecond on a
// fast disk, and seconds when the disk stalls, which is what operators look
// for here.
std::vector<double> CommitSecondsBounds() {
  return {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
          0.05,   0.1,     0.25,   0.5,   1,      2.5,   5};
}

}  // namespace

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), buckets_(bounds_.size()) {}

void Histogram::Observe(double value) {
  auto it = std::lower_bound(bounds_.begin(), bounds_.end(), value);
  if (it != bounds_.end()) buckets_[it - bounds_.begin()]++;
  count_++;
  // fetch_add on atomic<double> is C++20; relaxed is enough for a metric.
  sum_.fetch_add(value, std::memory_order_relaxed);
}

HistogramSnapshot Histogram::Snapshot() const {
  HistogramSnapshot s;
  s.bounds = bounds_;
  uint64_t running = 0;
  for (const auto& b : buckets_) {
    running += b.load();
    s.cumulative.push_back(running);
  }
  // Read after the buckets, so +Inf is never below the last bucket.
  s.count = std::max(count_.load(), running);
  s.sum = sum_.load();
  return s;
}

void LabelledCounters::Add(const std::map<std::string, uint64_t>& increments) {
  if (increments.empty()) return;
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [key, n] : increments) counts_[key] += n;
}

std::map<std::string, uint64_t> LabelledCounters::Snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  return counts_;
}

PipelineMetrics::PipelineMetrics()
    : commit_batch_size(BatchSizeBounds()),
      commit_seconds(CommitSecondsBounds()),
      ack_latency_seconds(AckLatencyBounds()) {}

void PipelineMetrics::RunGauges::Set(const LogStore::RunStats& stats) {
  runs = stats.runs;
  merges = stats.merges;
  appended = stats.appended;
  merged = stats.merged;
}

LogStore::RunStats PipelineMetrics::RunGauges::Get() const {
  return {runs.load(), merges.load(), appended.load(), merged.load()};
}

MetricsSnapshot PipelineMetrics::Snapshot(int64_t now_us) const {
  MetricsSnapshot s;
  s.accepted = accepted.load();
  s.duplicates = duplicates.load();
  for (size_t code = 0; code < rejected.size(); ++code) {
    const uint64_t n = rejected[code].load();
    if (n == 0 || !v1::RejectionCode_IsValid(static_cast<int>(code))) continue;
    s.rejected[v1::RejectionCode_Name(static_cast<v1::RejectionCode>(code))] =
        n;
  }
  s.delivered = delivered.Snapshot();
  s.withheld = withheld.Snapshot();
  s.alerts = alerts_by_rule.Snapshot();
  s.commit_failures = commit_failures.load();
  s.handovers_open = handovers_open.load();
  s.log_unindexed_records = log_unindexed_records.load();
  s.log_unfolded_projection_changes = log_unfolded_projection_changes.load();
  s.log_event_lookups = log_event_lookups.load();
  s.log_event_index_searches = log_event_index_searches.load();
  s.log_event_key_filter_bytes = log_event_key_filter_bytes.load();
  s.log_index_runs = {log_event_runs.Get(), log_participant_runs.Get()};
  s.handovers_escalated = handovers_escalated.load();
  s.commit_batch_size = commit_batch_size.Snapshot();
  s.commit_seconds = commit_seconds.Snapshot();
  s.ack_latency_seconds = ack_latency_seconds.Snapshot();
  s.ingress_queue_depth = ingress_queue_depth.load();
  s.ingress_refused = refused_queue_full.load();
  s.commit_gather_holds = commit_gather_holds.load();
  s.commit_gather_joined = commit_gather_joined.load();
  s.delivery_pushes_dropped = delivery_pushes_dropped.load();
  int64_t since = last_commit_us.load();
  if (since == 0) since = started_us.load();
  s.last_commit_age_seconds =
      since == 0 ? 0 : std::max<int64_t>(0, now_us - since) / 1e6;
  return s;
}

}  // namespace samverkan::gateway
