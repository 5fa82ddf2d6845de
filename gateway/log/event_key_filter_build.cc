// The background read of event_index behind EventKeyFilterBuild.
#include "gateway/log/event_key_filter_build.h"

#include <sqlite3.h>
#include <sys/resource.h>
#include <unistd.h>

#include "gateway/log/sqlite_util.h"

namespace samverkan::gateway {
namespace {

// How often the read looks for a request to stop.
constexpr int kRowsBetweenStopChecks = 1 << 16;
constexpr int kNice = 10;

}  // namespace

EventKeyFilterBuild::EventKeyFilterBuild(std::string path, size_t capacity)
    : filter_(std::make_unique<EventKeyFilter>(capacity)) {
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
    // The primary key's order: a walk of the index's leaves, nothing else.
    status_ = sqlite::Prepare(db, "SELECT key FROM event_index", &keys);
  }
  for (int rows = 0; status_.ok(); ++rows) {
    if (rows == kRowsBetweenStopChecks) {
      rows = 0;
      if (stop_.load(std::memory_order_relaxed)) {
        status_ = Status(StatusCode::kCancelled,
                         "the event key filter build was stopped");
        break;
      }
    }
    rc = sqlite3_step(keys.get());
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) {
      status_ = sqlite::FromSqlite(db, rc, "reading event keys");
      break;
    }
    filter_->Add(sqlite3_column_int64(keys.get(), 0));
  }
  keys.reset();
  sqlite3_close_v2(db);
  done_.store(true, std::memory_order_release);
}

}  // namespace samverkan::gateway
