// Group commit over a real SQLite log: sequences, duplicates (across and within
// batches), audited rejections, and a failing commit that acknowledges nothing.
#include "gateway/pipeline.h"

#include <gtest/gtest.h>

#include <map>

#include "common/testing/temp_dir.h"
#include "gateway/chain.h"
#include "gateway/log/sqlite_log_store.h"
#include "gateway/testing/test_envelopes.h"
#include "gateway/testing/test_rules.h"

namespace samverkan::gateway {
namespace {

using testing::MakeEnvelope;
using testing::MakeParty;

class PipelineTest : public ::testing::Test {
 protected:
  void Open(SqliteLogStore::Options options = {}) {
    auto store = SqliteLogStore::Open(dir_.File("log.sqlite"), options);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
    pipeline_ = std::make_unique<Pipeline>(
        BuildIngressChain(config_, store_.get(), &state_, &engine_),
        store_.get(), &state_, &engine_, &clock_, &metrics_);
    // Consent and an open plan, without which nothing about p-1001 passes.
    std::vector<Submission> setup;
    setup.push_back(From(region_, testing::MakeConsentGranted(
                                      "region-orebro", "p-1001", "c-1")));
    setup.push_back(
        From(region_, testing::MakePlanOpened(
                          "p-1001", {{"region-orebro", v1::REGION_PSYCHIATRY},
                                     {"kommun-orebro", v1::MUNICIPALITY}})));
    for (const auto& r : pipeline_->Run(setup)) {
      ASSERT_EQ(r.outcome(), v1::ACCEPTED) << r.message();
    }
    metrics_.batches_committed = 0;
    metrics_.accepted = 0;
  }

  static constexpr uint64_t kBase = 2;  // consent + plan

  // Events of about 2 KB each, to fill a small max_page_count quickly.
  std::vector<Submission> LargeEvents(int count) {
    std::vector<Submission> out;
    for (int i = 0; i < count; ++i) {
      v1::Envelope e = MakeEnvelope("region-orebro");
      e.mutable_health_deteriorated()->set_clinical_note(
          std::string(2000, 'n'));
      out.push_back(From(region_, e));
    }
    return out;
  }

  Submission From(const Party& peer, const v1::Envelope& e) {
    Submission s;
    s.peer = &peer;
    s.bytes = e.SerializeAsString();
    return s;
  }

