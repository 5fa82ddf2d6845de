// Takes lines from an agency system: each is parsed and checked against the
// agency's domain; a bad one is written to the rejected-lines file with its
// reason and text, the good ones go into the outbox, and the input position
// moves past all of them in the same outbox transaction.
#ifndef SAMVERKAN_SERVICES_AGENCY_INGESTOR_H_
#define SAMVERKAN_SERVICES_AGENCY_INGESTOR_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/status.h"
#include "samverkan/v1/options.pb.h"
#include "services/agency/json_events.h"
#include "services/agency/json_lines_file.h"
#include "services/agency/line_reader.h"
#include "services/agency/outbox.h"

namespace samverkan::agency {

struct IngestCounts {
  uint64_t queued = 0;
  uint64_t rejected = 0;
};

class Ingestor {
 public:
  // `defaults` fills what lines leave out; `now_us` stamps lines without
  // occurred_at. `outbox` and `rejected` must outlive the ingestor.
  Ingestor(Outbox& outbox, JsonLinesFile& rejected, v1::PartyKind kind,
           LineDefaults defaults, std::function<int64_t()> now_us)
      : outbox_(outbox),
        rejected_(rejected),
        kind_(kind),
        defaults_(std::move(defaults)),
        now_us_(std::move(now_us)) {}
  Ingestor(const Ingestor&) = delete;
  Ingestor& operator=(const Ingestor&) = delete;

  // Takes `lines` read from `source`. The rejected lines are synced before
  // the outbox commits, so a crash in between can repeat a rejected line in
  // that file but never lose one.
  StatusOr<IngestCounts> Take(const std::string& source,
                              const std::vector<InputLine>& lines);

 private:
  Outbox& outbox_;
  JsonLinesFile& rejected_;
  v1::PartyKind kind_;
  LineDefaults defaults_;
  std::function<int64_t()> now_us_;
};

// {"source":..,"line":N,"error":..,"text":..}: one rejected-lines record.
std::string RejectedLineJson(const std::string& source, uint64_t line_number,
                             std::string_view error, std::string_view text);

}  // namespace samverkan::agency

#endif  // SAMVERKAN_SERVICES_AGENCY_INGESTOR_H_
