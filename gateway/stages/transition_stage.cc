// Asks the engine's enforced rule set; the ledgers already include events
// accepted earlier in the same batch.
#include "gateway/stages/transition_stage.h"

namespace samverkan::gateway {

Verdict TransitionStage::Process(Submission& submission, BatchContext&) {
  if (auto violation = engine_->Check(state_->ledgers(), submission.envelope)) {
    return Verdict::Reject(v1::INVALID_TRANSITION,
                           std::move(violation->sentence));
  }
  return Verdict::Continue();
}

}  // namespace samverkan::gateway
