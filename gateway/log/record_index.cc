// The log's deferred event-id and participant indexes; see record_index.h
// for why they are not maintained inside each group commit.
#include "gateway/log/record_index.h"

#include <utility>

#include "common/sha256.h"
#include "gateway/log/sqlite_util.h"

namespace samverkan::gateway {

using sqlite::BindText;
using sqlite::ClampToInt64;
using sqlite::FromSqlite;
using sqlite::ScopedReset;

// WITHOUT ROWID: the key is the B-tree key, so an entry is stored once.
// event_index is keyed by EventKey(event_id), 16 bytes an entry instead of
// about 50: the index pass dirties a third as many pages of it, and a
// lookup confirms the id on the record. The view adds the records not
// indexed yet; its WHERE is a rowid range, so reading the tail never scans
// the whole log.
const char RecordIndex::kSchema[] = R"sql(
CREATE TABLE event_index(
  key INTEGER NOT NULL,
  sequence INTEGER NOT NULL,
  PRIMARY KEY(key, sequence)
) STRICT, WITHOUT ROWID;
CREATE TABLE participant_index(
  participant_id TEXT NOT NULL,
  sequence INTEGER NOT NULL,
  PRIMARY KEY(participant_id, sequence)
) STRICT, WITHOUT ROWID;
CREATE VIEW participant_records(participant_id, sequence) AS
  SELECT participant_id, sequence FROM participant_index
  UNION ALL
  SELECT participant_id, sequence FROM records
  WHERE sequence > (SELECT value FROM meta WHERE key = 'indexed_through');
INSERT INTO meta(key, value) VALUES ('indexed_through', 0);
)sql";

const char RecordIndex::kFindIndexed[] =
    "SELECT r.sequence FROM event_index e CROSS JOIN records r "
    "ON r.sequence = e.sequence WHERE e.key = ?1 AND r.event_id = ?2";

namespace {

// Sorted before inserting, so each leaf page of an index is written once
// per flush however many of its keys the flush adds.
constexpr char kIndexEvents[] =
    "INSERT INTO event_index(key, sequence) "
    "SELECT samverkan_event_key(event_id), sequence FROM records "
    "WHERE sequence > ?1 AND sequence <= ?2 ORDER BY 1, 2";
constexpr char kIndexParticipants[] =
    "INSERT INTO participant_index(participant_id, sequence) "
    "SELECT participant_id, sequence FROM records "
    "WHERE sequence > ?1 AND sequence <= ?2 ORDER BY participant_id, sequence";
constexpr char kSetIndexedThrough[] =
    "UPDATE meta SET value = ?1 WHERE key = 'indexed_through'";
constexpr size_t kMaxAbsent = 1 << 16;

void EventKeyFunction(sqlite3_context* context, int, sqlite3_value** argv) {
  const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
  const int size = sqlite3_value_bytes(argv[0]);
  sqlite3_result_int64(
      context, RecordIndex::EventKey(std::string_view(
                   text == nullptr ? "" : text, static_cast<size_t>(size))));
}

}  // namespace

int64_t RecordIndex::EventKey(std::string_view event_id) {
  Sha256 hasher;
  hasher.Update(event_id);
  const Digest digest = hasher.Finish();
  uint64_t key = 0;
  for (int i = 0; i < 8; ++i) key = key << 8 | digest[i];
  return static_cast<int64_t>(key);
}

