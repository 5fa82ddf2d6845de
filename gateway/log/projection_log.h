// The projections' latest rows (the participants' ledgers), kept off the
// commit path.
//
// A ledger changes with nearly every event and the keys are spread over the
// whole table, so upserting each commit's rows into `projections` dirtied
// nearly every page of it on every group commit, and WAL writes each dirty
// page twice (docs/BENCHMARKS.md). Instead every commit appends its rows to
// `projection_changes`, in order, and once `lag` rows wait the writer folds
// the latest row of each key into `projections` in one pass in key order, in
// a transaction of its own, and empties the table. Readers take each key's
// latest row from either table (kRead), so they see exactly what was
// committed. See log_format.md.
#ifndef SAMVERKAN_GATEWAY_LOG_PROJECTION_LOG_H_
#define SAMVERKAN_GATEWAY_LOG_PROJECTION_LOG_H_

#include <cstddef>
#include <vector>

#include "common/status.h"
#include "gateway/log/log_store.h"
#include "gateway/log/sqlite_statement.h"

struct sqlite3;

namespace samverkan::gateway {

class ProjectionLog {
 public:
  // The schema object, created with the log and by the upgrade from
  // schema version 6.
  static const char kSchema[];
  // Each key's latest row, for keys after ?1 in key order, at most ?2 of
  // them: columns key, at_sequence, state. Any connection may run it.
  static const char kRead[];

  // `db` is the writer's connection; not owned, it must outlive this object.
  // `lag` is how many rows may wait before a fold is due.
  ProjectionLog(sqlite3* db, size_t lag);
  ProjectionLog(const ProjectionLog&) = delete;
  ProjectionLog& operator=(const ProjectionLog&) = delete;
  ~ProjectionLog();

  Status Prepare();
  // Counts the rows waiting; at open and whenever the file may have changed
  // behind the writer's back.
  Status Load();

  // Inside the open append transaction: appends `rows` in their order, so a
  // key given twice reads back as the later row.
  Status Stage(const std::vector<ProjectionRow>& rows);
  // After COMMIT the staged rows wait for a fold; after a failure they were
  // never written.
  void Commit() {
    pending_ += staged_;
    staged_ = 0;
  }
  void Discard() { staged_ = 0; }

  bool Due() const { return pending_ >= lag_; }
  // Moves every waiting row into `projections` in its own transaction (none
  // may be open). On error nothing changes and a later Fold retries.
  Status Fold();

  size_t pending() const { return pending_; }

 private:
  sqlite3* const db_;
  const size_t lag_;
  sqlite::Statement append_;
  sqlite::Statement append_rows_;
  sqlite::Statement fold_;
  sqlite::Statement clear_;
  size_t pending_ = 0;
  size_t staged_ = 0;
};

}  // namespace samverkan::gateway

#endif  // SAMVERKAN_GATEWAY_LOG_PROJECTION_LOG_H_
