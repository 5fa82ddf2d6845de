// Sets of data categories as text for test expectations, so that a failure
// shows "{HEALTH_STATUS, PLAN}" rather than two sets of numbers.
#ifndef SAMVERKAN_GATEWAY_TESTING_CATEGORY_NAMES_H_
#define SAMVERKAN_GATEWAY_TESTING_CATEGORY_NAMES_H_

#include <set>
#include <string>

#include "samverkan/v1/options.pb.h"

namespace samverkan::gateway::testing {

inline std::string CategoryNames(const std::set<v1::DataCategory>& categories) {
  std::string out = "{";
  for (v1::DataCategory c : categories) {
    if (out.size() > 1) out += ", ";
    out += v1::DataCategory_Name(c);
  }
  return out + "}";
}

}  // namespace samverkan::gateway::testing

#endif  // SAMVERKAN_GATEWAY_TESTING_CATEGORY_NAMES_H_
