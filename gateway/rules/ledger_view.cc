// Ledger questions shared by the state and cross-system rules.
#include "gateway/rules/ledger_view.h"

#include <algorithm>

namespace samverkan::gateway {
namespace {

bool Covers(const v1::Period& p, const CivilDate& day) {
  if (p.has_start() && day < ToCivil(p.start())) return false;
  if (p.has_end() && ToCivil(p.end()) < day) return false;
  return true;
}

constexpr std::string_view kIncomeGrants[] = {
    "forsorjningsstod_granted", "aktivitetsersattning_granted",
    "sjukersattning_granted",   "sjukpenning_granted",
    "aktivitetsstod_decided",   "employment_started"};

}  // namespace

CivilDate OccurredOn(const v1::Envelope& e) {
  const int64_t s = e.occurred_at().seconds();
  return CivilFromDays(s >= 0 ? s / 86400 : (s + 1) / 86400 - 1);
}

std::optional<int> AgeAt(const v1::ParticipantLedger& ledger,
                         const CivilDate& on) {
  if (!ledger.has_birth_month() || ledger.birth_month().year() == 0) {
    return std::nullopt;
  }
  const v1::YearMonth& b = ledger.birth_month();
  return on.year - b.year() - (on.month < b.month() ? 1 : 0);
}

std::optional<CivilDate> AeLastDay(const v1::ParticipantLedger& ledger,
                                   const RuleSet& rules) {
  if (!ledger.has_birth_month() || ledger.birth_month().year() == 0) {
    return std::nullopt;
  }
  const v1::YearMonth& b = ledger.birth_month();
  return LastDayOfMonthBefore(b.year() + rules.ae_age_limit_years, b.month());
}

std::vector<std::string> ActiveIncome(const v1::ParticipantLedger& ledger,
                                      const CivilDate& today) {
  std::vector<std::string> out;
  if (IsRunning(ledger.aktivitetsersattning())) {
    out.push_back("aktivitetsersättning");
  }
  if (IsRunning(ledger.sjukersattning())) out.push_back("sjukersättning");
  if (IsRunning(ledger.sjukpenning())) out.push_back("sjukpenning");
  if (IsRunning(ledger.aktivitetsstod())) out.push_back("aktivitetsstöd");
  if (IsRunning(ledger.forsorjningsstod())) out.push_back("försörjningsstöd");
  for (const auto& [id, job] : ledger.employments()) {
    if (IsRunning(job.entry())) out.push_back("employment " + id);
  }
  for (const v1::LedgerOtherIncome& other : ledger.other_income()) {
    if (other.source() != v1::NO_OTHER_INCOME &&
        Covers(other.period(), today)) {
      out.push_back(v1::OtherIncomeSource_Name(other.source()));
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

bool IncomePending(const v1::ParticipantLedger& ledger) {
  if (ledger.sjukersattning().status() == v1::LEDGER_PENDING) return true;
  for (const v1::LedgerHandover& h : ledger.handovers()) {
    for (const std::string& type : h.opened().closing_event_types()) {
      if (std::find(std::begin(kIncomeGrants), std::end(kIncomeGrants), type) !=
          std::end(kIncomeGrants)) {
        return true;
      }
    }
  }
  return false;
}

bool AnyProgrammeRunning(const v1::ParticipantLedger& ledger) {
  return std::any_of(ledger.programmes().begin(), ledger.programmes().end(),
                     [](const auto& p) { return IsRunning(p.second.entry()); });
}

bool AnyEmploymentRunning(const v1::ParticipantLedger& ledger) {
  return std::any_of(ledger.employments().begin(), ledger.employments().end(),
                     [](const auto& e) { return IsRunning(e.second.entry()); });
}

const v1::LedgerHandover* OpenHandover(const v1::ParticipantLedger& ledger,
                                       std::string_view rule_id) {
  for (const v1::LedgerHandover& h : ledger.handovers()) {
    if (h.opened().rule_id() == rule_id) return &h;
  }
  return nullptr;
}

std::string PartyOfKind(const v1::ParticipantLedger& ledger,
                        v1::PartyKind kind) {
  for (const v1::PlanParty& p : ledger.parties()) {
    if (p.kind() == kind) return p.organisation();
  }
  return "";
}

const char* DormantBenefitName(v1::DormantBenefit benefit) {
  return benefit == v1::DORMANT_SJUKERSATTNING ? "sjukersättning"
                                               : "aktivitetsersättning";
}

std::string Format(const v1::Date& d) { return FormatCivilDate(ToCivil(d)); }

std::string FormatPeriod(const v1::Period& p) {
  return (p.has_start() ? Format(p.start()) : std::string("…")) + " to " +
         (p.has_end() ? Format(p.end()) : std::string("open end"));
}

const v1::LedgerProgramme* SickProgramme(const v1::ParticipantLedger& ledger) {
  for (const auto& [id, p] : ledger.programmes()) {
    if (p.has_sick_from() && p.entry().status() != v1::LEDGER_ENDED) return &p;
  }
  return nullptr;
}

std::string ProgrammeName(v1::ProgrammeKind kind) {
  switch (kind) {
    case v1::ARBETSTRANING:
      return "arbetsträning";
    case v1::ARBETSPRAKTIK:
      return "arbetspraktik";
    case v1::SIUS:
      return "SIUS";
    case v1::FORBEREDANDE_INSATSER:
      return "förberedande insatser";
    case v1::JOBB_OCH_UTVECKLINGSGARANTIN:
      return "jobb- och utvecklingsgarantin";
    default:
      return "a programme";
  }
}

}  // namespace samverkan::gateway
