// Plan opened / closed, one open plan per participant.
#include "gateway/plans/plan_book.h"

namespace samverkan::gateway {

bool Plan::HasParty(std::string_view organisation) const {
  for (const auto& p : parties) {
    if (p.organisation() == organisation) return true;
  }
  return false;
}

Status PlanBook::CheckApplicable(const v1::Envelope& e) const {
  const Plan* open = OpenPlan(e.participant_id());
  if (e.has_plan_opened()) {
    if (open != nullptr) {
      return FailedPreconditionError(
          "participant " + e.participant_id() + " already has the open plan " +
          open->plan_id + "; close it before opening another");
    }
    if (e.plan_opened().plan_id().empty()) {
      return FailedPreconditionError("plan_opened needs a plan_id");
    }
    bool coordinator_in_plan = false;
    for (const auto& p : e.plan_opened().parties()) {
      coordinator_in_plan |=
          p.organisation() == e.plan_opened().coordinating_organisation();
    }
    if (!coordinator_in_plan) {
      return FailedPreconditionError(
          "the coordinating organisation '" +
          e.plan_opened().coordinating_organisation() +
          "' must be one of the plan's parties");
    }
  } else if (e.has_plan_closed()) {
    if (open == nullptr || open->plan_id != e.plan_closed().plan_id()) {
      return FailedPreconditionError("participant " + e.participant_id() +
                                     " has no open plan " +
                                     e.plan_closed().plan_id() + " to close");
    }
  }
  return OkStatus();
}

Status PlanBook::Apply(const v1::Envelope& e, uint64_t sequence) {
  if (!e.has_plan_opened() && !e.has_plan_closed()) return OkStatus();
  if (Status s = CheckApplicable(e); !s.ok()) return s;
  Plan& plan = plans_[e.participant_id()];
  if (e.has_plan_opened()) {
    const v1::PlanOpened& opened = e.plan_opened();
    plan.plan_id = opened.plan_id();
    plan.coordinating_organisation = opened.coordinating_organisation();
    plan.parties.assign(opened.parties().begin(), opened.parties().end());
    plan.opened_at_sequence = sequence;
    plan.open = true;
  } else {
    plan.open = false;
  }
  return OkStatus();
}

const Plan* PlanBook::OpenPlan(std::string_view participant) const {
  auto it = plans_.find(participant);
  return it != plans_.end() && it->second.open ? &it->second : nullptr;
}

}  // namespace samverkan::gateway
