// The knobs of one samverkan-bench invocation, filled from the command line
// by main.cc and read by everything else.
#ifndef SAMVERKAN_BENCH_OPTIONS_H_
#define SAMVERKAN_BENCH_OPTIONS_H_

#include <cstddef>
#include <string>

#include "bench/envelope_corpus.h"

namespace samverkan::bench {

// The durability setting of the bare reference's SQLite file.
enum class ReferenceSync { kFull, kNormal };

struct BenchOptions {
  // Throughput phase: publishers, each with its own key and connection, and
  // the number of submissions each keeps in flight.
  size_t publishers = 4;
  size_t window = 1000;
  // Events submitted in the throughput phase, over all publishers.
  size_t events = 200000;
  // Events put into the gateway's log (through the gateway) and into the
  // reference table (directly) before anything is timed, to measure a log
  // that is no longer young.
  size_t prefill = 0;
  // Event ids and participants of every envelope.
  CorpusShape shape;
  // Synchronous phase: one publisher, window 1.
  size_t sync_events = 1000;
  // Rounds of (ours, reference), interleaved; medians are reported.
  size_t rounds = 3;
  ReferenceSync reference_sync = ReferenceSync::kFull;
  // Largest transaction of the bare reference (the gateway's max_batch).
  size_t reference_max_batch = 2048;
  // Runs the synchronous phase on a fresh log, before the throughput phase,
  // instead of on the log the throughput phase has filled.
  bool sync_on_fresh_log = false;
  // The gateway binary; empty: samverkan-gateway next to this executable.
  std::string gateway_binary;
  // Parent of the temporary working folder; empty: the system temp folder.
  std::string work_parent;
  bool keep_work_dir = false;
  // The gateway's index_lag; 0: its default.
  size_t index_lag = 0;
  // Think time of the last throughput publisher after each acknowledgement.
  size_t last_publisher_pause_us = 0;
  // Seconds to wait for any one acknowledgement before giving up.
  int reply_timeout_s = 30;
};

}  // namespace samverkan::bench

#endif  // SAMVERKAN_BENCH_OPTIONS_H_
