// Fills an EventKeyFilter from a log's event_index, on a thread and a
// read-only connection of its own.
//
// Reading every key of a long log takes seconds (10M records), and a writer
// opening one must serve within one: the writer starts a build, probes the
// index for every lookup meanwhile, and adopts the filter once it is done,
// adding the keys it indexed after the build started.
#ifndef SAMVERKAN_GATEWAY_LOG_EVENT_KEY_FILTER_BUILD_H_
#define SAMVERKAN_GATEWAY_LOG_EVENT_KEY_FILTER_BUILD_H_

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "common/status.h"
#include "gateway/log/event_key_filter.h"

namespace samverkan::gateway {

class EventKeyFilterBuild {
 public:
  // Rows read per read snapshot: about a tenth of a second's read.
  static constexpr int kRowsPerSlice = 1 << 18;

  // Starts reading the log at `path` into a filter with room for
  // `capacity` keys, `rows_per_slice` index entries per read snapshot (one
  // snapshot held for the whole read, seconds on a long log, would keep
  // the checkpoints from reusing the WAL meanwhile). The file must outlive
  // this object.
  EventKeyFilterBuild(std::string path, size_t capacity,
                      int rows_per_slice = kRowsPerSlice);
  EventKeyFilterBuild(const EventKeyFilterBuild&) = delete;
  EventKeyFilterBuild& operator=(const EventKeyFilterBuild&) = delete;
  // Stops a build still reading and joins its thread.
  ~EventKeyFilterBuild();

  bool done() const { return done_.load(std::memory_order_acquire); }
  // After done(): the filter holding every key of event_index as of some
  // moment after construction, or why it could not be read.
  StatusOr<std::unique_ptr<EventKeyFilter>> Take();

 private:
  void Run(const std::string& path);

  const int rows_per_slice_;
  std::unique_ptr<EventKeyFilter> filter_;
  Status status_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> done_{false};
  std::thread thread_;
};

}  // namespace samverkan::gateway

#endif  // SAMVERKAN_GATEWAY_LOG_EVENT_KEY_FILTER_BUILD_H_
