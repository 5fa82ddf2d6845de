// A full disk under a running gateway (DESIGN §4): the gateway process gets a
// file-size limit (RLIMIT_FSIZE, set from outside with prlimit) just where
// its log files end, so the next write fails as on a full filesystem. Every
// submission is then answered RETRY_LATER with nothing stored, /healthz says
// the store is not writable, the process keeps serving; once the limit is
// lifted ("space returns") the same events are accepted once each, nothing
// acknowledged earlier is lost, the chain verifies, and a restart finds the
// log whole.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "gateway/testing/http_get.h"
#include "gateway/testing/test_envelopes.h"
#include "tests/support/gateway_fixture.h"
#include "tests/support/log_reader.h"
#include "tests/support/metrics_page.h"
#include "tests/support/plan_setup.h"
#include "tests/support/wait.h"

namespace samverkan::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using namespace std::chrono_literals;

constexpr char kParticipant[] = "p-1001";
constexpr auto kReplyTimeout = 15s;

std::vector<std::string> HealthEvents(int n, const std::string& prefix) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) {
    out.push_back(gateway::testing::MakeHealthEvent(kRegion, kParticipant,
                                                    prefix + std::to_string(i))
                      .SerializeAsString());
  }
  return out;
}

// The largest of the log's files now: a limit there lets nothing grow.
rlim_t LargestLogFile(const std::string& log_path) {
  uintmax_t largest = 0;
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::error_code ec;
    const uintmax_t size = std::filesystem::file_size(log_path + suffix, ec);
    if (!ec) largest = std::max(largest, size);
  }
  return static_cast<rlim_t>(largest);
}

Status SetFileSizeLimit(pid_t pid, rlim_t soft) {
  struct rlimit limit = {soft, RLIM_INFINITY};
  if (prlimit(pid, RLIMIT_FSIZE, &limit, nullptr) != 0) {
    return InternalError("prlimit: " + std::string(strerror(errno)));
  }
  return OkStatus();
}

TEST(StoreFullTest, FullDiskAnswersRetryLaterLosesNothingAndResumes) {
  GatewayFixtureOptions options;
  options.parties = StandardParties();
  options.metrics = true;
  auto fixture = GatewayFixture::Create(options);
  ASSERT_TRUE(fixture.ok()) << fixture.status().ToString();
  GatewayFixture& gateway = **fixture;
  ASSERT_TRUE(gateway.Start().ok());
  auto kommun = gateway.ConnectIngress(kKommun);
  ASSERT_TRUE(kommun.ok()) << kommun.status().ToString();
  ASSERT_TRUE(
      OpenPlanWithConsent(**kommun, kKommun, kParticipant, StandardParties())
          .ok());
  auto region = gateway.ConnectIngress(kRegion);
  ASSERT_TRUE(region.ok()) << region.status().ToString();

  // Acknowledged before the disk fills: these must survive everything.
  std::vector<uint64_t> acknowledged;
  for (const std::string& bytes : HealthEvents(10, "before-")) {
    auto reply = (*region)->SubmitAndWait(bytes, kReplyTimeout);
    ASSERT_TRUE(reply.ok()) << reply.status().ToString();
    ASSERT_EQ(reply->outcome(), v1::ACCEPTED);
    acknowledged.push_back(reply->sequence());
  }

  const pid_t pid = gateway.process()->pid();
  ASSERT_TRUE(SetFileSizeLimit(pid, LargestLogFile(gateway.LogPath())).ok());
  const std::vector<std::string> during = HealthEvents(20, "during-");
  for (const std::string& bytes : during) {
    auto reply = (*region)->SubmitAndWait(bytes, kReplyTimeout);
    ASSERT_TRUE(reply.ok()) << reply.status().ToString();
    EXPECT_EQ(reply->code(), v1::RETRY_LATER) << reply->ShortDebugString();
    EXPECT_THAT(reply->message(), HasSubstr("nothing was stored"));
  }
  EXPECT_TRUE(gateway.Running()) << "a full disk must not end the process";
  const std::string metrics = gateway.address().metrics;
  const std::string health = gateway::testing::HttpGet(metrics, "/healthz");
  EXPECT_THAT(health, StartsWith("HTTP/1.0 503"));
  const std::string page = gateway::testing::HttpGet(metrics, "/metrics");
  EXPECT_GE(SampleValue(page, "samverkan_commit_failures_total").value_or(0),
            20)
      << page;

  // Space returns: the same bytes go again and are stored once each.
  ASSERT_TRUE(SetFileSizeLimit(pid, RLIM_INFINITY).ok());
  for (const std::string& bytes : during) {
    auto reply = (*region)->SubmitAndWait(bytes, kReplyTimeout);
    ASSERT_TRUE(reply.ok()) << reply.status().ToString();
    ASSERT_EQ(reply->outcome(), v1::ACCEPTED) << reply->ShortDebugString();
    EXPECT_FALSE(reply->duplicate()) << "refused earlier, yet stored";
    acknowledged.push_back(reply->sequence());
  }
  EXPECT_THAT(gateway::testing::HttpGet(metrics, "/healthz"),
              StartsWith("HTTP/1.0 200"));

  // The log holds the plan, the consent and each acknowledged event once, at
  // the sequence its acknowledgement named; a restart finds it so too.
  for (int start = 0; start < 2; ++start) {
    if (start == 1) {
      ASSERT_TRUE(gateway.Restart().ok());
    }
    auto log = ReadWholeLog(gateway.LogPath());
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    ASSERT_EQ(log->size(), 2 + acknowledged.size());
    for (size_t i = 0; i < acknowledged.size(); ++i) {
      EXPECT_EQ(acknowledged[i], 3 + i);
    }
    auto verify = gateway.RunOperator(kOperator, {"verify"});
    ASSERT_TRUE(verify.ok()) << verify.status().ToString();
    EXPECT_TRUE(verify->exit.Succeeded()) << verify->out << verify->err;
  }
}

}  // namespace
}  // namespace samverkan::testing
