// Good lines into the outbox, bad ones kept with a reason, the position past
// all of them.
#include "services/agency/ingestor.h"

#include <gtest/gtest.h>

#include "common/testing/temp_dir.h"

namespace samverkan::agency {
namespace {

class IngestorTest : public ::testing::Test {
 protected:
  testing::TempDir dir;
  std::unique_ptr<SqliteDb> db =
      SqliteDb::Open(dir.File("agency.sqlite")).value();
  std::unique_ptr<Outbox> outbox = Outbox::Open(*db).value();
  std::unique_ptr<JsonLinesFile> rejected =
      JsonLinesFile::Open(dir.File("rejected.jsonl")).value();
  Ingestor ingestor{*outbox, *rejected, v1::MUNICIPALITY,
                    LineDefaults{"kommun-orebro", 0, 1},
                    [] { return int64_t{1'700'000'000'000'000}; }};
};

TEST_F(IngestorTest, KeepsBadLinesWithAReasonAndQueuesTheRest) {
  const std::vector<InputLine> lines = {
      {R"({"participant_id":"p-1","ips_enrolled":{}})", {44, 1}},
      {"{not json", {54, 2}},
      {"# a comment", {66, 3}},
      {R"({"participant_id":"p-1","sjukpenning_granted":{}})", {118, 4}},
      {R"({"participant_id":"p-2","ips_job_search_started":{}})", {172, 5}},
  };
  auto counts = ingestor.Take("in.jsonl", lines);
  ASSERT_TRUE(counts.ok()) << counts.status().ToString();
  EXPECT_EQ(counts->queued, 2u);
  EXPECT_EQ(counts->rejected, 2u);

  auto pending = outbox->Pending(10);
  ASSERT_EQ(pending->size(), 2u);
  EXPECT_EQ((*pending)[0].line_number, 1u);
  EXPECT_EQ((*pending)[1].line_number, 5u);
  v1::Envelope sent;
  ASSERT_TRUE(sent.ParseFromString((*pending)[0].envelope_bytes));
  EXPECT_EQ(sent.source_organisation(), "kommun-orebro");
  EXPECT_EQ(sent.event_id(), (*pending)[0].event_id);
  EXPECT_FALSE(sent.event_id().empty());
  EXPECT_EQ(outbox->Position("in.jsonl")->line_number, 5u);
  EXPECT_EQ(outbox->Position("in.jsonl")->byte_offset, 172u);

  auto kept = ReadJsonLines(dir.File("rejected.jsonl"));
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_NE(kept[0].find("\"line\":2"), std::string::npos);
  EXPECT_NE(kept[0].find("not a samverkan.v1.Envelope"), std::string::npos);
  EXPECT_NE(kept[0].find("\"text\":\"{not json\""), std::string::npos);
  EXPECT_NE(kept[1].find("\"line\":4"), std::string::npos);
  EXPECT_NE(kept[1].find("does not publish sjukpenning_granted"),
            std::string::npos);
}

TEST_F(IngestorTest, TheSameLineGetsTheSameEventId) {
  const std::string text = R"({"participant_id":"p-1","ips_enrolled":{}})";
  ASSERT_TRUE(ingestor.Take("-", {{text, {44, 1}}}).ok());
  ASSERT_TRUE(ingestor.Take("-", {{text, {88, 2}}}).ok());
  auto pending = outbox->Pending(10);
  ASSERT_EQ(pending->size(), 2u);
  EXPECT_EQ((*pending)[0].event_id, (*pending)[1].event_id);
}

}  // namespace
}  // namespace samverkan::agency
