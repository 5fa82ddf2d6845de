// The coordinator client against a real gateway process: handovers open on
// the first sign of an income gap, escalate when the gateway's clock passes
// their deadline and close on the successor decision; the coordinator
// process is SIGKILLed twice mid-stream and still ends with every alert
// exactly once and in order; --handovers lists what is open, escalated ones
// first; the operator's `timeline` and `handovers` show the same records as
// metadata only.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <functional>
#include <thread>

#include "gateway/log/sqlite_log_store.h"
#include "gateway/testing/rule_events.h"
#include "services/inbox/inbox_file.h"
#include "tests/support/gateway_fixture.h"
#include "tests/support/log_reader.h"
#include "tests/support/plan_setup.h"
#include "tests/support/wait.h"

namespace samverkan::testing {
namespace {

constexpr const char* kAf = kArbetsformedlingen;
constexpr char kAlertStream[] = "kommun-orebro/alerts";
constexpr auto kWait = std::chrono::seconds(20);

bool WaitFor(const std::function<bool()>& done) {
  return WaitUntil(done, kWait);
}

std::vector<v1::Delivery> ReadAlertFile(const std::string& path) {
  std::vector<v1::Delivery> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (in.eof()) break;  // a line still being written
    auto d = inbox::DeliveryFromJsonLine(line);
    EXPECT_TRUE(d.ok()) << line;
    if (d.ok()) out.push_back(*d);
  }
  return out;
}

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos;
       at = text.find(what, at + 1)) {
    ++n;
  }
  return n;
}

class CoordinatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    GatewayFixtureOptions options;
    options.parties = AllAgencyParties();
    options.clock_date = "2026-03-02";
    auto fixture = GatewayFixture::Create(options);
    ASSERT_TRUE(fixture.ok()) << fixture.status().ToString();
    gateway_ = std::move(*fixture);
    const Status started = gateway_->Start();
    ASSERT_TRUE(started.ok()) << started.ToString();
    for (const char* org : {kRegion, kKommun, kFk, kAf}) {
      auto client = gateway_->ConnectIngress(org);
      ASSERT_TRUE(client.ok());
      clients_[org] = std::move(*client);
    }
    alert_file_ = gateway_->dir() + "/kommun-alerts.jsonl";
  }

  void Accept(const std::string& org, const std::string& payload,
              const std::string& participant,
              const CivilDate& on = gateway::testing::kRuleToday) {
    v1::Envelope e = gateway::testing::Event(org, payload, on);
    e.set_participant_id(participant);
    auto reply = clients_[org]->SubmitAndWait(e.SerializeAsString(), kWait);
    ASSERT_TRUE(reply.ok()) << reply.status().ToString();
    ASSERT_EQ(reply->outcome(), v1::ACCEPTED)
        << payload << ": " << reply->message();
  }

  // A plan coordinated by the municipality, work training with aktivitetsstöd
  // and no SGI, then worse health observed on `observed`: the
  // illness_in_programme rule opens a handover toward försörjningsstöd
  // (an alert and a handover record on the coordinator's stream).
  void OpenHandover(const std::string& p, const std::string& observed,
                    const CivilDate& on) {
    Accept(kKommun,
           "consent_granted { consent_id: \"c-" + p +
               "\" recorded_by: \"kommun-orebro\" legal_basis: SIP_CONSENT "
               "provisions { type: PERMIT } }",
           p, on);
    Accept(kKommun, FourAgencyPlanText(p), p, on);
    Accept(kAf,
           "programme_started { programme_id: \"at-1\" kind: ARBETSTRANING "
           "period { start @2026-01-12 } }",
           p, on);
    Accept(kAf, "aktivitetsstod_decided { period { start @2026-01-12 } }", p,
           on);
    Accept(kRegion,
           "health_deteriorated { observed_on @" + observed +
               " work_capacity_affected: true expected_duration_days: 60 "
               "clinical_note: \"never shown to operators\" }",
           p, on);
  }

  std::unique_ptr<ChildProcess> StartCoordinator() {
    ChildProcess::Options out;
    out.stdout_file = gateway_->dir() + "/coordinator.out";
    out.stderr_file = gateway_->dir() + "/coordinator.err";
    auto child = ChildProcess::Start(
        "samverkan-coordinator",
        {"--gateway", gateway_->ReadyFile(), "--key",
         gateway_->KeyFile(kKommun), "--out", alert_file_, "--text"},
        out);
    EXPECT_TRUE(child.ok()) << child.status().ToString();
    return child.ok() ? std::move(*child) : nullptr;
  }

  StatusOr<RunResult> RunCoordinator(const std::vector<std::string>& extra) {
    std::vector<std::string> args = {"--out", alert_file_};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunToCompletion("samverkan-coordinator", args, gateway_->dir(),
                           "coordinator-run", kWait);
  }

  // The alert stream as the gateway committed it: (recipient sequence, log
  // sequence) of every delivery.
  std::vector<std::pair<uint64_t, uint64_t>> Committed() {
    auto log = OpenLogReadOnly(gateway_->LogPath());
    EXPECT_TRUE(log.ok()) << log.status().ToString();
    std::vector<std::pair<uint64_t, uint64_t>> out;
    if (!log.ok()) return out;
    std::vector<gateway::StoredDisclosure> rows;
    EXPECT_TRUE((*log)->ReadDeliveries(kAlertStream, 0, 100000, &rows).ok());
    for (const auto& d : rows) {
      out.emplace_back(d.recipient_sequence, d.log_sequence);
    }
    return out;
  }

  std::unique_ptr<GatewayFixture> gateway_;
  std::map<std::string, std::unique_ptr<client::GatewayClient>> clients_;
  std::string alert_file_;
};

