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
  EXPECT_TRUE(v.pending());
  EXPECT_EQ(v.sequence(), 7u);
}

// An event of the batch still committing is pending in an older open batch
// of the context, not in the store: a duplicate all the same.
TEST_F(IdempotencyStageTest, EventOfTheBatchCommittingMeanwhileIsADuplicate) {
  IdempotencyStage stage(store_.get());
  BatchContext batch;
  Submission s;
  s.peer = &region_;
  s.envelope = testing::MakeEnvelope("region-orebro");
  batch.OpenBatch();
  batch.AddPending(s.envelope.event_id(), 12, "region-orebro");
  batch.OpenBatch();
  batch.AddPending("another-id", 13, "region-orebro");
  Submission* prefetch[] = {&s};
  stage.Prefetch(prefetch);
  ASSERT_TRUE(s.logged.has_value());
  EXPECT_FALSE(s.logged->sequence.has_value());
  Verdict v = stage.Process(s, batch);
  ASSERT_EQ(v.kind(), Verdict::Kind::kAnswer);
  EXPECT_TRUE(v.pending());
  EXPECT_EQ(v.sequence(), 12u);
  // Once that batch has committed, the context forgets it.
  batch.CommitOldest();
  EXPECT_EQ(batch.FindPending(s.envelope.event_id()), nullptr);
  EXPECT_NE(batch.FindPending("another-id"), nullptr);
}

// Prefetch answers a whole batch from one read, in order; Process then
// decides without asking the log again (the log changes in between here,
// as it does when the batch before commits, and the answer stays the
// prefetched one).
TEST_F(IdempotencyStageTest, PrefetchLooksUpTheBatchBeforeProcess) {
  v1::Envelope logged = testing::MakeEnvelope("region-orebro");
  Commit(testing::MakeEnvelope("region-orebro"));
  Commit(logged);
  IdempotencyStage stage(store_.get());
  std::vector<Submission> subs(3);
  subs[0].envelope = testing::MakeEnvelope("region-orebro");
  subs[1].envelope = logged;
  subs[2].envelope = testing::MakeEnvelope("region-orebro");
  std::vector<Submission*> all;
  for (Submission& s : subs) {
    s.peer = &region_;
    all.push_back(&s);
  }
  stage.Prefetch(all);
  for (const Submission& s : subs) {
    ASSERT_TRUE(s.logged.has_value());
    EXPECT_FALSE(s.logged->failed);
  }
  EXPECT_FALSE(subs[0].logged->sequence.has_value());
  EXPECT_EQ(subs[1].logged->sequence, std::optional<uint64_t>(2));
  EXPECT_EQ(subs[1].logged->source_organisation, "region-orebro");
  Commit(subs[2].envelope);
  BatchContext batch;
  EXPECT_EQ(stage.Process(subs[0], batch).kind(), Verdict::Kind::kContinue);
  Verdict duplicate = stage.Process(subs[1], batch);
  ASSERT_EQ(duplicate.kind(), Verdict::Kind::kAnswer);
  EXPECT_FALSE(duplicate.pending());
  EXPECT_EQ(duplicate.sequence(), 2u);
  EXPECT_EQ(stage.Process(subs[2], batch).kind(), Verdict::Kind::kContinue);
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
