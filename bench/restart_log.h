// A large gateway log made quickly for the restart bench: the first records
// go through the real gateway (consent, plan and one event per participant,
// so the ledgers and disclosures are the gateway's own), the bulk is appended
// straight through the gateway's SqliteLogStore in large batches, with the
// same fields and disclosures, so the file has the gateway's schema and hash
// chain without paying the gateway's per-event cost.
#ifndef SAMVERKAN_BENCH_RESTART_LOG_H_
#define SAMVERKAN_BENCH_RESTART_LOG_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "bench/workspace.h"
#include "common/status.h"

namespace samverkan::bench {

struct RestartLogOptions {
  // Records in the log when done, the seeded ones included.
  uint64_t events = 10000000;
  uint32_t participants = 10000;
  // Records per Append (one transaction) in the bulk.
  size_t batch = 50000;
  // Every n-th bulk record is disclosed to the three other publishers.
  size_t disclosure_every = 10;
  std::string gateway_binary;
};

// Builds the log in `data_dir` (the gateway's data folder, log.sqlite).
// Progress goes to stderr.
Status BuildRestartLog(const Workspace& workspace, const std::string& data_dir,
                       const RestartLogOptions& options);

// Leaves the last `records` records of the log at `log_path` out of its
// indexes, as a gateway killed under sustained load just before an index
// pass leaves them (gateway/log/log_format.md): their index entries are
// deleted and indexed_through moved back, in one transaction. No gateway
// may have the file open.
Status UnindexTail(const std::string& log_path, uint64_t records);

}  // namespace samverkan::bench

#endif  // SAMVERKAN_BENCH_RESTART_LOG_H_
