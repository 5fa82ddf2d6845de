// Decides, for one accepted event, what each other party of the participant's
// plan receives (DESIGN §5): the categories its consent covers for the
// COORDINATION purpose, redacted by the schema, or nothing. Every decision,
// delivered or withheld, becomes a Disclosure committed with the event.
#ifndef SAMVERKAN_GATEWAY_DISCLOSURE_PLANNER_H_
#define SAMVERKAN_GATEWAY_DISCLOSURE_PLANNER_H_

#include <vector>

#include "gateway/consent/category_mask.h"
#include "gateway/log/log_store.h"
#include "gateway/participant_state.h"

namespace samverkan::gateway {

class DisclosurePlanner {
 public:
  // `state` must outlive the planner.
  explicit DisclosurePlanner(const ParticipantState* state) : state_(state) {}

  // Appends one decision per recipient of `e` (record `record_index` of the
  // batch) to `out`. Call after the event has been applied to the state, so
  // that a plan opening reaches the parties it names.
  void Decide(const v1::Envelope& e, size_t record_index,
              std::vector<Disclosure>* out) const;

 private:
  const ParticipantState* state_;
};

// "HEALTH_STATUS,PLAN": how categories and consent ids are stored in a
// Disclosure, and back.
std::string JoinCategories(const std::set<v1::DataCategory>& categories);
// The same for a mask; bit 0 (UNSPECIFIED) is named, as FromCategoryMask keeps
// it.
std::string JoinCategories(CategoryMask categories);
std::vector<std::string> SplitList(const std::string& csv);
std::set<v1::DataCategory> ParseCategories(const std::string& csv);

}  // namespace samverkan::gateway

#endif  // SAMVERKAN_GATEWAY_DISCLOSURE_PLANNER_H_
