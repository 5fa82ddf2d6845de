// Tests read the gateway's log file directly to check what was committed;
// they open it read-only so they can never disturb the process under test.
#ifndef SAMVERKAN_TESTS_SUPPORT_LOG_READER_H_
#define SAMVERKAN_TESTS_SUPPORT_LOG_READER_H_

#include <memory>
#include <string>

#include "gateway/log/sqlite_log_store.h"

namespace samverkan::testing {

inline StatusOr<std::unique_ptr<gateway::SqliteLogStore>> OpenLogReadOnly(
    const std::string& path) {
  gateway::SqliteLogStore::Options options;
  options.read_only = true;
  return gateway::SqliteLogStore::Open(path, options);
}

}  // namespace samverkan::testing

#endif  // SAMVERKAN_TESTS_SUPPORT_LOG_READER_H_
