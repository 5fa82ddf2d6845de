// The agency services as processes against a real gateway (issue #5): lines
// handed over while the gateway is down arrive once it is up; a service
// SIGKILLed mid-stream and restarted leaves every line in the log exactly
// once; bad and out-of-domain lines are kept with a reason while the rest
// arrive; the case workers' file after a restart has no gaps and no
// duplicates. Waits are on conditions with a bound, never fixed sleeps.
#include "services/agency/agency_service.h"

#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <thread>

#include "gateway/log/sqlite_log_store.h"
#include "gateway/testing/test_envelopes.h"
#include "services/agency/json_lines_file.h"
#include "tests/support/child_process.h"
#include "tests/support/gateway_fixture.h"
#include "tests/support/log_reader.h"
#include "tests/support/plan_setup.h"
#include "tests/support/sqlite_probe.h"
#include "tests/support/wait.h"

namespace samverkan::testing {
namespace {

constexpr char kParticipant[] = "p-3001";
constexpr auto kBound = std::chrono::seconds(60);

bool WaitUntil(const std::function<bool()>& condition) {
  return testing::WaitUntil(condition, kBound);
}

std::string JsonLine(const v1::Envelope& e) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  EXPECT_TRUE(
      google::protobuf::util::MessageToJsonString(e, &json, options).ok());
  return json;
}

v1::Envelope PlanAction(const std::string& org, int n,
                        const std::string& responsible) {
  v1::Envelope e = gateway::testing::MakeEnvelope(org);
  e.set_participant_id(kParticipant);
  auto* a = e.mutable_plan_action_added();
  a->set_plan_id(std::string("sip-") + kParticipant);
  a->set_action_id("a-" + std::to_string(n));
  a->set_kind("follow-up meeting");
  a->set_responsible_organisation(responsible);
  return e;
}

class AgencyServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    GatewayFixtureOptions options;
    options.parties = {
        {kKommun, v1::MUNICIPALITY, {v1::PUBLISHER, v1::COORDINATOR}},
        {kFk, v1::FORSAKRINGSKASSAN, {v1::PUBLISHER}},
        {kOperator, v1::PARTY_KIND_UNSPECIFIED, {v1::OPERATOR}},
    };
    auto fixture = GatewayFixture::Create(options);
    ASSERT_TRUE(fixture.ok()) << fixture.status().ToString();
    gateway_ = std::move(*fixture);
    data_dir_ = gateway_->dir() + "/kommun-service";
    input_ = gateway_->dir() + "/kommun-in.jsonl";
  }

  // The consent and plan lines (as the municipality) and then `actions`
  // plan actions; returns the event ids, in order.
  std::vector<std::string> WriteInput(int actions) {
    std::vector<v1::Envelope> lines = {
        gateway::testing::MakeConsentGranted(kKommun, kParticipant, "c-1"),
        gateway::testing::MakePlanOpened(
            kParticipant,
            {{kKommun, v1::MUNICIPALITY}, {kFk, v1::FORSAKRINGSKASSAN}})};
    for (int i = 0; i < actions; ++i) {
      lines.push_back(PlanAction(kKommun, i, kKommun));
    }
    std::ofstream out(input_, std::ios::app);
    std::vector<std::string> ids;
    for (const v1::Envelope& e : lines) {
      out << JsonLine(e) << "\n";
      ids.push_back(e.event_id());
    }
    return ids;
  }

  std::unique_ptr<ChildProcess> StartService(const std::string& binary,
                                             const std::string& org,
                                             const std::string& data_dir,
                                             std::vector<std::string> extra) {
    std::vector<std::string> args = {"--gateway",
                                     gateway_->ReadyFile(),
                                     "--key",
                                     gateway_->KeyFile(org),
                                     "--organisation",
                                     org,
                                     "--data",
                                     data_dir,
                                     "--reply-timeout-ms",
                                     "500"};
    args.insert(args.end(), extra.begin(), extra.end());
    auto child = ChildProcess::Start(binary, args,
                                     {data_dir + ".out", data_dir + ".err"});
    EXPECT_TRUE(child.ok()) << child.status().ToString();
    return child.ok() ? std::move(*child) : nullptr;
  }

  // Every event id in the log exactly once, and nothing else of ours.
  void ExpectInLogOnce(const std::vector<std::string>& ids) {
    auto log = OpenLogReadOnly(gateway_->LogPath());
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    for (const std::string& id : ids) {
      auto found = (*log)->FindEvent(id);
      ASSERT_TRUE(found.ok());
      EXPECT_TRUE(found->has_value()) << id << " is not in the log";
    }
    std::vector<gateway::StoredRecord> records;
    std::map<std::string, int> seen;
    for (uint64_t from = 1;; from += records.size()) {
      ASSERT_TRUE((*log)->Read(from, 500, &records).ok());
      if (records.empty()) break;
      for (const auto& r : records) ++seen[r.event_id];
    }
    const std::set<std::string> wanted(ids.begin(), ids.end());
    int ours = 0;
    for (const auto& [id, count] : seen) {
      EXPECT_EQ(count, 1) << id;
      ours += wanted.count(id);
    }
    EXPECT_EQ(ours, static_cast<int>(wanted.size()));
  }

  // The service's input position, read without writing to its database
  // (ProbeInt) while the service may still be creating it.
  uint64_t TakenLines(const std::string& data_dir, const std::string& input) {
    return static_cast<uint64_t>(
        ProbeInt(agency::DataFiles(data_dir).database,
                 "SELECT line_number FROM input_position WHERE source = ?1",
                 {input})
            .value_or(0));
  }

  std::unique_ptr<GatewayFixture> gateway_;
  std::string data_dir_;
  std::string input_;
};

