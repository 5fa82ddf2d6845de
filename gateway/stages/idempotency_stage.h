// The event_id is the idempotency key: an event already in the log (or earlier
// in the same batch) is answered with its original outcome, never stored twice.
#ifndef SAMVERKAN_GATEWAY_STAGES_IDEMPOTENCY_STAGE_H_
#define SAMVERKAN_GATEWAY_STAGES_IDEMPOTENCY_STAGE_H_

#include "gateway/log/log_store.h"
#include "gateway/stage.h"

namespace samverkan::gateway {

class IdempotencyStage final : public Stage {
 public:
  // `store` must outlive the stage; it is only read.
  explicit IdempotencyStage(LogStore* store) : store_(store) {}

  std::string_view Name() const override { return "idempotency"; }
  Verdict Process(Submission& submission, BatchContext& batch) override;

 private:
  LogStore* store_;
};

}  // namespace samverkan::gateway

#endif  // SAMVERKAN_GATEWAY_STAGES_IDEMPOTENCY_STAGE_H_
