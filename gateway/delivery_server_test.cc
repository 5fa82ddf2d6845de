// The delivery endpoint over real CURVE sockets and a real SQLite log: an
// organisation's event stream and alert stream numbered, backfilled, pushed
// and heartbeaten apart, the recipient key as the first frame, and an alert
// withheld once the participant's consent is withdrawn. The server and the
// clients are driven from the test's one thread, so the participant state can
// change between steps without locks; every wait is bounded.
#include "gateway/delivery_server.h"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/testing/temp_dir.h"
#include "common/transport/client_socket.h"
#include "common/transport/context.h"
#include "common/transport/curve_keys.h"
#include "common/transport/zap_handler.h"
#include "gateway/alert_stream.h"
#include "gateway/log/sqlite_log_store.h"
#include "gateway/testing/test_envelopes.h"
#include "samverkan/payload_type.h"
#include "services/client/delivery_client.h"

namespace samverkan::gateway {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

constexpr char kKommun[] = "kommun-orebro";
constexpr char kRegion[] = "region-orebro";
// Alerts are written by the gateway; no consent provision names it.
constexpr char kGatewaySource[] = "samverkan-gateway";
constexpr char kParticipant[] = "p-1001";
// Long enough for a loaded machine; only reached when a test fails.
constexpr milliseconds kArrives{10000};
// How long "nothing more arrives" is watched for, heartbeats included.
constexpr milliseconds kQuiet{400};

transport::CurveKeypair NewKeypair() {
  auto keypair = transport::GenerateCurveKeypair();
  EXPECT_TRUE(keypair.ok());
  return keypair.ok() ? *keypair : transport::CurveKeypair{};
}

// What the log holds for one delivery, and what Push is handed for it.
struct Written {
  uint64_t log_sequence = 0;
  uint64_t recipient_sequence = 0;
  CommittedDelivery committed;
};

class DeliveryServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_keys_ = NewKeypair();
    kommun_keys_ = NewKeypair();
    Party kommun = testing::MakeParty(kKommun, v1::MUNICIPALITY);
    kommun.roles = {v1::PUBLISHER, v1::COORDINATOR};
    kommun.public_key = kommun_keys_.public_key;
    Party region = testing::MakeParty(kRegion, v1::REGION_PSYCHIATRY);
    region.public_key = NewKeypair().public_key;
    auto registry = KeyRegistry::FromToml(FormatPartyEntry(kommun) + "\n" +
                                          FormatPartyEntry(region));
    ASSERT_TRUE(registry.ok()) << registry.status().ToString();
    registry_ = std::move(*registry);

    const KeyRegistry* reg = &registry_;
    zap_.emplace(context_, [reg](std::string_view, std::string_view key) {
      return reg->FindByKey(key) != nullptr;
    });
    ASSERT_TRUE(zap_->Start().ok());

