// Percentiles by nearest rank: p99 of 2,000 samples is the 1,980th smallest.
#include "bench/stats.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace samverkan::bench {
namespace {

double RankUs(const std::vector<int64_t>& sorted, double fraction) {
  const size_t n = sorted.size();
  size_t rank = static_cast<size_t>(std::ceil(fraction * n));
  rank = std::clamp<size_t>(rank, 1, n);
  return static_cast<double>(sorted[rank - 1]) / 1000.0;
}

}  // namespace

LatencySummary Summarize(std::vector<int64_t> samples_ns) {
  LatencySummary s;
  if (samples_ns.empty()) return s;
  std::sort(samples_ns.begin(), samples_ns.end());
  s.count = samples_ns.size();
  s.p50_us = RankUs(samples_ns, 0.50);
  s.p99_us = RankUs(samples_ns, 0.99);
  s.max_us = static_cast<double>(samples_ns.back()) / 1000.0;
  const double total =
      std::accumulate(samples_ns.begin(), samples_ns.end(), 0.0);
  s.mean_us = total / static_cast<double>(s.count) / 1000.0;
  return s;
}

double Median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

}  // namespace samverkan::bench
