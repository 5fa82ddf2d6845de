// The durable outbox: every line an agency system handed over, as the
// envelope to send, kept in SQLite until the gateway has answered it for
// good, together with how far each input has been read. A line is in the
// outbox (committed) before the service counts it as taken, so neither a
// gateway that is down nor a restart loses it.
#ifndef SAMVERKAN_SERVICES_AGENCY_OUTBOX_H_
#define SAMVERKAN_SERVICES_AGENCY_OUTBOX_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "samverkan/v1/gateway.pb.h"
#include "services/agency/sqlite_db.h"

namespace samverkan::agency {

// Where an input has been read to: the byte just after the last line taken,
// and that line's number (1-based), so a restart resumes exactly there.
struct InputPosition {
  uint64_t byte_offset = 0;
  uint64_t line_number = 0;
};

struct OutboxLine {
  uint64_t line_number = 0;
  std::string event_id;
  std::string envelope_bytes;
};

struct PendingEntry {
  int64_t id = 0;
  std::string source;
  uint64_t line_number = 0;
  std::string event_id;
  std::string envelope_bytes;
};

struct FinalAnswer {
  int64_t id = 0;
  v1::SubmitReply reply;
};

class Outbox {
 public:
  // Creates the tables in `db` if needed; `db` must outlive the outbox.
  static StatusOr<std::unique_ptr<Outbox>> Open(SqliteDb& db);
  Outbox(const Outbox&) = delete;
  Outbox& operator=(const Outbox&) = delete;

  // Adds `lines` as pending and moves `source`'s position to `through`, in
  // one transaction: after a crash either both happened or neither did, so
  // the input is neither read twice nor skipped.
  Status Add(const std::string& source, const std::vector<OutboxLine>& lines,
             const InputPosition& through);
  // {0, 0} for a source never read.
  StatusOr<InputPosition> Position(const std::string& source);

  // The oldest pending entries, at most `limit`, in the order they came.
  StatusOr<std::vector<PendingEntry>> Pending(size_t limit);
  StatusOr<uint64_t> PendingCount();
  // Records the gateway's final answers (ACCEPTED, duplicate or not, or a
  // REJECTED other than RETRY_LATER), in one transaction; those entries are
  // done and never sent again.
  Status Finish(const std::vector<FinalAnswer>& answers, int64_t now_us);

 private:
  explicit Outbox(SqliteDb& db) : db_(db) {}
  SqliteDb& db_;
};

}  // namespace samverkan::agency

#endif  // SAMVERKAN_SERVICES_AGENCY_OUTBOX_H_
