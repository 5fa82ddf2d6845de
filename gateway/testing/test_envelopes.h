// Builders for envelopes and parties in tests: valid by default, so each test
// changes only the one thing it is about.
#ifndef SAMVERKAN_GATEWAY_TESTING_TEST_ENVELOPES_H_
#define SAMVERKAN_GATEWAY_TESTING_TEST_ENVELOPES_H_

#include <atomic>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "gateway/auth/key_registry.h"
#include "samverkan/v1/envelope.pb.h"

namespace samverkan::gateway::testing {

// A fresh, well-formed UUID per call (deterministic within a process).
inline std::string NextUuid() {
  static std::atomic<uint64_t> counter{1};
  uint64_t n = counter++;
  char buf[40];
  std::snprintf(buf, sizeof buf, "00000000-0000-4000-8000-%012llx",
                static_cast<unsigned long long>(n));
  return buf;
}

inline Party MakeParty(std::string organisation, v1::PartyKind kind) {
  Party p;
  p.organisation = std::move(organisation);
  p.name = p.organisation;
  p.kind = kind;
  p.roles = {v1::PUBLISHER};
  return p;
}

// An envelope from `organisation` about participant "p-1001" with a
// health_deteriorated payload; callers swap the payload as they need.
inline v1::Envelope MakeEnvelope(const std::string& organisation) {
  v1::Envelope e;
  e.set_event_id(NextUuid());
  e.set_participant_id("p-1001");
  e.set_source_organisation(organisation);
  e.mutable_occurred_at()->set_seconds(1795000000);
  e.set_schema_version(1);
  auto* h = e.mutable_health_deteriorated();
  h->mutable_observed_on()->set_year(2026);
  h->mutable_observed_on()->set_month(11);
  h->mutable_observed_on()->set_day(2);
  h->set_work_capacity_affected(true);
  return e;
}

// A health_deteriorated event about `participant` from `org` (a region),
// told apart from its siblings by `note`.
inline v1::Envelope MakeHealthEvent(const std::string& org,
                                    const std::string& participant,
                                    const std::string& note) {
  v1::Envelope e = MakeEnvelope(org);
  e.set_participant_id(participant);
  auto* h = e.mutable_health_deteriorated();
  h->set_expected_duration_days(45);
  h->set_diagnosis_code("F32.1");
  h->set_clinical_note(note);
  return e;
}

// Consent that permits everything among the plan's parties, from `org`.
inline v1::Envelope MakeConsentGranted(const std::string& org,
                                       const std::string& participant,
                                       const std::string& consent_id) {
  v1::Envelope e = MakeEnvelope(org);
  e.set_participant_id(participant);
  auto* c = e.mutable_consent_granted();
  c->set_consent_id(consent_id);
  c->set_recorded_by(org);
  c->set_legal_basis(v1::SIP_CONSENT);
  c->add_provisions()->set_type(v1::PERMIT);
  return e;
}

inline v1::Envelope MakeConsentWithdrawn(const std::string& org,
                                         const std::string& participant,
                                         const std::string& consent_id) {
  v1::Envelope e = MakeEnvelope(org);
  e.set_participant_id(participant);
  e.mutable_consent_withdrawn()->set_consent_id(consent_id);
  return e;
}

// A plan opened by `parties[0]`, who also coordinates it.
inline v1::Envelope MakePlanOpened(
    const std::string& participant,
    const std::vector<std::pair<std::string, v1::PartyKind>>& parties) {
  v1::Envelope e = MakeEnvelope(parties.front().first);
  e.set_participant_id(participant);
  auto* p = e.mutable_plan_opened();
  p->set_plan_id("sip-" + participant);
  p->set_coordinating_organisation(parties.front().first);
  for (const auto& [org, kind] : parties) {
    auto* party = p->add_parties();
    party->set_organisation(org);
    party->set_kind(kind);
  }
  return e;
}

}  // namespace samverkan::gateway::testing

#endif  // SAMVERKAN_GATEWAY_TESTING_TEST_ENVELOPES_H_
