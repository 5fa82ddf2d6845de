// The Prometheus text and the health page, built from fixed inputs.
#include "gateway/metrics_pages.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace samverkan::gateway {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

MetricsSnapshot Example() {
  MetricsSnapshot s;
  s.accepted = 7;
  s.duplicates = 1;
  s.rejected = {{"MALFORMED", 2}, {"NOT_AUTHORISED", 1}};
  s.delivered = {{"kommun-orebro", 5}};
  s.withheld = {{"forsakringskassan", 3}};
  s.alerts = {{"income-gap", 4}};
  s.handovers_open = 2;
  s.handovers_escalated = 1;
  s.log_unindexed_records = 13;
  s.log_unfolded_projection_changes = 21;
  s.log_event_lookups = 22;
  s.log_event_index_searches = 3;
  s.log_event_key_filter_bytes = 1310720;
  s.log_index_runs = {{.runs = 12, .merges = 1, .appended = 30, .merged = 40},
                      {.runs = 16, .merges = 2, .appended = 31, .merged = 41}};
  s.commit_batch_size = {{1, 2, 4}, {1, 3, 3}, 4, 10};
  s.commit_seconds = {{0.0005, 0.005}, {2, 3}, 4, 0.25};
  s.ack_latency_seconds = {{0.001, 0.25}, {0, 2}, 3, 1.5};
  s.ingress_queue_depth = 6;
  s.ingress_refused = 9;
  s.commit_gather_holds = 14;
  s.commit_gather_joined = 15;
  s.delivery_pushes_dropped = 11;
  s.resident_bytes = 104857600;
  s.sqlite_memory_bytes = 33554432;
  s.last_commit_age_seconds = 12.5;
  return s;
}

TEST(FormatPrometheusTextTest, ShowsEverySample) {
  const std::string text = FormatPrometheusText(Example());
  struct Case {
    const char* line;
  };
  for (const Case& c : std::vector<Case>{
           {"samverkan_events_accepted_total 7\n"},
           {"samverkan_events_duplicate_total 1\n"},
           {"samverkan_events_rejected_total{code=\"MALFORMED\"} 2\n"},
           {"samverkan_events_rejected_total{code=\"NOT_AUTHORISED\"} 1\n"},
           {"samverkan_deliveries_total{recipient=\"kommun-orebro\","
            "outcome=\"delivered\"} 5\n"},
           {"samverkan_deliveries_total{recipient=\"forsakringskassan\","
            "outcome=\"withheld\"} 3\n"},
           {"samverkan_alerts_total{rule=\"income-gap\"} 4\n"},
           {"samverkan_commit_failures_total 0\n"},
           {"samverkan_handovers_open 2\n"},
           {"samverkan_handovers_escalated 1\n"},
           {"samverkan_log_unindexed_records 13\n"},
           {"samverkan_log_unfolded_projection_changes 21\n"},
           {"samverkan_log_event_lookups_total 22\n"},
           {"samverkan_log_event_index_searches_total 3\n"},
           {"samverkan_log_event_key_filter_bytes 1310720\n"},
           {"samverkan_log_index_runs{index=\"events\"} 12\n"},
           {"samverkan_log_index_runs{index=\"participants\"} 16\n"},
           {"samverkan_log_index_merges{index=\"events\"} 1\n"},
           {"samverkan_log_index_merges{index=\"participants\"} 2\n"},
           {"samverkan_log_index_appended_entries_total{index=\"events\"} "
            "30\n"},
           {"samverkan_log_index_appended_entries_total{index=\"participants\"}"
            " "
            "31\n"},
           {"samverkan_log_index_merged_entries_total{index=\"events\"} 40\n"},
           {"samverkan_log_index_merged_entries_total{index=\"participants\"} "
            "41\n"},
           {"samverkan_commit_batch_size_bucket{le=\"1\"} 1\n"},
           {"samverkan_commit_batch_size_bucket{le=\"2\"} 3\n"},
           {"samverkan_commit_batch_size_bucket{le=\"4\"} 3\n"},
           {"samverkan_commit_batch_size_bucket{le=\"+Inf\"} 4\n"},
           {"samverkan_commit_batch_size_sum 10\n"},
           {"samverkan_commit_batch_size_count 4\n"},
           {"samverkan_commit_seconds_bucket{le=\"0.0005\"} 2\n"},
           {"samverkan_commit_seconds_bucket{le=\"0.005\"} 3\n"},
           {"samverkan_commit_seconds_bucket{le=\"+Inf\"} 4\n"},
           {"samverkan_commit_seconds_sum 0.25\n"},
           {"samverkan_ack_latency_seconds_bucket{le=\"0.001\"} 0\n"},
           {"samverkan_ack_latency_seconds_bucket{le=\"0.25\"} 2\n"},
           {"samverkan_ack_latency_seconds_bucket{le=\"+Inf\"} 3\n"},
           {"samverkan_ack_latency_seconds_sum 1.5\n"},
           {"samverkan_ingress_queue_depth 6\n"},
           {"samverkan_ingress_refused_total 9\n"},
           {"samverkan_commit_gather_holds_total 14\n"},
           {"samverkan_commit_gather_joined_total 15\n"},
           {"samverkan_delivery_pushes_dropped_total 11\n"},
           {"process_resident_memory_bytes 104857600\n"},
           {"samverkan_sqlite_memory_bytes 33554432\n"},
           {"samverkan_last_commit_age_seconds 12.5\n"},
       }) {
    EXPECT_THAT(text, HasSubstr(c.line));
  }
}

