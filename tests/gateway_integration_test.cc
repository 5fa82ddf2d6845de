// One real samverkan-gateway process, three publishing parties and an
// operator, each with its own CURVE key, over TCP loopback: what the gateway
// answers to good and bad submissions, that every rejection leaves it serving
// everyone else, and what operators can (and cannot) see through the query
// endpoint and the samverkan-operator CLI.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "common/transport/curve_keys.h"
#include "gateway/log/sqlite_log_store.h"
#include "gateway/testing/test_envelopes.h"
#include "samverkan/v1/envelope.pb.h"
#include "samverkan/v1/gateway.pb.h"
#include "tests/support/gateway_fixture.h"
#include "tests/support/log_reader.h"
#include "tests/support/plan_setup.h"

namespace samverkan::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;

// Long enough for a loaded sanitizer build to answer, short enough that a
// missing reply fails the test quickly.
constexpr auto kReplyTimeout = 15s;
// How long "no reply" is waited for. A reply that would come at all comes in
// milliseconds on loopback; this only bounds the wait for its absence.
constexpr auto kSilence = 1500ms;

constexpr uint32_t kMaxEventBytes = 4096;
// The participant of MakeEnvelope.
constexpr char kParticipant[] = "p-1001";
constexpr uint32_t kMaxMessageBytes = 65536;

v1::Envelope RegionEvent() { return gateway::testing::MakeEnvelope(kRegion); }

v1::Envelope KommunEvent() {
  v1::Envelope e = gateway::testing::MakeEnvelope(kKommun);
  auto* ips = e.mutable_ips_enrolled();
  ips->set_coach_organisation(kKommun);
  ips->mutable_enrolled_on()->set_year(2026);
  ips->mutable_enrolled_on()->set_month(10);
  ips->mutable_enrolled_on()->set_day(5);
  return e;
}

v1::Envelope AktivitetsersattningFrom(const std::string& organisation) {
  v1::Envelope e = gateway::testing::MakeEnvelope(organisation);
  auto* a = e.mutable_aktivitetsersattning_granted();
  a->set_grade_percent(50);
  a->mutable_period()->mutable_start()->set_year(2026);
  a->mutable_period()->mutable_start()->set_month(12);
  a->mutable_period()->mutable_start()->set_day(1);
  a->mutable_period()->mutable_end()->set_year(2027);
  a->mutable_period()->mutable_end()->set_month(11);
  a->mutable_period()->mutable_end()->set_day(30);
  a->set_reason(v1::REDUCED_WORK_CAPACITY);
  a->set_monthly_amount_sek(9000);
  return e;
}

// A grant for the next calendar year each call: the transition rules refuse
// a second grant overlapping one already granted.
v1::Envelope FkEvent() {
  // Far ahead, so that no "period ending" reminder is already due.
  static int year = 2040;
  v1::Envelope e = AktivitetsersattningFrom(kFk);
  auto* period = e.mutable_aktivitetsersattning_granted()->mutable_period();
  period->mutable_start()->set_year(year);
  period->mutable_start()->set_month(1);
  period->mutable_end()->set_year(year++);
  period->mutable_end()->set_month(12);
  period->mutable_end()->set_day(31);
  return e;
}

v1::Envelope EventFrom(const std::string& organisation) {
  if (organisation == kRegion) return RegionEvent();
  if (organisation == kKommun) return KommunEvent();
  return FkEvent();
}

// Bytes that are not an Envelope: a length-delimited field 1 whose length
// varint is cut off.
const std::string kGarbage("\x0a\xff\xff", 3);

class GatewayIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    GatewayFixtureOptions options;
    options.parties = StandardParties();
    options.max_event_bytes = kMaxEventBytes;
    options.max_message_bytes = kMaxMessageBytes;
    auto fixture = GatewayFixture::Create(options);
    ASSERT_TRUE(fixture.ok()) << fixture.status().ToString();
    gateway_ = std::move(*fixture);
    Status started = gateway_->Start();
    ASSERT_TRUE(started.ok()) << started.ToString();
    ConnectAll();
    ASSERT_FALSE(HasFatalFailure());
    // Every event below is about this participant; the municipality opens
    // the plan, as it coordinates.
    auto setup = OpenPlanWithConsent(Client(kKommun), kKommun, kParticipant,
                                     StandardParties());
    ASSERT_TRUE(setup.ok()) << setup.status().ToString();
    base_ = setup->sequences.back();
    last_sequence_ = base_;
  }

  // (Re)connects every party to the gateway's current endpoints.
  void ConnectAll() {
    for (const char* org : {kRegion, kKommun, kFk}) {
      auto client = gateway_->ConnectIngress(org);
      ASSERT_TRUE(client.ok()) << client.status().ToString();
      clients_[org] = std::move(*client);
    }
    auto query = gateway_->ConnectQuery(kOperator);
    ASSERT_TRUE(query.ok()) << query.status().ToString();
    query_ = std::move(*query);
  }

  client::GatewayClient& Client(const std::string& organisation) {
    return *clients_.at(organisation);
  }

  // Submits and waits for this submission's reply; a missing reply is a
  // failure (reported as a reply with no outcome).
  v1::SubmitReply Submit(const std::string& organisation,
                         const std::string& bytes) {
    auto reply = Client(organisation).SubmitAndWait(bytes, kReplyTimeout);
    EXPECT_TRUE(reply.ok())
        << organisation << ": " << reply.status().ToString();
    return reply.ok() ? *reply : v1::SubmitReply();
  }
  v1::SubmitReply Submit(const std::string& organisation,
                         const v1::Envelope& envelope) {
    return Submit(organisation, envelope.SerializeAsString());
  }

  // The proof that a gateway still serves after whatever came before: a
  // fresh valid event from `organisation` is accepted with a sequence after
  // every one seen so far.
  void ExpectStillServes(const std::string& organisation) {
    SCOPED_TRACE("still serving " + organisation);
    v1::Envelope e = EventFrom(organisation);
    v1::SubmitReply reply = Submit(organisation, e);
    EXPECT_EQ(reply.outcome(), v1::ACCEPTED) << reply.ShortDebugString();
    EXPECT_FALSE(reply.duplicate());
    EXPECT_EQ(reply.event_id(), e.event_id());
    EXPECT_GT(reply.sequence(), last_sequence_);
    last_sequence_ = std::max(last_sequence_, reply.sequence());
  }

  v1::SubmitReply ExpectAccepted(const std::string& organisation,
                                 const v1::Envelope& e) {
    v1::SubmitReply reply = Submit(organisation, e);
    EXPECT_EQ(reply.outcome(), v1::ACCEPTED) << reply.ShortDebugString();
    EXPECT_EQ(reply.event_id(), e.event_id());
    if (!reply.duplicate()) {
      EXPECT_GT(reply.sequence(), last_sequence_);
      last_sequence_ = std::max(last_sequence_, reply.sequence());
    }
    return reply;
  }

  v1::StatsReply Stats(client::QueryClient& query) {
    v1::QueryRequest request;
    request.mutable_stats();
    auto reply = query.Query(request, kReplyTimeout);
    EXPECT_TRUE(reply.ok()) << reply.status().ToString();
    if (!reply.ok()) return {};
    EXPECT_TRUE(reply->has_stats()) << reply->ShortDebugString();
    return reply->stats();
  }
  v1::StatsReply Stats() { return Stats(*query_); }

  static std::map<v1::RejectionCode, uint64_t> ByCode(
      const v1::StatsReply& stats) {
    std::map<v1::RejectionCode, uint64_t> out;
    for (const auto& r : stats.rejections()) out[r.code()] += r.count();
    return out;
  }

  std::unique_ptr<GatewayFixture> gateway_;
  std::map<std::string, std::unique_ptr<client::GatewayClient>> clients_;
  std::unique_ptr<client::QueryClient> query_;
  // The head after the participant's consent and plan, before any test event.
  uint64_t base_ = 0;
  uint64_t last_sequence_ = 0;
};

