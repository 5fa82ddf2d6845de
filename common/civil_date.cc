// Hinnant's civil-calendar algorithms: exact, branch-light, no time zones.
#include "common/civil_date.h"

#include <cstdio>

namespace samverkan {

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12) return 0;
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return kDays[month - 1] + (month == 2 && leap ? 1 : 0);
}

bool IsValidCivilDate(const CivilDate& d) {
  // Dates outside this window are typos in an agency system, not real cases.
  if (d.year < 1900 || d.year > 2200) return false;
  return d.day >= 1 && d.day <= DaysInMonth(d.year, d.month);
}

int64_t DaysFromCivil(const CivilDate& d) {
  int64_t y = d.year - (d.month <= 2 ? 1 : 0);
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t mp = (d.month + 9) % 12;
  const int64_t doy = (153 * mp + 2) / 5 + d.day - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

CivilDate CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  const int year = static_cast<int>(yoe + era * 400 + (month <= 2 ? 1 : 0));
  return {year, month, day};
}

std::string FormatCivilDate(const CivilDate& d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
  return buf;
}

CivilDate AddDays(const CivilDate& d, int64_t days) {
  return CivilFromDays(DaysFromCivil(d) + days);
}

CivilDate AddMonths(const CivilDate& d, int months) {
  const int index = d.year * 12 + (d.month - 1) + months;
  const int year = index >= 0 ? index / 12 : (index - 11) / 12;
  const int month = index - year * 12 + 1;
  const int day =
      d.day < DaysInMonth(year, month) ? d.day : DaysInMonth(year, month);
  return {year, month, day};
}

CivilDate LastDayOfMonthBefore(int year, int month) {
  const CivilDate first{year, month, 1};
  return AddDays(first, -1);
}

}  // namespace samverkan
