// Idempotency against a real log: committed and in-batch duplicates, and an
// event id reused by another organisation.
#include "gateway/stages/idempotency_stage.h"

#include <gtest/gtest.h>

#include "common/testing/temp_dir.h"
#include "gateway/log/sqlite_log_store.h"
#include "gateway/testing/test_envelopes.h"

namespace samverkan::gateway {
namespace {

class IdempotencyStageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = SqliteLogStore::Open(dir_.File("log.sqlite"), {});
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
  }

  // Commits `e` as if the pipeline had accepted it.
  void Commit(const v1::Envelope& e) {
    Batch batch;
    NewRecord& r = batch.records.emplace_back();
    r.event_id = e.event_id();
    r.participant_id = e.participant_id();
    r.source_organisation = e.source_organisation();
    r.payload_type = "health_deteriorated";
    r.body = e.SerializeAsString();
    ASSERT_TRUE(store_->Append(batch, 1).ok());
  }

  samverkan::testing::TempDir dir_;
  std::unique_ptr<SqliteLogStore> store_;
  Party region_ = testing::MakeParty("region-orebro", v1::REGION_PSYCHIATRY);
};

TEST_F(IdempotencyStageTest, NewEventPasses) {
  IdempotencyStage stage(store_.get());
  BatchContext batch;
  Submission s;
  s.peer = &region_;
  s.envelope = testing::MakeEnvelope("region-orebro");
  EXPECT_EQ(stage.Process(s, batch).kind(), Verdict::Kind::kContinue);
}

TEST_F(IdempotencyStageTest, CommittedEventIsAnsweredWithItsSequence) {
  v1::Envelope e = testing::MakeEnvelope("region-orebro");
  Commit(testing::MakeEnvelope("region-orebro"));
  Commit(e);
  IdempotencyStage stage(store_.get());
  BatchContext batch;
  Submission s;
  s.peer = &region_;
  s.envelope = e;
  Verdict v = stage.Process(s, batch);
  ASSERT_EQ(v.kind(), Verdict::Kind::kAnswer);
  EXPECT_EQ(v.sequence(), 2u);
}

TEST_F(IdempotencyStageTest, PendingEventInTheSameBatchIsADuplicate) {
  IdempotencyStage stage(store_.get());
  BatchContext batch;
  Submission s;
  s.peer = &region_;
  s.envelope = testing::MakeEnvelope("region-orebro");
  batch.AddPending(s.envelope.event_id(), 7, "region-orebro");
  Verdict v = stage.Process(s, batch);
  ASSERT_EQ(v.kind(), Verdict::Kind::kAnswer);
  EXPECT_EQ(v.pending_index(), std::optional<size_t>(7));
}

TEST_F(IdempotencyStageTest, PendingIdOfAnotherOrganisationIsRefused) {
  Party kommun = testing::MakeParty("kommun-orebro", v1::MUNICIPALITY);
  IdempotencyStage stage(store_.get());
  BatchContext batch;
  Submission s;
  s.peer = &kommun;
  s.envelope = testing::MakeEnvelope("kommun-orebro");
  batch.AddPending(s.envelope.event_id(), 3, "region-orebro");
  Verdict v = stage.Process(s, batch);
  ASSERT_EQ(v.kind(), Verdict::Kind::kReject);
  EXPECT_EQ(v.code(), v1::MALFORMED);
}

TEST_F(IdempotencyStageTest, IdReusedByAnotherOrganisationIsRefused) {
  v1::Envelope e = testing::MakeEnvelope("region-orebro");
  Commit(e);
  Party kommun = testing::MakeParty("kommun-orebro", v1::MUNICIPALITY);
  IdempotencyStage stage(store_.get());
  BatchContext batch;
  Submission s;
  s.peer = &kommun;
  s.envelope = e;
  s.envelope.set_source_organisation("kommun-orebro");
  Verdict v = stage.Process(s, batch);
  ASSERT_EQ(v.kind(), Verdict::Kind::kReject);
  EXPECT_EQ(v.code(), v1::MALFORMED);
  EXPECT_NE(v.sentence().find("already used by another organisation"),
            std::string::npos);
}

}  // namespace
}  // namespace samverkan::gateway