TEST_F(GatewayIntegrationTest, ValidEventsFromEveryPartyAreAcceptedInOrder) {
  // Pipelined: each party sends several before reading any reply.
  std::map<std::string, std::vector<v1::Envelope>> sent;
  for (int round = 0; round < 5; ++round) {
    for (const char* org : {kRegion, kKommun, kFk}) {
      v1::Envelope e = EventFrom(org);
      ASSERT_TRUE(
          Client(org)
              .Submit(org + std::to_string(round), e.SerializeAsString())
              .ok());
      sent[org].push_back(e);
    }
  }
  std::map<uint64_t, std::string> sequence_owner;
  for (const char* org : {kRegion, kKommun, kFk}) {
    uint64_t previous = 0;
    for (int round = 0; round < 5; ++round) {
      auto ack = Client(org).Receive(kReplyTimeout);
      ASSERT_TRUE(ack.has_value()) << org << " got no reply";
      // Replies on one connection come back in submission order.
      EXPECT_EQ(ack->correlation, org + std::to_string(round));
      EXPECT_TRUE(ack->well_formed);
      EXPECT_EQ(ack->reply.outcome(), v1::ACCEPTED)
          << ack->reply.ShortDebugString();
      EXPECT_EQ(ack->reply.event_id(), sent[org][round].event_id());
      EXPECT_FALSE(ack->reply.duplicate());
      EXPECT_GT(ack->reply.sequence(), previous);
      previous = ack->reply.sequence();
      EXPECT_TRUE(sequence_owner.emplace(previous, org).second)
          << "sequence " << previous << " given twice";
    }
  }
  // Fifteen events, fifteen sequences, no gaps.
  ASSERT_EQ(sequence_owner.size(), 15u);
  EXPECT_EQ(sequence_owner.begin()->first, base_ + 1);
  EXPECT_EQ(sequence_owner.rbegin()->first, base_ + 15);
  EXPECT_EQ(Stats().head_sequence(), base_ + 15);
  last_sequence_ = base_ + 15;
  ExpectStillServes(kRegion);
}

TEST_F(GatewayIntegrationTest, GatewayAllocatesWithJemalloc) {
#if SAMVERKAN_JEMALLOC
  // The allocator is a link-time choice (gateway/CMakeLists.txt) that a
  // linker flag could silently undo; the running process shows which won.
  std::ifstream maps("/proc/" + std::to_string(gateway_->process()->pid()) +
                     "/maps");
  ASSERT_TRUE(maps.good());
  std::stringstream text;
  text << maps.rdbuf();
  EXPECT_NE(text.str().find("libjemalloc"), std::string::npos);
#else
  GTEST_SKIP() << "sanitizer builds keep the sanitizer's allocator";
#endif
}

TEST_F(GatewayIntegrationTest, ResubmissionReturnsTheOriginalSequence) {
  ExpectStillServes(kKommun);
  v1::Envelope e = RegionEvent();
  v1::SubmitReply first = ExpectAccepted(kRegion, e);
  ASSERT_EQ(first.outcome(), v1::ACCEPTED);
  EXPECT_FALSE(first.duplicate());
  ExpectStillServes(kFk);

  v1::SubmitReply again = Submit(kRegion, e);
  EXPECT_EQ(again.outcome(), v1::ACCEPTED);
  EXPECT_TRUE(again.duplicate());
  EXPECT_EQ(again.sequence(), first.sequence());
  EXPECT_EQ(again.event_id(), e.event_id());

  // Also from a new connection of the same organisation, as after a
  // publisher's restart.
  auto reconnected = gateway_->ConnectIngress(kRegion);
  ASSERT_TRUE(reconnected.ok());
  auto third =
      (*reconnected)->SubmitAndWait(e.SerializeAsString(), kReplyTimeout);
  ASSERT_TRUE(third.ok()) << third.status().ToString();
  EXPECT_TRUE(third->duplicate());
  EXPECT_EQ(third->sequence(), first.sequence());
  EXPECT_EQ(Stats().head_sequence(), last_sequence_);

  // Another organisation reusing the id learns nothing about the original.
  v1::Envelope reuse = KommunEvent();
  reuse.set_event_id(e.event_id());
  v1::SubmitReply stolen = Submit(kKommun, reuse);
  EXPECT_EQ(stolen.outcome(), v1::REJECTED);
  EXPECT_EQ(stolen.code(), v1::MALFORMED);
  EXPECT_THAT(stolen.message(), HasSubstr("already used by another"));
  EXPECT_EQ(stolen.sequence(), 0u);
  EXPECT_FALSE(stolen.duplicate());
  ExpectStillServes(kFk);
}

