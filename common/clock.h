// The gateway's notion of now, injected so tests can move time (DESIGN §3).
#ifndef SAMVERKAN_COMMON_CLOCK_H_
#define SAMVERKAN_COMMON_CLOCK_H_

#include <atomic>
#include <chrono>
#include <cstdint>

namespace samverkan {

class Clock {
 public:
  virtual ~Clock() = default;
  // Microseconds since the Unix epoch.
  virtual int64_t NowMicros() const = 0;
};

class SystemClock final : public Clock {
 public:
  int64_t NowMicros() const override {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

// A clock that only moves when told to; safe to read from other threads.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t start_micros) : now_(start_micros) {}
  int64_t NowMicros() const override { return now_.load(); }
  void Advance(int64_t micros) { now_ += micros; }
  void Set(int64_t micros) { now_ = micros; }

 private:
  std::atomic<int64_t> now_;
};

}  // namespace samverkan

#endif  // SAMVERKAN_COMMON_CLOCK_H_
