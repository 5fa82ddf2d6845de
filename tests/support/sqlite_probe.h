// One integer read from another process's SQLite file, through a read-only
// connection of the test's own: a probe must never write to (or create) a
// file the process under test is still setting up.
#ifndef SAMVERKAN_TESTS_SUPPORT_SQLITE_PROBE_H_
#define SAMVERKAN_TESTS_SUPPORT_SQLITE_PROBE_H_

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace samverkan::testing {

// The first column of the first row `sql` returns, with `texts` bound to
// ?1, ?2, ...; none when the file, the table or the row is not there (yet).
inline std::optional<int64_t> ProbeInt(
    const std::string& path, const std::string& sql,
    const std::vector<std::string>& texts = {}) {
  sqlite3* db = nullptr;
  std::optional<int64_t> value;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) ==
      SQLITE_OK) {
    sqlite3_busy_timeout(db, 1000);
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr);
    for (size_t i = 0; rc == SQLITE_OK && i < texts.size(); ++i) {
      rc = sqlite3_bind_text(stmt, static_cast<int>(i + 1), texts[i].data(),
                             static_cast<int>(texts[i].size()),
                             SQLITE_TRANSIENT);
    }
    if (rc == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW) {
      value = sqlite3_column_int64(stmt, 0);
    }
    sqlite3_finalize(stmt);
  }
  sqlite3_close_v2(db);
  return value;
}

}  // namespace samverkan::testing

#endif  // SAMVERKAN_TESTS_SUPPORT_SQLITE_PROBE_H_
