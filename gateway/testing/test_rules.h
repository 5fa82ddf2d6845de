// The rule sets tests run with: the shipped deploy/rules file, loaded once,
// and variants of it with one fact changed (for shadow-mode tests).
#ifndef SAMVERKAN_GATEWAY_TESTING_TEST_RULES_H_
#define SAMVERKAN_GATEWAY_TESTING_TEST_RULES_H_

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "gateway/rules/rule_set.h"

namespace samverkan::gateway::testing {

inline std::string ShippedRuleSetPath() {
  return std::string(SAMVERKAN_RULES_DIR) + "/rules-2026.1.toml";
}

inline std::shared_ptr<const RuleSet> ShippedRuleSet() {
  static const std::shared_ptr<const RuleSet> kRules = [] {
    auto loaded = LoadRuleSet(ShippedRuleSetPath());
    if (!loaded.ok()) {
      ADD_FAILURE() << loaded.status().ToString();
      return std::make_shared<const RuleSet>();
    }
    return std::make_shared<const RuleSet>(std::move(*loaded));
  }();
  return kRules;
}

}  // namespace samverkan::gateway::testing

#endif  // SAMVERKAN_GATEWAY_TESTING_TEST_RULES_H_
