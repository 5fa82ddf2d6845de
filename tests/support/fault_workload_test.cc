// The fault suite's workload generator: the suite's strict invariant (nothing
// rejected) rests on every line being valid and on the phases never making
// one line of a phase depend on another, so those properties are checked
// here, without a gateway.
#include "tests/support/fault_workload.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "samverkan/payload_type.h"
#include "services/agency/domain_check.h"
#include "services/agency/json_events.h"
#include "tests/support/gateway_fixture.h"

namespace samverkan::testing {
namespace {

constexpr int kParticipants = 400;

v1::PartyKind KindOf(const std::string& organisation) {
  for (const PartySpec& p : AllAgencyParties()) {
    if (p.organisation == organisation) return p.kind;
  }
  return v1::PARTY_KIND_UNSPECIFIED;
}

TEST(FaultWorkloadTest, SameSeedSameLinesOtherSeedOtherLines) {
  const FaultWorkload a(7, 50), b(7, 50), c(8, 50);
  for (int phase = 0; phase < FaultWorkload::kPhases; ++phase) {
    const auto la = a.Phase(phase), lb = b.Phase(phase);
    ASSERT_EQ(la.size(), lb.size());
    for (size_t i = 0; i < la.size(); ++i) EXPECT_EQ(la[i].text, lb[i].text);
  }
  EXPECT_NE(a.Phase(2).size() + a.Phase(3).size(),
            c.Phase(2).size() + c.Phase(3).size());
}

TEST(FaultWorkloadTest, EveryLineParsesPassesTheDomainCheckAndIsUnique) {
  const FaultWorkload w(42, kParticipants);
  std::set<std::string> ids;
  size_t lines = 0;
  for (int phase = 0; phase < FaultWorkload::kPhases; ++phase) {
    for (const FaultLine& line : w.Phase(phase)) {
      ++lines;
      auto e = agency::ParseEventLine(line.text, {line.organisation, 0, 1});
      ASSERT_TRUE(e.ok()) << e.status().ToString() << ": " << line.text;
      EXPECT_EQ(e->participant_id(), line.participant);
      const Status domain = agency::CheckDomain(*e, KindOf(line.organisation));
      EXPECT_TRUE(domain.ok()) << domain.ToString() << ": " << line.text;
      EXPECT_TRUE(ids.insert(e->event_id()).second) << "twice: " << line.text;
    }
  }
  // Roughly the documented mean, so ParticipantsFor sizes runs sensibly.
  EXPECT_GT(lines, 9u * kParticipants);
  EXPECT_LT(lines, 13u * kParticipants);
}

TEST(FaultWorkloadTest, PhasesOrderWhatDependsOnWhat) {
  const FaultWorkload w(3, kParticipants);
  // The earliest phase in which each participant has each payload type.
  std::map<std::pair<std::string, std::string>, int> first;
  std::map<std::string, int> last_phase;
  for (int phase = 0; phase < FaultWorkload::kPhases; ++phase) {
    for (const FaultLine& line : w.Phase(phase)) {
      auto e = agency::ParseEventLine(line.text, {line.organisation, 0, 1});
      ASSERT_TRUE(e.ok());
      const std::string type(PayloadTypeName(*e));
      first.emplace(std::make_pair(line.participant, type), phase);
      last_phase[line.participant] = phase;
      if (phase == FaultWorkload::kEndingPhase &&
          w.Withdraws(std::stoi(line.participant.substr(3)))) {
        EXPECT_NE(line.organisation, kArbetsformedlingen) << line.text;
      }
    }
  }
  auto phase_of = [&](const std::string& p, const std::string& type) {
    auto it = first.find({p, type});
    return it == first.end() ? -1 : it->second;
  };
  // What needs what before it, in an earlier phase.
  const std::vector<std::pair<std::string, std::string>> needs = {
      {"plan_opened", "consent_granted"},
      {"ips_job_search_started", "ips_enrolled"},
      {"ips_ended", "ips_enrolled"},
      {"sysselsattning_attendance_reported", "sysselsattning_decided"},
      {"plan_action_changed", "plan_action_added"},
      {"forsorjningsstod_ended", "forsorjningsstod_granted"},
      {"employment_ended", "employment_started"},
      {"sickness_reported_during_programme", "programme_started"},
      {"programme_interrupted", "sickness_reported_during_programme"},
      {"programme_ended", "programme_started"},
      {"aktivitetsstod_stopped", "aktivitetsstod_decided"},
      {"job_seeker_deregistered", "job_seeker_registered"},
      {"vilande_granted", "aktivitetsersattning_granted"},
      {"vilande_ended", "vilande_granted"},
      {"sjukpenning_ended", "sjukpenning_granted"},
      {"inpatient_discharged", "inpatient_admitted"},
  };
  int withdrawals = 0;
  for (int i = 0; i < w.participants(); ++i) {
    const std::string p = w.ParticipantId(i);
    EXPECT_EQ(phase_of(p, "consent_granted"), 0);
    EXPECT_EQ(phase_of(p, "plan_opened"), 1);
    for (const auto& [later, earlier] : needs) {
      const int l = phase_of(p, later);
      if (l < 0) continue;
      const int e = phase_of(p, earlier);
      EXPECT_TRUE(e >= 0 && e < l) << p << ": " << later << " in phase " << l
                                   << ", " << earlier << " in phase " << e;
    }
    if (w.Withdraws(i)) {
      ++withdrawals;
      EXPECT_EQ(phase_of(p, "consent_withdrawn"),
                FaultWorkload::kWithdrawalPhase);
    } else {
      EXPECT_LT(last_phase[p], FaultWorkload::kWithdrawalPhase);
    }
  }
  EXPECT_GT(withdrawals, 0);
}

}  // namespace
}  // namespace samverkan::testing
