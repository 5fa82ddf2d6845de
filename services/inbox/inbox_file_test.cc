// The inbox file resumes at its last whole line and drops a torn one.
#include "services/inbox/inbox_file.h"

#include <gtest/gtest.h>

#include <fstream>

#include "common/testing/temp_dir.h"

namespace samverkan::inbox {
namespace {

v1::Delivery Make(uint64_t n) {
  v1::Delivery d;
  d.set_recipient_sequence(n);
  d.set_log_sequence(100 + n);
  d.mutable_envelope()->set_participant_id("p-1");
  return d;
}

TEST(InboxFileTest, ResumesAfterTheLastLine) {
  samverkan::testing::TempDir dir;
  const std::string path = dir.File("inbox.jsonl");
  {
    auto inbox = InboxFile::Open(path);
    ASSERT_TRUE(inbox.ok()) << inbox.status().ToString();
    EXPECT_EQ((*inbox)->last(), 0u);
    ASSERT_TRUE((*inbox)->Append(Make(1)).ok());
    ASSERT_TRUE((*inbox)->Append(Make(2)).ok());
    ASSERT_TRUE((*inbox)->Sync().ok());
  }
  auto inbox = InboxFile::Open(path);
  ASSERT_TRUE(inbox.ok());
  EXPECT_EQ((*inbox)->last(), 2u);
}

TEST(InboxFileTest, TornLastLineIsDropped) {
  samverkan::testing::TempDir dir;
  const std::string path = dir.File("inbox.jsonl");
  {
    std::ofstream out(path);
    out << DeliveryToJsonLine(Make(1)) << "\n"
        << DeliveryToJsonLine(Make(2)).substr(0, 10);
  }
  auto inbox = InboxFile::Open(path);
  ASSERT_TRUE(inbox.ok()) << inbox.status().ToString();
  EXPECT_EQ((*inbox)->last(), 1u);
  ASSERT_TRUE((*inbox)->Append(Make(2)).ok());
  std::ifstream in(path);
  std::string line;
  int lines = 0;
  while (std::getline(in, line)) {
    ASSERT_TRUE(DeliveryFromJsonLine(line).ok()) << line;
    ++lines;
  }
  EXPECT_EQ(lines, 2);
}

TEST(InboxFileTest, GarbageLastLineIsAnError) {
  samverkan::testing::TempDir dir;
  const std::string path = dir.File("inbox.jsonl");
  std::ofstream(path) << "not json\n";
  auto inbox = InboxFile::Open(path);
  ASSERT_FALSE(inbox.ok());
  EXPECT_EQ(inbox.status().code(), StatusCode::kDataLoss);
}

}  // namespace
}  // namespace samverkan::inbox
