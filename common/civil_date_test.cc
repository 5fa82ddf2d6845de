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

}  // namespace
}  // namespace samverkan
