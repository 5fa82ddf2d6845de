// Small statistics helpers: latency percentiles and medians over rounds.
#ifndef SAMVERKAN_BENCH_STATS_H_
#define SAMVERKAN_BENCH_STATS_H_

#include <chrono>
#include <cstdint>
#include <vector>

namespace samverkan::bench {

// Monotonic nanoseconds, the one clock every bench figure is measured with.
inline int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

struct LatencySummary {
  double p50_us = 0;
  double p99_us = 0;
  double max_us = 0;
  double mean_us = 0;
  uint64_t count = 0;
};

// Nearest-rank percentiles of `samples_ns` (nanoseconds); sorts a copy.
LatencySummary Summarize(std::vector<int64_t> samples_ns);

// The median of `values` (the mean of the middle two for an even count);
// 0 for none.
double Median(std::vector<double> values);

}  // namespace samverkan::bench

#endif  // SAMVERKAN_BENCH_STATS_H_
