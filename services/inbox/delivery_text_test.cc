// The readable line for each kind of delivery a coordinator or agency sees.
#include "services/inbox/delivery_text.h"

#include <google/protobuf/text_format.h>
#include <gtest/gtest.h>

namespace samverkan::inbox {
namespace {

v1::Delivery Parse(const std::string& text) {
  v1::Delivery d;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &d)) << text;
  return d;
}

TEST(DeliveryTextTest, EachKindReadsAsASentence) {
  const struct {
    const char* delivery;
    const char* line;
  } kRows[] = {
      {"recipient_sequence: 3 envelope { participant_id: \"p-anna\" alert { "
       "rule_id: \"illness_in_programme\" rule_set_version: \"2026.1\" "
       "severity: CRITICAL sentence: \"Prepare försörjningsstöd.\" deadline "
       "{ year: 2026 month: 11 day: 16 } } }",
       "#3 p-anna CRITICAL illness_in_programme (rules 2026.1), by "
       "2026-11-16: Prepare försörjningsstöd."},
      {"recipient_sequence: 4 envelope { participant_id: \"p-bilal\" alert { "
       "rule_id: \"se_applied_during_ips\" rule_set_version: \"2026.1\" "
       "severity: WARNING sentence: \"Talk it through.\" } }",
       "#4 p-bilal WARNING se_applied_during_ips (rules 2026.1): Talk it "
       "through."},
      {"recipient_sequence: 5 envelope { participant_id: \"p-anna\" "
       "handover_opened { handover_id: \"h-1\" rule_id: \"income_gap\" "
       "to_organisation: \"kommun-orebro\" deadline { year: 2026 month: 3 "
       "day: 9 } } }",
       "#5 p-anna handover h-1 opened to kommun-orebro, by 2026-03-09 "
       "(income_gap)"},
      {"recipient_sequence: 6 envelope { participant_id: \"p-anna\" "
       "handover_escalated { handover_id: \"h-1\" sentence: \"Overdue.\" } }",
       "#6 p-anna handover h-1 ESCALATED: Overdue."},
      {"recipient_sequence: 6 envelope { participant_id: \"p-anna\" "
       "handover_escalated { handover_id: \"h-1\" sentence: \"Overdue.\" "
       "rule_id: \"income_gap\" to_organisation: \"kommun-orebro\" "
       "deadline { year: 2026 month: 3 day: 9 } } }",
       "#6 p-anna handover h-1 ESCALATED: kommun-orebro did not act by "
       "2026-03-09 (income_gap)"},
      {"recipient_sequence: 7 envelope { participant_id: \"p-anna\" "
       "handover_closed { handover_id: \"h-1\" closed_by_sequence: 41 } }",
       "#7 p-anna handover h-1 closed by log record 41"},
      {"recipient_sequence: 8 envelope { participant_id: \"p-anna\" "
       "source_organisation: \"region-orebro\" health_deteriorated { } } "
       "withheld_categories: HEALTH_DETAILS",
       "#8 p-anna health_deteriorated from region-orebro [withheld: "
       "HEALTH_DETAILS]"},
      {"recipient_sequence: 9 withheld_after_withdrawal: true",
       "#9 (withheld: consent was withdrawn)"},
  };
  for (const auto& row : kRows) {
    EXPECT_EQ(DescribeDelivery(Parse(row.delivery)), row.line);
  }
}

}  // namespace
}  // namespace samverkan::inbox
