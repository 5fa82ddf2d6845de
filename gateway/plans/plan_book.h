// The shared participant plans (DESIGN §2) as a projection of plan events in
// log order: who takes part, who coordinates, whether the plan is open. The
// gateway delivers only to the parties of a participant's open plan.
#ifndef SAMVERKAN_GATEWAY_PLANS_PLAN_BOOK_H_
#define SAMVERKAN_GATEWAY_PLANS_PLAN_BOOK_H_

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/status.h"
#include "common/string_map.h"
#include "samverkan/v1/envelope.pb.h"

namespace samverkan::gateway {

struct Plan {
  std::string plan_id;
  std::string coordinating_organisation;
  std::vector<v1::PlanParty> parties;
  uint64_t opened_at_sequence = 0;
  bool open = false;

  bool HasParty(std::string_view organisation) const;
};

class PlanBook {
 public:
  PlanBook() = default;
  PlanBook(const PlanBook&) = delete;
  PlanBook& operator=(const PlanBook&) = delete;

  // Whether Apply would accept `e` (FailedPrecondition with a sentence if
  // not): a participant has at most one open plan; only an open plan closes.
  Status CheckApplicable(const v1::Envelope& e) const;
  // Applies plan_opened / plan_closed; other payloads are ignored.
  Status Apply(const v1::Envelope& e, uint64_t sequence);

  // The participant's open plan, or nullptr.
  const Plan* OpenPlan(std::string_view participant) const;
  void Clear() { plans_.clear(); }

 private:
  StringMap<Plan> plans_;
};

}  // namespace samverkan::gateway

#endif  // SAMVERKAN_GATEWAY_PLANS_PLAN_BOOK_H_
