// Puts a participant where events about them are accepted: a recorded
// consent and an open plan listing the parties that will publish. Once the
// consent and plan stages run (DESIGN §5), anything else about a participant
// without both is refused before it reaches the log, so every test that needs
// accepted events starts with this; without those stages the two records are
// simply accepted like any other.
#ifndef SAMVERKAN_TESTS_SUPPORT_PLAN_SETUP_H_
#define SAMVERKAN_TESTS_SUPPORT_PLAN_SETUP_H_

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "services/client/gateway_client.h"
#include "tests/support/gateway_fixture.h"

namespace samverkan::testing {

struct PlanSetup {
  // The two records written, in order: consent_granted, plan_opened.
  std::vector<std::string> event_ids;
  std::vector<uint64_t> sequences;
};

// Submits, as `publisher` (which must be one of `parties` and may publish
// consent and plans), a consent that permits everything among the plan's
// parties and then the plan itself. Fails unless both are ACCEPTED.
// `parties` without a kind (operators) are left out of the plan.
StatusOr<PlanSetup> OpenPlanWithConsent(
    client::GatewayClient& client, const std::string& publisher,
    const std::string& participant, const std::vector<PartySpec>& parties,
    std::chrono::milliseconds timeout = std::chrono::seconds(15));

// A plan_opened payload in protobuf text form for `participant`: the four
// agencies of AllAgencyParties(), the municipality coordinating, a
// participant born in June 2000 (so the age rules of DESIGN §6 apply).
inline std::string FourAgencyPlanText(const std::string& participant) {
  return "plan_opened { plan_id: \"sip-" + participant +
         "\" coordinating_organisation: \"kommun-orebro\" "
         "parties { organisation: \"kommun-orebro\" kind: MUNICIPALITY } "
         "parties { organisation: \"region-orebro\" kind: REGION_PSYCHIATRY } "
         "parties { organisation: \"arbetsformedlingen\" kind: "
         "ARBETSFORMEDLINGEN } parties { organisation: \"forsakringskassan\" "
         "kind: FORSAKRINGSKASSAN } birth_month { year: 2000 month: 6 } }";
}

}  // namespace samverkan::testing

#endif  // SAMVERKAN_TESTS_SUPPORT_PLAN_SETUP_H_