TEST_F(GatewayIntegrationTest, BytesThatAreNotAnEnvelopeAreMalformed) {
  ASSERT_FALSE(v1::Envelope().ParseFromString(kGarbage));
  v1::SubmitReply reply = Submit(kKommun, kGarbage);
  EXPECT_EQ(reply.outcome(), v1::REJECTED);
  EXPECT_EQ(reply.code(), v1::MALFORMED);
  EXPECT_THAT(reply.message(), HasSubstr("not a samverkan.v1.Envelope"));

  // A parseable envelope with a bad field is named by its field.
  v1::Envelope no_uuid = KommunEvent();
  no_uuid.set_event_id("not-a-uuid");
  reply = Submit(kKommun, no_uuid);
  EXPECT_EQ(reply.code(), v1::MALFORMED);
  EXPECT_THAT(reply.message(), HasSubstr("event_id must be a UUID"));
  ExpectStillServes(kRegion);
  ExpectStillServes(kKommun);
}

TEST_F(GatewayIntegrationTest, WrongFrameLayoutIsAnsweredWithError) {
  // Two frames instead of three: the correlation still comes back.
  ASSERT_TRUE(Client(kFk).SendRaw({"SUBMIT", "corr-two-frames"}).ok());
  auto ack = Client(kFk).Receive(kReplyTimeout);
  ASSERT_TRUE(ack.has_value()) << "no reply to a two-frame message";
  EXPECT_FALSE(ack->well_formed) << "the verb must be ERROR, not SUBMIT";
  EXPECT_EQ(ack->correlation, "corr-two-frames");
  EXPECT_EQ(ack->reply.outcome(), v1::REJECTED);
  EXPECT_EQ(ack->reply.code(), v1::MALFORMED);
  EXPECT_THAT(ack->reply.message(), HasSubstr("expected three frames"));

  // A valid envelope under an unknown verb is not stored.
  v1::Envelope e = FkEvent();
  ASSERT_TRUE(Client(kFk)
                  .SendRaw({"PUBLISH", "corr-verb", e.SerializeAsString()})
                  .ok());
  ack = Client(kFk).Receive(kReplyTimeout);
  ASSERT_TRUE(ack.has_value()) << "no reply to an unknown verb";
  EXPECT_FALSE(ack->well_formed);
  EXPECT_EQ(ack->correlation, "corr-verb");
  EXPECT_EQ(ack->reply.code(), v1::MALFORMED);
  EXPECT_THAT(ack->reply.message(), HasSubstr("SUBMIT"));
  EXPECT_EQ(Stats().head_sequence(), base_);

  // An over-long correlation id.
  ASSERT_TRUE(Client(kFk)
                  .SendRaw({"SUBMIT", std::string(65, 'c'),
                            FkEvent().SerializeAsString()})
                  .ok());
  ack = Client(kFk).Receive(kReplyTimeout);
  ASSERT_TRUE(ack.has_value());
  EXPECT_FALSE(ack->well_formed);
  EXPECT_EQ(ack->reply.code(), v1::MALFORMED);
  EXPECT_THAT(ack->reply.message(), HasSubstr("longer than 64 bytes"));

  ExpectStillServes(kRegion);
  ExpectStillServes(kFk);
}

TEST_F(GatewayIntegrationTest, EnvelopeOverMaxEventBytesIsTooLarge) {
  v1::Envelope e = RegionEvent();
  e.mutable_health_deteriorated()->set_clinical_note(
      std::string(kMaxEventBytes + 100, 'n'));
  const std::string bytes = e.SerializeAsString();
  ASSERT_GT(bytes.size(), kMaxEventBytes);
  ASSERT_LT(bytes.size(), kMaxMessageBytes);
  v1::SubmitReply reply = Submit(kRegion, bytes);
  EXPECT_EQ(reply.outcome(), v1::REJECTED);
  EXPECT_EQ(reply.code(), v1::TOO_LARGE);
  EXPECT_THAT(reply.message(), HasSubstr(std::to_string(bytes.size())));
  EXPECT_THAT(reply.message(),
              HasSubstr("at most " + std::to_string(kMaxEventBytes)));
  ExpectStillServes(kKommun);
  ExpectStillServes(kRegion);
}

