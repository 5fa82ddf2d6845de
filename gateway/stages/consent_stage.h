// Default deny at the door (DESIGN §5): an event about a participant with no
// active consent is refused with NO_CONSENT, and the agency keeps it. Consent
// events themselves pass, if they make sense (no duplicate grant, no
// withdrawal of what is not active).
#ifndef SAMVERKAN_GATEWAY_STAGES_CONSENT_STAGE_H_
#define SAMVERKAN_GATEWAY_STAGES_CONSENT_STAGE_H_

#include "gateway/participant_state.h"
#include "gateway/stage.h"

namespace samverkan::gateway {

class ConsentStage final : public Stage {
 public:
  // `state` must outlive the stage; it is only read here.
  explicit ConsentStage(const ParticipantState* state) : state_(state) {}

  std::string_view Name() const override { return "consent"; }
  Verdict Process(Submission& submission, BatchContext& batch) override;

 private:
  const ParticipantState* state_;
};

}  // namespace samverkan::gateway

#endif  // SAMVERKAN_GATEWAY_STAGES_CONSENT_STAGE_H_
