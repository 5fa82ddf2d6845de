// NO_CONSENT at the door and impossible consent steps, one row each.
#include "gateway/stages/consent_stage.h"

#include <gtest/gtest.h>

#include "gateway/testing/test_envelopes.h"
#include "gateway/testing/verdict_rows.h"

namespace samverkan::gateway {
namespace {

using testing::MakeConsentGranted;
using testing::MakeConsentWithdrawn;
using testing::MakeEnvelope;

TEST(ConsentStageTest, OneRowPerRule) {
  // 2026-11-23 on the gateway's clock.
  ManualClock clock(1795392000LL * 1000000);
  ParticipantState state(&clock);
  ASSERT_TRUE(state.Apply(MakeConsentGranted("k", "p-1", "c-1"), 1).ok());
  v1::Envelope expired = MakeConsentGranted("k", "p-2", "c-2");
  expired.mutable_consent_granted()
      ->mutable_validity()
      ->mutable_end()
      ->set_year(2025);
  expired.mutable_consent_granted()
      ->mutable_validity()
      ->mutable_end()
      ->set_month(1);
  expired.mutable_consent_granted()->mutable_validity()->mutable_end()->set_day(
      1);
  ASSERT_TRUE(state.Apply(expired, 2).ok());
  ASSERT_TRUE(state.Apply(MakeConsentGranted("k", "p-3", "c-3"), 3).ok());
  ASSERT_TRUE(state.Apply(MakeConsentWithdrawn("k", "p-3", "c-3"), 4).ok());

  auto about = [](const std::string& participant) {
    v1::Envelope e = MakeEnvelope("k");
    e.set_participant_id(participant);
    return e;
  };
  const std::vector<testing::VerdictRow> kRows = {
      {"active consent", about("p-1"), v1::REJECTION_CODE_UNSPECIFIED, ""},
      {"no consent at all", about("p-9"), v1::NO_CONSENT,
       "participant p-9 has no active consent"},
      {"expired consent", about("p-2"), v1::NO_CONSENT, "no active consent"},
      {"withdrawn consent", about("p-3"), v1::NO_CONSENT, "no active consent"},
      {"consent for someone new", MakeConsentGranted("k", "p-9", "c-9"),
       v1::REJECTION_CODE_UNSPECIFIED, ""},
      {"consent id reused", MakeConsentGranted("k", "p-1", "c-1"),
       v1::INVALID_TRANSITION, "c-1"},
      {"withdrawing what is not there", MakeConsentWithdrawn("k", "p-1", "c-7"),
       v1::INVALID_TRANSITION, "does not exist"},
      {"withdrawing twice", MakeConsentWithdrawn("k", "p-3", "c-3"),
       v1::INVALID_TRANSITION, "not active"},
  };
  ConsentStage stage(&state);
  testing::ExpectVerdicts(stage, kRows);
}

}  // namespace
}  // namespace samverkan::gateway
