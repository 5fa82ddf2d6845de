// The whole system as the demo runs it, with assertions: a gateway, the four
// agency services and the municipality's coordinator client as processes,
// the demo's scenario handed over step by step on the scenario's calendar.
// An agency service and the coordinator are SIGKILLed mid-scenario and
// restarted. At the end: every expected alert reached the coordinator once,
// in order; each service's inbox holds exactly the deliveries the gateway
// decided its consent allows, and nothing it must not see; every line an
// agency system handed over is in the log exactly once or answered with a
// rejection; bad lines got a clear error and cost nothing else.
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "samverkan/payload_type.h"
#include "services/agency/json_events.h"
#include "services/agency/json_lines_file.h"
#include "tests/support/agency_system.h"
#include "tests/support/child_process.h"
#include "tests/support/gateway_fixture.h"
#include "tests/support/log_reader.h"
#include "tests/support/wait.h"

namespace samverkan::testing {
namespace {

constexpr auto kBound = std::chrono::seconds(30);
constexpr char kAlertStream[] = "kommun-orebro/alerts";

struct Step {
  std::string name;
  std::string organisation;  // empty: the clock moves, nothing is sent
  std::string on;            // the step's date
  std::vector<std::string> lines;
};

std::vector<Step> LoadScenario() {
  std::vector<std::filesystem::path> files;
  for (const auto& entry :
       std::filesystem::directory_iterator(SAMVERKAN_SCENARIO_DIR)) {
    if (entry.path().extension() == ".jsonl") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<Step> steps;
  for (const auto& path : files) {
    Step& step = steps.emplace_back();
    step.name = path.stem();
    std::string org = step.name.substr(step.name.find('-') + 1);
    if (org.ends_with("-mistakes")) org.resize(org.size() - 9);
    if (org != "clock") step.organisation = org;
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
      if (line.starts_with("# on ")) step.on = line.substr(5);
      step.lines.push_back(line);
    }
  }
  return steps;
}

bool IsEventLine(const std::string& line) {
  return !line.empty() && line[0] != '#';
}

// A string field of a JSON object; "" when absent.
std::string Field(const google::protobuf::Struct& s, const std::string& key) {
  auto it = s.fields().find(key);
  return it == s.fields().end() ? "" : it->second.string_value();
}

google::protobuf::Struct ParseJson(const std::string& line) {
  google::protobuf::Struct s;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(line, &s).ok())
      << line;
  return s;
}

class SystemTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto fixture = StartSystemGateway("2026-09-01");
    ASSERT_TRUE(fixture.ok()) << fixture.status().ToString();
    gateway_ = std::move(*fixture);
    agencies_ = std::make_unique<AgencySystem>(*gateway_);
    ASSERT_TRUE(agencies_->StartAll().ok());
  }

  std::string DataDir(const std::string& org) const {
    return agencies_->DataDir(org);
  }
  size_t Answered(const std::string& org) { return agencies_->Answered(org); }

  // What the agency's own system does: appends the step's lines to the file
  // its service follows.
  void HandOver(const Step& step) {
    std::ofstream out(agencies_->Input(step.organisation), std::ios::app);
    for (const std::string& line : step.lines) {
      out << line << "\n";
      if (IsEventLine(line)) {
        ++handed_[step.organisation];
        handed_lines_.push_back({step.organisation, line});
      }
    }
  }

  void AwaitAnswers(const std::string& org) {
    ASSERT_TRUE(
        WaitUntil([&] { return Answered(org) >= handed_[org]; }, kBound))
        << org << ": " << Answered(org) << " of " << handed_[org]
        << " lines answered";
  }

  bool CoordinatorHas(const std::function<bool(const v1::Envelope&)>& match) {
    for (const v1::Delivery& d : ReadInbox(agencies_->AlertFile())) {
      if (match(d.envelope())) return true;
    }
    return false;
  }

  std::unique_ptr<GatewayFixture> gateway_;
  std::unique_ptr<AgencySystem> agencies_;
  std::map<std::string, size_t> handed_;
  std::vector<std::pair<std::string, std::string>> handed_lines_;
};