// Started while the gateway is down (or between a kill and its restart,
// when the ready file is gone), the coordinator says what it waits for and
// follows the gateway once it is up, instead of giving up.
TEST_F(CoordinatorTest, StartedWhileTheGatewayIsDownWaitsForIt) {
  ASSERT_TRUE(gateway_->Stop().ok());
  std::error_code ec;
  std::filesystem::remove(gateway_->ReadyFile(), ec);
  auto coordinator = StartCoordinator();
  ASSERT_NE(coordinator, nullptr);
  const std::string err = gateway_->dir() + "/coordinator.err";
  ASSERT_TRUE(WaitFor([&] {
    return ReadFileOrEmpty(err).find("waiting for the gateway") !=
           std::string::npos;
  })) << ReadFileOrEmpty(err);
  EXPECT_FALSE(coordinator->Wait(std::chrono::milliseconds(0)).has_value())
      << "the coordinator gave up";

  ASSERT_TRUE(gateway_->Start().ok());
  for (const char* org : {kRegion, kKommun, kFk, kAf}) {
    auto client = gateway_->ConnectIngress(org);
    ASSERT_TRUE(client.ok());
    clients_[org] = std::move(*client);
  }
  OpenHandover("p-late", "2026-03-01", gateway::testing::kRuleToday);
  const size_t committed = Committed().size();
  ASSERT_GE(committed, 2u);  // the alert and the handover
  ASSERT_TRUE(
      WaitFor([&] { return ReadAlertFile(alert_file_).size() >= committed; }));
  ASSERT_TRUE(coordinator->Kill(SIGTERM));
  auto exit = coordinator->Wait(kWait);
  ASSERT_TRUE(exit.has_value());
  EXPECT_TRUE(exit->Succeeded()) << exit->ToString();
}

