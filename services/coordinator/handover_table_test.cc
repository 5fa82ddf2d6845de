// The handover table a coordinator or operator reads: most urgent first,
// escalated ones marked, undated ones last.
#include "services/coordinator/handover_table.h"

#include <gtest/gtest.h>

namespace samverkan::coordinator {
namespace {

v1::HandoverSummary Make(const std::string& participant, const std::string& id,
                         int day, v1::HandoverState state) {
  v1::HandoverSummary h;
  h.set_participant_id(participant);
  h.set_handover_id(id);
  h.set_rule_id("illness_in_programme");
  h.set_to_organisation("kommun-orebro");
  if (day > 0) {
    h.mutable_deadline()->set_year(2026);
    h.mutable_deadline()->set_month(3);
    h.mutable_deadline()->set_day(day);
  }
  h.set_state(state);
  return h;
}

TEST(HandoverTableTest, SortedByDeadlineWithEscalatedMarked) {
  std::vector<v1::HandoverSummary> list = {
      Make("p-anna", "h-1", 16, v1::HANDOVER_OPEN),
      Make("p-cleo", "h-3", 0, v1::HANDOVER_OPEN),
      Make("p-bilal", "h-2", 9, v1::HANDOVER_ESCALATED),
      Make("p-anna", "h-0", 16, v1::HANDOVER_OPEN),
  };
  SortByDeadline(&list);
  EXPECT_EQ(HandoverTable(list),
            "DEADLINE    STATE      PARTICIPANT  RULE -> TO (HANDOVER)\n"
            "2026-03-09  ESCALATED  p-bilal      illness_in_programme -> "
            "kommun-orebro (h-2)\n"
            "2026-03-16  open       p-anna       illness_in_programme -> "
            "kommun-orebro (h-0)\n"
            "2026-03-16  open       p-anna       illness_in_programme -> "
            "kommun-orebro (h-1)\n"
            "no deadline open       p-cleo       illness_in_programme -> "
            "kommun-orebro (h-3)\n");
}

TEST(HandoverTableTest, NoneIsASentenceAndJsonIsOneLineEach) {
  EXPECT_EQ(FormatHandovers({}, false), "no open handovers\n");
  EXPECT_EQ(FormatHandovers({}, true), "");
  EXPECT_EQ(
      FormatHandovers({Make("p-anna", "h-1", 16, v1::HANDOVER_ESCALATED)},
                      true),
      "{\"participant_id\":\"p-anna\",\"handover_id\":\"h-1\",\"rule_id\":"
      "\"illness_in_programme\",\"to_organisation\":\"kommun-orebro\","
      "\"deadline\":{\"year\":2026,\"month\":3,\"day\":16},\"state\":"
      "\"HANDOVER_ESCALATED\"}\n");
}

}  // namespace
}  // namespace samverkan::coordinator
