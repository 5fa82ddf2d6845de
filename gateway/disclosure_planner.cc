// Permission × redaction per recipient; the sentences go to the participant's
// disclosure report, so they are written for a person.
#include "gateway/disclosure_planner.h"

#include <algorithm>

#include "gateway/consent/redactor.h"

namespace samverkan::gateway {

std::string JoinCategories(const std::set<v1::DataCategory>& categories) {
  std::string out;
  for (v1::DataCategory c : categories) {
    if (!out.empty()) out += ",";
    out += v1::DataCategory_Name(c);
  }
  return out;
}

std::string JoinCategories(CategoryMask categories) {
  std::string out;
  for (int c = 0; c <= v1::DataCategory_MAX; ++c) {
    if ((categories >> c & 1) == 0 || !v1::DataCategory_IsValid(c)) continue;
    if (!out.empty()) out += ",";
    out += v1::DataCategory_Name(static_cast<v1::DataCategory>(c));
  }
  return out;
}

std::vector<std::string> SplitList(const std::string& csv) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < csv.size()) {
    size_t comma = csv.find(',', start);
    if (comma == std::string::npos) comma = csv.size();
    if (comma > start) out.push_back(csv.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

std::set<v1::DataCategory> ParseCategories(const std::string& csv) {
  std::set<v1::DataCategory> out;
  for (const std::string& name : SplitList(csv)) {
    v1::DataCategory c;
    if (v1::DataCategory_Parse(name, &c)) out.insert(c);
  }
  return out;
}

namespace {

std::string Join(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "" : ",") + id;
  return out;
}

}  // namespace

void DisclosurePlanner::Decide(const v1::Envelope& e, size_t record_index,
                               std::vector<Disclosure>* out) const {
  const Plan* plan = state_->plans().OpenPlan(e.participant_id());
  if (plan == nullptr) return;
  const CivilDate today = state_->Today();
  // Recipients with the same permission get the same redaction, and most
  // recipients of an event have the same permission: each distinct one is
  // redacted and serialised once per event, the others copy its decision.
  struct Done {
    CategoryMask permitted;
    size_t disclosure;  // index into *out
  };
  std::vector<Done> done;
  v1::Envelope redacted;
  for (const v1::PlanParty& party : plan->parties) {
    const std::string& recipient = party.organisation();
    if (recipient == e.source_organisation()) continue;
    const CategoryMask permitted = state_->consents().PermittedMask(
        e.participant_id(), e.source_organisation(), recipient,
        v1::COORDINATION, today);
    auto same = std::find_if(done.begin(), done.end(), [&](const Done& x) {
      return x.permitted == permitted;
    });
    const size_t index = out->size();
    Disclosure& d = out->emplace_back();
    d.record_index = record_index;
    d.recipient = recipient;
    if (same != done.end()) {
      const Disclosure& first = (*out)[same->disclosure];
      d.delivered = first.delivered;
      d.categories = first.categories;
      d.withheld_categories = first.withheld_categories;
      d.body = first.body;
    } else {
      const RedactionMasks result =
          RedactToBytes(e, permitted, &redacted, &d.body);
      // An event with no fields set still tells its type: it goes to whoever
      // may see anything of this participant from this source.
      d.delivered =
          result.any_payload_field || (result.withheld == 0 && permitted != 0);
      d.categories = JoinCategories(result.disclosed);
      d.withheld_categories = JoinCategories(result.withheld);
      if (!d.delivered) d.body.clear();
      done.push_back({permitted, index});
    }
    if (d.delivered) {
      d.consent_ids = Join(state_->consents().CitedConsents(
          e.participant_id(), e.source_organisation(), recipient,
          v1::COORDINATION, today, permitted));
      d.reason = "COORDINATION, under consent " + d.consent_ids;
      if (!d.withheld_categories.empty()) {
        d.reason += "; withheld: " + d.withheld_categories;
      }
    } else {
      d.reason = "no active consent lets " + recipient + " receive " +
                 (d.withheld_categories.empty() ? std::string("this event")
                                                : d.withheld_categories) +
                 " from " + e.source_organisation();
    }
  }
}

}  // namespace samverkan::gateway
