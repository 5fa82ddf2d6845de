// The coordinator's handover projection: opened, escalated, closed, in any
// mix of participants, and records it has no use for.
#include "services/coordinator/handover_book.h"

#include <google/protobuf/text_format.h>
#include <gtest/gtest.h>

namespace samverkan::coordinator {
namespace {

v1::Delivery Parse(const std::string& text) {
  v1::Delivery d;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &d)) << text;
  return d;
}

v1::Delivery Opened(const std::string& participant, const std::string& id,
                    int day) {
  return Parse("envelope { participant_id: \"" + participant +
               "\" handover_opened { handover_id: \"" + id +
               "\" rule_id: \"illness_in_programme\" rule_set_version: "
               "\"2026.1\" from_organisation: \"arbetsformedlingen\" "
               "to_organisation: \"kommun-orebro\" deadline { year: 2026 "
               "month: 3 day: " +
               std::to_string(day) + " } } }");
}

std::vector<std::string> Ids(const HandoverBook& book) {
  std::vector<std::string> out;
  for (const v1::HandoverSummary& h : book.Open()) {
    out.push_back(h.participant_id() + "/" + h.handover_id() +
                  (h.state() == v1::HANDOVER_ESCALATED ? "!" : ""));
  }
  return out;
}

TEST(HandoverBookTest, OpenedEscalatedClosed) {
  HandoverBook book;
  book.Apply(Opened("p-anna", "h-1", 16));
  book.Apply(Opened("p-bilal", "h-2", 9));
  EXPECT_EQ(Ids(book), (std::vector<std::string>{"p-bilal/h-2", "p-anna/h-1"}));
  book.Apply(
      Parse("envelope { participant_id: \"p-anna\" handover_escalated { "
            "handover_id: \"h-1\" sentence: \"Overdue.\" } }"));
  EXPECT_EQ(Ids(book),
            (std::vector<std::string>{"p-bilal/h-2", "p-anna/h-1!"}));
  book.Apply(
      Parse("envelope { participant_id: \"p-bilal\" handover_closed { "
            "handover_id: \"h-2\" closed_by_sequence: 41 } }"));
  EXPECT_EQ(Ids(book), (std::vector<std::string>{"p-anna/h-1!"}));
  const v1::HandoverSummary h = book.Open().front();
  EXPECT_EQ(h.rule_id(), "illness_in_programme");
  EXPECT_EQ(h.to_organisation(), "kommun-orebro");
  EXPECT_EQ(h.deadline().day(), 16);
}

TEST(HandoverBookTest, OtherRecordsChangeNothing) {
  HandoverBook book;
  book.Apply(Opened("p-anna", "h-1", 16));
  for (const char* text : {
           "envelope { participant_id: \"p-anna\" alert { rule_id: "
           "\"illness_in_programme\" handover_id: \"h-1\" } }",
           "withheld_after_withdrawal: true",
           // Escalating or closing one never seen opened (or of another
           // participant) is ignored rather than invented.
           "envelope { participant_id: \"p-bilal\" handover_escalated { "
           "handover_id: \"h-1\" } }",
           "envelope { participant_id: \"p-bilal\" handover_closed { "
           "handover_id: \"h-1\" } }",
       }) {
    book.Apply(Parse(text));
  }
  EXPECT_EQ(Ids(book), (std::vector<std::string>{"p-anna/h-1"}));
}

}  // namespace
}  // namespace samverkan::coordinator