    auto store = SqliteLogStore::Open(dir_.File("log.sqlite"));
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);

    // Consent only for what the region sends: the event stream's check
    // passes, and alerts are handed out because the consent is active, not
    // because any provision happens to cover the gateway as a source.
    v1::Envelope consent =
        testing::MakeConsentGranted(kRegion, kParticipant, "c-1");
    consent.mutable_consent_granted()
        ->mutable_provisions(0)
        ->add_source_organisations(kRegion);
    ASSERT_TRUE(
        state_.Apply(consent, Append(consent, "", "").log_sequence).ok());

    transport::CurveRouterOptions options;
    options.secret_key = server_keys_.secret_key;
    options.zap_domain = "delivery";
    auto router = transport::CurveRouter::Create(context_, options);
    ASSERT_TRUE(router.ok()) << router.status().ToString();
    auto endpoint = router->Bind("tcp://127.0.0.1:0");
    ASSERT_TRUE(endpoint.ok()) << endpoint.status().ToString();
    endpoint_ = *endpoint;
    server_ = std::make_unique<DeliveryServer>(std::move(*router), &registry_,
                                               store_.get(), &state_);
  }

  // Appends `e` as one record, delivered to `recipient` unless that is
  // empty, and returns the numbers the store assigned.
  Written Append(const v1::Envelope& e, const std::string& recipient,
                 const std::string& categories) {
    Batch batch;
    NewRecord& r = batch.records.emplace_back();
    r.kind = e.source_organisation() == kGatewaySource ? v1::GATEWAY_EVENT
                                                       : v1::EVENT;
    r.event_id = e.event_id();
    r.participant_id = e.participant_id();
    r.source_organisation = e.source_organisation();
    r.payload_type = PayloadTypeName(e);
    r.body = e.SerializeAsString();
    if (!recipient.empty()) {
      Disclosure& d = batch.disclosures.emplace_back();
      d.recipient = recipient;
      d.delivered = true;
      d.categories = categories;
      d.consent_ids = "c-1";
      d.body = r.body;
    }
    std::vector<uint64_t> assigned;
    auto head = store_->Append(batch, clock_.NowMicros(), &assigned);
    EXPECT_TRUE(head.ok()) << head.status().ToString();
    Written w;
    if (!head.ok()) return w;
    w.log_sequence = head->sequence;
    w.recipient_sequence = assigned.empty() ? 0 : assigned[0];
    w.committed.recipient = recipient;
    w.committed.participant_id = e.participant_id();
    w.committed.source_organisation = e.source_organisation();
    w.committed.categories = categories;
    w.committed.recipient_sequence = w.recipient_sequence;
    w.committed.log_sequence = w.log_sequence;
    w.committed.body = r.body;
    return w;
  }

  Written AppendEvent() {
    v1::Envelope e = testing::MakeEnvelope(kRegion);
    return Append(e, kKommun, "HEALTH_STATUS");
  }

  Written AppendAlert(const std::string& alert_id) {
    v1::Envelope e = testing::MakeEnvelope(kGatewaySource);
    e.mutable_alert()->set_alert_id(alert_id);
    e.mutable_alert()->set_sentence("no follow-up within 14 days");
    return Append(e, AlertStreamRecipient(kKommun), "PLAN");
  }

  // Two events and three alerts for the municipality, interleaved in the log
  // so that each stream's numbers differ from the log's.
  void WriteMixedLog() {
    events_.push_back(AppendEvent());
    alerts_.push_back(AppendAlert("a-1"));
    events_.push_back(AppendEvent());
    alerts_.push_back(AppendAlert("a-2"));
    alerts_.push_back(AppendAlert("a-3"));
  }

  std::unique_ptr<client::DeliveryClient> Subscribe(uint64_t after,
                                                    v1::DeliveryStream stream) {
    auto d = client::DeliveryClient::Connect(context_, endpoint_,
                                             server_keys_.public_key,
                                             kommun_keys_, after, stream);
    EXPECT_TRUE(d.ok()) << d.status().ToString();
    return d.ok() ? std::move(*d) : nullptr;
  }

  // One turn of the gateway's loop: requests answered, heartbeats often, so
  // a client that is behind notices within a turn or two.
  void Serve() {
    server_->HandleRequests();
    server_->MaybeHeartbeat(steady_clock::now(), milliseconds(50));
  }

  // Serves until `client` has handed out `count` deliveries or kArrives has
  // passed, then keeps serving for kQuiet and adds whatever else it hands
  // out, so a test sees a delivery that should not have come.
  std::vector<v1::Delivery> Collect(client::DeliveryClient& client,
                                    size_t count) {
    std::vector<v1::Delivery> got;
    auto deadline = steady_clock::now() + kArrives;
    bool quiet_phase = false;
    while (true) {
      if (!quiet_phase && got.size() >= count) {
        quiet_phase = true;
        deadline = steady_clock::now() + kQuiet;
      }
      if (steady_clock::now() >= deadline) break;
      Serve();
      if (auto d = client.Next(milliseconds(20))) got.push_back(*d);
    }
    return got;
  }

  static std::vector<uint64_t> RecipientSequences(
      const std::vector<v1::Delivery>& ds) {
    std::vector<uint64_t> out;
    for (const auto& d : ds) out.push_back(d.recipient_sequence());
    return out;
  }
  static std::vector<uint64_t> LogSequences(
      const std::vector<v1::Delivery>& ds) {
    std::vector<uint64_t> out;
    for (const auto& d : ds) out.push_back(d.log_sequence());
    return out;
  }
  static std::vector<uint64_t> LogSequences(const std::vector<Written>& ws) {
    std::vector<uint64_t> out;
    for (const auto& w : ws) out.push_back(w.log_sequence);
    return out;
  }

  samverkan::testing::TempDir dir_;
  transport::TransportContext context_;
  transport::CurveKeypair server_keys_;
  transport::CurveKeypair kommun_keys_;
  KeyRegistry registry_;
  // After the registry it reads from its own thread, so it stops first.
  std::optional<transport::ZapHandler> zap_;
  ManualClock clock_{1795000000LL * 1000000};
  ParticipantState state_{&clock_};
  std::unique_ptr<SqliteLogStore> store_;
  std::string endpoint_;
  std::unique_ptr<DeliveryServer> server_;
  std::vector<Written> events_;
  std::vector<Written> alerts_;
};

