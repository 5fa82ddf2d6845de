// See disclosure_log.h; the tables and the id layout are in log_format.md.
#include "gateway/log/disclosure_log.h"

#include <sqlite3.h>

#include <algorithm>
#include <optional>
#include <utility>

#include "gateway/log/log_schema.h"
#include "gateway/log/record_index.h"
#include "gateway/log/row_inserter.h"
#include "gateway/log/sqlite_util.h"

namespace samverkan::gateway {
namespace {

using log_schema::Expand;
using log_schema::kRunShift;
using log_schema::kSlotBits;
using log_schema::kSlotsPerRecord;
using sqlite::BindBlob;
using sqlite::BindText;
using sqlite::ClampToInt64;
using sqlite::ColumnString;
using sqlite::FromSqlite;
using sqlite::kRowsPerStep;
using sqlite::RepeatValues;
using sqlite::RowInserter;
using sqlite::ScopedReset;

constexpr char kInsertDisclosure[] =
    "INSERT INTO disclosures(id, recipient, delivered, recipient_sequence, "
    "categories, withheld_categories, consent_ids, reason, body) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr int kInsertDisclosureColumns = 9;
// The columns ReadRows reads, `d` joined with its record `r`.
constexpr char kDisclosureColumns[] =
    "SELECT d.id, r.sequence, r.recorded_at_us, r.participant_id, "
    "r.payload_type, r.source_organisation, d.recipient, d.delivered, "
    "coalesce(d.recipient_sequence, 0), d.categories, d.withheld_categories, "
    "d.consent_ids, d.reason, CASE WHEN d.delivered = 0 THEN x'' "
    "ELSE coalesce(d.body, r.body) END ";
// From the run holding delivery ?2 + 1 on, each run's id range in order:
// runs are numbered and placed in the order of their ids, so that order is
// the recipient's sequence order, and SQLite needs no sort (CROSS JOIN keeps
// the loops nested this way).
constexpr char kReadDeliveries[] =
    "FROM delivery_runs u CROSS JOIN disclosures d "
    "ON d.id BETWEEN u.first_id AND u.last_id "
    "CROSS JOIN records r ON r.sequence = d.id >> SLOT_BITS "
    "WHERE u.recipient = ?1 AND u.first_sequence >= coalesce(("
    "SELECT first_sequence FROM delivery_runs WHERE recipient = ?1 "
    "AND first_sequence <= ?2 + 1 ORDER BY first_sequence DESC LIMIT 1), 0) "
    "AND d.recipient = ?1 AND d.recipient_sequence > ?2 "
    "ORDER BY u.first_sequence, d.id LIMIT ?3";
// Through the participant's records, each one's decisions a rowid range:
// both indexes used here grow once per event, never once per recipient.
// The records are found first (MATERIALIZED, then CROSS JOIN keeps that
// order); otherwise SQLite may walk every disclosure after ?2 for the tail.
// The cursor ?2 is folded into the range's one lower bound: given two,
// SQLite may seek by `id > ?2` and walk from there for every record.
constexpr char kReadDisclosuresFrom[] =
    "WITH mine(sequence) AS MATERIALIZED (PARTICIPANT_SEQUENCES) ";
constexpr char kReadDisclosures[] =
    "FROM mine CROSS JOIN records r ON r.sequence = mine.sequence "
    "AND r.participant_id = ?1 CROSS JOIN disclosures d "
    "ON d.id >= max(r.sequence << SLOT_BITS, ?2 + 1) "
    "AND d.id < (r.sequence + 1) << SLOT_BITS "
    "ORDER BY d.id LIMIT ?3";
constexpr char kRecipientHead[] =
    "SELECT coalesce((SELECT last_sequence FROM delivery_runs "
    "WHERE recipient = ?1 ORDER BY first_sequence DESC LIMIT 1), 0)";
constexpr char kInsertDeliveryRun[] =
    "INSERT INTO delivery_runs(recipient, first_sequence, last_sequence, "
    "first_id, last_id) VALUES (?1, ?2, ?3, ?4, ?5)";

// The order in which a batch's decisions are numbered: by record, and as
// given within one. Ids follow the records, and a recipient's sequences
// must grow with the ids for its runs to hold (the pipeline already hands
// them over in that order).
std::vector<size_t> InRecordOrder(const std::vector<Disclosure>& disclosures) {
  std::vector<size_t> order(disclosures.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  const auto by_record = [&](size_t a, size_t b) {
    return disclosures[a].record_index < disclosures[b].record_index;
  };
  // The pipeline's batches are in order already: a pass, not a sort.
  if (!std::is_sorted(order.begin(), order.end(), by_record)) {
    std::stable_sort(order.begin(), order.end(), by_record);
  }
  return order;
}

}  // namespace

DisclosureLog::DisclosureLog(sqlite3* db, bool writer)
    : db_(db), writer_(writer) {}

DisclosureLog::~DisclosureLog() = default;

Status DisclosureLog::Prepare() {
  const std::string deliveries =
      Expand(std::string(kDisclosureColumns) + kReadDeliveries);
  const std::string disclosures = Expand(
      std::string(kReadDisclosuresFrom) + kDisclosureColumns + kReadDisclosures,
      "(?2 >> SLOT_BITS)");
  const std::string insert_rows = RepeatValues(kInsertDisclosure, kRowsPerStep);
  const std::pair<const char*, sqlite::Statement*> reads[] = {
      {deliveries.c_str(), &read_deliveries_},
      {disclosures.c_str(), &read_disclosures_},
      {kRecipientHead, &read_head_},
  };
  const std::pair<const char*, sqlite::Statement*> writes[] = {
      {kInsertDisclosure, &insert_},
      {insert_rows.c_str(), &insert_rows_},
      {kInsertDeliveryRun, &insert_run_},
  };
  for (const auto& [sql, stmt] : reads) {
    if (Status s = sqlite::Prepare(db_, sql, stmt); !s.ok()) return s;
  }
  if (!writer_) return OkStatus();
  for (const auto& [sql, stmt] : writes) {
    if (Status s = sqlite::Prepare(db_, sql, stmt); !s.ok()) return s;
  }
  return OkStatus();
}

void DisclosureLog::Commit() {
  for (auto& [recipient, head] : staged_) heads_[recipient] = head;
  staged_.clear();
}

void DisclosureLog::Discard() {
  staged_.clear();
  heads_.clear();
}

StatusOr<uint64_t> DisclosureLog::RecipientHead(std::string_view recipient) {
  if (auto it = heads_.find(recipient); it != heads_.end()) return it->second;
  sqlite3_stmt* stmt = read_head_.get();
  ScopedReset reset(stmt);
  int rc = BindText(stmt, 1, recipient);
  if (rc == SQLITE_OK) rc = sqlite3_step(stmt);
  if (rc != SQLITE_ROW) {
    return FromSqlite(db_, rc, "reading a recipient's head");
  }
  const auto head = static_cast<uint64_t>(sqlite3_column_int64(stmt, 0));
  if (writer_) heads_.emplace(std::string(recipient), head);
  return head;
}

Status DisclosureLog::Stage(const Batch& batch, uint64_t first,
                            std::vector<uint64_t>* recipient_sequences) {
  staged_.clear();
  if (recipient_sequences)
    recipient_sequences->assign(batch.disclosures.size(), 0);
  if (batch.disclosures.empty()) return OkStatus();
  // Numbers are given here, inside the transaction, and become heads only
  // after COMMIT (Commit): a failed batch leaves no hole in any recipient's
  // numbers.
  struct Recipient {
    uint64_t head = 0;
    std::optional<DeliveryRun> run;  // open, not written yet
  };
  std::map<std::string, Recipient, std::less<>> recipients;
  std::vector<uint64_t> slots(batch.records.size(), 0);
  RowInserter rows(insert_.get(), insert_rows_.get(), kInsertDisclosureColumns,
                   kRowsPerStep, batch.disclosures.size());
  for (const size_t i : InRecordOrder(batch.disclosures)) {
    const Disclosure& d = batch.disclosures[i];
    if (d.record_index >= batch.records.size()) {
      return InvalidArgumentError(
          "a disclosure names record " + std::to_string(d.record_index) +
          " of a batch of " + std::to_string(batch.records.size()));
    }
    const uint64_t slot = slots[d.record_index]++;
    if (slot >= kSlotsPerRecord) {
      return InvalidArgumentError("record " + std::to_string(d.record_index) +
                                  " of the batch has " + "more than " +
                                  std::to_string(kSlotsPerRecord) +
                                  " disclosure decisions");
    }
    const uint64_t id = ((first + d.record_index) << kSlotBits) | slot;
    const NewRecord& r = batch.records[d.record_index];
    uint64_t recipient_sequence = 0;
    if (d.delivered) {
      auto it = recipients.find(d.recipient);
      if (it == recipients.end()) {
        StatusOr<uint64_t> head = RecipientHead(d.recipient);
        if (!head.ok()) return head.status();
        it = recipients.emplace(d.recipient, Recipient{*head, {}}).first;
      }
      recipient_sequence = ++it->second.head;
      std::optional<DeliveryRun>& run = it->second.run;
      if (run && (run->first_id >> kRunShift) == (id >> kRunShift)) {
        run->last_sequence = recipient_sequence;
        run->last_id = id;
      } else {
        if (run) {
          if (Status s = InsertDeliveryRun(d.recipient, *run); !s.ok()) {
            return s;
          }
        }
        run = DeliveryRun{recipient_sequence, recipient_sequence, id, id};
      }
    }
    if (recipient_sequences) (*recipient_sequences)[i] = recipient_sequence;
    sqlite3_stmt* stmt = rows.stmt();
    const int at = rows.first();
    int rc = sqlite3_bind_int64(stmt, at, ClampToInt64(id));
    if (rc == SQLITE_OK) rc = BindText(stmt, at + 1, d.recipient);
    if (rc == SQLITE_OK) {
      rc = sqlite3_bind_int(stmt, at + 2, d.delivered ? 1 : 0);
    }
    if (rc == SQLITE_OK) {
      rc = d.delivered
               ? sqlite3_bind_int64(stmt, at + 3,
                                    static_cast<int64_t>(recipient_sequence))
               : sqlite3_bind_null(stmt, at + 3);
    }
    if (rc == SQLITE_OK) rc = BindText(stmt, at + 4, d.categories);
    if (rc == SQLITE_OK) rc = BindText(stmt, at + 5, d.withheld_categories);
    if (rc == SQLITE_OK) rc = BindText(stmt, at + 6, d.consent_ids);
    if (rc == SQLITE_OK) rc = BindText(stmt, at + 7, d.reason);
    if (rc == SQLITE_OK) {
      // Nothing withheld: the record's own (chained) bytes were delivered,
      // so they are not stored a second time.
      const bool verbatim = d.body == r.body;
      rc = d.delivered && !verbatim ? BindBlob(stmt, at + 8, d.body)
                                    : sqlite3_bind_null(stmt, at + 8);
    }
    if (rc == SQLITE_OK) rc = rows.RowBound();
    if (rc != SQLITE_OK) {
      return FromSqlite(db_, rc, "recording disclosure decisions");
    }
  }
  for (const auto& [recipient, state] : recipients) {
    if (state.run) {
      if (Status s = InsertDeliveryRun(recipient, *state.run); !s.ok()) {
        return s;
      }
    }
    staged_[recipient] = state.head;
  }
  return OkStatus();
}

Status DisclosureLog::InsertDeliveryRun(std::string_view recipient,
                                        const DeliveryRun& run) {
  sqlite3_stmt* stmt = insert_run_.get();
  ScopedReset reset(stmt);
  int rc = BindText(stmt, 1, recipient);
  if (rc == SQLITE_OK)
    rc = sqlite3_bind_int64(stmt, 2, ClampToInt64(run.first_sequence));
  if (rc == SQLITE_OK)
    rc = sqlite3_bind_int64(stmt, 3, ClampToInt64(run.last_sequence));
  if (rc == SQLITE_OK)
    rc = sqlite3_bind_int64(stmt, 4, ClampToInt64(run.first_id));
  if (rc == SQLITE_OK)
    rc = sqlite3_bind_int64(stmt, 5, ClampToInt64(run.last_id));
  if (rc == SQLITE_OK) rc = sqlite3_step(stmt);
  if (rc != SQLITE_DONE) {
    return FromSqlite(db_, rc, "recording a run of deliveries");
  }
  return OkStatus();
}

Status DisclosureLog::ReadRows(sqlite3_stmt* stmt,
                               std::vector<StoredDisclosure>* out) {
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    StoredDisclosure& d = out->emplace_back();
    d.id = static_cast<uint64_t>(sqlite3_column_int64(stmt, 0));
    d.log_sequence = static_cast<uint64_t>(sqlite3_column_int64(stmt, 1));
    d.decided_at_us = sqlite3_column_int64(stmt, 2);
    d.participant_id = ColumnString(stmt, 3);
    d.payload_type = ColumnString(stmt, 4);
    d.source_organisation = ColumnString(stmt, 5);
    d.recipient = ColumnString(stmt, 6);
    d.delivered = sqlite3_column_int64(stmt, 7) != 0;
    d.recipient_sequence = static_cast<uint64_t>(sqlite3_column_int64(stmt, 8));
    d.categories = ColumnString(stmt, 9);
    d.withheld_categories = ColumnString(stmt, 10);
    d.consent_ids = ColumnString(stmt, 11);
    d.reason = ColumnString(stmt, 12);
    d.body = ColumnString(stmt, 13);
  }
  if (rc != SQLITE_DONE) {
    out->clear();
    return FromSqlite(db_, rc, "reading disclosures");
  }
  return OkStatus();
}

Status DisclosureLog::ReadDeliveries(std::string_view recipient, uint64_t after,
                                     size_t limit,
                                     std::vector<StoredDisclosure>* out) {
  out->clear();
  sqlite3_stmt* stmt = read_deliveries_.get();
  ScopedReset reset(stmt);
  int rc = BindText(stmt, 1, recipient);
  if (rc == SQLITE_OK) rc = sqlite3_bind_int64(stmt, 2, ClampToInt64(after));
  if (rc == SQLITE_OK) rc = sqlite3_bind_int64(stmt, 3, ClampToInt64(limit));
  if (rc != SQLITE_OK) return FromSqlite(db_, rc, "reading deliveries");
  return ReadRows(stmt, out);
}

Status DisclosureLog::ReadDisclosures(std::string_view participant,
                                      uint64_t after_id, size_t limit,
                                      std::vector<StoredDisclosure>* out) {
  out->clear();
  sqlite3_stmt* stmt = read_disclosures_.get();
  ScopedReset reset(stmt);
  int rc = BindText(stmt, 1, participant);
  if (rc == SQLITE_OK) rc = sqlite3_bind_int64(stmt, 2, ClampToInt64(after_id));
  if (rc == SQLITE_OK) rc = sqlite3_bind_int64(stmt, 3, ClampToInt64(limit));
  if (rc == SQLITE_OK) {
    rc = sqlite3_bind_int64(stmt, 4, RecordIndex::Key(participant));
  }
  if (rc != SQLITE_OK) return FromSqlite(db_, rc, "reading disclosures");
  return ReadRows(stmt, out);
}

}  // namespace samverkan::gateway
