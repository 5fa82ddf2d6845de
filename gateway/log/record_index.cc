// The log's deferred event-id and participant indexes; see record_index.h
// for why they are not maintained inside each group commit.
#include "gateway/log/record_index.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "common/sha256.h"
#include "gateway/log/sqlite_util.h"

namespace samverkan::gateway {

using sqlite::BindText;
using sqlite::ClampToInt64;
using sqlite::FromSqlite;
using sqlite::ScopedReset;

// event_index and participant_index are keyed by Key(event_id) and
// Key(participant_id), 16 bytes an entry instead of about 50, in runs
// (key_runs.h); a lookup confirms the id on the record.
const char RecordIndex::kSchema[] = R"sql(
EVENT_RUNS
PARTICIPANT_RUNS
INSERT INTO meta(key, value) VALUES ('indexed_through', 0);
)sql";

// UNION, not UNION ALL: a pass done again leaves entries in two runs until
// a merge keeps one. The tail's WHERE is a rowid range, so reading it never
// scans the whole log.
const char RecordIndex::kParticipantSequences[] =
    "SELECT p.sequence FROM participant_runs u CROSS JOIN participant_index p "
    "ON p.run = u.run AND p.key = ?4 AND p.sequence >= FROM_SEQUENCE "
    "UNION SELECT sequence FROM records WHERE sequence > "
    "(SELECT value FROM meta WHERE key = 'indexed_through') "
    "AND participant_id = ?1 AND sequence >= FROM_SEQUENCE";

// A probe of each run, in the order event_runs lists them.
const char RecordIndex::kFindIndexed[] =
    "SELECT r.sequence FROM event_runs u CROSS JOIN event_index e "
    "ON e.run = u.run AND e.key = ?1 CROSS JOIN records r "
    "ON r.sequence = e.sequence WHERE r.event_id = ?2";

namespace {

constexpr char kSetIndexedThrough[] =
    "UPDATE meta SET value = ?1 WHERE key = 'indexed_through'";
constexpr char kEventIdAt[] =
    "SELECT event_id FROM records WHERE sequence = ?1";
constexpr size_t kMaxAbsent = 1 << 16;

void KeyFunction(sqlite3_context* context, int, sqlite3_value** argv) {
  const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
  const int size = sqlite3_value_bytes(argv[0]);
  sqlite3_result_int64(
      context, RecordIndex::Key(std::string_view(text == nullptr ? "" : text,
                                                 static_cast<size_t>(size))));
}

}  // namespace

int64_t RecordIndex::Key(std::string_view text) {
  Sha256 hasher;
  hasher.Update(text);
  const Digest digest = hasher.Finish();
  uint64_t key = 0;
  for (int i = 0; i < 8; ++i) key = key << 8 | digest[i];
  return static_cast<int64_t>(key);
}