TEST(AlertStreamTest, RecipientKey) {
  EXPECT_EQ(AlertStreamRecipient(kKommun), "kommun-orebro/alerts");
  EXPECT_TRUE(IsAlertStream(AlertStreamRecipient(kKommun)));
  EXPECT_FALSE(IsAlertStream(kKommun));
  EXPECT_FALSE(IsAlertStream("/alerts"));
}

TEST_F(DeliveryServerTest, AlertSubscriberGetsOnlyAlertsNumberedFromOne) {
  WriteMixedLog();
  auto alerts = Subscribe(0, v1::DELIVERY_STREAM_ALERTS);
  ASSERT_NE(alerts, nullptr);
  std::vector<v1::Delivery> got = Collect(*alerts, 3);
  EXPECT_EQ(RecipientSequences(got), (std::vector<uint64_t>{1, 2, 3}));
  EXPECT_EQ(LogSequences(got), LogSequences(alerts_));
  for (const v1::Delivery& d : got) {
    EXPECT_FALSE(d.withheld_after_withdrawal());
    EXPECT_TRUE(d.envelope().has_alert()) << d.DebugString();
  }
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].envelope().alert().alert_id(), "a-1");
  // The heartbeats it saw counted its own stream, not the events.
  EXPECT_EQ(alerts->announced(), 3u);
}

TEST_F(DeliveryServerTest, EventSubscriberGetsOnlyEvents) {
  WriteMixedLog();
  // The default stream, as a client from before there were two.
  auto d = client::DeliveryClient::Connect(
      context_, endpoint_, server_keys_.public_key, kommun_keys_, 0);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  std::vector<v1::Delivery> got = Collect(**d, 2);
  EXPECT_EQ(RecipientSequences(got), (std::vector<uint64_t>{1, 2}));
  EXPECT_EQ(LogSequences(got), LogSequences(events_));
  for (const v1::Delivery& delivery : got) {
    EXPECT_TRUE(delivery.envelope().has_health_deteriorated());
  }
  EXPECT_EQ((*d)->announced(), 2u);
}

TEST_F(DeliveryServerTest, BackfillStartsAfterTheGivenNumberOfItsStream) {
  WriteMixedLog();
  auto alerts = Subscribe(1, v1::DELIVERY_STREAM_ALERTS);
  auto events = Subscribe(1, v1::DELIVERY_STREAM_EVENTS);
  ASSERT_NE(alerts, nullptr);
  ASSERT_NE(events, nullptr);
  std::vector<v1::Delivery> got_alerts = Collect(*alerts, 2);
  EXPECT_EQ(RecipientSequences(got_alerts), (std::vector<uint64_t>{2, 3}));
  EXPECT_EQ(LogSequences(got_alerts),
            (std::vector<uint64_t>{alerts_[1].log_sequence,
                                   alerts_[2].log_sequence}));
  std::vector<v1::Delivery> got_events = Collect(*events, 1);
  EXPECT_EQ(RecipientSequences(got_events), (std::vector<uint64_t>{2}));
  EXPECT_EQ(LogSequences(got_events),
            (std::vector<uint64_t>{events_[1].log_sequence}));
}

TEST_F(DeliveryServerTest, PushReachesOnlyTheStreamItWasWrittenFor) {
  WriteMixedLog();
  auto alerts = Subscribe(3, v1::DELIVERY_STREAM_ALERTS);
  auto events = Subscribe(2, v1::DELIVERY_STREAM_EVENTS);
  ASSERT_NE(alerts, nullptr);
  ASSERT_NE(events, nullptr);
  // Nothing to backfill; once both have had their heartbeat, both are
  // subscribed and what follows can only arrive by push (or by the backfill
  // a later heartbeat would trigger, which routes by the same key).
  EXPECT_TRUE(Collect(*alerts, 0).empty());
  EXPECT_TRUE(Collect(*events, 0).empty());

  Written alert = AppendAlert("a-4");
  Written event = AppendEvent();
  server_->Push({alert.committed, event.committed});
  std::vector<v1::Delivery> got_alerts = Collect(*alerts, 1);
  std::vector<v1::Delivery> got_events = Collect(*events, 1);
  EXPECT_EQ(RecipientSequences(got_alerts), (std::vector<uint64_t>{4}));
  EXPECT_EQ(LogSequences(got_alerts),
            (std::vector<uint64_t>{alert.log_sequence}));
  EXPECT_EQ(RecipientSequences(got_events), (std::vector<uint64_t>{3}));
  EXPECT_EQ(LogSequences(got_events),
            (std::vector<uint64_t>{event.log_sequence}));
}

