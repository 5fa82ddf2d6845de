// Calendar arithmetic on civil dates (proleptic Gregorian), for validating
// event dates and, later, computing rule deadlines from them.
#ifndef SAMVERKAN_COMMON_CIVIL_DATE_H_
#define SAMVERKAN_COMMON_CIVIL_DATE_H_

#include <cstdint>
#include <string>

namespace samverkan {

struct CivilDate {
  int year = 0;
  int month = 0;
  int day = 0;

  friend auto operator<=>(const CivilDate&, const CivilDate&) = default;
};

int DaysInMonth(int year, int month);
bool IsValidCivilDate(const CivilDate& d);
// Days since 1970-01-01 (Howard Hinnant's days_from_civil).
int64_t DaysFromCivil(const CivilDate& d);
CivilDate CivilFromDays(int64_t days);
// "2026-03-01"
std::string FormatCivilDate(const CivilDate& d);

CivilDate AddDays(const CivilDate& d, int64_t days);
// Same day `months` later (or earlier); clamped to the month's last day, so
// 2026-01-31 + 1 month is 2026-02-28.
CivilDate AddMonths(const CivilDate& d, int months);
// The last day of the month before (year, month): AE is paid "until the
// month before" an age is reached.
CivilDate LastDayOfMonthBefore(int year, int month);
// Whole days from `from` to `to` (negative when `to` is earlier).
inline int64_t DaysBetween(const CivilDate& from, const CivilDate& to) {
  return DaysFromCivil(to) - DaysFromCivil(from);
}

}  // namespace samverkan

#endif  // SAMVERKAN_COMMON_CIVIL_DATE_H_
