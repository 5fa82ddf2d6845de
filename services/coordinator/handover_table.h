// Open handovers as a person reads them, sorted by deadline with escalated
// ones marked: the coordinator's --handovers and the operator's `handovers`
// print the same table, one from the coordinator's own projection, the other
// from the gateway's ledgers.
#ifndef SAMVERKAN_SERVICES_COORDINATOR_HANDOVER_TABLE_H_
#define SAMVERKAN_SERVICES_COORDINATOR_HANDOVER_TABLE_H_

#include <string>
#include <vector>

#include "samverkan/v1/gateway.pb.h"

namespace samverkan::coordinator {

// Earliest deadline first (undated ones last), then participant and id, so
// the most urgent handover is on top and the order never depends on where
// the list came from.
void SortByDeadline(std::vector<v1::HandoverSummary>* handovers);

// E.g. "2026-03-16  ESCALATED  p-3101  illness_in_programme -> kommun-orebro
// (h-7)" (no newline).
std::string DescribeHandover(const v1::HandoverSummary& handover);

// A header and one line per handover, in the given order; a sentence saying
// there are none when the list is empty.
std::string HandoverTable(const std::vector<v1::HandoverSummary>& handovers);

// One handover as a JSON line (no newline), field names as in the proto.
std::string HandoverJson(const v1::HandoverSummary& handover);

// The table, or with `json` one JSON line per handover (nothing when none).
std::string FormatHandovers(const std::vector<v1::HandoverSummary>& handovers,
                            bool json);

}  // namespace samverkan::coordinator

#endif  // SAMVERKAN_SERVICES_COORDINATOR_HANDOVER_TABLE_H_