TEST_F(DeliveryServerTest, FirstFrameIsTheRecipientKey) {
  WriteMixedLog();
  transport::CurveDealerOptions options;
  options.server_public_key = server_keys_.public_key;
  options.keypair = kommun_keys_;
  auto dealer = transport::CurveDealer::Create(context_, options);
  ASSERT_TRUE(dealer.ok()) << dealer.status().ToString();
  ASSERT_TRUE(dealer->Connect(endpoint_).ok());

  // Reads one SUBSCRIBE's answer: its deliveries, then the heartbeat.
  auto answer = [&](const v1::SubscribeRequest& request) {
    std::vector<std::vector<std::string>> frames;
    EXPECT_TRUE(dealer->Send({"SUBSCRIBE", request.SerializeAsString()}).ok());
    const auto deadline = steady_clock::now() + kArrives;
    while (steady_clock::now() < deadline) {
      server_->HandleRequests();
      auto f = dealer->Receive(milliseconds(20));
      if (!f) continue;
      frames.push_back(*f);
      if (f->size() == 3 && (*f)[1] == kHeartbeatVerb) break;
    }
    return frames;
  };

  v1::SubscribeRequest request;
  request.set_stream(v1::DELIVERY_STREAM_ALERTS);
  auto alert_frames = answer(request);
  ASSERT_EQ(alert_frames.size(), 4u);  // three alerts and a heartbeat
  for (const auto& f : alert_frames) {
    ASSERT_EQ(f.size(), 3u);
    EXPECT_EQ(f[0], "kommun-orebro/alerts");
  }

  auto event_frames = answer(v1::SubscribeRequest());  // no stream: EVENTS
  ASSERT_EQ(event_frames.size(), 3u);  // two events and a heartbeat
  for (const auto& f : event_frames) {
    ASSERT_EQ(f.size(), 3u);
    EXPECT_EQ(f[0], "kommun-orebro");
  }

  // A stream the server does not know is not answered with another one.
  request.set_stream(static_cast<v1::DeliveryStream>(7));
  ASSERT_TRUE(dealer->Send({"SUBSCRIBE", request.SerializeAsString()}).ok());
  const auto until = steady_clock::now() + kQuiet;
  while (steady_clock::now() < until) {
    server_->HandleRequests();
    EXPECT_FALSE(dealer->Receive(milliseconds(20)).has_value());
  }
}

TEST_F(DeliveryServerTest, AlertIsATombstoneOnceConsentIsWithdrawn) {
  WriteMixedLog();
  v1::Envelope withdrawal =
      testing::MakeConsentWithdrawn(kRegion, kParticipant, "c-1");
  ASSERT_TRUE(
      state_.Apply(withdrawal, Append(withdrawal, "", "").log_sequence).ok());
  ASSERT_FALSE(
      state_.consents().HasActiveConsent(kParticipant, state_.Today()));

  auto alerts = Subscribe(0, v1::DELIVERY_STREAM_ALERTS);
  ASSERT_NE(alerts, nullptr);
  std::vector<v1::Delivery> got = Collect(*alerts, 3);
  // The numbers stay, so the coordinator sees no gap; the content does not.
  EXPECT_EQ(RecipientSequences(got), (std::vector<uint64_t>{1, 2, 3}));
  for (const v1::Delivery& d : got) {
    EXPECT_TRUE(d.withheld_after_withdrawal());
    EXPECT_FALSE(d.has_envelope());
  }

  // Pushed after the withdrawal, too.
  Written late = AppendAlert("a-4");
  server_->Push({late.committed});
  got = Collect(*alerts, 1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].recipient_sequence(), 4u);
  EXPECT_TRUE(got[0].withheld_after_withdrawal());
  EXPECT_FALSE(got[0].has_envelope());
}

}  // namespace
}  // namespace samverkan::gateway
