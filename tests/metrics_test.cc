// A real samverkan-gateway with its metrics port on: the ready file names the
// port, /metrics counts what the test submitted, /healthz says the store is
// fine, and any other path is 404.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>

#include "gateway/testing/http_get.h"
#include "gateway/testing/test_envelopes.h"
#include "tests/support/gateway_fixture.h"
#include "tests/support/metrics_page.h"
#include "tests/support/plan_setup.h"
#include "tests/support/wait.h"

namespace samverkan::testing {
namespace {

using gateway::testing::HttpGet;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using namespace std::chrono_literals;

constexpr auto kReplyTimeout = 15s;
// Bounds the wait for a counter the gateway updates just after replying.
constexpr auto kMetricsBound = 15s;

class MetricsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto fixture = GatewayFixture::Create(Options());
    ASSERT_TRUE(fixture.ok()) << fixture.status().ToString();
    gateway_ = std::move(*fixture);
    Status started = gateway_->Start();
    ASSERT_TRUE(started.ok()) << started.ToString();
    ASSERT_THAT(gateway_->address().metrics, StartsWith("http://127.0.0.1:"));
  }

  virtual GatewayFixtureOptions Options() {
    GatewayFixtureOptions options;
    options.parties = StandardParties();
    options.metrics = true;
    return options;
  }

  std::string Get(const std::string& path) {
    return HttpGet(gateway_->address().metrics, path);
  }

  // Polls /metrics until `series` reaches `at_least`; returns the last page.
  std::string WaitForSample(const std::string& series, double at_least) {
    std::string page;
    WaitUntil(
        [&] {
          page = Get("/metrics");
          auto v = SampleValue(page, series);
          return v && *v >= at_least;
        },
        kMetricsBound);
    return page;
  }

  std::unique_ptr<GatewayFixture> gateway_;
};

// The process's resident memory and SQLite's share of it, read when the
// page is served: an open log already holds schemas and some cache.
TEST_F(MetricsTest, ReportsTheGatewaysMemory) {
  const std::string page = Get("/metrics");
  const auto resident = SampleValue(page, "process_resident_memory_bytes");
  const auto sqlite = SampleValue(page, "samverkan_sqlite_memory_bytes");
  ASSERT_TRUE(resident.has_value()) << page;
  ASSERT_TRUE(sqlite.has_value()) << page;
  EXPECT_GT(*resident, 1 << 20);
  EXPECT_GT(*sqlite, 0);
  EXPECT_LT(*sqlite, *resident);
}

TEST_F(MetricsTest, CountsAcceptedAndRejectedEvents) {
  auto kommun = gateway_->ConnectIngress(kKommun);
  ASSERT_TRUE(kommun.ok()) << kommun.status().ToString();
  auto region = gateway_->ConnectIngress(kRegion);
  ASSERT_TRUE(region.ok()) << region.status().ToString();

  // Two accepted: the consent and the plan.
  auto setup =
      OpenPlanWithConsent(**kommun, kKommun, "p-1001", StandardParties());
  ASSERT_TRUE(setup.ok()) << setup.status().ToString();
  // Two malformed, one claiming another organisation as its source.
  const std::string garbage("\x0a\xff\xff", 3);
  for (int i = 0; i < 2; ++i) {
    auto reply = (*region)->SubmitAndWait(garbage, kReplyTimeout);
    ASSERT_TRUE(reply.ok()) << reply.status().ToString();
    EXPECT_EQ(reply->code(), v1::MALFORMED);
  }
  auto mismatch = (*region)->SubmitAndWait(
      gateway::testing::MakeEnvelope(kKommun).SerializeAsString(),
      kReplyTimeout);
  ASSERT_TRUE(mismatch.ok()) << mismatch.status().ToString();
  EXPECT_EQ(mismatch->code(), v1::SOURCE_MISMATCH);

  // The ack latency is observed just after each reply leaves, so it is the
  // last thing to settle: five submissions, five observations.
  const std::string page =
      WaitForSample("samverkan_ack_latency_seconds_count", 5);
  EXPECT_EQ(SampleValue(page, "samverkan_ack_latency_seconds_count"), 5)
      << page;
  EXPECT_EQ(SampleValue(page, "samverkan_events_accepted_total"), 2) << page;
  // New ids on a new log: looked up, and answered by the event key filter
  // without a search of the index.
  EXPECT_GE(SampleValue(page, "samverkan_log_event_lookups_total").value_or(0),
            2)
      << page;
  EXPECT_EQ(SampleValue(page, "samverkan_log_event_index_searches_total"), 0)
      << page;
  EXPECT_GT(
      SampleValue(page, "samverkan_log_event_key_filter_bytes").value_or(0), 0)
      << page;
  EXPECT_EQ(
      SampleValue(page, "samverkan_events_rejected_total{code=\"MALFORMED\"}"),
      2)
      << page;
  EXPECT_EQ(
      SampleValue(page,
                  "samverkan_events_rejected_total{code=\"SOURCE_MISMATCH\"}"),
      1)
      << page;
  EXPECT_GE(SampleValue(page, "samverkan_commit_batch_size_count").value_or(0),
            1)
      << page;
  EXPECT_EQ(SampleValue(page, "samverkan_commit_seconds_count"),
            SampleValue(page, "samverkan_commit_batch_size_count"))
      << page;
  EXPECT_GT(SampleValue(page, "samverkan_commit_seconds_sum").value_or(0), 0)
      << page;
  EXPECT_EQ(SampleValue(page, "samverkan_commit_failures_total"), 0) << page;
  EXPECT_EQ(SampleValue(page, "samverkan_handovers_open"), 0) << page;
  EXPECT_THAT(page, HasSubstr("# TYPE samverkan_deliveries_total counter\n"));
  EXPECT_THAT(page, HasSubstr("# TYPE samverkan_alerts_total counter\n"));
  EXPECT_TRUE(SampleValue(page, "samverkan_last_commit_age_seconds")) << page;
  EXPECT_TRUE(SampleValue(page, "samverkan_ingress_queue_depth")) << page;

  // The idle gateway's index pass takes in the records committed above.
  std::string settled;
  EXPECT_TRUE(WaitUntil(
      [&] {
        settled = Get("/metrics");
        return SampleValue(settled, "samverkan_log_unindexed_records") == 0 &&
               SampleValue(settled,
                           "samverkan_log_unfolded_projection_changes") == 0;
      },
      kMetricsBound))
      << settled;

  const std::string raw = Get("/metrics");
  EXPECT_THAT(raw, StartsWith("HTTP/1.0 200 OK\r\n"));
  EXPECT_THAT(raw, HasSubstr("Content-Type: text/plain; version=0.0.4"));
}

