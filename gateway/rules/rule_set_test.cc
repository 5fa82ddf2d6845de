// Tests for the rule set loader: the shipped 2026.1 file, one row per kind of
// mistake with the sentence it gets, and a shadow version parsed beside it.
#include "gateway/rules/rule_set.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <sstream>

namespace samverkan::gateway {
namespace {

std::string RealRulesText() {
  std::ifstream in(SAMVERKAN_RULES_FILE);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Replaces the first `from` after the [table] header; fails the test if absent.
std::string ReplaceInTable(std::string text, const std::string& table,
                           const std::string& from, const std::string& to) {
  size_t header = text.find("\n[" + table + "]\n");
  EXPECT_NE(header, std::string::npos) << table;
  size_t at = text.find(from, header);
  EXPECT_NE(at, std::string::npos) << from;
  if (header == std::string::npos || at == std::string::npos) return text;
  return text.replace(at, from.size(), to);
}

// Removes the [table] header and everything up to the next table header.
std::string RemoveTable(std::string text, const std::string& table) {
  size_t header = text.find("\n[" + table + "]\n");
  EXPECT_NE(header, std::string::npos) << table;
  if (header == std::string::npos) return text;
  size_t next = text.find("\n[", header + 1);
  return text.erase(
      header, next == std::string::npos ? std::string::npos : next - header);
}

std::string ReplaceTop(std::string text, const std::string& from,
                       const std::string& to) {
  size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at == std::string::npos) return text;
  return text.replace(at, from.size(), to);
}

TEST(RuleSetTest, ShippedFileLoadsWithDesignValues) {
  StatusOr<RuleSet> rs = LoadRuleSet(SAMVERKAN_RULES_FILE);
  ASSERT_TRUE(rs.ok()) << rs.status().ToString();
  EXPECT_EQ(rs->version, "2026.1");
  EXPECT_EQ(rs->valid_from, (CivilDate{2026, 1, 1}));
  EXPECT_EQ(rs->ae_min_age_years, 19);
  EXPECT_EQ(rs->ae_age_limit_years, 30);
  EXPECT_THAT(rs->ae_grades_percent, ::testing::ElementsAre(25, 50, 75, 100));
  EXPECT_EQ(rs->ae_max_decision_period_months, 36);
  EXPECT_EQ(rs->ae_end_alert_lead_months, 6);
  EXPECT_EQ(rs->se_partial_min_age_years, 30);
  EXPECT_EQ(rs->se_max_age_years, 65);
  EXPECT_EQ(rs->vilande_max_months, 24);
  EXPECT_EQ(rs->programme_sick_report_day, 1);
  EXPECT_EQ(rs->programme_sick_certificate_after_days, 7);
  EXPECT_EQ(rs->programme_sick_removal_after_days, 30);
  EXPECT_EQ(rs->sysselsattning_hour_bands,
            (std::vector<HourBand>{{1, 12}, {10, 24}, {22, 40}}));
  EXPECT_EQ(rs->income_gap_handover_deadline_days, 14);
  EXPECT_EQ(rs->conflict_alert_deadline_days, 7);

  EXPECT_EQ(rs->facts.size(), 14u);
  for (const auto& [name, fact] : rs->facts) {
    EXPECT_FALSE(fact.source.empty()) << name;
    EXPECT_EQ(fact.as_of, (CivilDate{2026, 11, 23})) << name;
  }
  EXPECT_EQ(rs->facts.at("vilande_max").unit, "months");
  EXPECT_THAT(rs->facts.at("ae_grades").source,
              ::testing::HasSubstr("Socialförsäkringsbalken"));
  EXPECT_EQ(rs->facts.at("income_gap_handover_deadline").source,
            "Samverkan policy");
  EXPECT_EQ(rs->facts.at("conflict_alert_deadline").source, "Samverkan policy");
}

TEST(RuleSetTest, MissingFileIsNotFound) {
  StatusOr<RuleSet> rs = LoadRuleSet("/nonexistent/rules.toml");
  ASSERT_FALSE(rs.ok());
  EXPECT_EQ(rs.status().code(), StatusCode::kNotFound);
}

struct MistakeCase {
  std::string name;
  std::function<std::string(std::string)> edit;
  std::string sentence;  // the whole message
};

TEST(RuleSetTest, EachMistakeIsRejectedWithASentenceNamingIt) {
  const std::vector<MistakeCase> cases = {
      {"missing fact",
       [](std::string t) { return RemoveTable(t, "vilande_max"); },
       "r.toml: fact vilande_max is missing; every fact needs its "
       "[vilande_max] table."},
      {"unknown key in a fact",
       [](std::string t) {
         return ReplaceInTable(t, "vilande_max", "value = 24",
                               "value = 24\nweeks = 104");
       },
       "r.toml: fact vilande_max has unknown key weeks."},
      {"unknown table",
       [](std::string t) { return t + "\n[extra]\nvalue = 1\n"; },
       "r.toml: unknown table or key extra; a rule set holds only version, "
       "valid_from and the known facts."},
      {"grade out of range",
       [](std::string t) {
         return ReplaceTop(t, "[25, 50, 75, 100]", "[25, 50, 75, 120]");
       },
       "r.toml: fact ae_grades must be a non-empty array of integer grades, "
       "strictly ascending, within 1..100 percent."},
      {"grades not ascending",
       [](std::string t) {
         return ReplaceTop(t, "[25, 50, 75, 100]", "[50, 25, 75, 100]");
       },
       "r.toml: fact ae_grades must be a non-empty array of integer grades, "
       "strictly ascending, within 1..100 percent."},
      {"band reversed",
       [](std::string t) { return ReplaceTop(t, "[10, 24]", "[24, 10]"); },
       "r.toml: fact sysselsattning_hour_bands must be a non-empty array of "
       "[low, high] hour pairs with 1 <= low <= high <= 168."},
      {"band not a pair",
       [](std::string t) { return ReplaceTop(t, "[10, 24]", "[10]"); },
       "r.toml: fact sysselsattning_hour_bands must be a non-empty array of "
       "[low, high] hour pairs with 1 <= low <= high <= 168."},
      {"missing source",
       [](std::string t) {
         return ReplaceInTable(t, "vilande_max", "source = ", "# source = ");
       },
       "r.toml: fact vilande_max has no source."},
      {"empty source",
       [](std::string t) {
         return ReplaceInTable(t, "conflict_alert_deadline",
                               "source = \"Samverkan policy\"",
                               "source = \"\"");
       },
       "r.toml: fact conflict_alert_deadline needs a non-empty source "
       "string."},
      {"as_of not a date",
       [](std::string t) {
         return ReplaceInTable(t, "se_max_age", "as_of = 2026-11-23",
                               "as_of = \"2026-11-23\"");
       },
       "r.toml: fact se_max_age needs an as_of date such as 2026-11-23."},
      {"wrong unit",
       [](std::string t) {
         return ReplaceInTable(t, "vilande_max", "unit = \"months\"",
                               "unit = \"weeks\"");
       },
       "r.toml: fact vilande_max must be stated in unit \"months\"."},
      {"implausible age",
       [](std::string t) {
         return ReplaceInTable(t, "se_max_age", "value = 65", "value = 650");
       },
       "r.toml: fact se_max_age must be an integer between 16 and 70 "
       "years."},
      {"months not positive",
       [](std::string t) {
         return ReplaceInTable(t, "vilande_max", "value = 24", "value = 0");
       },
       "r.toml: fact vilande_max must be an integer between 1 and 120 "
       "months."},
      {"ages inconsistent",
       [](std::string t) {
         return ReplaceInTable(t, "ae_min_age", "value = 19", "value = 30");
       },
       "r.toml: fact ae_min_age must be below fact ae_age_limit, or no one "
       "could receive aktivitetsersättning."},
      {"bad version",
       [](std::string t) {
         return ReplaceTop(t, "version = \"2026.1\"", "version = \"v2026\"");
       },
       "r.toml: version must be a string like \"2026.1\" or "
       "\"2027.1-shadow\"."},
      {"version not a string",
       [](std::string t) {
         return ReplaceTop(t, "version = \"2026.1\"", "version = 2026.1");
       },
       "r.toml: version must be a string like \"2026.1\" or "
       "\"2027.1-shadow\"."},
      {"valid_from missing",
       [](std::string t) {
         return ReplaceTop(t, "valid_from = 2026-01-01", "");
       },
       "r.toml: valid_from must be a date such as 2026-01-01."},
  };
  const std::string real = RealRulesText();
  ASSERT_FALSE(real.empty());
  for (const MistakeCase& c : cases) {
    SCOPED_TRACE(c.name);
    StatusOr<RuleSet> rs = ParseRuleSet(c.edit(real), "r.toml");
    ASSERT_FALSE(rs.ok());
    EXPECT_EQ(rs.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(rs.status().message(), c.sentence);
  }
}

TEST(RuleSetTest, InvalidTomlNamesTheFileAndLine) {
  StatusOr<RuleSet> rs = ParseRuleSet("version = \n", "r.toml");
  ASSERT_FALSE(rs.ok());
  EXPECT_EQ(rs.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(rs.status().message(),
              ::testing::StartsWith("r.toml: rule set is not valid TOML: "));
  EXPECT_THAT(rs.status().message(), ::testing::HasSubstr("(line 1)"));
}

// A shadow version is just a second file: it parses into its own RuleSet,
// beside and independent of the enforced one.
TEST(RuleSetTest, ShadowVersionParsesIntoADifferentRuleSet) {
  const std::string real = RealRulesText();
  std::string shadow_text =
      ReplaceTop(real, "version = \"2026.1\"", "version = \"2027.1-shadow\"");
  shadow_text =
      ReplaceInTable(shadow_text, "vilande_max", "value = 24", "value = 18");
  shadow_text = ReplaceInTable(shadow_text, "vilande_max", "as_of = 2026-11-23",
                               "as_of = 2027-01-15");

  StatusOr<RuleSet> enforced = ParseRuleSet(real, "rules-2026.1.toml");
  StatusOr<RuleSet> shadow = ParseRuleSet(shadow_text, "rules-2027.1.toml");
  ASSERT_TRUE(enforced.ok()) << enforced.status().ToString();
  ASSERT_TRUE(shadow.ok()) << shadow.status().ToString();

  EXPECT_NE(*enforced, *shadow);
  EXPECT_EQ(enforced->version, "2026.1");
  EXPECT_EQ(shadow->version, "2027.1-shadow");
  EXPECT_EQ(enforced->vilande_max_months, 24);
  EXPECT_EQ(shadow->vilande_max_months, 18);
  EXPECT_EQ(shadow->facts.at("vilande_max").as_of, (CivilDate{2027, 1, 15}));
  EXPECT_EQ(enforced->facts.at("vilande_max").as_of, (CivilDate{2026, 11, 23}));
  // Everything not changed is the same.
  EXPECT_EQ(enforced->ae_grades_percent, shadow->ae_grades_percent);
  EXPECT_EQ(enforced->sysselsattning_hour_bands,
            shadow->sysselsattning_hour_bands);
}

}  // namespace
}  // namespace samverkan::gateway
