// One row per validation rule, each with the sentence the publisher will see.
#include "gateway/stages/validate_stage.h"

#include <gtest/gtest.h>

#include <functional>

#include "gateway/testing/test_envelopes.h"

namespace samverkan::gateway {
namespace {

using testing::MakeEnvelope;

struct Row {
  const char* name;
  std::function<std::string(v1::Envelope&)> mutate;  // returns the bytes
  v1::RejectionCode code;                            // UNSPECIFIED: passes
  const char* sentence_part;
};

std::string Bytes(const v1::Envelope& e) { return e.SerializeAsString(); }

v1::Date Date(int year, int month, int day) {
  v1::Date d;
  d.set_year(year), d.set_month(month), d.set_day(day);
  return d;
}

TEST(ValidateStageTest, OneRowPerRule) {
  GatewayConfig config;
  config.max_event_bytes = 4096;
  const Row kRows[] = {
      {"valid", [](v1::Envelope& e) { return Bytes(e); },
       v1::REJECTION_CODE_UNSPECIFIED, ""},
      {"too large",
       [](v1::Envelope& e) {
         e.mutable_health_deteriorated()->set_clinical_note(
             std::string(5000, 'x'));
         return Bytes(e);
       },
       v1::TOO_LARGE, "at most 4096"},
      {"not protobuf",
       [](v1::Envelope&) { return std::string("\xff\xff\xff"); }, v1::MALFORMED,
       "not a samverkan.v1.Envelope"},
      {"event id not a uuid",
       [](v1::Envelope& e) {
         e.set_event_id("42");
         return Bytes(e);
       },
       v1::MALFORMED, "event_id must be a UUID"},
      {"personnummer as participant",
       [](v1::Envelope& e) {
         e.set_participant_id("19900101-1234");
         return Bytes(e);
       },
       v1::MALFORMED, "looks like a personnummer"},
      {"participant with spaces",
       [](v1::Envelope& e) {
         e.set_participant_id("Anna Svensson");
         return Bytes(e);
       },
       v1::MALFORMED, "must be a pseudonym"},
      {"no source",
       [](v1::Envelope& e) {
         e.clear_source_organisation();
         return Bytes(e);
       },
       v1::MALFORMED, "source_organisation is missing"},
      {"no occurred_at",
       [](v1::Envelope& e) {
         e.clear_occurred_at();
         return Bytes(e);
       },
       v1::MALFORMED, "occurred_at"},
      {"unknown schema version",
       [](v1::Envelope& e) {
         e.set_schema_version(2);
         return Bytes(e);
       },
       v1::MALFORMED, "schema_version 2 is not supported"},
      {"no payload",
       [](v1::Envelope& e) {
         e.clear_payload();
         return Bytes(e);
       },
       v1::MALFORMED, "no payload"},
      {"impossible date",
       [](v1::Envelope& e) {
         e.mutable_health_deteriorated()->mutable_observed_on()->set_day(31);
         e.mutable_health_deteriorated()->mutable_observed_on()->set_month(2);
         return Bytes(e);
       },
       v1::MALFORMED,
       "envelope.health_deteriorated.observed_on is not a valid"},
      {"period ends before it starts",
       [](v1::Envelope& e) {
         auto* p = e.mutable_programme_started()->mutable_period();
         *p->mutable_start() = [] {
           v1::Date d;
           d.set_year(2026), d.set_month(5), d.set_day(1);
           return d;
         }();
         *p->mutable_end() = [] {
           v1::Date d;
           d.set_year(2026), d.set_month(4), d.set_day(1);
           return d;
         }();
         return Bytes(e);
       },
       v1::MALFORMED, "programme_started.period ends before it starts"},
      // The date check visits only the fields that can hold a date; the
      // sentence still names the full path of the first bad one.
      {"bad start of a period",
       [](v1::Envelope& e) {
         auto* p = e.mutable_programme_started()->mutable_period();
         *p->mutable_start() = Date(2026, 2, 30);
         *p->mutable_end() = Date(2026, 1, 1);
         return Bytes(e);
       },
       v1::MALFORMED,
       "envelope.programme_started.period.start is not a valid date "
       "(2026-2-30)"},
      {"bad end of a period",
       [](v1::Envelope& e) {
         auto* p = e.mutable_programme_started()->mutable_period();
         *p->mutable_start() = Date(2026, 1, 1);
         *p->mutable_end() = Date(2026, 13, 1);
         return Bytes(e);
       },
       v1::MALFORMED,
       "envelope.programme_started.period.end is not a valid date "
       "(2026-13-1)"},
      {"bad end of an open-started period",
       [](v1::Envelope& e) {
         *e.mutable_consent_granted()->mutable_validity()->mutable_end() =
             Date(2025, 4, 31);
         return Bytes(e);
       },
       v1::MALFORMED,
       "envelope.consent_granted.validity.end is not a valid date "
       "(2025-4-31)"},
  };
  for (const Row& row : kRows) {
    SCOPED_TRACE(row.name);
    ValidateStage stage(config);
    BatchContext batch;
    Submission s;
    v1::Envelope e = MakeEnvelope("region-orebro");
    s.bytes = row.mutate(e);
    Verdict v = stage.Process(s, batch);
    if (row.code == v1::REJECTION_CODE_UNSPECIFIED) {
      EXPECT_EQ(v.kind(), Verdict::Kind::kContinue) << v.sentence();
      EXPECT_EQ(s.payload_type, "health_deteriorated");
    } else {
      ASSERT_EQ(v.kind(), Verdict::Kind::kReject);
      EXPECT_EQ(v.code(), row.code) << v.sentence();
      EXPECT_NE(v.sentence().find(row.sentence_part), std::string::npos)
          << v.sentence();
    }
  }
}

TEST(ValidateStageTest, PseudonymShapes) {
  EXPECT_TRUE(IsPseudonym("p-1001"));
  EXPECT_TRUE(IsPseudonym("ORE.2026_17"));
  EXPECT_FALSE(IsPseudonym(""));
  EXPECT_FALSE(IsPseudonym(std::string(65, 'a')));
  EXPECT_FALSE(IsPseudonym("199001011234"));
  EXPECT_FALSE(IsPseudonym("900101-1234"));
  EXPECT_TRUE(IsPseudonym("1234"));
}

}  // namespace
}  // namespace samverkan::gateway