TEST_F(MetricsTest, HealthzIsOkAndOtherPathsAreNotFound) {
  auto kommun = gateway_->ConnectIngress(kKommun);
  ASSERT_TRUE(kommun.ok()) << kommun.status().ToString();
  auto setup =
      OpenPlanWithConsent(**kommun, kKommun, "p-1001", StandardParties());
  ASSERT_TRUE(setup.ok()) << setup.status().ToString();

  const std::string health = Get("/healthz");
  EXPECT_THAT(health, StartsWith("HTTP/1.0 200 OK\r\n"));
  EXPECT_THAT(health, HasSubstr("\r\n\r\nok\n"));
  EXPECT_THAT(health,
              HasSubstr("log_head=" + std::to_string(setup->sequences.back())));
  EXPECT_THAT(health, HasSubstr("last_commit_age_seconds="));
  EXPECT_THAT(Get("/nope"), StartsWith("HTTP/1.0 404"));
}

// Index passes every kLag records, so that a few dozen events fill a tier of
// runs (KeyRuns::kFanout of them) and merge it.
class IndexRunsMetricsTest : public MetricsTest {
 protected:
  static constexpr uint32_t kLag = 4;
  GatewayFixtureOptions Options() override {
    GatewayFixtureOptions options = MetricsTest::Options();
    options.index_lag = kLag;
    return options;
  }
};

// Each index gets one entry per record from its passes, in runs of kLag;
// the first eight runs of each merge into one, so merges rewrote at least
// those 32 entries, and the runs left are fewer than the passes made.
TEST_F(IndexRunsMetricsTest, ShowsEachIndexsRunsAndTheirUpkeep) {
  auto region = gateway_->ConnectIngress(kRegion);
  ASSERT_TRUE(region.ok()) << region.status().ToString();
  auto setup =
      OpenPlanWithConsent(**region, kRegion, "p-1001", StandardParties());
  ASSERT_TRUE(setup.ok()) << setup.status().ToString();
  constexpr int kEvents = 40;
  for (int i = 0; i < kEvents; ++i) {
    auto reply = (*region)->SubmitAndWait(
        gateway::testing::MakeEnvelope(kRegion).SerializeAsString(),
        kReplyTimeout);
    ASSERT_TRUE(reply.ok()) << reply.status().ToString();
    ASSERT_EQ(reply->outcome(), v1::ACCEPTED) << reply->message();
  }
  const double records = static_cast<double>(setup->sequences.size() + kEvents);
  const double full_tier = 8 * kLag;
  auto sample = [](const std::string& page, const char* name,
                   const char* index) {
    return SampleValue(page, std::string(name) + "{index=\"" + index + "\"}");
  };
  std::string page;
  EXPECT_TRUE(WaitUntil(
      [&] {
        page = Get("/metrics");
        if (SampleValue(page, "samverkan_log_unindexed_records") != 0) {
          return false;
        }
        for (const char* index : {"events", "participants"}) {
          if (sample(page, "samverkan_log_index_merged_entries_total", index)
                  .value_or(0) < full_tier) {
            return false;
          }
        }
        return true;
      },
      kMetricsBound))
      << page;
  for (const char* index : {"events", "participants"}) {
    SCOPED_TRACE(index);
    EXPECT_EQ(sample(page, "samverkan_log_index_appended_entries_total", index),
              records)
        << page;
    const auto runs = sample(page, "samverkan_log_index_runs", index);
    ASSERT_TRUE(runs.has_value()) << page;
    EXPECT_GE(*runs, 1);
    EXPECT_LT(*runs, records / kLag);
    EXPECT_TRUE(sample(page, "samverkan_log_index_merges", index)) << page;
  }
}

}  // namespace
}  // namespace samverkan::testing
