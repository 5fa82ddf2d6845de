// One line per delivery and stream, an action or "for information", and a
// delivery handed over again after a restart written once.
#include "services/agency/caseworker_file.h"

#include <gtest/gtest.h>

#include "common/testing/temp_dir.h"

namespace samverkan::agency {
namespace {

v1::Delivery Numbered(uint64_t sequence) {
  v1::Delivery d;
  d.set_recipient_sequence(sequence);
  d.set_log_sequence(100 + sequence);
  d.mutable_envelope()->set_participant_id("p-anna");
  d.mutable_envelope()->set_source_organisation("kommun-orebro");
  d.mutable_envelope()->mutable_ips_enrolled();
  return d;
}

TEST(CaseworkerFileTest, WritesEachDeliveryOncePerStreamAcrossReopen) {
  testing::TempDir dir;
  const std::string path = dir.File("caseworker.jsonl");
  {
    auto file = CaseworkerFile::Open(path);
    ASSERT_TRUE(file.ok());
    ASSERT_TRUE(
        (*file)->Append(v1::DELIVERY_STREAM_EVENTS, Numbered(1), "").ok());
    ASSERT_TRUE((*file)
                    ->Append(v1::DELIVERY_STREAM_ALERTS, Numbered(1),
                             "Decide by Friday.")
                    .ok());
    ASSERT_TRUE(
        (*file)->Append(v1::DELIVERY_STREAM_EVENTS, Numbered(2), "").ok());
  }
  auto file = CaseworkerFile::Open(path);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  EXPECT_EQ((*file)->last(v1::DELIVERY_STREAM_EVENTS), 2u);
  EXPECT_EQ((*file)->last(v1::DELIVERY_STREAM_ALERTS), 1u);
  // Handed over again (the raw inbox had not recorded it): not repeated.
  ASSERT_TRUE(
      (*file)->Append(v1::DELIVERY_STREAM_EVENTS, Numbered(2), "").ok());
  ASSERT_TRUE(
      (*file)->Append(v1::DELIVERY_STREAM_EVENTS, Numbered(3), "").ok());
  auto lines = ReadJsonLines(path);
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_NE(lines[1].find("\"stream\":\"alerts\""), std::string::npos);
  EXPECT_NE(lines[1].find("\"to_do\":true"), std::string::npos);
  EXPECT_NE(lines[1].find("\"action\":\"Decide by Friday.\""),
            std::string::npos);
  EXPECT_NE(lines[3].find("\"recipient_sequence\":3"), std::string::npos);
  EXPECT_NE(lines[3].find("\"action\":\"for information\""), std::string::npos);
}

TEST(CaseworkerFileTest, LineCarriesWhatACaseWorkerNeeds) {
  const std::string line =
      CaseworkerLine(v1::DELIVERY_STREAM_EVENTS, Numbered(7), "");
  EXPECT_EQ(line.rfind("{\"stream\":\"events\",\"recipient_sequence\":7,"
                       "\"log_sequence\":107,\"participant_id\":\"p-anna\","
                       "\"event\":\"ips_enrolled\",\"from\":\"kommun-orebro\","
                       "\"to_do\":false,\"action\":\"for information\","
                       "\"summary\":",
                       0),
            0u);
}

// A to-do about a handover names it, and so does the handover's closing, so
// that a reader can tell what is settled; other lines carry no id.
TEST(CaseworkerFileTest, HandoverLinesNameTheirHandover) {
  v1::Delivery opened = Numbered(8);
  opened.mutable_envelope()->mutable_handover_opened()->set_handover_id("ho-1");
  v1::Delivery alert = Numbered(9);
  alert.mutable_envelope()->mutable_alert()->set_handover_id("ho-1");
  v1::Delivery escalated = Numbered(10);
  escalated.mutable_envelope()->mutable_handover_escalated()->set_handover_id(
      "ho-1");
  v1::Delivery closed = Numbered(11);
  closed.mutable_envelope()->mutable_handover_closed()->set_handover_id("ho-1");
  v1::Delivery other_alert = Numbered(12);
  other_alert.mutable_envelope()->mutable_alert()->set_rule_id(
      "sgi_endangered");
  for (const v1::Delivery* d : {&opened, &alert, &escalated, &closed}) {
    const std::string line =
        CaseworkerLine(v1::DELIVERY_STREAM_ALERTS, *d, "Act.");
    EXPECT_NE(line.find(",\"handover_id\":\"ho-1\",\"to_do\":"),
              std::string::npos)
        << line;
  }
  EXPECT_EQ(CaseworkerLine(v1::DELIVERY_STREAM_ALERTS, other_alert, "Act.")
                .find("handover_id"),
            std::string::npos);
}

}  // namespace
}  // namespace samverkan::agency
