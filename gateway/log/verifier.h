// Verification of the event log's hash chain, on top of LogStore::Read only,
// so it works for any backend and from a read-only instance.
#ifndef SAMVERKAN_GATEWAY_LOG_VERIFIER_H_
#define SAMVERKAN_GATEWAY_LOG_VERIFIER_H_

#include <cstdint>
#include <string>

#include "common/status.h"
#include "gateway/log/log_store.h"

namespace samverkan::gateway {

struct VerifyResult {
  bool ok = true;
  // The last sequence this call checked and found good; from - 1 when it
  // found none (the slices before it are the caller's business).
  uint64_t verified_through = 0;
  // Set when !ok: the first record that is missing or does not match.
  uint64_t first_bad_sequence = 0;
  // When !ok, one sentence naming the sequence and what is wrong.
  std::string message;
};

// Verifies records [from_sequence, from_sequence + limit), clipped to the
// head; from_sequence 0 means 1. Each record must follow its predecessor
// without a gap, link to its stored hash, hash to its own stored hash, and
// (for EVENT and GATEWAY_EVENT) carry metadata columns that match its
// envelope. For a slice that starts after 1, record from_sequence - 1 is
// checked against its own stored prev_hash and then used as the link, so
// slices can be verified independently and in any order.
//
// A finding is an ok StatusOr with result.ok == false; a non-ok Status means
// the store could not be read and nothing was concluded.
StatusOr<VerifyResult> VerifyChain(LogStore& store, uint64_t from_sequence,
                                   uint64_t limit);

}  // namespace samverkan::gateway

#endif  // SAMVERKAN_GATEWAY_LOG_VERIFIER_H_
