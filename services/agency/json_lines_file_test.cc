// Whole lines, a torn last line trimmed, JSON string quoting.
#include "services/agency/json_lines_file.h"

#include <gtest/gtest.h>

#include <fstream>

#include "common/testing/temp_dir.h"

namespace samverkan::agency {
namespace {

TEST(JsonLinesFileTest, AppendsLinesAndTrimsATornLastLineOnOpen) {
  testing::TempDir dir;
  const std::string path = dir.File("out.jsonl");
  {
    auto file = JsonLinesFile::Open(path);
    ASSERT_TRUE(file.ok());
    ASSERT_TRUE((*file)->Append("{\"a\":1}").ok());
    ASSERT_TRUE((*file)->Sync().ok());
  }
  std::ofstream(path, std::ios::app) << "{\"b\":";  // a kill mid-write
  auto file = JsonLinesFile::Open(path);
  ASSERT_TRUE(file.ok());
  ASSERT_TRUE((*file)->Append("{\"c\":3}").ok());
  EXPECT_EQ(ReadJsonLines(path),
            (std::vector<std::string>{"{\"a\":1}", "{\"c\":3}"}));
}

TEST(JsonLinesFileTest, QuotesWhatJsonNeedsQuoted) {
  EXPECT_EQ(JsonQuote("a\"b\\c\nd\x01"), "\"a\\\"b\\\\c\\nd\\u0001\"");
  EXPECT_EQ(JsonQuote("försörjningsstöd"), "\"försörjningsstöd\"");
}

}  // namespace
}  // namespace samverkan::agency
