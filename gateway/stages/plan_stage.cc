// UNKNOWN_PARTICIPANT, plan membership, plan open/close steps.
#include "gateway/stages/plan_stage.h"

namespace samverkan::gateway {

Verdict PlanStage::Process(Submission& s, BatchContext&) {
  const v1::Envelope& e = s.envelope;
  // Consent may be recorded before there is a plan; it is what allows one.
  if (e.has_consent_granted() || e.has_consent_withdrawn()) {
    return Verdict::Continue();
  }
  const std::string& source = e.source_organisation();
  if (e.has_plan_opened()) {
    Status applicable = state_->plans().CheckApplicable(e);
    if (!applicable.ok()) {
      return Verdict::Reject(v1::INVALID_TRANSITION, applicable.message());
    }
    for (const auto& party : e.plan_opened().parties()) {
      if (party.organisation() == source) return Verdict::Continue();
    }
    return Verdict::Reject(v1::NOT_AUTHORISED,
                           source +
                               " cannot open a plan it does not take "
                               "part in; list it among the parties");
  }
  const Plan* plan = state_->plans().OpenPlan(e.participant_id());
  if (plan == nullptr) {
    return Verdict::Reject(
        v1::UNKNOWN_PARTICIPANT,
        "participant " + e.participant_id() +
            " has no open plan; the municipality or the region opens one "
            "(plan_opened) before events about them are shared");
  }
  if (!plan->HasParty(source)) {
    return Verdict::Reject(v1::NOT_AUTHORISED,
                           source + " is not a party of " + plan->plan_id +
                               ", the plan of participant " +
                               e.participant_id());
  }
  if (e.has_plan_closed()) {
    Status applicable = state_->plans().CheckApplicable(e);
    if (!applicable.ok()) {
      return Verdict::Reject(v1::INVALID_TRANSITION, applicable.message());
    }
  }
  return Verdict::Continue();
}

}  // namespace samverkan::gateway
