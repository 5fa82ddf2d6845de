// A followed file: whole lines only, appended lines picked up later, a
// restart from a remembered position reads neither twice nor skips.
#include "services/agency/line_reader.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "common/testing/temp_dir.h"

namespace samverkan::agency {
namespace {

void AppendText(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::app) << text;
}

std::vector<std::string> Texts(const std::vector<InputLine>& lines) {
  std::vector<std::string> out;
  for (const auto& l : lines) out.push_back(l.text);
  return out;
}

TEST(LineReaderTest, FollowsAFileAndWaitsForUnfinishedLines) {
  testing::TempDir dir;
  const std::string path = dir.File("in.jsonl");
  auto reader = LineReader::Open(path, {});
  auto none = reader->ReadAvailable(10);  // not written yet
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  EXPECT_TRUE(reader->drained());

  AppendText(path, "one\ntwo\nthr");
  auto first = reader->ReadAvailable(10);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(Texts(*first), (std::vector<std::string>{"one", "two"}));
  EXPECT_EQ(first->back().after.byte_offset, 8u);
  EXPECT_EQ(first->back().after.line_number, 2u);
  EXPECT_TRUE(reader->partial());

  AppendText(path, "ee\nfour\n");
  auto second = reader->ReadAvailable(10);
  EXPECT_EQ(Texts(*second), (std::vector<std::string>{"three", "four"}));
  EXPECT_EQ(second->back().after.line_number, 4u);
  EXPECT_TRUE(reader->ReadAvailable(10)->empty());
  EXPECT_TRUE(reader->drained());
}

TEST(LineReaderTest, ResumesFromARememberedPosition) {
  testing::TempDir dir;
  const std::string path = dir.File("in.jsonl");
  AppendText(path, "one\ntwo\nthree\n");
  auto reader = LineReader::Open(path, {4, 1});
  auto lines = reader->ReadAvailable(1);
  ASSERT_EQ(Texts(*lines), (std::vector<std::string>{"two"}));
  EXPECT_EQ(lines->back().after.line_number, 2u);
  EXPECT_FALSE(reader->drained());
  EXPECT_EQ(Texts(*reader->ReadAvailable(5)),
            (std::vector<std::string>{"three"}));
}

TEST(LineReaderTest, ReadsStdinToItsEndAndTakesAnUnterminatedLastLine) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const int saved = ::dup(STDIN_FILENO);
  ASSERT_EQ(::dup2(fds[0], STDIN_FILENO), STDIN_FILENO);
  ::close(fds[0]);
  auto reader = LineReader::Open("-", {});
  EXPECT_TRUE(reader->ReadAvailable(10)->empty());  // nothing yet, no wait
  EXPECT_FALSE(reader->partial());
  ASSERT_EQ(::write(fds[1], "one\ntwo", 7), 7);
  ::close(fds[1]);  // the agency system is done
  std::vector<std::string> texts;
  for (int i = 0; i < 5 && texts.size() < 2; ++i) {
    for (const std::string& t : Texts(*reader->ReadAvailable(10))) {
      texts.push_back(t);
    }
  }
  EXPECT_EQ(texts, (std::vector<std::string>{"one", "two"}));
  EXPECT_TRUE(reader->ReadAvailable(10)->empty());
  EXPECT_TRUE(reader->drained());
  ::dup2(saved, STDIN_FILENO);
  ::close(saved);
}

}  // namespace
}  // namespace samverkan::agency
