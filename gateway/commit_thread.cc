// One worker, one batch at a time, handed over under a mutex: the handover
// is what orders the pipeline's writes to the batch before the append's
// reads of it, and the append's writes to the result before Wait's reads.
#include "gateway/commit_thread.h"

namespace samverkan::gateway {

CommitThread::~CommitThread() {
  {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return batch_ == nullptr || done_; });
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void CommitThread::Start(const Batch* batch, int64_t recorded_at_us) {
  if (!thread_.joinable()) thread_ = std::thread([this] { Loop(); });
  {
    std::lock_guard<std::mutex> lock(mu_);
    batch_ = batch;
    recorded_at_us_ = recorded_at_us;
    done_ = false;
  }
  cv_.notify_all();
}

CommitThread::Result CommitThread::Wait() {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [this] { return done_; });
  batch_ = nullptr;
  done_ = false;
  return std::move(result_);
}

void CommitThread::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    cv_.wait(lock, [this] { return stop_ || (batch_ != nullptr && !done_); });
    if (stop_) return;
    const Batch* batch = batch_;
    const int64_t at = recorded_at_us_;
    lock.unlock();
    Result result;
    result.head = store_->Append(*batch, at, &result.recipient_sequences);
    lock.lock();
    result_ = std::move(result);
    done_ = true;
    cv_.notify_all();
  }
}

}  // namespace samverkan::gateway
