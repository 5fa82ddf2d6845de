// FileClock: the formats it accepts, and that it only moves forward.
#include "common/file_clock.h"

#include <gtest/gtest.h>

#include <fstream>

#include "common/testing/temp_dir.h"

namespace samverkan {
namespace {

constexpr int64_t kDay = 86400LL * 1000000;

void Write(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::trunc) << text;
}

TEST(FileClockTest, ParsesDatesAndUtcTimes) {
  EXPECT_EQ(*ParseClockText("1970-01-02"), kDay);
  EXPECT_EQ(*ParseClockText("1970-01-01T00:00:01Z\n"), 1000000);
  EXPECT_FALSE(ParseClockText("1970-01-01T00:00:01").ok());
  EXPECT_FALSE(ParseClockText("2026-02-30").ok());
  EXPECT_FALSE(ParseClockText("tomorrow").ok());
}

TEST(FileClockTest, FollowsTheFileForwardOnlyAndSurvivesBadText) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/clock";
  EXPECT_FALSE(FileClock::Open(path).ok());
  Write(path, "2026-11-23");
  auto clock = FileClock::Open(path);
  ASSERT_TRUE(clock.ok());
  const int64_t start = (*clock)->NowMicros();
  Write(path, "2026-11-25");
  EXPECT_EQ((*clock)->NowMicros(), start + 2 * kDay);
  Write(path, "garbage");
  EXPECT_EQ((*clock)->NowMicros(), start + 2 * kDay);
  Write(path, "2026-11-24");
  EXPECT_EQ((*clock)->NowMicros(), start + 2 * kDay);
}

}  // namespace
}  // namespace samverkan
