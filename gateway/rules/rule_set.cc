// TOML → RuleSet, strict: every fact present with its unit, source and date,
// nothing unknown, every value range-checked, each rejection naming the fact.
#include "gateway/rules/rule_set.h"

#include <toml++/toml.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

namespace samverkan::gateway {
namespace {

// A fact whose value is one integer.
struct IntFact {
  const char* name;
  const char* unit;
  int min;
  int max;
  int RuleSet::*field;
};

constexpr IntFact kIntFacts[] = {
    {"ae_min_age", "years", 16, 70, &RuleSet::ae_min_age_years},
    {"ae_age_limit", "years", 16, 70, &RuleSet::ae_age_limit_years},
    {"ae_max_decision_period", "months", 1, 120,
     &RuleSet::ae_max_decision_period_months},
    {"ae_end_alert_lead", "months", 1, 24, &RuleSet::ae_end_alert_lead_months},
    {"se_partial_min_age", "years", 16, 70, &RuleSet::se_partial_min_age_years},
    {"se_max_age", "years", 16, 70, &RuleSet::se_max_age_years},
    {"vilande_max", "months", 1, 120, &RuleSet::vilande_max_months},
    {"programme_sick_report_day", "day", 1, 30,
     &RuleSet::programme_sick_report_day},
    {"programme_sick_certificate_after", "days", 1, 365,
     &RuleSet::programme_sick_certificate_after_days},
    {"programme_sick_removal_after", "days", 1, 365,
     &RuleSet::programme_sick_removal_after_days},
    {"income_gap_handover_deadline", "days", 1, 365,
     &RuleSet::income_gap_handover_deadline_days},
    {"conflict_alert_deadline", "days", 1, 365,
     &RuleSet::conflict_alert_deadline_days},
};

constexpr const char* kGradesFact = "ae_grades";
constexpr const char* kBandsFact = "sysselsattning_hour_bands";
constexpr int kHoursPerWeek = 168;

class Parser {
 public:
  Parser(const toml::table& root, std::string_view source_name)
      : root_(root), source_name_(source_name) {}

  StatusOr<RuleSet> Parse() {
    if (Status s = CheckTopLevelKeys(); !s.ok()) return s;
    if (Status s = ReadVersion(); !s.ok()) return s;
    for (const IntFact& f : kIntFacts) {
      if (Status s = ReadIntFact(f); !s.ok()) return s;
    }
    if (Status s = ReadGrades(); !s.ok()) return s;
    if (Status s = ReadBands(); !s.ok()) return s;
    if (Status s = CheckConsistency(); !s.ok()) return s;
    return std::move(rs_);
  }

 private:
  Status Error(const std::string& sentence) const {
    return InvalidArgumentError(std::string(source_name_) + ": " + sentence);
  }

  Status CheckTopLevelKeys() const {
    std::set<std::string> known = {"version", "valid_from", kGradesFact,
                                   kBandsFact};
    for (const IntFact& f : kIntFacts) known.insert(f.name);
    for (const auto& [key, value] : root_) {
      if (!known.count(std::string(key.str()))) {
        return Error("unknown table or key " + std::string(key.str()) +
                     "; a rule set holds only version, valid_from and the "
                     "known facts.");
      }
    }
    return OkStatus();
  }

  Status ReadVersion() {
    static const std::regex kVersion(R"(\d{4}\.\d+(-[a-z0-9]+)?)");
    const toml::node* v = root_.get("version");
    const toml::value<std::string>* s = v ? v->as_string() : nullptr;
    if (s == nullptr || !std::regex_match(s->get(), kVersion)) {
      return Error(
          "version must be a string like \"2026.1\" or \"2027.1-shadow\".");
    }
    rs_.version = s->get();
    const toml::node* d = root_.get("valid_from");
    if (!ReadDate(d, &rs_.valid_from)) {
      return Error("valid_from must be a date such as 2026-01-01.");
    }
    return OkStatus();
  }

  static bool ReadDate(const toml::node* node, CivilDate* out) {
    const toml::value<toml::date>* d = node ? node->as_date() : nullptr;
    if (d == nullptr) return false;
    *out = CivilDate{d->get().year, d->get().month, d->get().day};
    return IsValidCivilDate(*out);
  }

