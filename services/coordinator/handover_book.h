// The coordinator's own projection of the handovers on its alert stream:
// opened adds one, escalated marks it, closed removes it. Rebuilt on start
// from the alert file (which holds every record the stream delivered), so it
// needs no file of its own and cannot disagree with what was received.
#ifndef SAMVERKAN_SERVICES_COORDINATOR_HANDOVER_BOOK_H_
#define SAMVERKAN_SERVICES_COORDINATOR_HANDOVER_BOOK_H_

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "samverkan/v1/delivery.pb.h"
#include "samverkan/v1/gateway.pb.h"

namespace samverkan::coordinator {

class HandoverBook {
 public:
  // Applies one alert-stream delivery; alerts, withheld deliveries and
  // records about handovers it never saw opened change nothing.
  void Apply(const v1::Delivery& delivery);

  // The open handovers, earliest deadline first (SortByDeadline).
  std::vector<v1::HandoverSummary> Open() const;
  size_t size() const { return open_.size(); }

 private:
  // By (participant, handover id): ids are the gateway's, but a participant
  // in the key costs nothing and rules out a clash between two ledgers.
  std::map<std::pair<std::string, std::string>, v1::HandoverSummary> open_;
};

}  // namespace samverkan::coordinator

#endif  // SAMVERKAN_SERVICES_COORDINATOR_HANDOVER_BOOK_H_
