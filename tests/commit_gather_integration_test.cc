// Synchronous publishers through a real gateway: a small batch is held for
// the connections just answered (commit_gather_us), every event is answered
// with or without holds, and a publisher that stops does not keep the
// others from their answers.
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "gateway/testing/http_get.h"
#include "gateway/testing/test_envelopes.h"
#include "tests/support/gateway_fixture.h"
#include "tests/support/metrics_page.h"
#include "tests/support/plan_setup.h"

namespace samverkan::testing {
namespace {

using gateway::testing::HttpGet;
using namespace std::chrono_literals;

constexpr char kParticipant[] = "p-1001";
constexpr auto kReplyTimeout = 30s;

class CommitGatherIntegrationTest : public ::testing::Test {
 protected:
  // A gateway whose hold is `gather`, with a consent and an open plan for
  // the participant, so the region's health events are accepted.
  void Start(std::chrono::microseconds gather) {
    GatewayFixtureOptions options;
    options.parties = StandardParties();
    options.metrics = true;
    options.commit_gather_us = static_cast<uint32_t>(gather.count());
    auto fixture = GatewayFixture::Create(options);
    ASSERT_TRUE(fixture.ok()) << fixture.status().ToString();
    gateway_ = std::move(*fixture);
    Status started = gateway_->Start();
    ASSERT_TRUE(started.ok()) << started.ToString();
    auto kommun = gateway_->ConnectIngress(kKommun);
    ASSERT_TRUE(kommun.ok()) << kommun.status().ToString();
    auto plan =
        OpenPlanWithConsent(**kommun, kKommun, kParticipant, StandardParties());
    ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  }

  double Sample(const std::string& series) {
    const std::string page = HttpGet(gateway_->address().metrics, "/metrics");
    std::optional<double> v = SampleValue(page, series);
    EXPECT_TRUE(v.has_value()) << series << " missing from\n" << page;
    return v.value_or(-1);
  }

  // `publishers` connections each send `events` health events, one at a
  // time, each after the answer to the one before. Returns how many were
  // accepted.
  int PublishSynchronously(int publishers, int events) {
    std::vector<std::thread> threads;
    std::vector<int> accepted(publishers, 0);
    for (int p = 0; p < publishers; ++p) {
      threads.emplace_back([&, p] {
        auto region = gateway_->ConnectIngress(kRegion);
        ASSERT_TRUE(region.ok()) << region.status().ToString();
        for (int i = 0; i < events; ++i) {
          v1::Envelope e = gateway::testing::MakeHealthEvent(
              kRegion, kParticipant,
              "publisher " + std::to_string(p) + " event " + std::to_string(i));
          auto reply =
              (*region)->SubmitAndWait(e.SerializeAsString(), kReplyTimeout);
          ASSERT_TRUE(reply.ok()) << reply.status().ToString();
          ASSERT_EQ(reply->outcome(), v1::ACCEPTED)
              << reply->ShortDebugString();
          accepted[p]++;
        }
      });
    }
    for (std::thread& t : threads) t.join();
    int total = 0;
    for (int n : accepted) total += n;
    return total;
  }

  std::unique_ptr<GatewayFixture> gateway_;
};

TEST_F(CommitGatherIntegrationTest, SynchronousPublishersAreHeldFor) {
  Start(2s);
  constexpr int kPublishers = 4;
  constexpr int kEvents = 25;
  const double commits_before = Sample("samverkan_commit_batch_size_count");
  const double records_before = Sample("samverkan_commit_batch_size_sum");

  ASSERT_EQ(PublishSynchronously(kPublishers, kEvents), kPublishers * kEvents);

  const double commits =
      Sample("samverkan_commit_batch_size_count") - commits_before;
  const double records =
      Sample("samverkan_commit_batch_size_sum") - records_before;
  EXPECT_EQ(records, kPublishers * kEvents);
  // After the first answers, the others are due back (nothing is known of
  // how soon they come), so some batch is held. How many a hold gathers
  // depends on how soon they do come, against how long a batch takes: the
  // bench measures that (docs/BENCHMARKS.md); here it is only reported.
  EXPECT_GT(Sample("samverkan_commit_gather_holds_total"), 0);
  RecordProperty("commits", static_cast<int>(commits));
  RecordProperty("joined", static_cast<int>(
                               Sample("samverkan_commit_gather_joined_total")));
}

TEST_F(CommitGatherIntegrationTest, EveryoneIsAnsweredWhenAPublisherStops) {
  // One publisher is answered and sends nothing more; another's events are
  // then each held for it, until its window ends, and still all answered.
  Start(200ms);
  ASSERT_EQ(PublishSynchronously(1, 1), 1);
  ASSERT_EQ(PublishSynchronously(1, 3), 3);
  EXPECT_EQ(Sample("samverkan_events_accepted_total"), 2 + 1 + 3);
}

TEST_F(CommitGatherIntegrationTest, ZeroNeverHolds) {
  Start(0us);
  ASSERT_EQ(PublishSynchronously(2, 10), 20);
  EXPECT_EQ(Sample("samverkan_commit_gather_holds_total"), 0);
}

}  // namespace
}  // namespace samverkan::testing
