// The outbox in a real SQLite file: lines and input position together,
// pending in order, answered entries done, everything there after reopening.
#include "services/agency/outbox.h"

#include <gtest/gtest.h>

#include "common/testing/temp_dir.h"

namespace samverkan::agency {
namespace {

struct Opened {
  std::unique_ptr<SqliteDb> db;
  std::unique_ptr<Outbox> outbox;
};

Opened OpenAt(const std::string& path) {
  auto db = SqliteDb::Open(path);
  EXPECT_TRUE(db.ok()) << db.status().ToString();
  auto outbox = Outbox::Open(**db);
  EXPECT_TRUE(outbox.ok()) << outbox.status().ToString();
  return {std::move(*db), std::move(*outbox)};
}

v1::SubmitReply Accepted(uint64_t sequence) {
  v1::SubmitReply r;
  r.set_outcome(v1::ACCEPTED);
  r.set_sequence(sequence);
  return r;
}

TEST(OutboxTest, KeepsLinesAndPositionAcrossReopen) {
  testing::TempDir dir;
  const std::string path = dir.File("agency.sqlite");
  {
    Opened o = OpenAt(path);
    ASSERT_TRUE(o.outbox
                    ->Add("in.jsonl", {{1, "e-1", "bytes-1"}, {3, "e-3", "b3"}},
                          {120, 3})
                    .ok());
  }
  Opened o = OpenAt(path);
  auto position = o.outbox->Position("in.jsonl");
  ASSERT_TRUE(position.ok());
  EXPECT_EQ(position->byte_offset, 120u);
  EXPECT_EQ(position->line_number, 3u);
  EXPECT_EQ(o.outbox->Position("other")->byte_offset, 0u);
  auto pending = o.outbox->Pending(10);
  ASSERT_TRUE(pending.ok());
  ASSERT_EQ(pending->size(), 2u);
  EXPECT_EQ((*pending)[0].event_id, "e-1");
  EXPECT_EQ((*pending)[0].envelope_bytes, "bytes-1");
  EXPECT_EQ((*pending)[1].line_number, 3u);
  EXPECT_EQ((*pending)[1].source, "in.jsonl");
}

TEST(OutboxTest, FinalAnswersAreDoneAndNeverPendingAgain) {
  testing::TempDir dir;
  const std::string path = dir.File("agency.sqlite");
  {
    Opened o = OpenAt(path);
    ASSERT_TRUE(
        o.outbox
            ->Add("-", {{1, "a", "x"}, {2, "b", "y"}, {3, "c", "z"}}, {9, 3})
            .ok());
    auto pending = o.outbox->Pending(10);
    v1::SubmitReply refused;
    refused.set_outcome(v1::REJECTED);
    refused.set_code(v1::NO_CONSENT);
    refused.set_message("no active consent");
    ASSERT_TRUE(o.outbox
                    ->Finish({{(*pending)[0].id, Accepted(7)},
                              {(*pending)[2].id, refused}},
                             1)
                    .ok());
  }
  Opened o = OpenAt(path);
  EXPECT_EQ(*o.outbox->PendingCount(), 1u);
  EXPECT_EQ((*o.outbox->Pending(10))[0].event_id, "b");
}

TEST(OutboxTest, PendingIsLimitedAndOldestFirst) {
  testing::TempDir dir;
  Opened o = OpenAt(dir.File("agency.sqlite"));
  std::vector<OutboxLine> lines;
  for (int i = 1; i <= 5; ++i) {
    lines.push_back({static_cast<uint64_t>(i), "e" + std::to_string(i), "x"});
  }
  ASSERT_TRUE(o.outbox->Add("f", lines, {50, 5}).ok());
  auto pending = o.outbox->Pending(2);
  ASSERT_EQ(pending->size(), 2u);
  EXPECT_EQ((*pending)[0].event_id, "e1");
  EXPECT_EQ((*pending)[1].event_id, "e2");
}

}  // namespace
}  // namespace samverkan::agency
