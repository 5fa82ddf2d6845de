// This agency uses the shared wording (tested in
// services/agency/caseworker_action_test.cc): a handover given to it is to do.
#include "services/arbetsformedlingen/actions.h"

#include <gtest/gtest.h>

namespace samverkan::arbetsformedlingen {
namespace {

TEST(ArbetsformedlingenActionTest, UsesTheSharedWording) {
  v1::Envelope h;
  h.set_participant_id("p-1");
  h.mutable_handover_opened()->set_rule_id("some_rule");
  h.mutable_handover_opened()->set_to_organisation("arbetsformedlingen");
  h.mutable_handover_opened()->set_sentence("Act.");
  EXPECT_EQ(ArbetsformedlingenAction(h, "arbetsformedlingen"),
            "Handover some_rule to you for p-1: Act.");
  EXPECT_EQ(ArbetsformedlingenAction(h, "someone-else"), "");
}

}  // namespace
}  // namespace samverkan::arbetsformedlingen