TEST_F(SystemTest, ScenarioWithKilledServiceAndCoordinator) {
  for (const Step& step : LoadScenario()) {
    SCOPED_TRACE(step.name);
    ASSERT_FALSE(step.on.empty()) << "every step says its date";
    ASSERT_TRUE(gateway_->SetClock(step.on).ok());
    if (step.organisation.empty()) {
      // Only the clock moves; the idle gateway escalates on its own.
      ASSERT_TRUE(WaitUntil(
          [&] {
            return CoordinatorHas([](const v1::Envelope& e) {
              return e.has_handover_escalated();
            });
          },
          kBound));
      continue;
    }
    if (step.name.starts_with("06")) {
      // The coordinator is killed; the step's alerts arrive while it is
      // down and must reach it after its restart.
      ASSERT_TRUE(agencies_->coordinator()->Kill(SIGKILL));
      agencies_->coordinator()->Wait(kBound);
    }
    HandOver(step);
    if (step.name.starts_with("07")) {
      // Försäkringskassan's service dies with lines in hand.
      ASSERT_TRUE(agencies_->service(kFk)->Kill(SIGKILL));
      agencies_->service(kFk)->Wait(kBound);
      ASSERT_TRUE(agencies_->StartService(kFk).ok());
    }
    AwaitAnswers(step.organisation);
    if (step.name.starts_with("07")) {
      ASSERT_TRUE(agencies_->StartCoordinator().ok());
    }
  }

  auto log = OpenLogReadOnly(gateway_->LogPath());
  ASSERT_TRUE(log.ok()) << log.status().ToString();

  // The coordinator: the whole alert stream, 1..N once each, in order, and
  // the alerts the scenario must raise.
  auto alert_head = (*log)->RecipientHead(kAlertStream);
  ASSERT_TRUE(alert_head.ok());
  ASSERT_TRUE(WaitUntil(
      [&] { return ReadInbox(agencies_->AlertFile()).size() >= *alert_head; },
      kBound));
  const std::vector<v1::Delivery> alerts = ReadInbox(agencies_->AlertFile());
  ASSERT_EQ(alerts.size(), *alert_head);
  std::multiset<std::string> raised;
  for (size_t i = 0; i < alerts.size(); ++i) {
    EXPECT_EQ(alerts[i].recipient_sequence(), i + 1);
    const v1::Envelope& e = alerts[i].envelope();
    raised.insert(e.has_alert() ? e.alert().rule_id() : PayloadTypeName(e));
  }
  for (const char* expected :
       {"sgi_endangered", "illness_in_programme", "se_applied_during_ips",
        "work_without_vilande", "programme_sickness_certificate",
        "handover_escalated"}) {
    EXPECT_GE(raised.count(expected), 1u) << expected;
  }
  EXPECT_EQ(raised.count("handover_opened"), 2u);
  EXPECT_EQ(raised.count("handover_closed"), 2u);

  // Each service's inbox is exactly what the gateway decided its consent
  // allows: the same log sequences, 1..N, nothing twice.
  uint64_t david_withdrawn_at = 0;
  std::vector<gateway::StoredRecord> records;
  ASSERT_TRUE((*log)->Read(1, 100000, &records).ok());
  for (const auto& r : records) {
    if (r.participant_id == "p-david" &&
        r.payload_type == "consent_withdrawn") {
      david_withdrawn_at = r.sequence;
    }
  }
  ASSERT_GT(david_withdrawn_at, 0u);
  for (const auto& [org, name] : AgencyServiceNames()) {
    SCOPED_TRACE(org);
    auto head = (*log)->RecipientHead(org);
    ASSERT_TRUE(head.ok());
    const std::string path = DataDir(org) + "/inbox-events.jsonl";
    ASSERT_TRUE(
        WaitUntil([&] { return ReadInbox(path).size() >= *head; }, kBound));
    const std::vector<v1::Delivery> inbox = ReadInbox(path);
    std::vector<gateway::StoredDisclosure> decided;
    ASSERT_TRUE((*log)->ReadDeliveries(org, 0, 100000, &decided).ok());
    ASSERT_EQ(inbox.size(), decided.size());
    for (size_t i = 0; i < inbox.size(); ++i) {
      EXPECT_EQ(inbox[i].recipient_sequence(), i + 1);
      EXPECT_EQ(inbox[i].log_sequence(), decided[i].log_sequence);
      const v1::Envelope& e = inbox[i].envelope();
      // Anna's consent denies Arbetsförmedlingen her health.
      if (org == kArbetsformedlingen && e.participant_id() == "p-anna") {
        EXPECT_FALSE(e.has_health_deteriorated() &&
                     !e.health_deteriorated().diagnosis_code().empty())
            << e.ShortDebugString();
      }
      // Nothing about David after he withdrew his consent.
      if (e.participant_id() == "p-david") {
        EXPECT_LT(inbox[i].log_sequence(), david_withdrawn_at);
      }
    }
    // The case workers' file has every delivery of both streams once.
    const auto caseworker =
        agency::ReadJsonLines(DataDir(org) + "/caseworker.jsonl");
    std::set<std::pair<std::string, double>> seen;
    for (const std::string& line : caseworker) {
      const auto s = ParseJson(line);
      ASSERT_TRUE(s.fields().contains("recipient_sequence")) << line;
      EXPECT_TRUE(
          seen.insert({Field(s, "stream"),
                       s.fields().at("recipient_sequence").number_value()})
              .second)
          << "twice: " << line;
    }
  }

  // Every line handed over: logged exactly once, or answered with a
  // rejection, or refused before sending with a reason.
  std::map<std::string, int> logged;
  for (const auto& r : records) ++logged[r.event_id];
  std::map<std::string, std::set<std::string>> rejected_ids, unsent;
  for (const auto& [org, name] : AgencyServiceNames()) {
    for (const std::string& line :
         agency::ReadJsonLines(DataDir(org) + "/replies.jsonl")) {
      const auto s = ParseJson(line);
      ASSERT_TRUE(s.fields().contains("reply")) << line;
      const auto& reply = s.fields().at("reply").struct_value();
      EXPECT_NE(Field(reply, "outcome"), "") << line;
      if (Field(reply, "outcome") == "REJECTED") {
        rejected_ids[org].insert(Field(reply, "event_id"));
      }
    }
    for (const std::string& line :
         agency::ReadJsonLines(DataDir(org) + "/rejected.jsonl")) {
      const auto s = ParseJson(line);
      EXPECT_NE(Field(s, "error"), "") << line;
      unsent[org].insert(Field(s, "text"));
    }
  }
  size_t in_log = 0;
  for (const auto& [org, line] : handed_lines_) {
    if (unsent[org].contains(line)) continue;
    auto e = agency::ParseEventLine(line, {org, 0, 1});
    ASSERT_TRUE(e.ok()) << line;
    if (rejected_ids[org].contains(e->event_id())) continue;
    EXPECT_EQ(logged[e->event_id()], 1) << org << ": " << line;
    ++in_log;
  }
  // The scenario's 36 event lines, less 3 refused and 5 rejected below.
  EXPECT_EQ(in_log, 28u);
  // The mistakes: two refused by the municipality's own domain check, one
  // bad JSON, each with its reason; the lines after them still went through.
  EXPECT_EQ(unsent[kKommun].size(), 3u);
  EXPECT_EQ(rejected_ids[kKommun].size(), 4u);  // answered by the gateway
  EXPECT_EQ(rejected_ids[kArbetsformedlingen].size(), 1u);  // after withdrawal

  // Everything stops cleanly.
  for (const auto& [org, name] : AgencyServiceNames()) {
    ChildProcess* service = agencies_->service(org);
    ASSERT_TRUE(service->Kill(SIGTERM));
    auto exit = service->Wait(kBound);
    ASSERT_TRUE(exit.has_value());
    EXPECT_TRUE(exit->Succeeded()) << org << " " << exit->ToString();
  }
}

}  // namespace
}  // namespace samverkan::testing
