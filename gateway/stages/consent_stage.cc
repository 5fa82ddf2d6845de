// NO_CONSENT and impossible consent steps.
#include "gateway/stages/consent_stage.h"

namespace samverkan::gateway {

Verdict ConsentStage::Process(Submission& s, BatchContext&) {
  const v1::Envelope& e = s.envelope;
  if (e.has_consent_granted() || e.has_consent_withdrawn()) {
    Status applicable = state_->consents().CheckApplicable(e);
    if (!applicable.ok()) {
      return Verdict::Reject(v1::INVALID_TRANSITION, applicable.message());
    }
    return Verdict::Continue();
  }
  if (!state_->consents().HasActiveConsent(e.participant_id(),
                                           state_->Today())) {
    return Verdict::Reject(
        v1::NO_CONSENT,
        "participant " + e.participant_id() +
            " has no active consent, so nothing about them may be shared; "
            "keep the event and send it again once consent is recorded");
  }
  return Verdict::Continue();
}

}  // namespace samverkan::gateway
