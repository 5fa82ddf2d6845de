// Serialized envelopes built before any clock starts, so the benchmark times
// the gateway and not the protobuf encoder. The same bytes feed the gateway
// and the bare reference.
#ifndef SAMVERKAN_BENCH_ENVELOPE_CORPUS_H_
#define SAMVERKAN_BENCH_ENVELOPE_CORPUS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace samverkan::bench {

// What the event ids and participants look like; both decide how the
// log's indexes grow (see docs/BENCHMARKS.md).
struct CorpusShape {
  // false: random v4 UUIDs, as most publishers make them. true: UUIDv7-like
  // ids that grow with time, so each new id sorts after the previous ones.
  bool time_ordered_ids = false;
  // Distinct participant pseudonyms the events are spread over.
  uint32_t participants = 10000;
};

// What the gateway needs before it accepts events about a participant:
// consent (PERMIT, any category) and an open plan naming every publisher's
// organisation, for participants p-00000 .. p-<participants-1>, published by
// organisations[0]. So every bench event also goes, redacted, to the other
// publishers as deliveries, as in a real plan.
std::vector<std::string> BuildParticipantSetup(
    const std::vector<std::string>& organisations, uint32_t participants);

// `count` distinct health_deteriorated envelopes from `organisation` (a
// REGION_PSYCHIATRY party), each about one of the participants and with a
// short clinical note: about 240 bytes each, like a real report.
// Deterministic for a given `seed`; time-ordered ids start at `first_tick`
// and grow by one per envelope.
std::vector<std::string> BuildEnvelopes(const std::string& organisation,
                                        size_t count, uint64_t seed,
                                        const CorpusShape& shape,
                                        uint64_t first_tick);

// The mean size in bytes of the envelopes in `corpora`.
double MeanEnvelopeBytes(const std::vector<std::vector<std::string>>& corpora);

}  // namespace samverkan::bench

#endif  // SAMVERKAN_BENCH_ENVELOPE_CORPUS_H_