TEST_F(CoordinatorTest, KilledMidStreamEndsWithEveryAlertOnceInOrder) {
  constexpr int kEscalating = 12;  // deadline 2026-03-16, passed by the clock
  constexpr int kOpen = 4;         // observed later: still open at the end
  auto coordinator = StartCoordinator();
  ASSERT_NE(coordinator, nullptr);

  for (int i = 0; i < kEscalating; ++i) {
    OpenHandover("p-a" + std::to_string(i), "2026-03-01",
                 gateway::testing::kRuleToday);
    if (i == kEscalating / 3) {
      // First kill: while records are flowing to it.
      ASSERT_TRUE(WaitFor([&] { return !ReadAlertFile(alert_file_).empty(); }))
          << "the coordinator received nothing";
      coordinator->Kill(SIGKILL);
      ASSERT_TRUE(coordinator->Wait(kWait).has_value());
    }
  }
  coordinator = StartCoordinator();
  ASSERT_NE(coordinator, nullptr);

  // The idle gateway escalates every handover once its clock passes the
  // deadline; the second kill lands in the middle of those.
  ASSERT_TRUE(gateway_->SetClock("2026-03-17").ok());
  const size_t opened_records = 2 * kEscalating;
  ASSERT_TRUE(WaitFor([&] {
    return ReadAlertFile(alert_file_).size() > opened_records + 2;
  })) << "no escalation reached the coordinator";
  coordinator->Kill(SIGKILL);
  ASSERT_TRUE(coordinator->Wait(kWait).has_value());

  const CivilDate later{2026, 3, 17};
  for (int i = 0; i < kOpen; ++i) {
    OpenHandover("p-b" + std::to_string(i), "2026-03-17", later);
  }
  // The municipality grants försörjningsstöd to one: its handover closes.
  Accept(kKommun, "forsorjningsstod_granted { period { start @2026-03-17 } }",
         "p-a0", later);

  // Everything is committed once the last event is acknowledged (the clock
  // fires before each event), so this is the whole stream.
  const auto committed = Committed();
  ASSERT_GE(committed.size(),
            static_cast<size_t>(4 * kEscalating + 2 * kOpen + 1));
  coordinator = StartCoordinator();
  ASSERT_NE(coordinator, nullptr);
  ASSERT_TRUE(WaitFor(
      [&] { return ReadAlertFile(alert_file_).size() >= committed.size(); }));
  ASSERT_TRUE(coordinator->Kill(SIGTERM));
  auto exit = coordinator->Wait(kWait);
  ASSERT_TRUE(exit.has_value());
  EXPECT_TRUE(exit->Succeeded()) << exit->ToString();

  // Caught up already: --until-idle adds nothing and exits at once.
  auto again = RunCoordinator({"--gateway", gateway_->ReadyFile(), "--key",
                               gateway_->KeyFile(kKommun), "--until-idle"});
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->exit.Succeeded()) << again->err;

  const std::vector<v1::Delivery> got = ReadAlertFile(alert_file_);
  ASSERT_EQ(got.size(), committed.size());
  int opened = 0, escalated = 0, closed = 0;
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].recipient_sequence(), committed[i].first)
        << "gap or duplicate at line " << i + 1;
    EXPECT_EQ(got[i].log_sequence(), committed[i].second);
    opened += got[i].envelope().has_handover_opened();
    escalated += got[i].envelope().has_handover_escalated();
    closed += got[i].envelope().has_handover_closed();
  }
  EXPECT_EQ(opened, kEscalating + kOpen);
  EXPECT_EQ(escalated, kEscalating);
  EXPECT_EQ(closed, 1);

  // The readable lines, written because of --text.
  const std::string text =
      ReadFileOrEmpty(gateway_->dir() + "/coordinator.out");
  EXPECT_NE(text.find(" ESCALATED: "), std::string::npos) << text;
  EXPECT_NE(text.find("p-a0 handover "), std::string::npos) << text;

  // --handovers from the file: the escalated ones (earlier deadline) first.
  auto table = RunCoordinator({"--handovers"});
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  ASSERT_TRUE(table->exit.Succeeded()) << table->err;
  EXPECT_EQ(Count(table->out, "ESCALATED"),
            static_cast<size_t>(kEscalating - 1))
      << table->out;
  EXPECT_EQ(Count(table->out, " open "), static_cast<size_t>(kOpen))
      << table->out;
  EXPECT_EQ(table->out.find("p-a0 "), std::string::npos) << table->out;
  EXPECT_LT(table->out.rfind("ESCALATED"), table->out.find(" open "))
      << table->out;

  // The operator sees the same handovers from the gateway's ledgers...
  auto handovers = gateway_->RunOperator(kOperator, {"handovers"});
  ASSERT_TRUE(handovers.ok()) << handovers.status().ToString();
  ASSERT_TRUE(handovers->exit.Succeeded()) << handovers->out;
  EXPECT_EQ(handovers->out, table->out);
  auto escalated_only =
      gateway_->RunOperator(kOperator, {"--json", "handovers", "--escalated"});
  ASSERT_TRUE(escalated_only.ok());
  EXPECT_EQ(Count(escalated_only->out, "\n"),
            static_cast<size_t>(kEscalating - 1));
  EXPECT_EQ(Count(escalated_only->out, "HANDOVER_ESCALATED"),
            static_cast<size_t>(kEscalating - 1))
      << escalated_only->out;

  // ...and one participant's timeline, gateway records included, without
  // any payload contents.
  auto timeline = gateway_->RunOperator(kOperator, {"timeline", "p-a0"});
  ASSERT_TRUE(timeline.ok()) << timeline.status().ToString();
  ASSERT_TRUE(timeline->exit.Succeeded()) << timeline->out;
  size_t at = 0;
  for (const char* type :
       {"consent_granted", "plan_opened", "programme_started",
        "aktivitetsstod_decided", "health_deteriorated", "handover_opened",
        "handover_escalated", "forsorjningsstod_granted", "handover_closed"}) {
    at = timeline->out.find(type, at);
    ASSERT_NE(at, std::string::npos) << type << " missing or out of order in\n"
                                     << timeline->out;
  }
  EXPECT_NE(timeline->out.find("GATEWAY_EVENT"), std::string::npos);
  EXPECT_EQ(timeline->out.find("p-a1"), std::string::npos);
  EXPECT_EQ(timeline->out.find("never shown"), std::string::npos);
  EXPECT_EQ(timeline->out.find("försörjningsstöd"), std::string::npos);
  auto json = gateway_->RunOperator(kOperator, {"--json", "timeline", "p-a0"});
  ASSERT_TRUE(json.ok());
  EXPECT_EQ(Count(json->out, "\n"), Count(timeline->out, "\n"));
}

}  // namespace
}  // namespace samverkan::testing