TEST(FormatPrometheusTextTest, EveryFamilyHasHelpAndTypeOnce) {
  const std::string text = FormatPrometheusText(Example());
  struct Case {
    const char* name;
    const char* type;
  };
  for (const Case& c : std::vector<Case>{
           {"samverkan_events_accepted_total", "counter"},
           {"samverkan_events_rejected_total", "counter"},
           {"samverkan_deliveries_total", "counter"},
           {"samverkan_alerts_total", "counter"},
           {"samverkan_handovers_open", "gauge"},
           {"samverkan_handovers_escalated", "gauge"},
           {"samverkan_log_unindexed_records", "gauge"},
           {"samverkan_log_unfolded_projection_changes", "gauge"},
           {"samverkan_log_event_lookups_total", "counter"},
           {"samverkan_log_event_index_searches_total", "counter"},
           {"samverkan_log_event_key_filter_bytes", "gauge"},
           {"samverkan_log_index_runs", "gauge"},
           {"samverkan_log_index_merges", "gauge"},
           {"samverkan_log_index_appended_entries_total", "counter"},
           {"samverkan_log_index_merged_entries_total", "counter"},
           {"samverkan_commit_batch_size", "histogram"},
           {"samverkan_commit_seconds", "histogram"},
           {"samverkan_ack_latency_seconds", "histogram"},
           {"samverkan_ingress_queue_depth", "gauge"},
           {"samverkan_ingress_refused_total", "counter"},
           {"samverkan_commit_gather_holds_total", "counter"},
           {"samverkan_commit_gather_joined_total", "counter"},
           {"samverkan_delivery_pushes_dropped_total", "counter"},
           {"process_resident_memory_bytes", "gauge"},
           {"samverkan_sqlite_memory_bytes", "gauge"},
           {"samverkan_last_commit_age_seconds", "gauge"},
       }) {
    const std::string type_line =
        std::string("# TYPE ") + c.name + " " + c.type + "\n";
    const size_t at = text.find(type_line);
    ASSERT_NE(at, std::string::npos) << c.name;
    EXPECT_EQ(text.find(type_line, at + 1), std::string::npos) << c.name;
    EXPECT_THAT(text, HasSubstr(std::string("# HELP ") + c.name + " "));
  }
}

TEST(FormatPrometheusTextTest, EmptySnapshotStillTypesLabelledFamilies) {
  const std::string text = FormatPrometheusText(MetricsSnapshot{});
  EXPECT_THAT(text,
              HasSubstr("# TYPE samverkan_events_rejected_total counter"));
  EXPECT_THAT(text, Not(HasSubstr("samverkan_events_rejected_total{")));
  EXPECT_THAT(text, HasSubstr("samverkan_ack_latency_seconds_count 0\n"));
}

TEST(FormatPrometheusTextTest, EscapesLabelValues) {
  MetricsSnapshot s;
  s.alerts = {{"a\"b\\c\nd", 1}};
  EXPECT_THAT(
      FormatPrometheusText(s),
      HasSubstr("samverkan_alerts_total{rule=\"a\\\"b\\\\c\\nd\"} 1\n"));
}

TEST(HealthPageTest, AnswersByStoreAndLastCommit) {
  struct Case {
    StatusOr<LogHead> head;
    bool last_commit_failed;
    int status;
    const char* first_line;
  };
  const std::vector<Case> cases = {
      {LogHead{42, {}}, false, 200, "ok\n"},
      {LogHead{42, {}}, true, 503,
       "unavailable: the latest commit to the log failed\n"},
      {UnavailableError("disk gone"), false, 503,
       "unavailable: the log store does not answer: "},
  };
  for (const Case& c : cases) {
    HttpResponse r = HealthPage(c.head, c.last_commit_failed, 3.5);
    EXPECT_EQ(r.status, c.status) << r.body;
    EXPECT_TRUE(r.body.starts_with(c.first_line)) << r.body;
    EXPECT_THAT(r.body, HasSubstr("last_commit_age_seconds=3.5\n"));
    if (c.head.ok()) {
      EXPECT_THAT(r.body, HasSubstr("log_head=42\n"));
    }
  }
}

TEST(HistogramTest, CumulativeBucketsAndOverflow) {
  Histogram h({1, 10});
  for (double v : {0.5, 1.0, 5.0, 50.0}) h.Observe(v);
  HistogramSnapshot s = h.Snapshot();
  EXPECT_EQ(s.cumulative, (std::vector<uint64_t>{2, 3}));
  EXPECT_EQ(s.count, 4u);
  EXPECT_DOUBLE_EQ(s.sum, 56.5);
}

TEST(PipelineMetricsTest, SnapshotNamesCodesAndAgesFromStart) {
  PipelineMetrics m;
  m.rejected[v1::MALFORMED] += 2;
  m.started_us = 1'000'000;
  EXPECT_EQ(m.Snapshot(3'000'000).rejected,
            (std::map<std::string, uint64_t>{{"MALFORMED", 2}}));
  EXPECT_DOUBLE_EQ(m.Snapshot(3'000'000).last_commit_age_seconds, 2.0);
  m.last_commit_us = 2'500'000;
  EXPECT_DOUBLE_EQ(m.Snapshot(3'000'000).last_commit_age_seconds, 0.5);
}

}  // namespace
}  // namespace samverkan::gateway
