// Envelope generation for the load generator (see envelope_corpus.h).
#include "bench/envelope_corpus.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <optional>
#include <random>

#include "samverkan/v1/envelope.pb.h"

namespace samverkan::bench {
namespace {

// A v4 UUID, or with `tick` a v7-like one: 48 bits of tick (milliseconds
// in a real v7) first, so ids sort in the order they were made.
std::string MakeUuid(std::mt19937_64& rng, std::optional<uint64_t> tick) {
  uint64_t hi = (rng() & ~0xf000ULL) | 0x4000ULL;  // version 4
  if (tick) hi = (*tick << 16) | 0x7000ULL | (rng() & 0x0fffULL);
  const uint64_t lo = (rng() & ~(3ULL << 62)) | (2ULL << 62);  // variant 10
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08llx-%04llx-%04llx-%04llx-%012llx",
                static_cast<unsigned long long>(hi >> 32),
                static_cast<unsigned long long>((hi >> 16) & 0xffff),
                static_cast<unsigned long long>(hi & 0xffff),
                static_cast<unsigned long long>(lo >> 48),
                static_cast<unsigned long long>(lo & 0xffffffffffffULL));
  return buf;
}

constexpr std::array<const char*, 4> kDiagnoses = {"F32.1", "F33.2", "F41.1",
                                                   "F43.2"};
constexpr std::array<const char*, 4> kNotes = {
    "Tilltagande nedstämdhet och sömnsvårigheter sedan två veckor; "
    "arbetsförmågan bedöms nedsatt, uppföljning inom fjorton dagar.",
    "Återfall i ångestsymtom efter förändrad livssituation; planerad "
    "kontakt med arbetsterapeut och samordnare i SIP-mötet.",
    "Försämrat mående, ökad trötthet och koncentrationssvårigheter; "
    "deltar tills vidare inte i arbetsträning enligt plan.",
    "Patienten beskriver ökad oro och sämre funktionsnivå; läkarbesök "
    "bokat, insatser i planen pausas i avvaktan på bedömning."};

}  // namespace

std::vector<std::string> BuildEnvelopes(const std::string& organisation,
                                        size_t count, uint64_t seed,
                                        const CorpusShape& shape,
                                        uint64_t first_tick) {
  std::mt19937_64 rng(seed);
  std::vector<std::string> out;
  out.reserve(count);
  v1::Envelope e;
  for (size_t i = 0; i < count; ++i) {
    e.Clear();
    e.set_event_id(MakeUuid(rng, shape.time_ordered_ids
                                     ? std::optional<uint64_t>(first_tick + i)
                                     : std::nullopt));
    char participant[16];
    std::snprintf(participant, sizeof participant, "p-%05llu",
                  static_cast<unsigned long long>(
                      rng() % std::max<uint32_t>(shape.participants, 1)));
    e.set_participant_id(participant);
    e.set_source_organisation(organisation);
    e.mutable_occurred_at()->set_seconds(1795000000 +
                                         static_cast<int64_t>(rng() % 86400));
    e.set_schema_version(1);
    auto* h = e.mutable_health_deteriorated();
    h->mutable_observed_on()->set_year(2026);
    h->mutable_observed_on()->set_month(11);
    h->mutable_observed_on()->set_day(1 + static_cast<int>(rng() % 28));
    h->set_work_capacity_affected(true);
    h->set_expected_duration_days(14 + static_cast<uint32_t>(rng() % 60));
    h->set_diagnosis_code(kDiagnoses[rng() % kDiagnoses.size()]);
    h->set_clinical_note(kNotes[rng() % kNotes.size()]);
    out.push_back(e.SerializeAsString());
  }
  return out;
}

std::vector<std::string> BuildParticipantSetup(
    const std::vector<std::string>& organisations, uint32_t participants) {
  std::mt19937_64 rng(77);
  std::vector<std::string> out;
  out.reserve(2 * static_cast<size_t>(participants));
  for (uint32_t i = 0; i < participants; ++i) {
    char participant[16];
    std::snprintf(participant, sizeof participant, "p-%05u", i);
    v1::Envelope e;
    e.set_event_id(MakeUuid(rng, std::nullopt));
    e.set_participant_id(participant);
    e.set_source_organisation(organisations.front());
    e.mutable_occurred_at()->set_seconds(1795000000);
    e.set_schema_version(1);
    auto* consent = e.mutable_consent_granted();
    consent->set_consent_id(std::string("c-") + participant);
    consent->set_legal_basis(v1::SIP_CONSENT);
    consent->add_provisions()->set_type(v1::PERMIT);
    out.push_back(e.SerializeAsString());

    e.set_event_id(MakeUuid(rng, std::nullopt));
    auto* plan = e.mutable_plan_opened();
    plan->set_plan_id(std::string("sip-") + participant);
    plan->set_coordinating_organisation(organisations.front());
    for (const std::string& org : organisations) {
      auto* party = plan->add_parties();
      party->set_organisation(org);
      party->set_kind(v1::REGION_PSYCHIATRY);
    }
    out.push_back(e.SerializeAsString());
  }
  return out;
}

double MeanEnvelopeBytes(const std::vector<std::vector<std::string>>& corpora) {
  double bytes = 0;
  size_t n = 0;
  for (const auto& corpus : corpora) {
    for (const std::string& e : corpus) bytes += static_cast<double>(e.size());
    n += corpus.size();
  }
  return n == 0 ? 0 : bytes / static_cast<double>(n);
}

}  // namespace samverkan::bench