TEST_F(GatewayIntegrationTest, MessageOverMaxMessageBytesDropsOnlyThatClient) {
  ExpectStillServes(kRegion);
  const std::string huge(kMaxMessageBytes * 2, 'x');
  ASSERT_TRUE(Client(kRegion).Submit("huge", huge).ok());
  // ZeroMQ drops the connection when the size is announced: no reply, ever.
  auto ack = Client(kRegion).Receive(kSilence);
  EXPECT_FALSE(ack.has_value())
      << "unexpected reply: " << ack->reply.ShortDebugString();
  ExpectStillServes(kKommun);
  ExpectStillServes(kFk);
  // Nothing reached the pipeline, so nothing was counted either.
  EXPECT_TRUE(ByCode(Stats()).empty()) << Stats().ShortDebugString();
}

TEST_F(GatewayIntegrationTest, EnvelopeClaimingAnotherOrganisationIsRejected) {
  // The municipality's key, the region's name on the envelope.
  v1::Envelope e = RegionEvent();
  v1::SubmitReply reply = Submit(kKommun, e);
  EXPECT_EQ(reply.outcome(), v1::REJECTED);
  EXPECT_EQ(reply.code(), v1::SOURCE_MISMATCH);
  EXPECT_EQ(reply.event_id(), e.event_id());
  EXPECT_THAT(reply.message(), HasSubstr("'region-orebro'"));
  EXPECT_THAT(reply.message(), HasSubstr("authenticated as 'kommun-orebro'"));
  ExpectStillServes(kRegion);
  ExpectStillServes(kKommun);
}

TEST_F(GatewayIntegrationTest, MunicipalityMayNotGrantAktivitetsersattning) {
  v1::Envelope e = AktivitetsersattningFrom(kKommun);
  v1::SubmitReply reply = Submit(kKommun, e);
  EXPECT_EQ(reply.outcome(), v1::REJECTED);
  EXPECT_EQ(reply.code(), v1::NOT_AUTHORISED);
  EXPECT_THAT(reply.message(), HasSubstr("MUNICIPALITY may not publish "
                                         "aktivitetsersattning_granted"));
  EXPECT_THAT(reply.message(), HasSubstr("decided by FORSAKRINGSKASSAN"));
  // The same decision from Försäkringskassan is fine.
  ExpectStillServes(kFk);
  ExpectStillServes(kKommun);
}

TEST_F(GatewayIntegrationTest, UnknownKeyGetsNoReplyAndLeavesNoTrace) {
  ExpectStillServes(kRegion);
  const v1::StatsReply before = Stats();

  auto stranger_key = transport::GenerateCurveKeypair();
  ASSERT_TRUE(stranger_key.ok());
  auto stranger = gateway_->ConnectIngress(*stranger_key);
  ASSERT_TRUE(stranger.ok()) << stranger.status().ToString();
  // A perfectly valid envelope naming a registered organisation: only the
  // key is wrong.
  v1::Envelope e = RegionEvent();
  ASSERT_TRUE((*stranger)->Submit("stranger", e.SerializeAsString()).ok());
  auto ack = (*stranger)->Receive(kSilence);
  EXPECT_FALSE(ack.has_value())
      << "unexpected reply: " << ack->reply.ShortDebugString();

  ExpectStillServes(kKommun);
  const v1::StatsReply after = Stats();
  EXPECT_EQ(after.head_sequence(), before.head_sequence() + 1)
      << "only the municipality's event may have been added";
  EXPECT_EQ(ByCode(after), ByCode(before)) << "the refusal is not audited";

  auto log = OpenLogReadOnly(gateway_->LogPath());
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  auto found = (*log)->FindEvent(e.event_id());
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_FALSE(found->has_value()) << "stored at " << **found;
}

