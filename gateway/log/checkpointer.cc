// The background checkpoint thread; see checkpointer.h for why the writer's
// commits do not copy the WAL themselves.
#include "gateway/log/checkpointer.h"

#include <sqlite3.h>

#include "gateway/log/sqlite_util.h"

namespace samverkan::gateway {

StatusOr<std::unique_ptr<Checkpointer>> Checkpointer::Start(
    const std::string& path, sqlite3* writer, int pages) {
  sqlite3* own = nullptr;
  const int rc = sqlite3_open_v2(
      path.c_str(), &own, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    Status s =
        sqlite::FromSqlite(own, rc, "opening " + path + " to checkpoint");
    sqlite3_close_v2(own);
    return s;
  }
  sqlite3_extended_result_codes(own, 1);
  // The copy syncs the database file before the WAL may be reused, as the
  // writer's own checkpoints did; a checkpoint never waits on a busy lock.
  if (Status s = sqlite::Exec(own, "PRAGMA synchronous = FULL;"); !s.ok()) {
    sqlite3_close_v2(own);
    return s;
  }
  std::unique_ptr<Checkpointer> c(new Checkpointer(own, writer, pages));
  c->thread_ = std::thread([raw = c.get()] { raw->Run(); });
  sqlite3_wal_hook(writer, &Checkpointer::OnCommit, c.get());
  return c;
}

Checkpointer::Checkpointer(sqlite3* own, sqlite3* writer, int pages)
    : own_(own), writer_(writer), pages_(pages < 1 ? 1 : pages) {}

Checkpointer::~Checkpointer() {
  sqlite3_wal_hook(writer_, nullptr, nullptr);
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_one();
  thread_.join();
  sqlite3_close_v2(own_);
}

int Checkpointer::completed() const {
  std::lock_guard<std::mutex> lock(mu_);
  return completed_;
}

// Called by SQLite on the writer's thread after each commit, with the WAL's
// length in frames (pages).
int Checkpointer::OnCommit(void* self, sqlite3* db, const char* schema,
                           int frames) {
  auto* c = static_cast<Checkpointer*>(self);
  if (frames >= c->pages_ * kInlineFactor) {
    // A copy under way holds SQLite's checkpoint lock, and a second one
    // would give up at once; the thread's never waits for the writer, so
    // waiting for it ends.
    {
      std::unique_lock<std::mutex> lock(c->mu_);
      c->idle_.wait(lock, [c] { return !c->running_; });
    }
    // What SQLite's automatic checkpoint does; the result is left to the
    // next commit's, exactly as with it.
    sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr,
                              nullptr);
  } else if (frames >= c->pages_) {
    {
      std::lock_guard<std::mutex> lock(c->mu_);
      c->due_ = true;
    }
    c->wake_.notify_one();
  }
  return SQLITE_OK;
}

void Checkpointer::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    wake_.wait(lock, [this] { return due_ || stop_; });
    if (stop_) return;
    due_ = false;
    running_ = true;
    lock.unlock();
    // PASSIVE copies what no reader still needs and never blocks the
    // writer; a failure (e.g. a full disk) leaves the WAL as it is, and
    // the next commit past the mark asks again.
    sqlite3_wal_checkpoint_v2(own_, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr,
                              nullptr);
    lock.lock();
    running_ = false;
    ++completed_;
    idle_.notify_all();
  }
}

}  // namespace samverkan::gateway