TEST_F(AgencyServiceTest, LinesHandedOverWhileTheGatewayIsDownArriveOnce) {
  const std::vector<std::string> ids = WriteInput(20);
  auto service = StartService("samverkan-municipality", kKommun, data_dir_,
                              {"--input", input_, "--once", "--no-inbox"});
  ASSERT_NE(service, nullptr);
  // Taken (durable in the outbox) with no gateway to send to.
  ASSERT_TRUE(WaitUntil([&] { return TakenLines(data_dir_, input_) == 22; }))
      << "service running: " << service->Running()
      << "; its stderr: " << ReadFileOrEmpty(data_dir_ + ".err");
  EXPECT_TRUE(service->Running());

  ASSERT_TRUE(gateway_->Start().ok());
  auto exit = service->Wait(kBound);
  ASSERT_TRUE(exit.has_value()) << "the service did not finish";
  EXPECT_TRUE(exit->Succeeded()) << exit->ToString();
  ExpectInLogOnce(ids);
  const auto replies =
      agency::ReadJsonLines(agency::DataFiles(data_dir_).replies);
  EXPECT_EQ(replies.size(), ids.size());
  for (const std::string& line : replies) {
    EXPECT_NE(line.find("\"outcome\":\"ACCEPTED\""), std::string::npos) << line;
  }
}

TEST_F(AgencyServiceTest, KilledMidStreamAndRestartedEveryLineOnce) {
  ASSERT_TRUE(gateway_->Start().ok());
  const std::vector<std::string> ids = WriteInput(400);
  const std::string replies = agency::DataFiles(data_dir_).replies;
  auto first = StartService("samverkan-municipality", kKommun, data_dir_,
                            {"--input", input_, "--no-inbox"});
  ASSERT_NE(first, nullptr);
  ASSERT_TRUE(
      WaitUntil([&] { return !agency::ReadJsonLines(replies).empty(); }));
  first->Kill(SIGKILL);
  // For the record: how far the first run got (a kill after everything was
  // answered would prove little).
  RecordProperty("replies_at_kill",
                 static_cast<int>(agency::ReadJsonLines(replies).size()));
  ASSERT_TRUE(first->Wait(kBound).has_value());

  auto second = StartService("samverkan-municipality", kKommun, data_dir_,
                             {"--input", input_, "--once", "--no-inbox"});
  ASSERT_NE(second, nullptr);
  auto exit = second->Wait(kBound);
  ASSERT_TRUE(exit.has_value()) << "the restarted service did not finish";
  EXPECT_TRUE(exit->Succeeded()) << exit->ToString();
  ExpectInLogOnce(ids);
  // Every line answered (an answer may repeat after the kill, as a
  // duplicate of the same log record, never as a second record).
  std::set<std::string> answered;
  for (const std::string& line : agency::ReadJsonLines(replies)) {
    const size_t at = line.find("\"line\":");
    answered.insert(line.substr(at, line.find(',', at) - at));
    EXPECT_NE(line.find("ACCEPTED"), std::string::npos) << line;
  }
  EXPECT_EQ(answered.size(), ids.size());
}