  // Checks the fact's table (keys, unit, source, as_of), records its Fact
  // and sets *value to its value node.
  Status ReadFactTable(const char* name, const char* unit,
                       const toml::node** value) {
    const std::string fact = std::string("fact ") + name;
    const toml::node* node = root_.get(name);
    if (node == nullptr) {
      return Error(fact + " is missing; every fact needs its [" + name +
                   "] table.");
    }
    const toml::table* t = node->as_table();
    if (t == nullptr) {
      return Error(fact +
                   " must be a table with value, unit, source and as_of.");
    }
    static const std::set<std::string> kKeys = {"value", "unit", "source",
                                                "as_of"};
    for (const auto& [key, v] : *t) {
      if (!kKeys.count(std::string(key.str()))) {
        return Error(fact + " has unknown key " + std::string(key.str()) + ".");
      }
    }
    for (const char* key : {"value", "unit", "source", "as_of"}) {
      if (t->get(key) == nullptr) {
        return Error(fact + " has no " + key + ".");
      }
    }
    const toml::value<std::string>* u = t->get("unit")->as_string();
    if (u == nullptr || u->get() != unit) {
      return Error(fact + " must be stated in unit \"" + unit + "\".");
    }
    const toml::value<std::string>* src = t->get("source")->as_string();
    if (src == nullptr || src->get().empty()) {
      return Error(fact + " needs a non-empty source string.");
    }
    Fact f{unit, src->get(), {}};
    if (!ReadDate(t->get("as_of"), &f.as_of)) {
      return Error(fact + " needs an as_of date such as 2026-11-23.");
    }
    rs_.facts[name] = std::move(f);
    *value = t->get("value");
    return OkStatus();
  }

  Status ReadIntFact(const IntFact& f) {
    const toml::node* value = nullptr;
    if (Status s = ReadFactTable(f.name, f.unit, &value); !s.ok()) return s;
    const toml::value<int64_t>* i = value->as_integer();
    if (i == nullptr || i->get() < f.min || i->get() > f.max) {
      return Error(std::string("fact ") + f.name +
                   " must be an integer between " + std::to_string(f.min) +
                   " and " + std::to_string(f.max) + " " + f.unit + ".");
    }
    rs_.*f.field = static_cast<int>(i->get());
    return OkStatus();
  }

  Status ReadGrades() {
    const toml::node* value = nullptr;
    if (Status s = ReadFactTable(kGradesFact, "percent", &value); !s.ok()) {
      return s;
    }
    const Status bad = Error(std::string("fact ") + kGradesFact +
                             " must be a non-empty array of integer grades, "
                             "strictly ascending, within 1..100 percent.");
    const toml::array* a = value->as_array();
    if (a == nullptr || a->empty()) return bad;
    for (const toml::node& n : *a) {
      const toml::value<int64_t>* g = n.as_integer();
      if (g == nullptr || g->get() < 1 || g->get() > 100) return bad;
      if (!rs_.ae_grades_percent.empty() &&
          g->get() <= rs_.ae_grades_percent.back()) {
        return bad;
      }
      rs_.ae_grades_percent.push_back(static_cast<int>(g->get()));
    }
    return OkStatus();
  }

  Status ReadBands() {
    const toml::node* value = nullptr;
    if (Status s = ReadFactTable(kBandsFact, "hours_per_week", &value);
        !s.ok()) {
      return s;
    }
    const Status bad =
        Error(std::string("fact ") + kBandsFact +
              " must be a non-empty array of [low, high] hour pairs with 1 "
              "<= low <= high <= 168.");
    const toml::array* a = value->as_array();
    if (a == nullptr || a->empty()) return bad;
    for (const toml::node& n : *a) {
      const toml::array* pair = n.as_array();
      if (pair == nullptr || pair->size() != 2) return bad;
      const toml::value<int64_t>* low = pair->get(0)->as_integer();
      const toml::value<int64_t>* high = pair->get(1)->as_integer();
      if (low == nullptr || high == nullptr || low->get() < 1 ||
          low->get() > high->get() || high->get() > kHoursPerWeek) {
        return bad;
      }
      rs_.sysselsattning_hour_bands.push_back(
          {static_cast<int>(low->get()), static_cast<int>(high->get())});
    }
    return OkStatus();
  }

  Status CheckConsistency() const {
    if (rs_.ae_min_age_years >= rs_.ae_age_limit_years) {
      return Error(
          "fact ae_min_age must be below fact ae_age_limit, or no one could "
          "receive aktivitetsersättning.");
    }
    if (rs_.se_partial_min_age_years >= rs_.se_max_age_years) {
      return Error("fact se_partial_min_age must be below fact se_max_age.");
    }
    if (rs_.programme_sick_certificate_after_days >=
        rs_.programme_sick_removal_after_days) {
      return Error(
          "fact programme_sick_certificate_after must be below fact "
          "programme_sick_removal_after.");
    }
    return OkStatus();
  }

  const toml::table& root_;
  std::string_view source_name_;
  RuleSet rs_;
};

}  // namespace

StatusOr<RuleSet> ParseRuleSet(const std::string& toml_text,
                               std::string_view source_name) {
  toml::table root;
  try {
    root = toml::parse(toml_text, source_name);
  } catch (const toml::parse_error& e) {
    std::ostringstream msg;
    msg << source_name << ": rule set is not valid TOML: " << e.description()
        << " (line " << e.source().begin.line << ").";
    return InvalidArgumentError(msg.str());
  }
  return Parser(root, source_name).Parse();
}

StatusOr<RuleSet> LoadRuleSet(const std::string& path) {
  std::ifstream in(path);
  if (!in) return NotFoundError("cannot read rule set file " + path);
  std::stringstream text;
  text << in.rdbuf();
  return ParseRuleSet(text.str(), path);
}

}  // namespace samverkan::gateway
