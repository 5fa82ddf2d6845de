// The query API over a real log: tail returns metadata only, stats counts
// events and audited rejections, verify walks the chain in slices.
#include "gateway/query_handler.h"

#include <gtest/gtest.h>

#include "common/testing/temp_dir.h"
#include "gateway/chain.h"
#include "gateway/log/sqlite_log_store.h"
#include "gateway/pipeline.h"
#include "gateway/testing/test_envelopes.h"
#include "gateway/testing/test_rules.h"

namespace samverkan::gateway {
namespace {

class QueryHandlerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto writer = SqliteLogStore::Open(dir_.File("log.sqlite"), {});
    ASSERT_TRUE(writer.ok()) << writer.status().ToString();
    writer_ = std::move(*writer);
    SqliteLogStore::Options read_only;
    read_only.read_only = true;
    auto reader = SqliteLogStore::Open(dir_.File("log.sqlite"), read_only);
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    reader_ = std::move(*reader);
    pipeline_ = std::make_unique<Pipeline>(
        BuildIngressChain(config_, writer_.get(), &state_, &engine_), writer_.get(),
        &state_, &engine_, &clock_, &metrics_);
    std::vector<Submission> setup;
    for (auto e :
         {testing::MakeConsentGranted("region-orebro", "p-1001", "c-1"),
          testing::MakePlanOpened(
              "p-1001", {{"region-orebro", v1::REGION_PSYCHIATRY}})}) {
      Submission s;
      s.peer = &region_;
      s.bytes = e.SerializeAsString();
      setup.push_back(std::move(s));
    }
    pipeline_->Run(setup);
    ASSERT_EQ(writer_->Head()->sequence, kBase);
  }

  static constexpr uint64_t kBase = 2;  // consent + plan

  void Submit(int accepted, int forged) {
    std::vector<Submission> batch;
    for (int i = 0; i < accepted + forged; ++i) {
      Submission s;
      s.peer = &region_;
      v1::Envelope e = testing::MakeEnvelope(i < accepted ? "region-orebro"
                                                          : "someone-else");
      e.mutable_health_deteriorated()->set_clinical_note("secret note");
      s.bytes = e.SerializeAsString();
      batch.push_back(std::move(s));
    }
    pipeline_->Run(batch);
  }

  samverkan::testing::TempDir dir_;
  GatewayConfig config_;
  ManualClock clock_{1795000000LL * 1000000};
  TransitionEngine engine_{testing::ShippedRuleSet(), nullptr};
  PipelineMetrics metrics_;
  ParticipantState state_{&clock_};
  std::unique_ptr<SqliteLogStore> writer_, reader_;
  std::unique_ptr<Pipeline> pipeline_;
  Party region_ = testing::MakeParty("region-orebro", v1::REGION_PSYCHIATRY);
};

TEST_F(QueryHandlerTest, TailReturnsMetadataFromASequence) {
  Submit(5, 0);
  QueryHandler handler(reader_.get(), &metrics_);
  v1::QueryRequest request;
  request.mutable_tail()->set_from_sequence(kBase + 3);
  v1::QueryReply reply = handler.Handle(request);
  ASSERT_TRUE(reply.has_tail()) << reply.DebugString();
  ASSERT_EQ(reply.tail().records_size(), 3);
  EXPECT_EQ(reply.tail().records(0).sequence(), kBase + 3);
  EXPECT_EQ(reply.tail().records(0).payload_type(), "health_deteriorated");
  EXPECT_EQ(reply.tail().records(0).source_organisation(), "region-orebro");
  EXPECT_EQ(reply.tail().head_sequence(), kBase + 5);
  // Operators never see payload contents.
  EXPECT_EQ(reply.SerializeAsString().find("secret note"), std::string::npos);
}

TEST_F(QueryHandlerTest, StatsCountEventsAndRejections) {
  Submit(4, 2);
  QueryHandler handler(reader_.get(), &metrics_);
  v1::QueryRequest request;
  request.mutable_stats();
  v1::QueryReply reply = handler.Handle(request);
  ASSERT_TRUE(reply.has_stats());
  EXPECT_EQ(reply.stats().head_sequence(), kBase + 4);
  ASSERT_EQ(reply.stats().rejections_size(), 1);
  EXPECT_EQ(reply.stats().rejections(0).code(), v1::SOURCE_MISMATCH);
  EXPECT_EQ(reply.stats().rejections(0).count(), 2u);
  EXPECT_EQ(reply.stats().batches_committed(), 2u);
}

TEST_F(QueryHandlerTest, VerifyWalksSlices) {
  Submit(10, 0);
  QueryHandler handler(reader_.get(), &metrics_);
  v1::QueryRequest request;
  request.mutable_verify()->set_from_sequence(1);
  request.mutable_verify()->set_limit(4);
  v1::QueryReply first = handler.Handle(request);
  ASSERT_TRUE(first.has_verify()) << first.DebugString();
  EXPECT_TRUE(first.verify().ok());
  EXPECT_EQ(first.verify().verified_through(), 4u);
  request.mutable_verify()->set_from_sequence(5);
  request.mutable_verify()->set_limit(100);
  v1::QueryReply rest = handler.Handle(request);
  EXPECT_TRUE(rest.verify().ok());
  EXPECT_EQ(rest.verify().verified_through(), kBase + 10);
  EXPECT_EQ(rest.verify().head_sequence(), kBase + 10);
}

TEST_F(QueryHandlerTest, EmptyQueryIsAnError) {
  QueryHandler handler(reader_.get(), &metrics_);
  v1::QueryReply reply = handler.Handle(v1::QueryRequest());
  ASSERT_TRUE(reply.has_error());
  EXPECT_EQ(reply.error().code(), v1::MALFORMED);
}

}  // namespace
}  // namespace samverkan::gateway