TEST_F(AgencyServiceTest, BadLinesAreKeptWithAReasonAndTheRestArrive) {
  ASSERT_TRUE(gateway_->Start().ok());
  std::vector<std::string> ids = WriteInput(3);
  {
    std::ofstream out(input_, std::ios::app);
    out << "{\"participant_id\": \"p-3001\", \"ips_enrolled\": {\n";
    v1::Envelope sjukpenning = gateway::testing::MakeEnvelope(kKommun);
    sjukpenning.set_participant_id(kParticipant);
    sjukpenning.mutable_sjukpenning_granted();
    out << JsonLine(sjukpenning) << "\n";
    v1::Envelope after = PlanAction(kKommun, 99, kKommun);
    out << JsonLine(after) << "\n";
    ids.push_back(after.event_id());
  }
  auto service = StartService("samverkan-municipality", kKommun, data_dir_,
                              {"--input", input_, "--once", "--no-inbox"});
  ASSERT_NE(service, nullptr);
  auto exit = service->Wait(kBound);
  ASSERT_TRUE(exit.has_value());
  EXPECT_TRUE(exit->Succeeded()) << exit->ToString();
  ExpectInLogOnce(ids);
  const auto rejected =
      agency::ReadJsonLines(agency::DataFiles(data_dir_).rejected);
  ASSERT_EQ(rejected.size(), 2u);
  EXPECT_NE(rejected[0].find("\"line\":6"), std::string::npos);
  EXPECT_NE(rejected[0].find("not a samverkan.v1.Envelope in JSON"),
            std::string::npos);
  EXPECT_NE(rejected[1].find("\"line\":7"), std::string::npos);
  EXPECT_NE(rejected[1].find("MUNICIPALITY does not publish "
                             "sjukpenning_granted: that is decided by "
                             "FORSAKRINGSKASSAN"),
            std::string::npos);
}

TEST_F(AgencyServiceTest, InboxAfterARestartHasNoGapsAndNoDuplicates) {
  ASSERT_TRUE(gateway_->Start().ok());
  auto kommun = gateway_->ConnectIngress(kKommun);
  ASSERT_TRUE(kommun.ok());
  auto setup = OpenPlanWithConsent(
      **kommun, kKommun, kParticipant,
      {{kKommun, v1::MUNICIPALITY, {}}, {kFk, v1::FORSAKRINGSKASSAN, {}}});
  ASSERT_TRUE(setup.ok()) << setup.status().ToString();
  auto submit = [&](int from, int to) {
    for (int i = from; i < to; ++i) {
      auto reply = (*kommun)->SubmitAndWait(
          PlanAction(kKommun, i, i % 2 ? kFk : kKommun).SerializeAsString(),
          std::chrono::seconds(10));
      ASSERT_TRUE(reply.ok());
      ASSERT_EQ(reply->outcome(), v1::ACCEPTED) << reply->message();
    }
  };
  submit(0, 40);

  const std::string fk_dir = gateway_->dir() + "/fk-service";
  const agency::DataFiles files(fk_dir);
  auto first = StartService("samverkan-forsakringskassan", kFk, fk_dir, {});
  ASSERT_NE(first, nullptr);
  ASSERT_TRUE(WaitUntil(
      [&] { return agency::ReadJsonLines(files.caseworker).size() >= 5; }));
  first->Kill(SIGKILL);
  ASSERT_TRUE(first->Wait(kBound).has_value());
  submit(40, 80);

  auto second = StartService("samverkan-forsakringskassan", kFk, fk_dir, {});
  ASSERT_NE(second, nullptr);
  auto log = OpenLogReadOnly(gateway_->LogPath());
  ASSERT_TRUE(log.ok());
  auto head = (*log)->RecipientHead(kFk);
  ASSERT_TRUE(head.ok());
  ASSERT_GE(*head, 80u);  // the plan and every action reached FK
  ASSERT_TRUE(WaitUntil(
      [&] { return agency::ReadJsonLines(files.caseworker).size() >= *head; }));
  second->Kill(SIGTERM);
  auto exit = second->Wait(kBound);
  ASSERT_TRUE(exit.has_value());
  EXPECT_TRUE(exit->Succeeded()) << exit->ToString();

  const auto lines = agency::ReadJsonLines(files.caseworker);
  ASSERT_EQ(lines.size(), *head);
  int to_do = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    EXPECT_EQ(lines[i].rfind("{\"stream\":\"events\",\"recipient_sequence\":" +
                                 std::to_string(i + 1) + ",",
                             0),
              0u)
        << lines[i];
    if (lines[i].find("\"to_do\":true") != std::string::npos) {
      ++to_do;
      EXPECT_NE(lines[i].find("is yours"), std::string::npos) << lines[i];
    }
  }
  EXPECT_EQ(to_do, 40);  // the odd-numbered actions are FK's
  EXPECT_EQ(agency::ReadJsonLines(files.events_inbox).size(), *head);

  auto plans = RunToCompletion("samverkan-forsakringskassan",
                               {"--data", fk_dir, "--plans"}, gateway_->dir(),
                               "plans", std::chrono::seconds(20));
  ASSERT_TRUE(plans.ok());
  EXPECT_NE(plans->out.find(std::string("sip-") + kParticipant + "  " +
                            kParticipant + "  open  coordinator " + kKommun),
            std::string::npos)
      << plans->out;
}

}  // namespace
}  // namespace samverkan::testing
