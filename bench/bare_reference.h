// The bare reference the gateway is measured against: the same envelope
// bytes pushed over plain ZeroMQ (PUSH/PULL on loopback TCP, no CURVE, no
// acknowledgements) into SQLite in WAL mode with the same durability as the
// gateway, batched per transaction, with no checks at all. It is what the
// hardware, libzmq and SQLite give before the gateway does any work.
#ifndef SAMVERKAN_BENCH_BARE_REFERENCE_H_
#define SAMVERKAN_BENCH_BARE_REFERENCE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "bench/options.h"
#include "common/status.h"

namespace samverkan::bench {

struct ReferenceOptions {
  // A fresh database file.
  std::string db_path;
  ReferenceSync sync = ReferenceSync::kFull;
  // Most messages per transaction; fewer when fewer are waiting.
  size_t max_batch = 2048;
  // Inserted untimed before the run (borrowed).
  std::vector<const std::vector<std::string>*> prefill;
  // If set (borrowed): after the run, each body in its own transaction
  // (BEGIN, one INSERT, COMMIT), timed: the floor under a synchronous
  // acknowledgement on this disk. Then each body again, sent by a DEALER
  // to a ROUTER thread (plain TCP) that commits it alone and answers: the
  // bare synchronous round trip.
  const std::vector<std::string>* single_commits = nullptr;
};

struct ReferenceResult {
  uint64_t events = 0;
  // From the first send to the last commit.
  double seconds = 0;
  uint64_t transactions = 0;
  // Bytes this process handed to the block layer during the run.
  uint64_t write_bytes = 0;
  // One per ReferenceOptions::single_commits body, nanoseconds.
  std::vector<int64_t> commit_latencies_ns;
  std::vector<int64_t> round_trip_latencies_ns;
};

// One PUSH thread per entry of `senders` (borrowed), one PULL thread that
// inserts into (seq INTEGER PRIMARY KEY, body BLOB); then the single
// commits, if asked for.
StatusOr<ReferenceResult> RunBareReference(
    const std::vector<const std::vector<std::string>*>& senders,
    const ReferenceOptions& options);

}  // namespace samverkan::bench

#endif  // SAMVERKAN_BENCH_BARE_REFERENCE_H_
