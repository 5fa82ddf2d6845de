// The query API over a real log: tail returns metadata only, stats counts
// events and audited rejections, verify walks the chain in slices, a
// timeline holds one participant's records (the gateway's too) and handovers
// come from the ledger projection.
#include "gateway/query_handler.h"

#include <gtest/gtest.h>

#include "common/testing/temp_dir.h"
#include "gateway/chain.h"
#include "gateway/log/sqlite_log_store.h"
#include "gateway/pipeline.h"
#include "gateway/testing/test_envelopes.h"
#include "gateway/testing/test_rules.h"
#include "samverkan/v1/ledger.pb.h"

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
        BuildIngressChain(config_, writer_.get(), &state_, &engine_),
        writer_.get(), &state_, &engine_, &clock_, &metrics_);
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
  // Both commits were timed; their times add up to the histogram's sum.
  EXPECT_GT(reply.stats().commit_seconds_total(), 0);
  EXPECT_EQ(reply.stats().commit_seconds_total(),
            metrics_.commit_seconds.Snapshot().sum);
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

TEST_F(QueryHandlerTest, TimelineHoldsOneParticipantsRecordsOnly) {
  Submit(2, 0);  // kBase + 1, kBase + 2, about p-1001
  // A record the gateway wrote about p-1001 and an event about someone else.
  Batch batch;
  v1::Envelope alert;
  alert.set_participant_id("p-1001");
  alert.mutable_alert()->set_rule_id("illness_in_programme");
  alert.mutable_alert()->set_sentence("secret sentence");
  batch.records.push_back({v1::GATEWAY_EVENT, "gw-1", "p-1001",
                           "samverkan-gateway", "alert",
                           alert.SerializeAsString()});
  v1::Envelope other = testing::MakeEnvelope("region-orebro");
  other.set_participant_id("p-2002");
  batch.records.push_back({v1::EVENT, other.event_id(), "p-2002",
                           "region-orebro", "health_deteriorated",
                           other.SerializeAsString()});
  ASSERT_TRUE(writer_->Append(batch, 1795000000LL * 1000000).ok());

  QueryHandler handler(reader_.get(), &metrics_);
  v1::QueryRequest request;
  request.mutable_timeline()->set_participant_id("p-1001");
  v1::QueryReply reply = handler.Handle(request);
  ASSERT_TRUE(reply.has_timeline()) << reply.DebugString();
  EXPECT_EQ(reply.timeline().participant_id(), "p-1001");
  std::vector<uint64_t> sequences;
  for (const auto& r : reply.timeline().records()) {
    EXPECT_EQ(r.participant_id(), "p-1001");
    sequences.push_back(r.sequence());
  }
  EXPECT_EQ(sequences, (std::vector<uint64_t>{1, 2, 3, 4, 5}));
  const v1::RecordMetadata& last = reply.timeline().records(4);
  EXPECT_EQ(last.kind(), v1::GATEWAY_EVENT);
  EXPECT_EQ(last.payload_type(), "alert");
  EXPECT_EQ(last.source_organisation(), "samverkan-gateway");
  EXPECT_EQ(reply.SerializeAsString().find("secret"), std::string::npos);

  // Paging from a sequence.
  request.mutable_timeline()->set_from_sequence(4);
  request.mutable_timeline()->set_limit(1);
  reply = handler.Handle(request);
  ASSERT_EQ(reply.timeline().records_size(), 1);
  EXPECT_EQ(reply.timeline().records(0).sequence(), 4u);

  request.mutable_timeline()->set_participant_id("");
  EXPECT_EQ(handler.Handle(request).error().code(), v1::MALFORMED);
}

v1::LedgerHandover MakeHandover(const std::string& id, bool escalated,
                                int day) {
  v1::LedgerHandover h;
  h.mutable_opened()->set_handover_id(id);
  h.mutable_opened()->set_rule_id("illness_in_programme");
  h.mutable_opened()->set_rule_set_version("2026.1");
  h.mutable_opened()->set_from_organisation("arbetsformedlingen");
  h.mutable_opened()->set_to_organisation("kommun-orebro");
  h.mutable_opened()->set_sentence("health details never leave");
  h.mutable_opened()->mutable_deadline()->set_year(2026);
  h.mutable_opened()->mutable_deadline()->set_month(3);
  h.mutable_opened()->mutable_deadline()->set_day(day);
  h.set_escalated(escalated);
  return h;
}

TEST_F(QueryHandlerTest, HandoversComeFromTheLedgerProjection) {
  v1::ParticipantLedger anna, bilal;
  *anna.add_handovers() = MakeHandover("h-1", false, 16);
  *anna.add_handovers() = MakeHandover("h-2", true, 9);
  *bilal.add_handovers() = MakeHandover("h-3", false, 20);
  Batch batch;
  batch.projections = {{"ledger:p-anna", kBase, anna.SerializeAsString()},
                       {"ledger:p-bilal", kBase, bilal.SerializeAsString()},
                       {"other:p-anna", kBase, "not a ledger"}};
  ASSERT_TRUE(writer_->Append(batch, 1795000000LL * 1000000).ok());

  QueryHandler handler(reader_.get(), &metrics_);
  v1::QueryRequest request;
  request.mutable_handovers();
  v1::QueryReply reply = handler.Handle(request);
  ASSERT_TRUE(reply.has_handovers()) << reply.DebugString();
  std::vector<std::string> seen;
  for (const v1::HandoverSummary& h : reply.handovers().handovers()) {
    seen.push_back(h.participant_id() + " " + h.handover_id() + " " +
                   v1::HandoverState_Name(h.state()) + " " + h.rule_id() + " " +
                   h.to_organisation() + " " +
                   std::to_string(h.deadline().day()));
  }
  EXPECT_EQ(seen, (std::vector<std::string>{
                      "p-anna h-1 HANDOVER_OPEN illness_in_programme "
                      "kommun-orebro 16",
                      "p-anna h-2 HANDOVER_ESCALATED illness_in_programme "
                      "kommun-orebro 9",
                      "p-bilal h-3 HANDOVER_OPEN illness_in_programme "
                      "kommun-orebro 20"}));
  EXPECT_TRUE(reply.handovers().next_after_participant_id().empty());
  // Operational metadata only: the sentence stays in the ledger.
  EXPECT_EQ(reply.SerializeAsString().find("health details"),
            std::string::npos);

  request.mutable_handovers()->set_escalated_only(true);
  reply = handler.Handle(request);
  ASSERT_EQ(reply.handovers().handovers_size(), 1);
  EXPECT_EQ(reply.handovers().handovers(0).handover_id(), "h-2");

  // Paging by participant.
  request.mutable_handovers()->set_escalated_only(false);
  request.mutable_handovers()->set_after_participant_id("p-anna");
  reply = handler.Handle(request);
  ASSERT_EQ(reply.handovers().handovers_size(), 1);
  EXPECT_EQ(reply.handovers().handovers(0).participant_id(), "p-bilal");
}

TEST_F(QueryHandlerTest, EmptyQueryIsAnError) {
  QueryHandler handler(reader_.get(), &metrics_);
  v1::QueryReply reply = handler.Handle(v1::QueryRequest());
  ASSERT_TRUE(reply.has_error());
  EXPECT_EQ(reply.error().code(), v1::MALFORMED);
}

}  // namespace
}  // namespace samverkan::gateway
