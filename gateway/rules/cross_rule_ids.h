// The ids of the cross-system rules (DESIGN §6), listed with their sources
// in docs/rules.md. Each closes the sentences of the alerts it raises and
// names the handovers and reminders it opens; the event rules
// (cross_rules.cc) and the clock (rule_clock.cc) share them.
#ifndef SAMVERKAN_GATEWAY_RULES_CROSS_RULE_IDS_H_
#define SAMVERKAN_GATEWAY_RULES_CROSS_RULE_IDS_H_

namespace samverkan::gateway::cross_rule_ids {

inline constexpr char kWorkWithoutVilande[] = "work_without_vilande";
inline constexpr char kWageSubsidyDuringAssessment[] =
    "wage_subsidy_during_assessment";
inline constexpr char kSeAppliedDuringIps[] = "se_applied_during_ips";
inline constexpr char kIllnessInProgramme[] = "illness_in_programme";
inline constexpr char kSicknessLateReport[] = "programme_sickness_late_report";
inline constexpr char kSicknessCertificate[] = "programme_sickness_certificate";
inline constexpr char kSicknessRemoval[] = "programme_sickness_removal";
inline constexpr char kSgiEndangered[] = "sgi_endangered";
inline constexpr char kIncomeGap[] = "income_gap";
inline constexpr char kVilandeReturns[] = "vilande_returns";
inline constexpr char kAeEndsAt30[] = "ae_ends_at_30";
inline constexpr char kAePeriodEnding[] = "ae_period_ending";
inline constexpr char kSysselsattningOutsideBand[] =
    "sysselsattning_outside_band";

}  // namespace samverkan::gateway::cross_rule_ids

#endif  // SAMVERKAN_GATEWAY_RULES_CROSS_RULE_IDS_H_
