// A clock read from a file, so that tests and the demo can move a real
// gateway process's time (DESIGN §3: rule deadlines fire on an injected
// clock). Never for production: the gateway logs a warning when it is used.
#ifndef SAMVERKAN_COMMON_FILE_CLOCK_H_
#define SAMVERKAN_COMMON_FILE_CLOCK_H_

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/status.h"

namespace samverkan {

// Parses "2026-11-23" (midnight UTC) or "2026-11-23T14:05:00Z" into
// microseconds since the epoch; InvalidArgument otherwise.
StatusOr<int64_t> ParseClockText(std::string_view text);

class FileClock final : public Clock {
 public:
  // Fails when the file cannot be read or parsed at start.
  static StatusOr<std::unique_ptr<FileClock>> Open(std::string path);
  FileClock(const FileClock&) = delete;
  FileClock& operator=(const FileClock&) = delete;

  // Re-reads the file; keeps the last good time when it is briefly missing
  // or half-written, and never goes backwards (deadlines must not un-fire).
  int64_t NowMicros() const override;

 private:
  FileClock(std::string path, int64_t start)
      : path_(std::move(path)), last_(start) {}
  std::string path_;
  mutable std::atomic<int64_t> last_;
};

}  // namespace samverkan

#endif  // SAMVERKAN_COMMON_FILE_CLOCK_H_