  samverkan::testing::TempDir dir_;
  GatewayConfig config_;
  ManualClock clock_{1795000000LL * 1000000};
  TransitionEngine engine_{testing::ShippedRuleSet(), nullptr};
  PipelineMetrics metrics_;
  ParticipantState state_{&clock_};
  std::unique_ptr<SqliteLogStore> store_;
  std::unique_ptr<Pipeline> pipeline_;
  Party region_ = MakeParty("region-orebro", v1::REGION_PSYCHIATRY);
  Party kommun_ = MakeParty("kommun-orebro", v1::MUNICIPALITY);
};

TEST_F(PipelineTest, AcceptedEventsGetConsecutiveSequences) {
  Open();
  std::vector<Submission> batch;
  for (int i = 0; i < 3; ++i)
    batch.push_back(From(region_, MakeEnvelope("region-orebro")));
  auto replies = pipeline_->Run(batch);
  ASSERT_EQ(replies.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(replies[i].outcome(), v1::ACCEPTED) << replies[i].message();
    EXPECT_EQ(replies[i].sequence(), kBase + i + 1);
    EXPECT_FALSE(replies[i].duplicate());
  }
  EXPECT_EQ(store_->Head()->sequence, kBase + 3);
  EXPECT_EQ(metrics_.batches_committed.load(), 1u);
}

// The /metrics counters agree with what the store recorded.
TEST_F(PipelineTest, MetricsCountCommitsAndDisclosureDecisions) {
  Open();
  const uint64_t batches_before = metrics_.commit_batch_size.Snapshot().count;
  const HistogramSnapshot times_before = metrics_.commit_seconds.Snapshot();
  std::vector<Submission> batch;
  for (int i = 0; i < 3; ++i)
    batch.push_back(From(region_, MakeEnvelope("region-orebro")));
  pipeline_->Run(batch);
  HistogramSnapshot sizes = metrics_.commit_batch_size.Snapshot();
  EXPECT_EQ(sizes.count, batches_before + 1);
  EXPECT_EQ(sizes.cumulative.back(), sizes.count);  // 3 fits the buckets
  // The commit wrote and flushed a file: it took some time, and less than
  // the top bucket's 5 s.
  HistogramSnapshot times = metrics_.commit_seconds.Snapshot();
  EXPECT_EQ(times.count, times_before.count + 1);
  EXPECT_EQ(times.cumulative.back(), times.count);
  EXPECT_GT(times.sum, times_before.sum);
  EXPECT_FALSE(metrics_.last_commit_failed.load());

  std::vector<StoredDisclosure> decisions;
  ASSERT_TRUE(store_->ReadDisclosures("p-1001", 0, 1000, &decisions).ok());
  std::map<std::string, uint64_t> delivered, withheld;
  for (const StoredDisclosure& d : decisions) {
    (d.delivered ? delivered : withheld)[d.recipient]++;
  }
  MetricsSnapshot snapshot = metrics_.Snapshot(clock_.NowMicros());
  EXPECT_EQ(snapshot.delivered, delivered);
  EXPECT_EQ(snapshot.withheld, withheld);
  EXPECT_EQ(snapshot.last_commit_age_seconds, 0);
  // Far from the index lag, so every record waits for an index pass.
  EXPECT_EQ(snapshot.log_unindexed_records, kBase + 3);
  // Each event changed its participant's ledger; far from the fold's lag.
  EXPECT_GT(snapshot.log_unfolded_projection_changes, 0u);
  ASSERT_TRUE(store_->RunDeferredWork().ok());
  pipeline_->Tick();
  EXPECT_EQ(metrics_.log_unindexed_records.load(), 0u);
  EXPECT_EQ(metrics_.log_unfolded_projection_changes.load(), 0u);
}

TEST_F(PipelineTest, DuplicatesGetTheOriginalSequenceAndAreStoredOnce) {
  Open();
  v1::Envelope e = MakeEnvelope("region-orebro");
  std::vector<Submission> first;
  first.push_back(From(region_, MakeEnvelope("region-orebro")));
  first.push_back(From(region_, e));
  first.push_back(From(region_, e));  // duplicate inside the batch
  auto r1 = pipeline_->Run(first);
  EXPECT_EQ(r1[1].sequence(), kBase + 2);
  EXPECT_EQ(r1[2].outcome(), v1::ACCEPTED);
  EXPECT_TRUE(r1[2].duplicate());
  EXPECT_EQ(r1[2].sequence(), kBase + 2);

  std::vector<Submission> again;
  again.push_back(From(region_, e));  // duplicate across batches
  auto r2 = pipeline_->Run(again);
  EXPECT_EQ(r2[0].outcome(), v1::ACCEPTED);
  EXPECT_TRUE(r2[0].duplicate());
  EXPECT_EQ(r2[0].sequence(), kBase + 2);
  EXPECT_EQ(store_->Head()->sequence, kBase + 2);
  EXPECT_EQ(metrics_.duplicates.load(), 2u);
}

TEST_F(PipelineTest, RejectionsAreAuditedAndDoNotStopTheBatch) {
  Open();
  std::vector<Submission> batch;
  batch.push_back(From(kommun_, MakeEnvelope("region-orebro")));  // forged
  Submission garbage;
  garbage.peer = &region_;
  garbage.bytes = "not an envelope";
  batch.push_back(std::move(garbage));
  batch.push_back(From(region_, MakeEnvelope("region-orebro")));
  auto replies = pipeline_->Run(batch);
  EXPECT_EQ(replies[0].code(), v1::SOURCE_MISMATCH);
  EXPECT_EQ(replies[1].code(), v1::MALFORMED);
  EXPECT_EQ(replies[2].outcome(), v1::ACCEPTED);
  EXPECT_EQ(replies[2].sequence(), kBase + 1);

  auto counts = store_->CountRejections();
  ASSERT_TRUE(counts.ok());
  std::map<v1::RejectionCode, uint64_t> by_code;
  for (const auto& c : *counts) by_code[c.code()] = c.count();
  EXPECT_EQ(by_code[v1::SOURCE_MISMATCH], 1u);
  EXPECT_EQ(by_code[v1::MALFORMED], 1u);
  EXPECT_EQ(metrics_.Rejected(v1::MALFORMED), 1u);
}

// Every rejection answered is in the audit trail: a batch whose commit fails
// takes its audit rows with it, so its rejections are answered RETRY_LATER.
TEST_F(PipelineTest, FailedCommitAnswersTheBatchsRejectionsRetryLater) {
  SqliteLogStore::Options options;
  options.max_page_count = 64;  // a tiny "disk"
  Open(options);
  uint64_t malformed_answered = 0;
  bool failed = false;
  for (int round = 0; round < 200 && !failed; ++round) {
    std::vector<Submission> batch = LargeEvents(10);
    Submission garbage;
    garbage.peer = &region_;
    garbage.bytes = "not an envelope";
    batch.push_back(std::move(garbage));
    const auto replies = pipeline_->Run(batch);
    failed = replies.front().code() == v1::RETRY_LATER;
    if (failed) {
      for (const auto& r : replies) EXPECT_EQ(r.code(), v1::RETRY_LATER);
    } else {
      EXPECT_EQ(replies.back().code(), v1::MALFORMED);
      ++malformed_answered;
    }
  }
  ASSERT_TRUE(failed);
  auto counts = store_->CountRejections();
  ASSERT_TRUE(counts.ok());
  uint64_t malformed_audited = 0;
  for (const auto& c : *counts) {
    if (c.code() == v1::MALFORMED) malformed_audited = c.count();
  }
  EXPECT_EQ(malformed_audited, malformed_answered);
  EXPECT_EQ(metrics_.Rejected(v1::MALFORMED), malformed_answered);
}

TEST_F(PipelineTest, FullStoreAnswersRetryLaterAndLosesNothingAcknowledged) {
  SqliteLogStore::Options options;
  options.max_page_count = 64;  // a tiny "disk"
  Open(options);
  std::vector<uint64_t> acknowledged;
  bool saw_retry_later = false;
  for (int round = 0; round < 200 && !saw_retry_later; ++round) {
    std::vector<Submission> batch = LargeEvents(10);
    for (const auto& r : pipeline_->Run(batch)) {
      if (r.outcome() == v1::ACCEPTED) acknowledged.push_back(r.sequence());
      if (r.code() == v1::RETRY_LATER) saw_retry_later = true;
    }
  }
  ASSERT_TRUE(saw_retry_later);
  EXPECT_GT(metrics_.commit_failures.load(), 0u);
  // Only commits that succeeded are timed, as only they are sized.
  EXPECT_EQ(metrics_.commit_seconds.Snapshot().count,
            metrics_.commit_batch_size.Snapshot().count);
  EXPECT_TRUE(metrics_.last_commit_failed.load());  // /healthz says 503
  std::vector<StoredRecord> records;
  ASSERT_TRUE(store_->Read(kBase + 1, 100000, &records).ok());
  ASSERT_EQ(records.size(), acknowledged.size());
  for (size_t i = 0; i < records.size(); ++i) {
    EXPECT_EQ(records[i].sequence, acknowledged[i]);
  }
}

}  // namespace
}  // namespace samverkan::gateway