Status RecordIndex::RegisterFunctions(sqlite3* db) {
  const int rc = sqlite3_create_function_v2(
      db, "samverkan_event_key", 1,
      SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY, nullptr,
      EventKeyFunction, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return FromSqlite(db, rc, "registering event keys");
  return OkStatus();
}

StatusOr<std::optional<uint64_t>> RecordIndex::FindIndexed(
    sqlite3* db, sqlite3_stmt* find, std::string_view event_id) {
  ScopedReset reset(find);
  int rc = sqlite3_bind_int64(find, 1, EventKey(event_id));
  if (rc == SQLITE_OK) rc = BindText(find, 2, event_id);
  if (rc == SQLITE_OK) rc = sqlite3_step(find);
  if (rc == SQLITE_ROW) {
    return std::optional<uint64_t>(
        static_cast<uint64_t>(sqlite3_column_int64(find, 0)));
  }
  if (rc == SQLITE_DONE) return std::optional<uint64_t>();
  return FromSqlite(db, rc, "looking up an event");
}

RecordIndex::RecordIndex(sqlite3* db, size_t lag)
    : db_(db), lag_(lag == 0 ? 1 : lag) {}

RecordIndex::~RecordIndex() = default;

Status RecordIndex::Prepare() {
  const std::pair<const char*, sqlite::Statement*> statements[] = {
      {kFindIndexed, &find_},
      {kIndexEvents, &index_events_},
      {kIndexParticipants, &index_participants_},
      {kSetIndexedThrough, &set_indexed_through_},
  };
  for (const auto& [sql, stmt] : statements) {
    if (Status s = sqlite::Prepare(db_, sql, stmt); !s.ok()) return s;
  }
  return OkStatus();
}

Status RecordIndex::Load() {
  // Built aside and swapped in only when complete: a failed reload must not
  // leave the writer blind to ids it has logged.
  sqlite::Statement stmt;
  if (Status s = sqlite::Prepare(
          db_, "SELECT value FROM meta WHERE key = 'indexed_through'", &stmt);
      !s.ok()) {
    return s;
  }
  int rc = sqlite3_step(stmt.get());
  if (rc != SQLITE_ROW) {
    return rc == SQLITE_DONE
               ? DataLossError("the log's meta table has no indexed_through")
               : FromSqlite(db_, rc, "reading indexed_through");
  }
  const auto indexed_through =
      static_cast<uint64_t>(sqlite3_column_int64(stmt.get(), 0));
  if (Status s = sqlite::Prepare(
          db_, "SELECT event_id, sequence FROM records WHERE sequence > ?1",
          &stmt);
      !s.ok()) {
    return s;
  }
  StringMap<uint64_t> pending;
  rc = sqlite3_bind_int64(stmt.get(), 1, ClampToInt64(indexed_through));
  while (rc == SQLITE_OK && (rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
    pending.emplace(sqlite::ColumnString(stmt.get(), 0),
                    static_cast<uint64_t>(sqlite3_column_int64(stmt.get(), 1)));
    rc = SQLITE_OK;
  }
  if (rc != SQLITE_DONE) {
    return FromSqlite(db_, rc, "reading the records not indexed yet");
  }
  indexed_through_ = indexed_through;
  pending_ = std::move(pending);
  staged_.clear();
  absent_.clear();
  return OkStatus();
}

StatusOr<std::optional<uint64_t>> RecordIndex::Find(std::string_view event_id) {
  if (auto it = pending_.find(event_id); it != pending_.end()) {
    return std::optional<uint64_t>(it->second);
  }
  StatusOr<std::optional<uint64_t>> found =
      FindIndexed(db_, find_.get(), event_id);
  // Bounded for a caller that looks up ids and never appends them.
  if (found.ok() && !found->has_value() && absent_.size() < kMaxAbsent) {
    absent_.emplace(event_id);
  }
  return found;
}

Status RecordIndex::Stage(std::string_view event_id, uint64_t sequence) {
  if (staged_.contains(event_id)) {
    return Status(
        StatusCode::kAlreadyExists,
        "event_id " + std::string(event_id) + " is repeated in the batch");
  }
  // Found in neither memory nor the index since the last commit, and only a
  // commit adds to either.
  if (absent_.contains(event_id)) {
    staged_.emplace(event_id, sequence);
    return OkStatus();
  }
  StatusOr<std::optional<uint64_t>> found = Find(event_id);
  if (!found.ok()) return found.status();
  if (found->has_value()) {
    return Status(StatusCode::kAlreadyExists,
                  "event_id " + std::string(event_id) +
                      " is already in the log, at sequence " +
                      std::to_string(**found));
  }
  staged_.emplace(event_id, sequence);
  return OkStatus();
}

void RecordIndex::Commit() {
  for (const auto& [event_id, sequence] : staged_) {
    pending_.emplace(std::string(event_id), sequence);
  }
  staged_.clear();
  absent_.clear();
}

Status RecordIndex::Flush(uint64_t head) {
  if (head <= indexed_through_) return OkStatus();
  Status s = sqlite::InTransaction(db_, [&]() -> Status {
    for (sqlite3_stmt* stmt :
         {index_events_.get(), index_participants_.get()}) {
      ScopedReset reset(stmt);
      int rc = sqlite3_bind_int64(stmt, 1, ClampToInt64(indexed_through_));
      if (rc == SQLITE_OK) rc = sqlite3_bind_int64(stmt, 2, ClampToInt64(head));
      if (rc == SQLITE_OK) rc = sqlite3_step(stmt);
      if (rc != SQLITE_DONE) return FromSqlite(db_, rc, "indexing records");
    }
    sqlite3_stmt* stmt = set_indexed_through_.get();
    ScopedReset reset(stmt);
    int rc = sqlite3_bind_int64(stmt, 1, ClampToInt64(head));
    if (rc == SQLITE_OK) rc = sqlite3_step(stmt);
    if (rc != SQLITE_DONE) return FromSqlite(db_, rc, "moving indexed_through");
    return OkStatus();
  });
  if (!s.ok()) return s;
  indexed_through_ = head;
  pending_.clear();
  return OkStatus();
}

}  // namespace samverkan::gateway
