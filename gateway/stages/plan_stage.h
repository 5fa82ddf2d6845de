// Events about a participant belong to their shared plan: the plan must be
// open (UNKNOWN_PARTICIPANT otherwise), the publisher must be one of its
// parties, and plan openings and closings must make sense.
#ifndef SAMVERKAN_GATEWAY_STAGES_PLAN_STAGE_H_
#define SAMVERKAN_GATEWAY_STAGES_PLAN_STAGE_H_

#include "gateway/participant_state.h"
#include "gateway/stage.h"

namespace samverkan::gateway {

class PlanStage final : public Stage {
 public:
  // `state` must outlive the stage; it is only read here.
  explicit PlanStage(const ParticipantState* state) : state_(state) {}

  std::string_view Name() const override { return "plan"; }
  Verdict Process(Submission& submission, BatchContext& batch) override;

 private:
  const ParticipantState* state_;
};

}  // namespace samverkan::gateway

#endif  // SAMVERKAN_GATEWAY_STAGES_PLAN_STAGE_H_
