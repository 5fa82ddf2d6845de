// The sender against a scripted gateway: final answers reported and done,
// RETRY_LATER and silence resent with the same event id after a backoff, a
// gateway that is not there costs nothing.
#include "services/agency/sender.h"

#include <gtest/gtest.h>

#include <deque>
#include <thread>

#include "common/testing/temp_dir.h"

namespace samverkan::agency {
namespace {

using std::chrono::milliseconds;

// Answers each submission with the next scripted reply; an empty script
// entry means silence (as if the gateway were down).
struct Script {
  std::deque<std::optional<v1::SubmitReply>> replies;
  std::vector<std::string> submitted;  // envelope bytes, in order
  int connects = 0;
  bool refuse_connect = false;
};

class ScriptedChannel : public SubmitChannel {
 public:
  explicit ScriptedChannel(Script& script) : script_(script) {}
  Status Submit(std::string_view correlation, std::string_view bytes) override {
    script_.submitted.emplace_back(bytes);
    std::optional<v1::SubmitReply> reply;
    if (!script_.replies.empty()) {
      reply = script_.replies.front();
      script_.replies.pop_front();
    }
    if (reply) answers_.push_back({std::string(correlation), true, *reply});
    return OkStatus();
  }
  std::optional<client::Acknowledgement> Receive(milliseconds) override {
    if (answers_.empty()) return std::nullopt;
    auto a = answers_.front();
    answers_.pop_front();
    return a;
  }

 private:
  Script& script_;
  std::deque<client::Acknowledgement> answers_;
};

v1::SubmitReply Reply(v1::Outcome outcome, v1::RejectionCode code = {}) {
  v1::SubmitReply r;
  r.set_outcome(outcome);
  r.set_code(code);
  if (outcome == v1::ACCEPTED) r.set_sequence(41);
  if (code != 0) r.set_message("because");
  return r;
}

class SenderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = SqliteDb::Open(dir_.File("agency.sqlite")).value();
    outbox_ = Outbox::Open(*db_).value();
    replies_ = JsonLinesFile::Open(dir_.File("replies.jsonl")).value();
    sender_ = std::make_unique<Sender>(
        *outbox_, *replies_,
        [this]() -> StatusOr<std::unique_ptr<SubmitChannel>> {
          ++script_.connects;
          if (script_.refuse_connect) return UnavailableError("no ready file");
          return std::unique_ptr<SubmitChannel>(
              std::make_unique<ScriptedChannel>(script_));
        },
        SenderOptions{milliseconds(1), milliseconds(4), milliseconds(20), 16});
  }

  // Steps until the outbox is empty or `steps` run out.
  void RunSteps(int steps) {
    for (int i = 0; i<steps&& * outbox_->PendingCount()> 0; ++i) {
      ASSERT_TRUE(sender_->Step(milliseconds(1)).ok());
      std::this_thread::sleep_for(milliseconds(1));
    }
  }

  testing::TempDir dir_;
  std::unique_ptr<SqliteDb> db_;
  std::unique_ptr<Outbox> outbox_;
  std::unique_ptr<JsonLinesFile> replies_;
  Script script_;
  std::unique_ptr<Sender> sender_;
};

TEST_F(SenderTest, FinalAnswersAreReportedAndDone) {
  ASSERT_TRUE(
      outbox_->Add("in", {{1, "e-1", "one"}, {2, "e-2", "two"}}, {8, 2}).ok());
  script_.replies = {Reply(v1::ACCEPTED),
                     Reply(v1::REJECTED, v1::INVALID_TRANSITION)};
  RunSteps(10);
  EXPECT_EQ(*outbox_->PendingCount(), 0u);
  auto lines = ReadJsonLines(dir_.File("replies.jsonl"));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_NE(lines[0].find("\"line\":1"), std::string::npos);
  EXPECT_NE(lines[0].find("ACCEPTED"), std::string::npos);
  EXPECT_NE(lines[1].find("INVALID_TRANSITION"), std::string::npos);
  EXPECT_NE(lines[1].find("because"), std::string::npos);
}

TEST_F(SenderTest, RetryLaterAndSilenceAreResentWithTheSameBytes) {
  ASSERT_TRUE(outbox_->Add("in", {{1, "e-1", "one"}}, {4, 1}).ok());
  script_.replies = {Reply(v1::REJECTED, v1::RETRY_LATER), std::nullopt,
                     Reply(v1::ACCEPTED)};
  RunSteps(200);
  EXPECT_EQ(*outbox_->PendingCount(), 0u);
  EXPECT_EQ(script_.submitted, (std::vector<std::string>{"one", "one", "one"}));
  // The silent gateway cost the connection; a fresh one was made.
  EXPECT_EQ(script_.connects, 2);
  auto lines = ReadJsonLines(dir_.File("replies.jsonl"));
  ASSERT_EQ(lines.size(), 1u);  // RETRY_LATER is not an answer to report
  EXPECT_NE(lines[0].find("ACCEPTED"), std::string::npos);
}

TEST_F(SenderTest, NoGatewayLosesNothing) {
  ASSERT_TRUE(outbox_->Add("in", {{1, "e-1", "one"}}, {4, 1}).ok());
  script_.refuse_connect = true;
  RunSteps(20);
  EXPECT_EQ(*outbox_->PendingCount(), 1u);
  EXPECT_GT(script_.connects, 1);
  script_.refuse_connect = false;
  script_.replies = {Reply(v1::ACCEPTED)};
  RunSteps(50);
  EXPECT_EQ(*outbox_->PendingCount(), 0u);
}

TEST(BackoffTest, DoublesUpToItsBoundAndResets) {
  Backoff b(milliseconds(50), milliseconds(5000));
  std::vector<int64_t> waits;
  for (int i = 0; i < 9; ++i) waits.push_back(b.Next().count());
  EXPECT_EQ(waits, (std::vector<int64_t>{50, 100, 200, 400, 800, 1600, 3200,
                                         5000, 5000}));
  b.Reset();
  EXPECT_EQ(b.Next().count(), 50);
}

}  // namespace
}  // namespace samverkan::agency
