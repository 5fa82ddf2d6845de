// The alert file read back, appended to, and kept in step with the
// subscription.
#include "services/coordinator/coordinator.h"

#include <fstream>

#include "services/inbox/delivery_text.h"

namespace samverkan::coordinator {

Status ReadAlertFile(const std::string& path,
                     const std::function<void(const v1::Delivery&)>& visit) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return OkStatus();
  std::string line;
  uint64_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    // getline stops at end of file too: a line that never got its newline
    // was never counted as received.
    if (in.eof()) break;
    auto delivery = inbox::DeliveryFromJsonLine(line);
    if (!delivery.ok()) {
      return DataLossError(path + " line " + std::to_string(number) + ": " +
                           delivery.status().message());
    }
    visit(*delivery);
  }
  return OkStatus();
}

StatusOr<std::unique_ptr<Coordinator>> Coordinator::Open(
    const std::string& path) {
  auto file = inbox::InboxFile::Open(path);
  if (!file.ok()) return file.status();
  std::unique_ptr<Coordinator> coordinator(new Coordinator(std::move(*file)));
  Status s = ReadAlertFile(
      path, [&](const v1::Delivery& d) { coordinator->handovers_.Apply(d); });
  if (!s.ok()) return s;
  return coordinator;
}

Status Coordinator::Receive(const v1::Delivery& delivery) {
  if (Status s = file_->Append(delivery); !s.ok()) return s;
  handovers_.Apply(delivery);
  return OkStatus();
}

Status Follow(client::Subscription& deliveries, Coordinator& coordinator,
              const FollowOptions& options, const std::atomic<bool>& stop) {
  const auto started = std::chrono::steady_clock::now();
  while (!stop.load()) {
    auto d = deliveries.Next(std::chrono::milliseconds(200));
    bool received = false;
    while (d) {
      if (Status s = coordinator.Receive(*d); !s.ok()) return s;
      if (options.text) *options.text << inbox::DescribeDelivery(*d) << "\n";
      received = true;
      d = deliveries.Next(std::chrono::milliseconds(0));
    }
    if (received) {
      if (options.text) options.text->flush();
      if (Status s = coordinator.Sync(); !s.ok()) return s;
    }
    if (!options.until_idle) continue;
    if (deliveries.heard() && deliveries.last() >= deliveries.announced()) {
      return OkStatus();
    }
    if (!deliveries.heard() &&
        std::chrono::steady_clock::now() - started > options.answer_timeout) {
      return Status(StatusCode::kDeadlineExceeded,
                    "no answer from the gateway's delivery endpoint (is this "
                    "key in the registry, and is the gateway running?)");
    }
  }
  return OkStatus();
}

}  // namespace samverkan::coordinator
