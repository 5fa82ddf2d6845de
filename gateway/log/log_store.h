// The narrow interface between the gateway and its durable store (DESIGN §3):
// append a batch of records together with what they cause in one transaction,
// read ranges back, look up an event id. SQLite is one implementation; nothing
// SQLite-specific may appear here, so another backend can replace it.
#ifndef SAMVERKAN_GATEWAY_LOG_LOG_STORE_H_
#define SAMVERKAN_GATEWAY_LOG_LOG_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/sha256.h"
#include "common/status.h"
#include "samverkan/v1/gateway.pb.h"

namespace samverkan::gateway {

// A record as the gateway hands it to the store; the store assigns the
// sequence and computes the hash.
struct NewRecord {
  v1::RecordKind kind = v1::EVENT;
  std::string event_id;
  std::string participant_id;
  std::string source_organisation;
  std::string payload_type;
  // The exact envelope bytes received (or, for GATEWAY_EVENT, written).
  std::string body;
};

struct StoredRecord {
  uint64_t sequence = 0;
  int64_t recorded_at_us = 0;
  v1::RecordKind kind = v1::EVENT;
  std::string event_id;
  std::string participant_id;
  std::string source_organisation;
  std::string payload_type;
  std::string body;
  Digest prev_hash{};
  Digest hash{};
};

// Metadata of a rejected submission; never the payload (DESIGN §4).
struct AuditEntry {
  int64_t at_us = 0;
  std::string peer_organisation;
  std::string event_id;  // empty when the envelope could not be parsed
  std::string participant_id;
  std::string payload_type;
  v1::RejectionCode code = v1::REJECTION_CODE_UNSPECIFIED;
  std::string message;
};

// Everything one group commit makes durable, atomically.
struct Batch {
  std::vector<NewRecord> records;
  std::vector<AuditEntry> audit;

  bool empty() const { return records.empty() && audit.empty(); }
};

struct LogHead {
  uint64_t sequence = 0;  // 0: the log is empty
  Digest hash{};          // all zero for the empty log
};

class LogStore {
 public:
  virtual ~LogStore() = default;

  // Makes the whole batch durable in one transaction, records numbered
  // head+1, head+2, ... in order. On error nothing of the batch is stored and
  // the head is unchanged. Returns the new head.
  virtual StatusOr<LogHead> Append(const Batch& batch,
                                   int64_t recorded_at_us) = 0;

  // The sequence of the record carrying event_id, if any.
  virtual StatusOr<std::optional<uint64_t>> FindEvent(
      std::string_view event_id) = 0;

  // Up to `limit` records with sequence >= from, in order; replaces *out.
  virtual Status Read(uint64_t from, size_t limit,
                      std::vector<StoredRecord>* out) = 0;

  virtual StatusOr<LogHead> Head() = 0;

  // Rejections recorded in the audit trail, by code.
  virtual StatusOr<std::vector<v1::RejectionCount>> CountRejections() = 0;
};

}  // namespace samverkan::gateway

#endif  // SAMVERKAN_GATEWAY_LOG_LOG_STORE_H_
