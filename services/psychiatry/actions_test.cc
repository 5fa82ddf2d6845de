// This agency uses the shared wording (tested in
// services/agency/caseworker_action_test.cc): a handover given to it is to do.
#include "services/psychiatry/actions.h"

#include <gtest/gtest.h>

namespace samverkan::psychiatry {
namespace {

TEST(PsychiatryActionTest, UsesTheSharedWording) {
  v1::Envelope h;
  h.set_participant_id("p-1");
  h.mutable_handover_opened()->set_rule_id("some_rule");
  h.mutable_handover_opened()->set_to_organisation("region-orebro");
  h.mutable_handover_opened()->set_sentence("Act.");
  EXPECT_EQ(PsychiatryAction(h, "region-orebro"),
            "Handover some_rule to you for p-1: Act.");
  EXPECT_EQ(PsychiatryAction(h, "someone-else"), "");
}

}  // namespace
}  // namespace samverkan::psychiatry
