// SOURCE_MISMATCH: the envelope's claim against the authenticated key.
#include "gateway/stages/source_stage.h"

#include <gtest/gtest.h>

#include "gateway/testing/test_envelopes.h"

namespace samverkan::gateway {
namespace {

TEST(SourceStageTest, ClaimMustMatchKey) {
  Party region = testing::MakeParty("region-orebro", v1::REGION_PSYCHIATRY);
  SourceStage stage;
  BatchContext batch;

  Submission honest;
  honest.peer = &region;
  honest.envelope = testing::MakeEnvelope("region-orebro");
  EXPECT_EQ(stage.Process(honest, batch).kind(), Verdict::Kind::kContinue);

  Submission forged;
  forged.peer = &region;
  forged.envelope = testing::MakeEnvelope("forsakringskassan");
  Verdict v = stage.Process(forged, batch);
  ASSERT_EQ(v.kind(), Verdict::Kind::kReject);
  EXPECT_EQ(v.code(), v1::SOURCE_MISMATCH);
  EXPECT_EQ(v.sentence(),
            "the envelope claims source_organisation 'forsakringskassan' but "
            "this connection is authenticated as 'region-orebro'");
}

}  // namespace
}  // namespace samverkan::gateway
