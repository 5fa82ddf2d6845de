// The transition-rules stage (issue #4): an event that would take a benefit
// or programme through an impossible step (vilande without an active
// aktivitetsersättning, ending what is not active, ...) is rejected
// INVALID_TRANSITION with the rule's sentence. Cross-system rules never
// reject: they raise alerts after the event is accepted.
#ifndef SAMVERKAN_GATEWAY_STAGES_TRANSITION_STAGE_H_
#define SAMVERKAN_GATEWAY_STAGES_TRANSITION_STAGE_H_

#include "gateway/participant_state.h"
#include "gateway/rules/transition_engine.h"
#include "gateway/stage.h"

namespace samverkan::gateway {

class TransitionStage final : public Stage {
 public:
  // `engine` and `state` are borrowed and must outlive the stage.
  TransitionStage(const TransitionEngine* engine, const ParticipantState* state)
      : engine_(engine), state_(state) {}

  std::string_view Name() const override { return "transition"; }
  Verdict Process(Submission& submission, BatchContext& batch) override;

 private:
  const TransitionEngine* engine_;
  const ParticipantState* state_;
};

}  // namespace samverkan::gateway

#endif  // SAMVERKAN_GATEWAY_STAGES_TRANSITION_STAGE_H_