Status RecordIndex::RegisterFunctions(sqlite3* db) {
  const int rc = sqlite3_create_function_v2(
      db, "samverkan_key", 1,
      SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY, nullptr,
      KeyFunction, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return FromSqlite(db, rc, "registering index keys");
  return OkStatus();
}

StatusOr<std::optional<uint64_t>> RecordIndex::FindIndexed(
    sqlite3* db, sqlite3_stmt* find, std::string_view event_id) {
  return FindIndexed(db, find, event_id, Key(event_id));
}

StatusOr<std::optional<uint64_t>> RecordIndex::FindIndexed(
    sqlite3* db, sqlite3_stmt* find, std::string_view event_id, int64_t key) {
  ScopedReset reset(find);
  int rc = sqlite3_bind_int64(find, 1, key);
  if (rc == SQLITE_OK) rc = BindText(find, 2, event_id);
  if (rc == SQLITE_OK) rc = sqlite3_step(find);
  if (rc == SQLITE_ROW) {
    return std::optional<uint64_t>(
        static_cast<uint64_t>(sqlite3_column_int64(find, 0)));
  }
  if (rc == SQLITE_DONE) return std::optional<uint64_t>();
  return FromSqlite(db, rc, "looking up an event");
}

namespace {

std::string FileOf(sqlite3* db) {
  const char* name = sqlite3_db_filename(db, "main");
  return name == nullptr ? "" : name;
}

}  // namespace

RecordIndex::RecordIndex(sqlite3* db, size_t lag, size_t slice)
    : db_(db),
      lag_(lag == 0 ? 1 : lag),
      slice_(slice == 0 ? 1 : slice),
      events_(db, KeyRuns::kEvents, lag_),
      participants_(db, KeyRuns::kParticipants, lag_),
      path_(FileOf(db)) {}

RecordIndex::~RecordIndex() = default;

Status RecordIndex::Prepare() {
  const std::pair<const char*, sqlite::Statement*> statements[] = {
      {kFindIndexed, &find_},
      {kSetIndexedThrough, &set_indexed_through_},
      {kEventIdAt, &event_id_at_},
  };
  for (const auto& [sql, stmt] : statements) {
    if (Status s = sqlite::Prepare(db_, sql, stmt); !s.ok()) return s;
  }
  for (Merging* index : {&events_, &participants_}) {
    if (Status s = index->runs.Prepare(); !s.ok()) return s;
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
          db_,
          "SELECT samverkan_key(event_id), samverkan_key(participant_id), "
          "sequence FROM records WHERE sequence > ?1",
          &stmt);
      !s.ok()) {
    return s;
  }
  std::unordered_multimap<int64_t, uint64_t> pending;
  std::vector<KeyRuns::Entry> pending_participants;
  uint64_t head = indexed_through;
  rc = sqlite3_bind_int64(stmt.get(), 1, ClampToInt64(indexed_through));
  while (rc == SQLITE_OK && (rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
    const auto sequence =
        static_cast<uint64_t>(sqlite3_column_int64(stmt.get(), 2));
    pending.emplace(sqlite3_column_int64(stmt.get(), 0), sequence);
    pending_participants.emplace_back(sqlite3_column_int64(stmt.get(), 1),
                                      sequence);
    head = std::max(head, sequence);
    rc = SQLITE_OK;
  }
  if (rc != SQLITE_DONE) {
    return FromSqlite(db_, rc, "reading the records not indexed yet");
  }
  for (Merging* index : {&events_, &participants_}) {
    if (Status s = index->runs.Load(); !s.ok()) return s;
    index->owed = 0;
  }
  paced_through_ = head;
  // Keys this writer added are in the filter before they are in the index,
  // so only another writer's pass can leave the filter short of a key.
  if (indexed_through != indexed_through_ ||
      (filter_ == nullptr && build_ == nullptr)) {
    ResetFilter(indexed_through);
  }
  indexed_through_ = indexed_through;
  pending_ = std::move(pending);
  pending_participants_ = std::move(pending_participants);
  pass_.reset();
  staged_.clear();
  absent_.clear();
  return OkStatus();
}

void RecordIndex::ResetFilter(uint64_t entries) {
  build_.reset();
  indexed_during_build_.clear();
  filter_.reset();
  if (entries == 0) {
    filter_ = std::make_unique<EventKeyFilter>(kMinFilterCapacity);
  } else {
    StartBuild(entries);
  }
}

void RecordIndex::StartBuild(uint64_t entries) {
  // A temporary or in-memory database has no file for a second connection;
  // its lookups always search the index.
  if (path_.empty()) return;
  // Twice the keys, so that the filter stays under its false-positive rate
  // until the log has doubled and the next build.
  const size_t capacity =
      std::max<size_t>(kMinFilterCapacity, 2 * static_cast<size_t>(entries));
  build_ = std::make_unique<EventKeyFilterBuild>(path_, capacity);
}

void RecordIndex::AdoptBuild() {
  StatusOr<std::unique_ptr<EventKeyFilter>> built = build_->Take();
  build_.reset();
  if (built.ok()) {
    for (int64_t key : indexed_during_build_) (*built)->Add(key);
    filter_ = std::move(built).value();
  }
  // On failure the old filter, if any, is still whole (it got every key
  // indexed meanwhile too), and the next Flush tries again.
  indexed_during_build_.clear();
}

StatusOr<bool> RecordIndex::RecordCarries(uint64_t sequence,
                                          std::string_view event_id) {
  sqlite3_stmt* stmt = event_id_at_.get();
  ScopedReset reset(stmt);
  int rc = sqlite3_bind_int64(stmt, 1, ClampToInt64(sequence));
  if (rc == SQLITE_OK) rc = sqlite3_step(stmt);
  if (rc == SQLITE_ROW) return sqlite::ColumnString(stmt, 0) == event_id;
  if (rc == SQLITE_DONE) return false;
  return FromSqlite(db_, rc, "reading a record's event id");
}

StatusOr<std::optional<uint64_t>> RecordIndex::Lookup(std::string_view event_id,
                                                      int64_t key) {
  for (auto [it, end] = pending_.equal_range(key); it != end; ++it) {
    StatusOr<bool> carries = RecordCarries(it->second, event_id);
    if (!carries.ok()) return carries.status();
    if (*carries) return std::optional<uint64_t>(it->second);
  }
  if (build_ != nullptr && build_->done()) AdoptBuild();
  ++lookups_;
  if (filter_ != nullptr && !filter_->MayContain(key)) {
    return std::optional<uint64_t>();
  }
  ++index_searches_;
  return FindIndexed(db_, find_.get(), event_id, key);
}

StatusOr<std::optional<uint64_t>> RecordIndex::Find(std::string_view event_id) {
  const int64_t key = Key(event_id);
  StatusOr<std::optional<uint64_t>> found = Lookup(event_id, key);
  // Bounded for a caller that looks up ids and never appends them.
  if (found.ok() && !found->has_value() && absent_.size() < kMaxAbsent) {
    absent_.emplace(event_id, key);
  }
  return found;
}

Status RecordIndex::Stage(std::string_view event_id,
                          std::string_view participant_id, uint64_t sequence) {
  if (staged_.contains(event_id)) {
    return Status(
        StatusCode::kAlreadyExists,
        "event_id " + std::string(event_id) + " is repeated in the batch");
  }
  // Found in neither memory nor the index since the last commit, and only a
  // commit adds to either.
  const int64_t participant = Key(participant_id);
  if (auto absent = absent_.find(event_id); absent != absent_.end()) {
    staged_.emplace(event_id, Staged{sequence, absent->second, participant});
    return OkStatus();
  }
  const int64_t key = Key(event_id);
  StatusOr<std::optional<uint64_t>> found = Lookup(event_id, key);
  if (!found.ok()) return found.status();
  if (found->has_value()) {
    return Status(StatusCode::kAlreadyExists,
                  "event_id " + std::string(event_id) +
                      " is already in the log, at sequence " +
                      std::to_string(**found));
  }
  staged_.emplace(event_id, Staged{sequence, key, participant});
  return OkStatus();
}

void RecordIndex::Commit() {
  for (const auto& [event_id, staged] : staged_) {
    pending_.emplace(staged.key, staged.sequence);
    pending_participants_.emplace_back(staged.participant, staged.sequence);
  }
  staged_.clear();
  absent_.clear();
}

RecordIndex::Merging::Merging(sqlite3* db, const KeyRuns::Tables& tables,
                              uint64_t unit)
    : runs(db, tables, unit) {}

bool RecordIndex::MergeDue() const {
  return events_.runs.MergeDue() || participants_.runs.MergeDue();
}

Status RecordIndex::PaceMerges(uint64_t head) {
  const uint64_t records = head > paced_through_ ? head - paced_through_ : 0;
  paced_through_ = std::max(paced_through_, head);
  for (Merging* index : {&events_, &participants_}) {
    index->owed += static_cast<size_t>(records) * index->runs.MergePace();
    // Nothing banked while nothing is due: a tier filling later owes from
    // then on.
    if (!index->runs.MergeDue()) index->owed = 0;
    // A pass under way (an idle one, cut short by a batch) is still adding
    // to its runs, which a merge must not take as sources yet.
    if (index->owed < slice_ || pass_.has_value()) continue;
    if (Status s = index->runs.MergeStep(index->owed); !s.ok()) return s;
    index->owed = 0;
    // One step per call: a batch behind it waits for one, and the other
    // index, still owed, steps after the next batch.
    break;
  }
  return OkStatus();
}

Status RecordIndex::MergeSlice() {
  for (Merging* index : {&events_, &participants_}) {
    if (index->runs.MergeDue()) return index->runs.MergeStep(slice_);
  }
  return OkStatus();
}

Status RecordIndex::MergeAll() {
  for (Merging* index : {&events_, &participants_}) {
    while (index->runs.MergeDue()) {
      Status s = index->runs.MergeStep(std::numeric_limits<size_t>::max());
      if (!s.ok()) return s;
    }
  }
  return OkStatus();
}

Status RecordIndex::Flush(uint64_t head) {
  while (pass_.has_value() || head > indexed_through_) {
    if (Status s = FlushSlice(head); !s.ok()) return s;
  }
  return OkStatus();
}

Status RecordIndex::FlushSlice(uint64_t head) {
  if (!pass_.has_value()) {
    if (head <= indexed_through_) return OkStatus();
    StartPass(head);
  }
  const Pass& pass = *pass_;
  return pass.inserted < pass.events.size() + pass.participants.size()
             ? InsertSlice()
             : FinishPass();
}

void RecordIndex::StartPass(uint64_t head) {
  Pass& pass = pass_.emplace();
  pass.head = head;
  pass.event_run = events_.runs.NewRun();
  pass.participant_run = participants_.runs.NewRun();
  pass.events.reserve(pending_.size());
  for (const auto& [key, sequence] : pending_) {
    if (sequence <= head) pass.events.emplace_back(key, sequence);
  }
  for (const auto& [key, sequence] : pending_participants_) {
    if (sequence <= head) pass.participants.emplace_back(key, sequence);
  }
  // In key order: the pass's runs are then appended at their ends, each
  // page written once (key_runs.h).
  std::sort(pass.events.begin(), pass.events.end());
  std::sort(pass.participants.begin(), pass.participants.end());
  // Into the filter before the index: a key the filter has and the index
  // lacks costs a search, while the reverse would let a duplicate in.
  for (const auto& [key, sequence] : pass.events) {
    if (filter_ != nullptr) filter_->Add(key);
    if (build_ != nullptr) indexed_during_build_.push_back(key);
  }
}

Status RecordIndex::InsertSlice() {
  Pass& pass = *pass_;
  // The event keys first, then the participants'.
  const bool events = pass.inserted < pass.events.size();
  const size_t offset = events ? 0 : pass.events.size();
  const std::vector<KeyRuns::Entry>& entries =
      events ? pass.events : pass.participants;
  const size_t begin = pass.inserted - offset;
  const size_t end = std::min(entries.size(), begin + slice_);
  Status s = (events ? events_ : participants_)
                 .runs.Append(events ? pass.event_run : pass.participant_run,
                              std::span(entries).subspan(begin, end - begin));
  if (s.ok()) pass.inserted = offset + end;
  return s;
}

Status RecordIndex::FinishPass() {
  const uint64_t head = pass_->head;
  Status s = sqlite::InTransaction(db_, [&]() -> Status {
    sqlite3_stmt* stmt = set_indexed_through_.get();
    ScopedReset reset(stmt);
    int rc = sqlite3_bind_int64(stmt, 1, ClampToInt64(head));
    if (rc == SQLITE_OK) rc = sqlite3_step(stmt);
    if (rc != SQLITE_DONE) return FromSqlite(db_, rc, "moving indexed_through");
    return OkStatus();
  });
  if (!s.ok()) return s;
  indexed_through_ = head;
  std::erase_if(pending_participants_, [head](const KeyRuns::Entry& entry) {
    return entry.second <= head;
  });
  for (const auto& [key, sequence] : pass_->events) {
    auto [it, last] = pending_.equal_range(key);
    while (it != last && it->second != sequence) ++it;
    if (it != last) pending_.erase(it);
  }
  pass_.reset();
  // Past its capacity a filter only answers "maybe" more often; a larger
  // one is read from the index meanwhile. Also retries a failed build.
  if (build_ == nullptr &&
      (filter_ == nullptr || indexed_through_ > filter_->capacity())) {
    StartBuild(indexed_through_);
  }
  return OkStatus();
}

}  // namespace samverkan::gateway
