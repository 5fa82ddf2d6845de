// Consent end to end through a real gateway (DESIGN §5): NO_CONSENT at the
// door, one psychiatry event reaching three parties three ways (everything,
// health status only, nothing), the disclosure report saying so, withdrawal
// taking effect at once, and a subscriber process SIGKILLed mid-stream that
// still ends with exactly its deliveries, in order, once each.
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <set>

#include "gateway/log/sqlite_log_store.h"
#include "gateway/testing/test_envelopes.h"
#include "services/client/delivery_client.h"
#include "services/inbox/inbox_file.h"
#include "tests/support/child_process.h"
#include "tests/support/gateway_fixture.h"
#include "tests/support/wait.h"

namespace samverkan::testing {
namespace {

using gateway::testing::MakeEnvelope;
using gateway::testing::MakePlanOpened;
constexpr const char* kAf = kArbetsformedlingen;
constexpr char kParticipant[] = "p-2001";
constexpr auto kWait = std::chrono::seconds(10);

class ConsentIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    GatewayFixtureOptions options;
    options.parties = AllAgencyParties();
    auto fixture = GatewayFixture::Create(options);
    ASSERT_TRUE(fixture.ok()) << fixture.status().ToString();
    gateway_ = std::move(*fixture);
    ASSERT_TRUE(gateway_->Start().ok());
    for (const char* org : {kRegion, kKommun}) {
      auto client = gateway_->ConnectIngress(org);
      ASSERT_TRUE(client.ok());
      clients_[org] = std::move(*client);
    }
  }

  v1::SubmitReply Submit(const std::string& org, const v1::Envelope& e) {
    auto reply = clients_[org]->SubmitAndWait(e.SerializeAsString(), kWait);
    EXPECT_TRUE(reply.ok()) << reply.status().ToString();
    return reply.ok() ? *reply : v1::SubmitReply();
  }

  // The municipality records the participant's consent: everything for the
  // municipality itself, health status (only) for Försäkringskassan, nothing
  // for Arbetsförmedlingen; then opens the plan with all four parties.
  void ConsentAndPlan() {
    v1::Envelope consent = MakeEnvelope(kKommun);
    consent.set_participant_id(kParticipant);
    auto* c = consent.mutable_consent_granted();
    c->set_consent_id("c-1");
    c->set_legal_basis(v1::SIP_CONSENT);
    auto* to_kommun = c->add_provisions();
    to_kommun->set_type(v1::PERMIT);
    to_kommun->add_recipient_organisations(kKommun);
    auto* to_fk = c->add_provisions();
    to_fk->set_type(v1::PERMIT);
    to_fk->add_recipient_organisations(kFk);
    to_fk->add_categories(v1::HEALTH_STATUS);
    to_fk->add_categories(v1::PLAN);
    ASSERT_EQ(Submit(kKommun, consent).outcome(), v1::ACCEPTED);
    v1::Envelope plan =
        MakePlanOpened(kParticipant, {{kKommun, v1::MUNICIPALITY},
                                      {kRegion, v1::REGION_PSYCHIATRY},
                                      {kFk, v1::FORSAKRINGSKASSAN},
                                      {kAf, v1::ARBETSFORMEDLINGEN}});
    ASSERT_EQ(Submit(kKommun, plan).outcome(), v1::ACCEPTED);
  }

  v1::Envelope HealthEvent(const std::string& note) {
    return gateway::testing::MakeHealthEvent(kRegion, kParticipant, note);
  }

  std::unique_ptr<client::DeliveryClient> Subscribe(const std::string& org,
                                                    uint64_t after = 0) {
    auto d = client::DeliveryClient::Connect(
        gateway_->context(), gateway_->address().delivery,
        gateway_->address().server_public_key, gateway_->keypair(org), after);
    EXPECT_TRUE(d.ok()) << d.status().ToString();
    return d.ok() ? std::move(*d) : nullptr;
  }

  // Reads deliveries until one carries log sequence `log_sequence` or none
  // is left; the deliveries before it are returned too.
  std::vector<v1::Delivery> ReadThrough(client::DeliveryClient& d,
                                        uint64_t log_sequence) {
    std::vector<v1::Delivery> got;
    while (auto next = d.Next(std::chrono::seconds(3))) {
      got.push_back(*next);
      if (next->log_sequence() >= log_sequence) break;
    }
    return got;
  }