TEST_F(GatewayIntegrationTest, QueryEndpointIsClosedToNonOperators) {
  ExpectStillServes(kFk);
  auto publisher = gateway_->ConnectQuery(kFk);
  ASSERT_TRUE(publisher.ok());
  v1::QueryRequest request;
  request.mutable_stats();
  auto reply = (*publisher)->Query(request, kSilence);
  ASSERT_FALSE(reply.ok()) << "a publisher got: " << reply->ShortDebugString();
  EXPECT_EQ(reply.status().code(), StatusCode::kDeadlineExceeded);

  // The operator's connection is unaffected, and so is ingress.
  EXPECT_EQ(Stats().head_sequence(), last_sequence_);
  ExpectStillServes(kRegion);
}

TEST_F(GatewayIntegrationTest, RejectionsAreCountedByCodeAndSurviveRestart) {
  // Two MALFORMED, one TOO_LARGE, one SOURCE_MISMATCH, two NOT_AUTHORISED,
  // among accepted events.
  ExpectStillServes(kRegion);
  EXPECT_EQ(Submit(kKommun, kGarbage).code(), v1::MALFORMED);
  ASSERT_TRUE(Client(kFk).SendRaw({"SUBMIT"}).ok());
  auto ack = Client(kFk).Receive(kReplyTimeout);
  ASSERT_TRUE(ack.has_value());
  EXPECT_EQ(ack->reply.code(), v1::MALFORMED);
  ExpectStillServes(kKommun);
  v1::Envelope big = RegionEvent();
  big.mutable_health_deteriorated()->set_clinical_note(
      std::string(kMaxEventBytes, 'n'));
  EXPECT_EQ(Submit(kRegion, big).code(), v1::TOO_LARGE);
  EXPECT_EQ(Submit(kFk, KommunEvent()).code(), v1::SOURCE_MISMATCH);
  EXPECT_EQ(Submit(kKommun, AktivitetsersattningFrom(kKommun)).code(),
            v1::NOT_AUTHORISED);
  EXPECT_EQ(Submit(kRegion, AktivitetsersattningFrom(kRegion)).code(),
            v1::NOT_AUTHORISED);
  ExpectStillServes(kFk);

  const std::map<v1::RejectionCode, uint64_t> expected = {
      {v1::MALFORMED, 2},
      {v1::TOO_LARGE, 1},
      {v1::SOURCE_MISMATCH, 1},
      {v1::NOT_AUTHORISED, 2}};
  v1::StatsReply stats = Stats();
  EXPECT_EQ(ByCode(stats), expected) << stats.ShortDebugString();
  EXPECT_EQ(stats.head_sequence(), base_ + 3);

  // A clean stop and a new process: the counts come from the audit trail.
  Status stopped = gateway_->Stop();
  ASSERT_TRUE(stopped.ok()) << stopped.ToString();
  Status restarted = gateway_->Restart();
  ASSERT_TRUE(restarted.ok()) << restarted.ToString();
  ConnectAll();
  ASSERT_FALSE(HasFatalFailure());
  stats = Stats();
  EXPECT_EQ(ByCode(stats), expected) << stats.ShortDebugString();
  EXPECT_EQ(stats.head_sequence(), base_ + 3);
  ExpectStillServes(kKommun);
  EXPECT_EQ(Stats().head_sequence(), base_ + 4);
}

// Splits text into lines.
std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The whitespace-separated words of one line.
std::vector<std::string> Words(const std::string& line) {
  std::vector<std::string> words;
  std::istringstream in(line);
  for (std::string word; in >> word;) words.push_back(word);
  return words;
}

// True if some line of `text` consists of exactly `words`.
bool HasLine(const std::string& text, const std::vector<std::string>& words) {
  for (const std::string& line : Lines(text)) {
    if (Words(line) == words) return true;
  }
  return false;
}

