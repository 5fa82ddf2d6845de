// Consent first: it is what allows a plan to be opened at all.
#include "tests/support/plan_setup.h"

#include "gateway/testing/test_envelopes.h"
#include "samverkan/v1/envelope.pb.h"

namespace samverkan::testing {

StatusOr<PlanSetup> OpenPlanWithConsent(client::GatewayClient& client,
                                        const std::string& publisher,
                                        const std::string& participant,
                                        const std::vector<PartySpec>& parties,
                                        std::chrono::milliseconds timeout) {
  v1::Envelope consent = gateway::testing::MakeEnvelope(publisher);
  consent.set_participant_id(participant);
  auto* c = consent.mutable_consent_granted();
  c->set_consent_id("consent-" + participant);
  c->set_recorded_by(publisher);
  c->set_legal_basis(v1::SIP_CONSENT);
  c->add_provisions()->set_type(v1::PERMIT);

  v1::Envelope plan = gateway::testing::MakeEnvelope(publisher);
  plan.set_participant_id(participant);
  auto* p = plan.mutable_plan_opened();
  p->set_plan_id("sip-" + participant);
  p->set_coordinating_organisation(publisher);
  for (const PartySpec& spec : parties) {
    if (spec.kind == v1::PARTY_KIND_UNSPECIFIED) continue;
    auto* party = p->add_parties();
    party->set_organisation(spec.organisation);
    party->set_kind(spec.kind);
  }

  PlanSetup setup;
  for (const v1::Envelope* e : {&consent, &plan}) {
    auto reply = client.SubmitAndWait(e->SerializeAsString(), timeout);
    if (!reply.ok()) return reply.status();
    if (reply->outcome() != v1::ACCEPTED) {
      return FailedPreconditionError("setting up participant " + participant +
                                     ": " + reply->ShortDebugString());
    }
    setup.event_ids.push_back(e->event_id());
    setup.sequences.push_back(reply->sequence());
  }
  return setup;
}

}  // namespace samverkan::testing
