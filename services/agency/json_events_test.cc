// JSON lines → envelopes: defaults, deterministic ids, and clear errors.
#include "services/agency/json_events.h"

#include <gtest/gtest.h>

#include "gateway/stages/validate_stage.h"

namespace samverkan::agency {
namespace {

const LineDefaults kDefaults{"kommun-orebro", 1795000000LL * 1000000, 1};

TEST(JsonEventsTest, FillsWhatALineMayLeaveOut) {
  auto e = ParseEventLine(
      R"({"participant_id":"p-1","ips_enrolled":{"coach_organisation":"kommun-orebro","enrolled_on":{"year":2026,"month":9,"day":1}}})",
      kDefaults);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(e->source_organisation(), "kommun-orebro");
  EXPECT_EQ(e->occurred_at().seconds(), 1795000000);
  EXPECT_EQ(e->schema_version(), 1u);
  EXPECT_TRUE(gateway::IsUuid(e->event_id())) << e->event_id();
  EXPECT_EQ(e->ips_enrolled().enrolled_on().month(), 9);
}

TEST(JsonEventsTest, SameLineSameIdDifferentLineDifferentId) {
  const char* a = R"({"participant_id":"p-1","ips_ended":{}})";
  const char* b = R"({"participant_id":"p-2","ips_ended":{}})";
  EXPECT_EQ(ParseEventLine(a, kDefaults)->event_id(),
            ParseEventLine(a, kDefaults)->event_id());
  EXPECT_NE(ParseEventLine(a, kDefaults)->event_id(),
            ParseEventLine(b, kDefaults)->event_id());
}

TEST(JsonEventsTest, ExplicitFieldsWin) {
  auto e = ParseEventLine(
      R"({"event_id":"6f1c2d3e-0000-4000-8000-000000000001","source_organisation":"other","participant_id":"p-1","ips_ended":{}})",
      kDefaults);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->event_id(), "6f1c2d3e-0000-4000-8000-000000000001");
  EXPECT_EQ(e->source_organisation(), "other");
}

TEST(JsonEventsTest, BadLinesSayWhy) {
  struct Row {
    const char* line;
    const char* error_part;
  };
  const Row kRows[] = {
      {"{not json", "not a samverkan.v1.Envelope in JSON"},
      {R"({"participant":"p-1"})", "participant"},
      {R"({"participant_id":"p-1","ips_enrolled":{"enrolled_on":"2026-09-01"}})",
       "enrolled_on"},
  };
  for (const Row& row : kRows) {
    auto e = ParseEventLine(row.line, kDefaults);
    ASSERT_FALSE(e.ok()) << row.line;
    EXPECT_NE(e.status().message().find(row.error_part), std::string::npos)
        << e.status().message();
  }
}

TEST(JsonEventsTest, ReplyIsOneJsonObject) {
  v1::SubmitReply reply;
  reply.set_outcome(v1::REJECTED);
  reply.set_code(v1::NOT_AUTHORISED);
  reply.set_message("no");
  EXPECT_EQ(
      ReplyToJson(7, reply),
      R"({"line":7,"reply":{"outcome":"REJECTED","code":"NOT_AUTHORISED","message":"no"}})");
}

}  // namespace
}  // namespace samverkan::agency
