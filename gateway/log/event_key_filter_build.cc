// The background read of event_index behind EventKeyFilterBuild.
#include "gateway/log/event_key_filter_build.h"

#include <sqlite3.h>
#include <sys/resource.h>
#include <unistd.h>

#include <limits>

#include "gateway/log/sqlite_util.h"

namespace samverkan::gateway {
namespace {

// The primary key's order, from just after the last entry read: a walk of
// the index's leaves, nothing else. A merge moves entries only into a run
// of a larger id (key_runs.h), so an entry that moves behind the walk's
// back is met again further on.
constexpr char kReadKeys[] =
    "SELECT run, key, sequence FROM event_index "
    "WHERE (run, key, sequence) > (?1, ?2, ?3) "
    "ORDER BY run, key, sequence LIMIT ?4";
constexpr int kNice = 10;

}  // namespace

EventKeyFilterBuild::EventKeyFilterBuild(std::string path, size_t capacity,
                                         int rows_per_slice)
    : rows_per_slice_(rows_per_slice < 1 ? 1 : rows_per_slice),
      filter_(std::make_unique<EventKeyFilter>(capacity)) {
  thread_ = std::thread([this, path = std::move(path)] { Run(path); });
}

EventKeyFilterBuild::~EventKeyFilterBuild() {
  stop_.store(true, std::memory_order_relaxed);
  if (thread_.joinable()) thread_.join();
}

StatusOr<std::unique_ptr<EventKeyFilter>> EventKeyFilterBuild::Take() {
  if (thread_.joinable()) thread_.join();
  if (!status_.ok()) return status_;
  if (filter_ == nullptr) {
    return FailedPreconditionError("the event key filter was taken already");
  }
  return std::move(filter_);
}

void EventKeyFilterBuild::Run(const std::string& path) {
  // A cache warming up: on Linux a thread has a nice value of its own, and
  // this one yields the CPU to the threads serving, e.g. after a restart.
  (void)setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), kNice);
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db,
                           SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
  sqlite::Statement keys;
  if (rc != SQLITE_OK) {
    status_ = sqlite::FromSqlite(db, rc, "opening " + path + " to read keys");
  } else {
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, 1000);
    status_ = sqlite::Prepare(db, kReadKeys, &keys);
  }
  // Each slice is a statement of its own, so a snapshot of its own.
  // Entries are deleted only once a larger run holds them, and those added
  // between slices are the writer's to add.
  int64_t after_run = -1;
  int64_t after_key = std::numeric_limits<int64_t>::min();
  int64_t after_sequence = -1;
  for (int rows = rows_per_slice_; status_.ok() && rows == rows_per_slice_;) {
    if (stop_.load(std::memory_order_relaxed)) {
      status_ = Status(StatusCode::kCancelled,
                       "the event key filter build was stopped");
      break;
    }
    sqlite::ScopedReset reset(keys.get());
    rc = sqlite3_bind_int64(keys.get(), 1, after_run);
    if (rc == SQLITE_OK) rc = sqlite3_bind_int64(keys.get(), 2, after_key);
    if (rc == SQLITE_OK) rc = sqlite3_bind_int64(keys.get(), 3, after_sequence);
    if (rc == SQLITE_OK) rc = sqlite3_bind_int(keys.get(), 4, rows_per_slice_);
    for (rows = 0;
         rc == SQLITE_OK && (rc = sqlite3_step(keys.get())) == SQLITE_ROW;
         ++rows, rc = SQLITE_OK) {
      after_run = sqlite3_column_int64(keys.get(), 0);
      after_key = sqlite3_column_int64(keys.get(), 1);
      after_sequence = sqlite3_column_int64(keys.get(), 2);
      filter_->Add(after_key);
    }
    if (rc != SQLITE_DONE) {
      status_ = sqlite::FromSqlite(db, rc, "reading event keys");
    }
  }
  keys.reset();
  sqlite3_close_v2(db);
  done_.store(true, std::memory_order_release);
}

}  // namespace samverkan::gateway
