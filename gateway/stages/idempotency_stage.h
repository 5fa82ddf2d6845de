// The event_id is the idempotency key: an event already in the log (or
// accepted and not committed yet) is answered with its original outcome,
// never stored twice.
#ifndef SAMVERKAN_GATEWAY_STAGES_IDEMPOTENCY_STAGE_H_
#define SAMVERKAN_GATEWAY_STAGES_IDEMPOTENCY_STAGE_H_

#include <string>
#include <vector>

#include "gateway/log/log_store.h"
#include "gateway/stage.h"

namespace samverkan::gateway {

class IdempotencyStage final : public Stage {
 public:
  // `store` must outlive the stage; it is only read.
  explicit IdempotencyStage(LogStore* store) : store_(store) {}

  std::string_view Name() const override { return "idempotency"; }
  // Looks the batch's ids up in the log at once, so that Process, which
  // may run while another batch commits, does not read the log.
  void Prefetch(std::span<Submission* const> submissions) override;
  // A submission not prefetched is looked up here.
  Verdict Process(Submission& submission, BatchContext& batch) override;

 private:
  LogStore* store_;
  std::vector<std::string_view> ids_;
  std::vector<std::optional<uint64_t>> found_;
};

}  // namespace samverkan::gateway

#endif  // SAMVERKAN_GATEWAY_STAGES_IDEMPOTENCY_STAGE_H_
