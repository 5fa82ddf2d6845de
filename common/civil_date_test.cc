// Civil dates: validity (leap years included) and the day-number round trip.
#include "common/civil_date.h"

#include <gtest/gtest.h>

namespace samverkan {
namespace {

TEST(CivilDateTest, Validity) {
  struct Row {
    CivilDate date;
    bool valid;
  };
  const Row kRows[] = {
      {{2024, 2, 29}, true},  {{2023, 2, 29}, false},  {{2000, 2, 29}, true},
      {{1900, 2, 29}, false}, {{2026, 4, 31}, false},  {{2026, 12, 31}, true},
      {{2026, 13, 1}, false}, {{2026, 0, 1}, false},   {{2026, 1, 0}, false},
      {{0, 0, 0}, false},     {{1899, 12, 31}, false},
  };
  for (const Row& r : kRows) {
    EXPECT_EQ(IsValidCivilDate(r.date), r.valid) << FormatCivilDate(r.date);
  }
}

TEST(CivilDateTest, DayNumbersRoundTrip) {
  EXPECT_EQ(DaysFromCivil({1970, 1, 1}), 0);
  EXPECT_EQ(DaysFromCivil({2000, 3, 1}) - DaysFromCivil({2000, 2, 28}), 2);
  for (int64_t d = -1000; d < 100000; d += 37) {
    EXPECT_EQ(DaysFromCivil(CivilFromDays(d)), d);
  }
  EXPECT_EQ(FormatCivilDate(CivilFromDays(DaysFromCivil({2026, 11, 23}))),
            "2026-11-23");
}

TEST(CivilDateTest, AddDaysAcrossMonthsAndYears) {
  EXPECT_EQ(AddDays({2026, 12, 31}, 1), (CivilDate{2027, 1, 1}));
  EXPECT_EQ(AddDays({2028, 3, 1}, -1), (CivilDate{2028, 2, 29}));
  EXPECT_EQ(DaysBetween({2026, 1, 1}, {2026, 2, 1}), 31);
  EXPECT_EQ(DaysBetween({2026, 2, 1}, {2026, 1, 1}), -31);
}

TEST(CivilDateTest, AddMonthsClampsToTheMonthsLastDay) {
  EXPECT_EQ(AddMonths({2026, 1, 31}, 1), (CivilDate{2026, 2, 28}));
  EXPECT_EQ(AddMonths({2026, 11, 15}, 3), (CivilDate{2027, 2, 15}));
  EXPECT_EQ(AddMonths({2027, 2, 15}, -3), (CivilDate{2026, 11, 15}));
  EXPECT_EQ(AddMonths({2026, 1, 1}, -13), (CivilDate{2024, 12, 1}));
  EXPECT_EQ(LastDayOfMonthBefore(2030, 3), (CivilDate{2030, 2, 28}));
  EXPECT_EQ(LastDayOfMonthBefore(2030, 1), (CivilDate{2029, 12, 31}));
}

}  // namespace
}  // namespace samverkan
