// Envelopes for transition-rule tests, written as protobuf text with dates
// as @YYYY-MM-DD, so a table row reads like the event it stands for:
//   Event("fk", "vilande_granted { benefit: DORMANT_AKTIVITETSERSATTNING "
//               "period { start @2026-04-01 end @2027-03-31 } }")
#ifndef SAMVERKAN_GATEWAY_TESTING_RULE_EVENTS_H_
#define SAMVERKAN_GATEWAY_TESTING_RULE_EVENTS_H_

#include <google/protobuf/text_format.h>
#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <vector>

#include "common/civil_date.h"
#include "gateway/testing/test_envelopes.h"

namespace samverkan::gateway::testing {

// The gateway's date in rule tests, and the day events say they occurred.
inline constexpr CivilDate kRuleToday{2026, 3, 2};

inline int64_t MicrosAt(const CivilDate& d) {
  return DaysFromCivil(d) * 86400LL * 1000000;
}

inline std::string ExpandDates(const std::string& text) {
  static const std::regex kDate(R"(@(\d{4})-(\d{2})-(\d{2}))");
  std::string out;
  auto begin = std::sregex_iterator(text.begin(), text.end(), kDate);
  size_t last = 0;
  for (auto it = begin; it != std::sregex_iterator(); ++it) {
    out += text.substr(last, it->position() - last);
    out += "{ year: " + std::to_string(std::stoi((*it)[1])) +
           " month: " + std::to_string(std::stoi((*it)[2])) +
           " day: " + std::to_string(std::stoi((*it)[3])) + " }";
    last = it->position() + it->length();
  }
  return out + text.substr(last);
}

// An envelope from `org` about participant "p-1" occurring on `on`, with the
// payload given in text form.
inline v1::Envelope Event(const std::string& org, const std::string& payload,
                          const CivilDate& on = kRuleToday) {
  v1::Envelope e;
  if (!google::protobuf::TextFormat::ParseFromString(ExpandDates(payload),
                                                     &e)) {
    ADD_FAILURE() << "bad test event: " << payload;
  }
  e.set_event_id(NextUuid());
  e.set_participant_id("p-1");
  e.set_source_organisation(org);
  e.mutable_occurred_at()->set_seconds(DaysFromCivil(on) * 86400);
  e.set_schema_version(1);
  return e;
}

// The plan every rule test starts from: all four parties, the municipality
// coordinating, the participant born in `birth_year`-`birth_month`.
inline v1::Envelope RulePlan(int birth_year = 2000, int birth_month = 6) {
  return Event("kommun",
               "plan_opened { plan_id: \"sip-1\" coordinating_organisation: "
               "\"kommun\" parties { organisation: \"kommun\" kind: "
               "MUNICIPALITY } parties { organisation: \"region\" kind: "
               "REGION_PSYCHIATRY } parties { organisation: \"af\" kind: "
               "ARBETSFORMEDLINGEN } parties { organisation: \"fk\" kind: "
               "FORSAKRINGSKASSAN } birth_month { year: " +
                   std::to_string(birth_year) +
                   " month: " + std::to_string(birth_month) + " } }");
}

// Common events, so tables stay readable.
inline v1::Envelope AeGranted(const std::string& from, const std::string& to,
                              int grade = 100) {
  return Event("fk", "aktivitetsersattning_granted { grade_percent: " +
                         std::to_string(grade) + " period { start @" + from +
                         " end @" + to + " } reason: REDUCED_WORK_CAPACITY }");
}

}  // namespace samverkan::gateway::testing

#endif  // SAMVERKAN_GATEWAY_TESTING_RULE_EVENTS_H_
