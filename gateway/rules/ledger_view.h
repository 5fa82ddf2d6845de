// Small questions the transition rules ask of a participant's ledger: dates
// in both representations, ages from the birth month, which income sources
// are running. One place, so state and cross-system rules agree.
#ifndef SAMVERKAN_GATEWAY_RULES_LEDGER_VIEW_H_
#define SAMVERKAN_GATEWAY_RULES_LEDGER_VIEW_H_

#include <optional>
#include <string>
#include <vector>

#include "common/civil_date.h"
#include "gateway/rules/rule_set.h"
#include "samverkan/dates.h"
#include "samverkan/v1/envelope.pb.h"
#include "samverkan/v1/ledger.pb.h"

namespace samverkan::gateway {

// The envelope's occurred_at as a UTC date.
CivilDate OccurredOn(const v1::Envelope& e);

// Whole years at `on`, counting the birthday as the 1st of the birth month
// (only the month is known). Unset when the plan gave no birth month.
std::optional<int> AgeAt(const v1::ParticipantLedger& ledger,
                         const CivilDate& on);
// The last day aktivitetsersättning may be paid: the end of the month before
// the participant reaches the rule set's age limit.
std::optional<CivilDate> AeLastDay(const v1::ParticipantLedger& ledger,
                                   const RuleSet& rules);

inline bool IsRunning(const v1::LedgerEntry& e) {
  return e.status() == v1::LEDGER_ACTIVE;
}
// Active or vilande: the benefit exists, paid or dormant.
inline bool IsGranted(const v1::LedgerEntry& e) {
  return e.status() == v1::LEDGER_ACTIVE || e.status() == v1::LEDGER_DORMANT;
}

// The income sources paying on `today`, by name (e.g. "aktivitetsersättning",
// "employment e1"); empty means the participant has no income.
std::vector<std::string> ActiveIncome(const v1::ParticipantLedger& ledger,
                                      const CivilDate& today);
// Whether an income decision is pending (sjukersättning applied, a dormant
// benefit that returns, or an open handover that an income grant closes).
bool IncomePending(const v1::ParticipantLedger& ledger);

bool AnyProgrammeRunning(const v1::ParticipantLedger& ledger);
bool AnyEmploymentRunning(const v1::ParticipantLedger& ledger);
// The open handover raised by `rule_id`, or nullptr.
const v1::LedgerHandover* OpenHandover(const v1::ParticipantLedger& ledger,
                                       std::string_view rule_id);
// The organisation of the plan party of `kind`; "" when none takes part.
std::string PartyOfKind(const v1::ParticipantLedger& ledger,
                        v1::PartyKind kind);

// The programme with a sickness on record that has not ended, or nullptr.
const v1::LedgerProgramme* SickProgramme(const v1::ParticipantLedger& ledger);
// A programme's Swedish name, for sentences read by coordinators.
std::string ProgrammeName(v1::ProgrammeKind kind);

// "aktivitetsersättning" / "sjukersättning" for a vilande decision.
const char* DormantBenefitName(v1::DormantBenefit benefit);
// "2026-03-01"
std::string Format(const v1::Date& d);
std::string FormatPeriod(const v1::Period& p);

}  // namespace samverkan::gateway

#endif  // SAMVERKAN_GATEWAY_RULES_LEDGER_VIEW_H_