  std::unique_ptr<GatewayFixture> gateway_;
  std::map<std::string, std::unique_ptr<client::GatewayClient>> clients_;
};

TEST_F(ConsentIntegrationTest, NothingPassesWithoutConsentOrPlan) {
  v1::SubmitReply no_consent = Submit(kRegion, HealthEvent("x"));
  EXPECT_EQ(no_consent.code(), v1::NO_CONSENT);
  EXPECT_NE(no_consent.message().find("no active consent"), std::string::npos);

  v1::Envelope consent =
      gateway::testing::MakeConsentGranted(kKommun, kParticipant, "c-9");
  ASSERT_EQ(Submit(kKommun, consent).outcome(), v1::ACCEPTED);
  v1::SubmitReply no_plan = Submit(kRegion, HealthEvent("x"));
  EXPECT_EQ(no_plan.code(), v1::UNKNOWN_PARTICIPANT);
  EXPECT_NE(no_plan.message().find("has no open plan"), std::string::npos);
}

TEST_F(ConsentIntegrationTest, EachPartyGetsOnlyWhatItsConsentCovers) {
  ConsentAndPlan();
  v1::SubmitReply accepted =
      Submit(kRegion, HealthEvent("medication adjusted"));
  ASSERT_EQ(accepted.outcome(), v1::ACCEPTED) << accepted.message();

  auto kommun = Subscribe(kKommun);
  auto fk = Subscribe(kFk);
  auto af = Subscribe(kAf);

  std::vector<v1::Delivery> to_kommun =
      ReadThrough(*kommun, accepted.sequence());
  ASSERT_FALSE(to_kommun.empty());
  const v1::Delivery& full = to_kommun.back();
  ASSERT_EQ(full.log_sequence(), accepted.sequence());
  EXPECT_EQ(full.envelope().health_deteriorated().diagnosis_code(), "F32.1");
  EXPECT_EQ(full.envelope().health_deteriorated().clinical_note(),
            "medication adjusted");
  EXPECT_EQ(full.withheld_categories_size(), 0);

  std::vector<v1::Delivery> to_fk = ReadThrough(*fk, accepted.sequence());
  ASSERT_FALSE(to_fk.empty());
  const v1::Delivery& status_only = to_fk.back();
  ASSERT_EQ(status_only.log_sequence(), accepted.sequence());
  EXPECT_EQ(
      status_only.envelope().health_deteriorated().expected_duration_days(),
      45u);
  EXPECT_EQ(status_only.envelope().health_deteriorated().diagnosis_code(), "");
  EXPECT_EQ(status_only.envelope().health_deteriorated().clinical_note(), "");
  ASSERT_EQ(status_only.withheld_categories_size(), 1);
  EXPECT_EQ(status_only.withheld_categories(0), v1::HEALTH_DETAILS);

  // Arbetsförmedlingen is a party of the plan but its consent covers nothing.
  EXPECT_FALSE(af->Next(std::chrono::milliseconds(1500)).has_value());
  EXPECT_EQ(af->announced(), 0u);

  auto report = gateway_->RunOperator(kOperator, {"report", kParticipant});
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  const std::string& text = report->out;
  const std::string seq = "#" + std::to_string(accepted.sequence()) +
                          " health_deteriorated from region-orebro -> ";
  EXPECT_NE(text.find(seq + "kommun-orebro: DELIVERED  categories "
                            "HEALTH_STATUS,HEALTH_DETAILS"),
            std::string::npos)
      << text;
  EXPECT_NE(
      text.find(seq + "forsakringskassan: DELIVERED  categories "
                      "HEALTH_STATUS  withheld HEALTH_DETAILS  consent c-1"),
      std::string::npos)
      << text;
  EXPECT_NE(text.find(seq + "arbetsformedlingen: WITHHELD"), std::string::npos)
      << text;
  // Operators see the decisions, never the contents.
  EXPECT_EQ(text.find("medication adjusted"), std::string::npos);
}