TEST_F(GatewayIntegrationTest, OperatorCliShowsMetadataButNeverPayloads) {
  // A note that must never reach an operator's screen.
  const std::string secret = "HEMLIG-ANTECKNING-4711 hör röster nattetid";
  v1::Envelope health = RegionEvent();
  health.mutable_health_deteriorated()->set_clinical_note(secret);
  health.mutable_health_deteriorated()->set_diagnosis_code("F20.0");
  v1::Envelope ips = KommunEvent();
  v1::Envelope benefit = FkEvent();
  ASSERT_EQ(ExpectAccepted(kRegion, health).sequence(), base_ + 1);
  ASSERT_EQ(ExpectAccepted(kKommun, ips).sequence(), base_ + 2);
  ASSERT_EQ(ExpectAccepted(kFk, benefit).sequence(), base_ + 3);
  const std::string head = std::to_string(base_ + 3);
  EXPECT_EQ(Submit(kKommun, AktivitetsersattningFrom(kKommun)).code(),
            v1::NOT_AUTHORISED);
  EXPECT_EQ(Submit(kRegion, kGarbage).code(), v1::MALFORMED);

  auto stats = gateway_->RunOperator(kOperator, {"stats"});
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_TRUE(stats->exit.Succeeded()) << stats->exit.ToString() << "\n"
                                       << stats->out << stats->err;
  EXPECT_TRUE(HasLine(stats->out, {"log", "head:", head})) << stats->out;
  EXPECT_TRUE(HasLine(stats->out, {"MALFORMED", "1"})) << stats->out;
  EXPECT_TRUE(HasLine(stats->out, {"NOT_AUTHORISED", "1"})) << stats->out;
  // Every commit was timed with its flush: a mean time above zero.
  const size_t each = stats->out.find(" ms each) since start");
  const size_t from = stats->out.rfind("records, ", each);
  ASSERT_NE(each, std::string::npos) << stats->out;
  ASSERT_NE(from, std::string::npos) << stats->out;
  EXPECT_GT(std::stod(stats->out.substr(from + 9, each - from - 9)), 0)
      << stats->out;
  EXPECT_THAT(stats->out, Not(HasSubstr("TOO_LARGE")));

  auto tail = gateway_->RunOperator(kOperator, {"tail"});
  ASSERT_TRUE(tail.ok()) << tail.status().ToString();
  EXPECT_TRUE(tail->exit.Succeeded()) << tail->exit.ToString() << "\n"
                                      << tail->out << tail->err;
  // One line per record: the participant's consent and plan, then ours.
  const std::vector<std::string> lines = Lines(tail->out);
  ASSERT_EQ(lines.size(), base_ + 3) << tail->out;
  EXPECT_THAT(lines[0], HasSubstr(" consent_granted "));
  EXPECT_THAT(lines[base_ - 1], HasSubstr(" plan_opened "));
  const std::vector<std::tuple<uint64_t, std::string, const v1::Envelope*>>
      rows = {{base_ + 1, "health_deteriorated", &health},
              {base_ + 2, "ips_enrolled", &ips},
              {base_ + 3, "aktivitetsersattning_granted", &benefit}};
  for (const auto& [sequence, type, envelope] : rows) {
    const std::string& line = lines[sequence - 1];
    SCOPED_TRACE(line);
    const std::vector<std::string> words = Words(line);
    ASSERT_FALSE(words.empty());
    EXPECT_EQ(words[0], std::to_string(sequence));
    EXPECT_THAT(words, ::testing::Contains(type));
    EXPECT_THAT(words, ::testing::Contains(envelope->event_id()));
    EXPECT_THAT(words, ::testing::Contains(envelope->source_organisation()));
  }
  EXPECT_THAT(tail->out, Not(HasSubstr("HEMLIG")));
  EXPECT_THAT(tail->out, Not(HasSubstr("F20.0")));

  // Machine-readable output is no more revealing.
  auto json = gateway_->RunOperator(kOperator, {"--json", "tail"});
  ASSERT_TRUE(json.ok()) << json.status().ToString();
  EXPECT_TRUE(json->exit.Succeeded()) << json->out << json->err;
  EXPECT_EQ(Lines(json->out).size(), base_ + 3) << json->out;
  EXPECT_THAT(json->out, HasSubstr("\"payload_type\":\"health_deteriorated\""));
  EXPECT_THAT(json->out, Not(HasSubstr("HEMLIG")));
  EXPECT_THAT(json->out, Not(HasSubstr("F20.0")));

  auto verify = gateway_->RunOperator(kOperator, {"verify"});
  ASSERT_TRUE(verify.ok()) << verify.status().ToString();
  EXPECT_EQ(verify->exit.code, 0) << verify->out << verify->err;
  EXPECT_THAT(verify->out,
              HasSubstr("chain intact: " + head + " records verified"));

  ExpectStillServes(kFk);
}

}  // namespace
}  // namespace samverkan::testing
