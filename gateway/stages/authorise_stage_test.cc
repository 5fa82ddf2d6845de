// The authority table of DESIGN §6, one row per event type, written out here
// independently of the schema annotations it checks.
#include "gateway/stages/authorise_stage.h"

#include <gtest/gtest.h>

#include <set>

#include "gateway/testing/test_envelopes.h"

namespace samverkan::gateway {
namespace {

constexpr v1::PartyKind M = v1::MUNICIPALITY;
constexpr v1::PartyKind R = v1::REGION_PSYCHIATRY;
constexpr v1::PartyKind A = v1::ARBETSFORMEDLINGEN;
constexpr v1::PartyKind F = v1::FORSAKRINGSKASSAN;

struct Row {
  const char* payload_type;
  std::set<v1::PartyKind> publishers;  // empty: only the gateway
};

const Row kAuthority[] = {
    {"consent_granted", {M, R, A, F}},
    {"consent_withdrawn", {M, R, A, F}},
    {"plan_opened", {M, R}},
    {"plan_closed", {M, R}},
    {"plan_action_added", {M, R, A, F}},
    {"plan_action_changed", {M, R, A, F}},
    {"ips_enrolled", {M}},
    {"ips_job_search_started", {M}},
    {"ips_ended", {M}},
    {"sysselsattning_decided", {M}},
    {"sysselsattning_attendance_reported", {M}},
    {"forsorjningsstod_granted", {M}},
    {"forsorjningsstod_ended", {M}},
    {"health_deteriorated", {R}},
    {"health_improved", {R}},
    {"inpatient_admitted", {R}},
    {"inpatient_discharged", {R}},
    {"sick_certificate_issued", {R}},
    {"job_seeker_registered", {A}},
    {"job_seeker_deregistered", {A}},
    {"programme_started", {A}},
    {"programme_interrupted", {A}},
    {"programme_ended", {A}},
    {"sickness_reported_during_programme", {A}},
    {"aktivitetsstod_decided", {A}},
    {"aktivitetsstod_stopped", {A}},
    {"wage_subsidy_decided", {A}},
    {"aktivitetsersattning_granted", {F}},
    {"aktivitetsersattning_ended", {F}},
    {"sjukersattning_applied", {F}},
    {"sjukersattning_granted", {F}},
    {"sjukersattning_refused", {F}},
    {"vilande_granted", {F}},
    {"vilande_ended", {F}},
    {"sjukpenning_granted", {F}},
    {"sjukpenning_ended", {F}},
    {"sgi_status_changed", {F}},
    {"employment_started", {A, M}},
    {"employment_ended", {A, M}},
    {"studies_started", {A, M}},
    {"studies_ended", {A, M}},
    {"other_income_reported", {A, M}},
    {"alert", {}},
    {"handover_opened", {}},
    {"handover_closed", {}},
    {"handover_escalated", {}},
    {"shadow_decision", {}},
};

TEST(AuthoriseStageTest, EveryKindAgainstEveryEventType) {
  AuthoriseStage stage(AuthorityTable::FromSchema());
  BatchContext batch;
  for (const Row& row : kAuthority) {
    for (v1::PartyKind kind : {M, R, A, F}) {
      SCOPED_TRACE(std::string(row.payload_type) + " by " +
                   v1::PartyKind_Name(kind));
      Party peer = testing::MakeParty("org", kind);
      Submission s;
      s.peer = &peer;
      s.payload_type = row.payload_type;
      Verdict v = stage.Process(s, batch);
      if (row.publishers.count(kind)) {
        EXPECT_EQ(v.kind(), Verdict::Kind::kContinue) << v.sentence();
      } else {
        ASSERT_EQ(v.kind(), Verdict::Kind::kReject);
        EXPECT_EQ(v.code(), v1::NOT_AUTHORISED);
      }
    }
  }
}

TEST(AuthoriseStageTest, TableCoversTheWholeCatalogue) {
  std::set<std::string> rows;
  for (const Row& row : kAuthority) rows.insert(row.payload_type);
  const auto* oneof = v1::Envelope::descriptor()->FindOneofByName("payload");
  for (int i = 0; i < oneof->field_count(); ++i) {
    EXPECT_TRUE(rows.count(oneof->field(i)->name()))
        << oneof->field(i)->name() << " has no row in the authority table";
  }
  EXPECT_EQ(rows.size(), static_cast<size_t>(oneof->field_count()));
}

TEST(AuthoriseStageTest, SentenceNamesWhoDecides) {
  AuthoriseStage stage(AuthorityTable::FromSchema());
  BatchContext batch;
  Party kommun = testing::MakeParty("kommun-orebro", M);
  Submission s;
  s.peer = &kommun;
  s.payload_type = "aktivitetsersattning_granted";
  Verdict v = stage.Process(s, batch);
  EXPECT_EQ(v.sentence(),
            "MUNICIPALITY may not publish aktivitetsersattning_granted: that "
            "is decided by FORSAKRINGSKASSAN");
}

TEST(AuthoriseStageTest, KeyWithoutPublisherRoleIsRefused) {
  AuthoriseStage stage(AuthorityTable::FromSchema());
  BatchContext batch;
  Party coordinator = testing::MakeParty("kommun-orebro", M);
  coordinator.roles = {v1::COORDINATOR};
  Submission s;
  s.peer = &coordinator;
  s.payload_type = "ips_enrolled";
  Verdict v = stage.Process(s, batch);
  ASSERT_EQ(v.kind(), Verdict::Kind::kReject);
  EXPECT_EQ(v.code(), v1::NOT_AUTHORISED);
  EXPECT_NE(v.sentence().find("PUBLISHER role"), std::string::npos);
}

}  // namespace
}  // namespace samverkan::gateway
