// The rule set (DESIGN §6, issue #4): the thresholds and facts the transition
// rules use, loaded from a versioned TOML file with the source and date of
// each fact, so that no number is scattered in code and every recorded
// decision can name the version it used.
#ifndef SAMVERKAN_GATEWAY_RULES_RULE_SET_H_
#define SAMVERKAN_GATEWAY_RULES_RULE_SET_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/civil_date.h"
#include "common/status.h"

namespace samverkan::gateway {

// Where a fact comes from: the unit it is stated in, the public source (or
// "Samverkan policy") and the date the source was read.
struct Fact {
  std::string unit;
  std::string source;
  CivilDate as_of;

  friend bool operator==(const Fact&, const Fact&) = default;
};

// An inclusive band of hours per week, e.g. 10–24.
struct HourBand {
  int low_hours = 0;
  int high_hours = 0;

  friend bool operator==(const HourBand&, const HourBand&) = default;
};

// One version of the rules. Built only by ParseRuleSet/LoadRuleSet and never
// modified afterwards: share it read-only (e.g. std::shared_ptr<const
// RuleSet>) across threads. The enforced rule set and a shadow one are just
// two instances loaded from two files.
struct RuleSet {
  std::string version;   // e.g. "2026.1" or "2027.1-shadow"
  CivilDate valid_from;  // the date from which the rules apply

  // Aktivitetsersättning (AE).
  int ae_min_age_years = 0;
  int ae_age_limit_years = 0;          // paid until the month before this age
  std::vector<int> ae_grades_percent;  // ascending, e.g. 25/50/75/100
  int ae_max_decision_period_months = 0;
  int ae_end_alert_lead_months = 0;  // alert this long before AE ends

  // Sjukersättning (SE).
  int se_partial_min_age_years = 0;  // partial SE only from this age
  int se_max_age_years = 0;

  // Vilande AE/SE.
  int vilande_max_months = 0;

  // Illness during an AF programme.
  int programme_sick_report_day = 0;  // report on this day of illness
  int programme_sick_certificate_after_days = 0;
  int programme_sick_removal_after_days = 0;  // removal when sick longer

  // Sysselsättning: decided bands of hours per week (may overlap).
  std::vector<HourBand> sysselsattning_hour_bands;

  // Handover deadlines (Samverkan policy).
  int income_gap_handover_deadline_days = 0;
  int conflict_alert_deadline_days = 0;

  // Unit, source and date of every fact, by its table name in the file
  // (e.g. "vilande_max"), for reports.
  std::map<std::string, Fact> facts;

  friend bool operator==(const RuleSet&, const RuleSet&) = default;
};

// Parses a rule-set file's text. Strict: every fact is required, unknown
// tables and keys are errors, units must match and values are range-checked.
// Each error is an InvalidArgument sentence starting with source_name and
// naming the fact.
StatusOr<RuleSet> ParseRuleSet(const std::string& toml_text,
                               std::string_view source_name);

// Reads and parses the file at path (NotFound when it cannot be read).
StatusOr<RuleSet> LoadRuleSet(const std::string& path);

}  // namespace samverkan::gateway

#endif  // SAMVERKAN_GATEWAY_RULES_RULE_SET_H_
