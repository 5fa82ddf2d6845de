// The fault suite's workload: a seeded, realistic mix of case events from the
// four agencies about many participants, as the JSON lines the agencies'
// systems hand their services. It is cut into phases so that no line depends
// on another line of the same phase: the four services publish independently
// and a service may resend after a crash or a RETRY_LATER, so only a phase
// boundary (every line of the earlier phases in the log) orders two events.
// Within those limits every line is valid under the transition rules, so
// with faults or without, nothing may be rejected.
#ifndef SAMVERKAN_TESTS_SUPPORT_FAULT_WORKLOAD_H_
#define SAMVERKAN_TESTS_SUPPORT_FAULT_WORKLOAD_H_

#include <cstdint>
#include <string>
#include <vector>

namespace samverkan::testing {

// SplitMix64: small, and the same numbers on every platform, which the
// standard library's distributions do not promise; a seed printed by one run
// replays it anywhere.
class FaultRng {
 public:
  explicit FaultRng(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  int Below(int n) { return static_cast<int>(Next() % n); }
  bool Chance(int percent) { return Below(100) < percent; }

 private:
  uint64_t state_;
};

struct FaultLine {
  std::string organisation;  // the publisher, one of AllAgencyParties()
  std::string participant;
  std::string text;  // one JSON line, unique in the whole workload
};

// How a participant's consent shapes what each recipient may see.
enum class ConsentShape {
  kEverything,            // every party sees everything
  kNoHealthToAf,          // Arbetsförmedlingen sees none of the health data
  kNoSocialServicesToFk,  // Försäkringskassan sees no social-services data
};

class FaultWorkload {
 public:
  // 0: consent; 1: the plan; 2: each agency's first steps; 3: the steps
  // that follow from them; 4: endings; 5: withdrawals of consent, the last
  // thing about a participant. A participant who will withdraw has nothing
  // from Arbetsförmedlingen in phase 4, so the suite can keep that service
  // offline across the withdrawals and then see what it is handed.
  static constexpr int kPhases = 6;
  static constexpr int kEndingPhase = 4;
  static constexpr int kWithdrawalPhase = 5;

  FaultWorkload(uint64_t seed, int participants);

  // The lines of `phase` for every participant, in participant order; the
  // same seed gives the same lines.
  std::vector<FaultLine> Phase(int phase) const;

  std::string ParticipantId(int index) const;
  bool Withdraws(int index) const;
  ConsentShape Consent(int index) const;
  int participants() const { return participants_; }
  uint64_t seed() const { return seed_; }

  // Participants needed for about `events` lines (a participant averages a
  // little over ten).
  static int ParticipantsFor(uint64_t events);

 private:
  struct Story;
  Story StoryOf(int index) const;
  void AppendLines(const Story& story, int phase,
                   std::vector<FaultLine>* out) const;

  uint64_t seed_;
  int participants_;
};

}  // namespace samverkan::testing

#endif  // SAMVERKAN_TESTS_SUPPORT_FAULT_WORKLOAD_H_