TEST_F(ConsentIntegrationTest, WithdrawalStopsIngressAndEveryHandOut) {
  ConsentAndPlan();
  v1::SubmitReply before = Submit(kRegion, HealthEvent("before"));
  ASSERT_EQ(before.outcome(), v1::ACCEPTED);

  v1::Envelope withdrawal =
      gateway::testing::MakeConsentWithdrawn(kKommun, kParticipant, "c-1");
  ASSERT_EQ(Submit(kKommun, withdrawal).outcome(), v1::ACCEPTED);
  EXPECT_EQ(Submit(kRegion, HealthEvent("after")).code(), v1::NO_CONSENT);
  v1::SubmitReply again = Submit(kKommun, withdrawal);
  EXPECT_EQ(again.outcome(), v1::ACCEPTED);
  EXPECT_TRUE(again.duplicate());

  // A subscriber that was offline backfills after the withdrawal: it keeps
  // its numbering, but no content about the participant is handed out.
  auto fk = Subscribe(kFk);
  std::vector<v1::Delivery> got = ReadThrough(*fk, before.sequence());
  ASSERT_FALSE(got.empty());
  for (const v1::Delivery& d : got) {
    EXPECT_TRUE(d.withheld_after_withdrawal()) << d.DebugString();
    EXPECT_FALSE(d.has_envelope());
  }
}

TEST_F(ConsentIntegrationTest, SubscriberKilledMidStreamEndsExactlyOnce) {
  ConsentAndPlan();
  const std::string inbox_path = gateway_->dir() + "/kommun-inbox.jsonl";
  auto start_inbox = [&] {
    ChildProcess::Options out;
    out.stdout_file = gateway_->dir() + "/inbox.log";
    return ChildProcess::Start(
        "samverkan-inbox",
        {"--gateway", gateway_->ReadyFile(), "--key",
         gateway_->KeyFile(kKommun), "--out", inbox_path},
        out);
  };
  auto inbox = start_inbox();
  ASSERT_TRUE(inbox.ok()) << inbox.status().ToString();

  constexpr int kEvents = 600;
  constexpr int kKillAt[] = {150, 400};
  size_t next_kill = 0;
  for (int i = 0; i < kEvents; ++i) {
    ASSERT_EQ(Submit(kRegion, HealthEvent("n" + std::to_string(i))).outcome(),
              v1::ACCEPTED);
    if (next_kill < std::size(kKillAt) && i == kKillAt[next_kill]) {
      ++next_kill;
      (*inbox)->Kill(SIGKILL);
      (*inbox)->Wait(kWait);
      inbox = start_inbox();
      ASSERT_TRUE(inbox.ok());
    }
  }
  // Deliveries to the municipality: the plan opening was its own event, so
  // it gets the region's events only.
  const uint64_t expected = kEvents;
  uint64_t last = 0;
  WaitUntil(
      [&] {
        std::ifstream in(inbox_path);
        std::string line, last_line;
        while (std::getline(in, line)) last_line = line;
        if (!last_line.empty()) {
          auto d = inbox::DeliveryFromJsonLine(last_line);
          if (d.ok()) last = d->recipient_sequence();
        }
        return last >= expected;
      },
      std::chrono::seconds(30));
  ASSERT_EQ(last, expected);
  (*inbox)->Kill(SIGTERM);
  (*inbox)->Wait(kWait);

  std::ifstream in(inbox_path);
  std::string line;
  uint64_t n = 0, previous_log = 0;
  std::set<std::string> notes;
  while (std::getline(in, line)) {
    auto d = inbox::DeliveryFromJsonLine(line);
    ASSERT_TRUE(d.ok()) << line;
    ++n;
    EXPECT_EQ(d->recipient_sequence(), n) << "gap or duplicate at line " << n;
    EXPECT_GT(d->log_sequence(), previous_log);
    previous_log = d->log_sequence();
    notes.insert(d->envelope().health_deteriorated().clinical_note());
  }
  EXPECT_EQ(n, expected);
  EXPECT_EQ(notes.size(), expected);
}

}  // namespace
}  // namespace samverkan::testing
