// Runs LogStore::Append on a thread of its own, so that the pipeline can
// decide the next batch while one batch is being made durable: the commit
// (SQLite, the WAL write, the fsync) is about as much work as the decisions,
// and the gateway has more than one core.
#ifndef SAMVERKAN_GATEWAY_COMMIT_THREAD_H_
#define SAMVERKAN_GATEWAY_COMMIT_THREAD_H_

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include "common/status.h"
#include "gateway/log/log_store.h"

namespace samverkan::gateway {

class CommitThread {
 public:
  struct Result {
    StatusOr<LogHead> head = UnavailableError("not committed");
    // Per disclosure, as LogStore::Append gives them.
    std::vector<uint64_t> recipient_sequences;
  };

  // `store` is borrowed and must outlive this object. The thread starts
  // with the first Start.
  explicit CommitThread(LogStore* store) : store_(store) {}
  // Waits for a commit in progress, then stops the thread.
  ~CommitThread();
  CommitThread(const CommitThread&) = delete;
  CommitThread& operator=(const CommitThread&) = delete;

  // Begins appending `batch`, which is borrowed until Wait returns. One
  // commit at a time: every Start is followed by a Wait.
  void Start(const Batch* batch, int64_t recorded_at_us);
  // Blocks until the commit begun by Start has returned.
  Result Wait();

 private:
  void Loop();

  LogStore* const store_;
  std::mutex mu_;
  std::condition_variable cv_;
  const Batch* batch_ = nullptr;  // set: a commit is asked for or running
  int64_t recorded_at_us_ = 0;
  bool done_ = false;
  bool stop_ = false;
  Result result_;
  std::thread thread_;
};

}  // namespace samverkan::gateway

#endif  // SAMVERKAN_GATEWAY_COMMIT_THREAD_H_
