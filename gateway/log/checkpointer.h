// Copies the writer's WAL into the database file on a thread of its own.
//
// With SQLite's automatic checkpoints the thread that commits also copies
// every 16 MiB of WAL into the database file: about 6% of the gateway's
// pipeline thread, which is the one that limits throughput, while the other
// core had time to spare (docs/BENCHMARKS.md). A PASSIVE checkpoint needs
// no lock the writer holds, so it can run beside the commits on a second
// connection. The writer's commit hook (sqlite3_wal_hook) tells this class
// how long the WAL is; past `pages` it wakes the thread, and past
// kInlineFactor × `pages` (the thread has fallen behind) the writer waits
// for the thread's copy under way, if any, and copies the rest inline as
// SQLite would: the WAL never holds more than that and one commit.
#ifndef SAMVERKAN_GATEWAY_LOG_CHECKPOINTER_H_
#define SAMVERKAN_GATEWAY_LOG_CHECKPOINTER_H_

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "common/status.h"

struct sqlite3;

namespace samverkan::gateway {

class Checkpointer {
 public:
  static constexpr int kInlineFactor = 4;

  // Opens a connection of its own to the log at `path` (which must exist,
  // in WAL mode), starts the thread, and hooks `writer`'s commits. `writer`
  // is borrowed: the caller must destroy this object before closing it.
  static StatusOr<std::unique_ptr<Checkpointer>> Start(const std::string& path,
                                                       sqlite3* writer,
                                                       int pages);
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;
  // Unhooks the writer, stops and joins the thread, closes the connection.
  ~Checkpointer();

  // Checkpoints run by the thread so far; for tests.
  int completed() const;

 private:
  Checkpointer(sqlite3* own, sqlite3* writer, int pages);
  static int OnCommit(void* self, sqlite3* db, const char* schema, int frames);
  void Run();

  sqlite3* const own_;
  sqlite3* const writer_;
  const int pages_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  bool due_ = false;
  bool running_ = false;
  bool stop_ = false;
  int completed_ = 0;
  std::thread thread_;
};

}  // namespace samverkan::gateway

#endif  // SAMVERKAN_GATEWAY_LOG_CHECKPOINTER_H_
