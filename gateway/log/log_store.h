// The narrow interface between the gateway and its durable store (DESIGN §3):
// append a batch of records together with what they cause in one transaction,
// read ranges back, look up an event id, read and write projections. SQLite
// is one implementation; nothing SQLite-specific may appear here, so another
// backend can replace it.
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
  // The record feeds a projection that is rebuilt from the log at start-up
  // (consents, plans); such records are indexed for ReadReplay.
  bool replay = false;
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

// One disclosure decision (DESIGN §5): what one recipient gets of one record,
// and why. Delivered ones get the recipient's next sequence number, assigned
// by the store in the same transaction, in the order of their records (and
// as given within one record).
struct Disclosure {
  size_t record_index = 0;  // into Batch::records
  std::string recipient;
  bool delivered = false;
  // Category names, comma-separated: what was disclosed and what withheld.
  std::string categories;
  std::string withheld_categories;
  std::string consent_ids;  // comma-separated; the consents that permitted
  std::string reason;       // a sentence, for the disclosure report
  std::string body;         // the redacted envelope; empty when withheld
};

struct StoredDisclosure {
  uint64_t id = 0;  // order of decisions
  uint64_t log_sequence = 0;
  uint64_t recipient_sequence = 0;  // 0 when withheld
  int64_t decided_at_us = 0;
  std::string participant_id;
  std::string payload_type;
  std::string source_organisation;
  std::string recipient;
  bool delivered = false;
  std::string categories;
  std::string withheld_categories;
  std::string consent_ids;
  std::string reason;
  std::string body;
};

// The latest state of one projection row (e.g. one participant's benefit
// ledger), keyed by `key`; written in the same transaction as the records
// that changed it, so it is never ahead of or behind the log.
struct ProjectionRow {
  std::string key;
  uint64_t at_sequence = 0;  // the last record whose effect it includes
  std::string bytes;         // opaque to the store
};

// Everything one group commit makes durable, atomically.
struct Batch {
  std::vector<NewRecord> records;
  std::vector<AuditEntry> audit;
  std::vector<Disclosure> disclosures;
  // Upserted by key; a later row for the same key wins.
  std::vector<ProjectionRow> projections;

  bool empty() const {
    return records.empty() && audit.empty() && disclosures.empty() &&
           projections.empty();
  }
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
  // When `recipient_sequences` is given it receives, per disclosure, the
  // recipient sequence assigned (0 for withheld ones).
  virtual StatusOr<LogHead> Append(
      const Batch& batch, int64_t recorded_at_us,
      std::vector<uint64_t>* recipient_sequences) = 0;
  StatusOr<LogHead> Append(const Batch& batch, int64_t recorded_at_us) {
    return Append(batch, recorded_at_us, nullptr);
  }

  // Work the store keeps off its commits (e.g. index passes): RunDueWork
  // does what enough has gathered for, and is for a writer that has just
  // answered a batch, so that no acknowledgement waits for it;
  // RunDeferredWork does all of it, for a writer with nothing else to do.
  // The default has none.
  virtual Status RunDueWork() { return OkStatus(); }
  virtual Status RunDeferredWork() { return OkStatus(); }
  // One bounded step of RunDeferredWork, for a writer that has been idle a
  // while and may be asked for something any moment.
  virtual Status RunIdleStep() { return OkStatus(); }
  // Records committed but not yet in the store's lookup indexes, i.e. the
  // work RunDeferredWork (or RunDueWork, once enough waits) has waiting. The
  // default has no such indexes.
  virtual uint64_t UnindexedRecords() { return 0; }
  // Projection rows committed but not yet folded where a plain walk finds
  // them; the rest of the work RunDeferredWork has waiting. The default
  // folds nothing.
  virtual uint64_t UnfoldedProjectionChanges() { return 0; }

  // How the writer answered idempotency lookups of ids not among its
  // recent records: `lookups` in all, `index_searches` of them by
  // searching the store's index, the rest from memory; and the memory that
  // takes. The default searches nothing and keeps nothing.
  struct LookupStats {
    uint64_t lookups = 0;
    uint64_t index_searches = 0;
    uint64_t filter_bytes = 0;
  };
  virtual LookupStats EventLookups() { return {}; }

  // The upkeep of an index kept as sorted runs (key_runs.h): its runs and
  // the merges under way, and, since the store was opened, the entries its
  // passes appended and its merges rewrote (their ratio is how often an
  // entry is rewritten). The default keeps no runs.
  struct RunStats {
    uint64_t runs = 0;
    uint64_t merges = 0;
    uint64_t appended = 0;
    uint64_t merged = 0;
  };
  struct IndexRuns {
    RunStats events;
    RunStats participants;
  };
  virtual IndexRuns IndexRunStats() { return {}; }

  // The sequence of the record carrying event_id, if any.
  virtual StatusOr<std::optional<uint64_t>> FindEvent(
      std::string_view event_id) = 0;

  // Between BeginReads and EndReads every read sees one snapshot of the
  // log, taken at the first of them, instead of each read taking and
  // releasing its own: a writer deciding a batch does many lookups in a
  // row. Append (and deferred work) end the snapshot first. Calls do not
  // nest; a second BeginReads is a no-op. The default does nothing.
  virtual void BeginReads() {}
  virtual void EndReads() {}

  // Up to `limit` records with sequence >= from, in order; replaces *out.
  virtual Status Read(uint64_t from, size_t limit,
                      std::vector<StoredRecord>* out) = 0;

  virtual StatusOr<LogHead> Head() = 0;

  // Rejections recorded in the audit trail, by code.
  virtual StatusOr<std::vector<v1::RejectionCount>> CountRejections() = 0;

  // Records appended with `replay` set, sequence >= from, in order.
  virtual Status ReadReplay(uint64_t from, size_t limit,
                            std::vector<StoredRecord>* out) = 0;

  // Up to `limit` records about `participant` (its events and the gateway's
  // own records) with sequence >= from, in order; replaces *out.
  virtual Status ReadParticipantRecords(std::string_view participant,
                                        uint64_t from, size_t limit,
                                        std::vector<StoredRecord>* out) = 0;

  // Deliveries to `recipient` with recipient sequence > after, in order.
  virtual Status ReadDeliveries(std::string_view recipient, uint64_t after,
                                size_t limit,
                                std::vector<StoredDisclosure>* out) = 0;
  // The last recipient sequence assigned to `recipient` (0: none yet).
  virtual StatusOr<uint64_t> RecipientHead(std::string_view recipient) = 0;

  // Up to `limit` projection rows with key > after_key, in key order;
  // replaces *out. An empty after_key starts at the beginning.
  virtual Status ReadProjections(std::string_view after_key, size_t limit,
                                 std::vector<ProjectionRow>* out) = 0;

  // Every disclosure decision about `participant` with id > after_id, in
  // the order they were taken.
  virtual Status ReadDisclosures(std::string_view participant,
                                 uint64_t after_id, size_t limit,
                                 std::vector<StoredDisclosure>* out) = 0;
};

// Holds one read snapshot of `store` for its lifetime (LogStore::BeginReads).
// `store` is not owned and must outlive the scope.
class ReadScope {
 public:
  explicit ReadScope(LogStore& store) : store_(store) { store_.BeginReads(); }
  ReadScope(const ReadScope&) = delete;
  ReadScope& operator=(const ReadScope&) = delete;
  ~ReadScope() { store_.EndReads(); }

 private:
  LogStore& store_;
};

}  // namespace samverkan::gateway

#endif  // SAMVERKAN_GATEWAY_LOG_LOG_STORE_H_
