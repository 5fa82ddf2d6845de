// Counters the ingress pipeline keeps for operators (stats now, /metrics
// later). Written by the pipeline thread, read by the query thread.
#ifndef SAMVERKAN_GATEWAY_METRICS_H_
#define SAMVERKAN_GATEWAY_METRICS_H_

#include <array>
#include <atomic>
#include <cstdint>

#include "samverkan/v1/gateway.pb.h"

namespace samverkan::gateway {

struct PipelineMetrics {
  std::atomic<uint64_t> accepted{0};
  std::atomic<uint64_t> duplicates{0};
  std::atomic<uint64_t> batches_committed{0};
  std::atomic<uint64_t> records_committed{0};
  std::atomic<uint64_t> commit_failures{0};
  std::atomic<int64_t> last_commit_us{0};
  std::atomic<uint64_t> alerts_raised{0};
  std::atomic<uint64_t> shadow_differences{0};
  std::array<std::atomic<uint64_t>, v1::RejectionCode_ARRAYSIZE> rejected{};

  uint64_t Rejected(v1::RejectionCode code) const {
    return rejected[static_cast<size_t>(code)].load();
  }
};

}  // namespace samverkan::gateway

#endif  // SAMVERKAN_GATEWAY_METRICS_H_
