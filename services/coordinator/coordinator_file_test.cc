// The alert file as the coordinator's cursor and the source of its
// handovers: reopened, it resumes after the last whole line and knows the
// same open handovers; read-only reading leaves a torn line for Open to drop.
#include <google/protobuf/text_format.h>
#include <gtest/gtest.h>

#include <fstream>

#include "common/testing/temp_dir.h"
#include "services/coordinator/coordinator.h"

namespace samverkan::coordinator {
namespace {

v1::Delivery Make(uint64_t n, const std::string& payload) {
  v1::Delivery d;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(
      "envelope { participant_id: \"p-anna\" " + payload + " }", &d));
  d.set_recipient_sequence(n);
  d.set_log_sequence(100 + n);
  return d;
}

TEST(CoordinatorFileTest, ReopenedItResumesWithTheSameHandovers) {
  samverkan::testing::TempDir dir;
  const std::string path = dir.File("alerts.jsonl");
  {
    auto c = Coordinator::Open(path);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    EXPECT_EQ((*c)->last(), 0u);
    ASSERT_TRUE((*c)->Receive(Make(1,
                                   "handover_opened { handover_id: \"h-1\" "
                                   "deadline { year: 2026 month: 3 day: "
                                   "16 } }"))
                    .ok());
    ASSERT_TRUE((*c)->Receive(Make(2, "alert { rule_id: \"r\" }")).ok());
    ASSERT_TRUE(
        (*c)->Receive(Make(3, "handover_opened { handover_id: \"h-2\" }"))
            .ok());
    ASSERT_TRUE(
        (*c)->Receive(Make(4, "handover_escalated { handover_id: \"h-1\" }"))
            .ok());
    ASSERT_TRUE(
        (*c)->Receive(Make(5, "handover_closed { handover_id: \"h-2\" }"))
            .ok());
    ASSERT_TRUE((*c)->Sync().ok());
    EXPECT_EQ((*c)->handovers().size(), 1u);
  }
  // A kill in the middle of the next write.
  std::ofstream(path, std::ios::app)
      << inbox::DeliveryToJsonLine(Make(6, "alert { rule_id: \"r\" }"))
             .substr(0, 20);

  std::vector<uint64_t> seen;
  ASSERT_TRUE(ReadAlertFile(path, [&](const v1::Delivery& d) {
                seen.push_back(d.recipient_sequence());
              }).ok());
  EXPECT_EQ(seen, (std::vector<uint64_t>{1, 2, 3, 4, 5}));

  auto c = Coordinator::Open(path);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ((*c)->last(), 5u);
  auto open = (*c)->handovers().Open();
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].handover_id(), "h-1");
  EXPECT_EQ(open[0].state(), v1::HANDOVER_ESCALATED);
}

TEST(CoordinatorFileTest, MissingFileHasNothingAndGarbageIsDataLoss) {
  samverkan::testing::TempDir dir;
  int visits = 0;
  EXPECT_TRUE(ReadAlertFile(dir.File("none.jsonl"), [&](const v1::Delivery&) {
                ++visits;
              }).ok());
  EXPECT_EQ(visits, 0);
  const std::string path = dir.File("bad.jsonl");
  std::ofstream(path) << "not json\n"
                      << inbox::DeliveryToJsonLine(Make(1, "alert {}")) << "\n";
  Status s = ReadAlertFile(path, [&](const v1::Delivery&) { ++visits; });
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_NE(s.message().find("line 1"), std::string::npos);
}

}  // namespace
}  // namespace samverkan::coordinator
