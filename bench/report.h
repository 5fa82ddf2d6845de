// Turns the rounds into what a person reads (a table, the medians, the
// reading against the targets) and what a script reads (one JSON line).
#ifndef SAMVERKAN_BENCH_REPORT_H_
#define SAMVERKAN_BENCH_REPORT_H_

#include <ostream>
#include <string>
#include <vector>

#include "bench/options.h"
#include "bench/round.h"

namespace samverkan::bench {

// The targets.
inline constexpr double kTargetRatio = 0.6;
inline constexpr double kTargetSyncP99Us = 1000;

struct Environment {
  int cpus = 0;
  std::string cpu_model;
  std::string filesystem;  // of the working folder, e.g. ext4
  double envelope_bytes = 0;
};

// nproc, the CPU model from /proc/cpuinfo and the file system type of
// `folder`.
Environment DescribeEnvironment(const std::string& folder);

void PrintSetup(std::ostream& out, const BenchOptions& options,
                const Environment& env);
// One line per round as it finishes.
void PrintRound(std::ostream& out, size_t round, const RoundResult& r);
// The medians, the ratios and the verdicts, then the JSON line.
void PrintSummary(std::ostream& out, const BenchOptions& options,
                  const Environment& env,
                  const std::vector<RoundResult>& rounds);

}  // namespace samverkan::bench

#endif  // SAMVERKAN_BENCH_REPORT_H_
