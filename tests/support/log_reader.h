// Tests read the gateway's log file directly to check what was committed;
// they open it read-only so they can never disturb the process under test.
#ifndef SAMVERKAN_TESTS_SUPPORT_LOG_READER_H_
#define SAMVERKAN_TESTS_SUPPORT_LOG_READER_H_

#include <memory>
#include <string>
#include <vector>

#include "gateway/log/sqlite_log_store.h"

namespace samverkan::testing {

inline StatusOr<std::unique_ptr<gateway::SqliteLogStore>> OpenLogReadOnly(
    const std::string& path) {
  gateway::SqliteLogStore::Options options;
  options.read_only = true;
  return gateway::SqliteLogStore::Open(path, options);
}

// Every record of the log at `path`, in sequence order.
inline StatusOr<std::vector<gateway::StoredRecord>> ReadWholeLog(
    const std::string& path) {
  auto log = OpenLogReadOnly(path);
  if (!log.ok()) return log.status();
  std::vector<gateway::StoredRecord> all, chunk;
  uint64_t from = 1;
  do {
    if (Status s = (*log)->Read(from, 1000, &chunk); !s.ok()) return s;
    for (gateway::StoredRecord& r : chunk) {
      from = r.sequence + 1;
      all.push_back(std::move(r));
    }
  } while (!chunk.empty());
  return all;
}

}  // namespace samverkan::testing

#endif  // SAMVERKAN_TESTS_SUPPORT_LOG_READER_H_
