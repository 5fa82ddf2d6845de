// A coordinating organisation's view of its alert stream: every alert and
// handover record, kept in an append-only JSON-lines file that is also the
// durable cursor (services/inbox InboxFile), and the open handovers projected
// from it. After a restart it resumes after the file's last line, so nothing
// is missed and nothing is written twice.
#ifndef SAMVERKAN_SERVICES_COORDINATOR_COORDINATOR_H_
#define SAMVERKAN_SERVICES_COORDINATOR_COORDINATOR_H_

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "common/status.h"
#include "services/client/subscription.h"
#include "services/coordinator/handover_book.h"
#include "services/inbox/inbox_file.h"

namespace samverkan::coordinator {

// Calls `visit` with each delivery of an alert file, in order, without
// changing the file: a last line without its newline (a write cut short) is
// skipped, as the next Coordinator::Open would drop it. A missing file has
// no deliveries. DataLoss names the first line that is not a delivery.
Status ReadAlertFile(const std::string& path,
                     const std::function<void(const v1::Delivery&)>& visit);

class Coordinator {
 public:
  // Opens (creating) the alert file at `path`, dropping a torn last line, and
  // rebuilds the handovers from it.
  static StatusOr<std::unique_ptr<Coordinator>> Open(const std::string& path);
  Coordinator(const Coordinator&) = delete;
  Coordinator& operator=(const Coordinator&) = delete;

  // The last recipient sequence held: where the subscription resumes.
  uint64_t last() const { return file_->last(); }
  const HandoverBook& handovers() const { return handovers_; }

  // Appends one delivery (the next in order) and applies it.
  Status Receive(const v1::Delivery& delivery);
  // Makes what was received durable.
  Status Sync() { return file_->Sync(); }

 private:
  explicit Coordinator(std::unique_ptr<inbox::InboxFile> file)
      : file_(std::move(file)) {}

  std::unique_ptr<inbox::InboxFile> file_;
  HandoverBook handovers_;
};

struct FollowOptions {
  // Return once everything the gateway announced at subscription is held
  // (what the demo and tests wait for) instead of following until `stop`.
  bool until_idle = false;
  // With until_idle: how long the gateway may take to answer at all.
  std::chrono::milliseconds answer_timeout = std::chrono::seconds(15);
  // When set, each delivery is also written here as a readable line.
  std::ostream* text = nullptr;
};

// Receives from `deliveries` (following the alert stream after
// coordinator.last(), through gateway restarts) into `coordinator`, syncing
// after each burst, until `stop` is set or, with until_idle, the stream is
// caught up. DeadlineExceeded when, with until_idle, the gateway never
// answered.
Status Follow(client::Subscription& deliveries, Coordinator& coordinator,
              const FollowOptions& options, const std::atomic<bool>& stop);

}  // namespace samverkan::coordinator

#endif  // SAMVERKAN_SERVICES_COORDINATOR_COORDINATOR_H_
