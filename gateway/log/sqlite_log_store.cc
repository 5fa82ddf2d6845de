// SQLite backend of the event log. Every Append is one BEGIN IMMEDIATE ..
// COMMIT (group commit); the chain head is cached so that hashing a batch
// needs no read. See log_format.md for the tables and why the pragmas are set
// as they are.
#include "gateway/log/sqlite_log_store.h"

#include <sqlite3.h>

#include <array>
#include <cstring>
#include <limits>
#include <utility>

#include "gateway/log/chain.h"
#include "gateway/log/checkpointer.h"
#include "gateway/log/coalescing_vfs.h"
#include "gateway/log/disclosure_log.h"
#include "gateway/log/log_schema.h"
#include "gateway/log/projection_log.h"
#include "gateway/log/record_index.h"
#include "gateway/log/row_inserter.h"
#include "gateway/log/sqlite_util.h"

namespace samverkan::gateway {
namespace {

using log_schema::Expand;
using sqlite::BindBlob;
using sqlite::BindText;
using sqlite::ClampToInt64;
using sqlite::ColumnString;
using sqlite::FromSqlite;
using sqlite::kRowsPerStep;
using sqlite::RepeatValues;
using sqlite::RowInserter;
using sqlite::ScopedReset;

constexpr char kInsertRecord[] =
    "INSERT INTO records(sequence, recorded_at_us, kind, event_id, "
    "participant_id, source_organisation, payload_type, body, prev_hash, hash, "
    "replay) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr int kInsertRecordColumns = 11;
constexpr char kInsertAudit[] =
    "INSERT INTO audit(at_us, peer_organisation, event_id, participant_id, "
    "payload_type, code, message) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
constexpr char kRead[] =
    "SELECT sequence, recorded_at_us, kind, event_id, participant_id, "
    "source_organisation, payload_type, body, prev_hash, hash FROM records "
    "WHERE sequence >= ?1 ORDER BY sequence LIMIT ?2";
constexpr char kReadReplay[] =
    "SELECT sequence, recorded_at_us, kind, event_id, participant_id, "
    "source_organisation, payload_type, body, prev_hash, hash FROM records "
    "WHERE replay = 1 AND sequence >= ?1 ORDER BY sequence LIMIT ?2";
// SQLite walks the IN list in order, so no sort is needed; the key ?4
// finds the records, participant_id confirms them.
constexpr char kReadParticipant[] =
    "SELECT sequence, recorded_at_us, kind, event_id, participant_id, "
    "source_organisation, payload_type, body, prev_hash, hash FROM records "
    "WHERE sequence IN (PARTICIPANT_SEQUENCES) AND participant_id = ?1 "
    "ORDER BY sequence LIMIT ?3";
constexpr char kHead[] =
    "SELECT sequence, hash FROM records ORDER BY sequence DESC LIMIT 1";
// For read-only instances, after RecordIndex::kFindIndexed; the writer asks
// its RecordIndex, which holds the tail in memory.
constexpr char kFindEventInTail[] =
    " UNION ALL SELECT sequence FROM records WHERE sequence > "
    "(SELECT value FROM meta WHERE key = 'indexed_through') "
    "AND event_id = ?2 LIMIT 1";
constexpr char kCountRejections[] =
    "SELECT code, count(*) FROM audit GROUP BY code ORDER BY code";

int BindDigest(sqlite3_stmt* stmt, int index, const Digest& digest) {
  return sqlite3_bind_blob64(stmt, index, digest.data(), digest.size(),
                             SQLITE_STATIC);
}

bool ColumnDigest(sqlite3_stmt* stmt, int index, Digest* out) {
  const void* data = sqlite3_column_blob(stmt, index);
  const int size = sqlite3_column_bytes(stmt, index);
  if (data == nullptr || size != static_cast<int>(out->size())) return false;
  std::memcpy(out->data(), data, out->size());
  return true;
}

Status MalformedColumn(int64_t sequence, const char* column) {
  return DataLossError("record " + std::to_string(sequence) + ": column " +
                       column + " is malformed");
}

}  // namespace

void SqliteLogStore::DbCloser::operator()(sqlite3* db) const {
  sqlite3_close_v2(db);
}

SqliteLogStore::SqliteLogStore(std::string path, bool read_only, sqlite3* db)
    : path_(std::move(path)), read_only_(read_only), db_(db) {}

SqliteLogStore::~SqliteLogStore() = default;

uint64_t SqliteLogStore::MemoryInUse() {
  return static_cast<uint64_t>(sqlite3_memory_used());
}

StatusOr<std::unique_ptr<SqliteLogStore>> SqliteLogStore::Open(
    const std::string& path) {
  return Open(path, Options{});
}

StatusOr<std::unique_ptr<SqliteLogStore>> SqliteLogStore::Open(
    const std::string& path, const Options& options) {
  // NOMUTEX: the instance serialises its own calls (mu_), so SQLite's
  // per-connection mutex would only add cost.
  const int flags =
      SQLITE_OPEN_NOMUTEX |
      (options.read_only ? SQLITE_OPEN_READONLY
                         : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  // The writer's WAL appends go out as one write per commit
  // (coalescing_vfs.h). Only where every commit syncs the WAL: with
  // NORMAL, a commit's frames would wait in the process, not the kernel,
  // and die with it. Readers write nothing.
  const char* vfs =
      !options.read_only && options.synchronous == Synchronous::kFull
          ? CoalescingVfs::Name()
          : nullptr;
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, vfs);
  // Owned from here on, even when the open failed.
  std::unique_ptr<SqliteLogStore> store(
      new SqliteLogStore(path, options.read_only, raw));
  if (rc != SQLITE_OK) return FromSqlite(raw, rc, "opening " + path);

  Status s = store->Configure(options);
  if (s.ok() && !options.read_only) {
    s = RecordIndex::RegisterFunctions(raw);
    if (s.ok()) s = store->CreateSchema(options.before_upgrade);
  }
  if (s.ok()) s = store->CheckSchema();
  if (s.ok() && !options.read_only) {
    store->index_ = std::make_unique<RecordIndex>(raw, options.index_lag,
                                                  options.index_slice);
    store->projections_ =
        std::make_unique<ProjectionLog>(raw, options.projection_lag);
    s = store->index_->Prepare();
    if (s.ok()) s = store->projections_->Prepare();
  }
  if (s.ok()) {
    store->disclosures_ =
        std::make_unique<DisclosureLog>(raw, !options.read_only);
    s = store->PrepareStatements();
  }
  if (s.ok() && !options.read_only) s = store->StartWriting(options);
  if (!s.ok()) return Status(s.code(), path + ": " + s.message());
  return store;
}

Status SqliteLogStore::StartWriting(const Options& options) {
  if (Status s = LoadHead(); !s.ok()) return s;
  // Changes left by the last writer are folded before anyone reads the
  // ledgers at start-up, so that reading them all is a plain walk of one
  // table. Should the fold fail, the reads merge the changes instead and a
  // later fold retries.
  if (projections_->pending() > 0) (void)projections_->Fold();
  auto checkpointer =
      Checkpointer::Start(path_, db_.get(), options.checkpoint_pages);
  if (!checkpointer.ok()) return checkpointer.status();
  checkpointer_ = std::move(checkpointer).value();
  return OkStatus();
}

Status SqliteLogStore::Exec(std::string_view sql) {
  return sqlite::Exec(db_.get(), sql);
}

Status SqliteLogStore::Configure(const Options& options) {
  sqlite3* db = db_.get();
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, options.busy_timeout_ms);
  // 32 MiB of page cache keeps the upper levels of the indexes hot.
  // mmap stays off: an I/O error on a mapped page is a SIGBUS, and the store
  // must report errors, never crash.
  Status s = Exec("PRAGMA cache_size = -32768; PRAGMA mmap_size = 0;");
  if (!s.ok() || options.read_only) return s;

  // WAL: readers never block the writer and a commit is one sequential
  // append plus one fsync. The mode is persistent in the file.
  Statement mode;
  s = Prepare("PRAGMA journal_mode = WAL", &mode);
  if (!s.ok()) return s;
  const int rc = sqlite3_step(mode.get());
  if (rc != SQLITE_ROW) return FromSqlite(db, rc, "setting journal_mode");
  if (ColumnString(mode.get(), 0) != "wal") {
    return FailedPreconditionError("the database refused WAL journal mode");
  }
  mode.reset();

  s = Exec(options.synchronous == Synchronous::kFull
               ? "PRAGMA synchronous = FULL;"
               : "PRAGMA synchronous = NORMAL;");
  // Checkpoint every ~16 MiB of WAL instead of 4 MiB: fewer checkpoint
  // fsyncs; the limit trims the file after a checkpoint. This holds while a
  // writer creates or upgrades the schema; then its Checkpointer takes
  // over, at the same mark.
  if (s.ok()) {
    s = Exec(
        "PRAGMA wal_autocheckpoint = 4096;"
        "PRAGMA journal_size_limit = 67108864;");
  }
  if (s.ok() && options.max_page_count.has_value()) {
    s = Exec("PRAGMA max_page_count = " +
             std::to_string(*options.max_page_count) + ";");
  }
  return s;
}

Status SqliteLogStore::CreateSchema(
    const std::function<void(int64_t, int64_t)>& before_upgrade) {
  // IMMEDIATE so that two writers opening a fresh file cannot both create,
  // nor both upgrade.
  return sqlite::InTransaction(db_.get(), [&]() -> Status {
    Statement count;
    if (Status s = Prepare("SELECT count(*) FROM sqlite_schema", &count);
        !s.ok()) {
      return s;
    }
    const int rc = sqlite3_step(count.get());
    if (rc != SQLITE_ROW) {
      return FromSqlite(db_.get(), rc, "reading the schema");
    }
    const int64_t objects = sqlite3_column_int64(count.get(), 0);
    // Finished first: DROP TABLE needs no statement to be running.
    count.reset();
    if (objects == 0) return Exec(log_schema::Fresh());
    // A file that is not a log, or of a version this build does not know,
    // is left as it is; CheckSchema says why.
    StatusOr<int64_t> version = ReadSchemaVersion();
    if (!version.ok() || !log_schema::IsUpgradable(*version)) {
      return OkStatus();
    }
    if (before_upgrade) before_upgrade(*version, log_schema::kVersion);
    // Each upgrade moves the file one version on, all in this transaction.
    for (int64_t v = *version; v < log_schema::kVersion; ++v) {
      if (Status s = Exec(log_schema::UpgradeFrom(v)); !s.ok()) return s;
    }
    return OkStatus();
  });
}

StatusOr<int64_t> SqliteLogStore::ReadSchemaVersion() {
  Statement version;
  if (!Prepare("SELECT value FROM meta WHERE key = 'schema_version'", &version)
           .ok()) {
    return FailedPreconditionError("not a Samverkan event log (no meta table)");
  }
  const int rc = sqlite3_step(version.get());
  if (rc != SQLITE_ROW) {
    return rc == SQLITE_DONE ? FailedPreconditionError(
                                   "not a Samverkan event log (no version)")
                             : FromSqlite(db_.get(), rc, "reading the schema");
  }
  return sqlite3_column_int64(version.get(), 0);
}

Status SqliteLogStore::CheckSchema() {
  StatusOr<int64_t> found = ReadSchemaVersion();
  if (!found.ok()) return found.status();
  if (log_schema::IsUpgradable(*found) && read_only_) {
    return FailedPreconditionError(
        "event log schema version " + std::to_string(*found) +
        " is upgraded to version " + std::to_string(log_schema::kVersion) +
        " when the gateway next opens it; it cannot be read before that");
  }
  if (*found != log_schema::kVersion) {
    return FailedPreconditionError("event log schema version " +
                                   std::to_string(*found) +
                                   " is not the supported version " +
                                   std::to_string(log_schema::kVersion));
  }
  return OkStatus();
}

Status SqliteLogStore::Prepare(std::string_view sql, Statement* out) {
  return sqlite::Prepare(db_.get(), sql, out);
}

Status SqliteLogStore::PrepareStatements() {
  const std::pair<const char*, Statement*> reads[] = {
      {kRead, &read_},
      {kHead, &head_},
      {kCountRejections, &count_rejections_},
      {kReadReplay, &read_replay_},
      {ProjectionLog::kRead, &read_projections_},
      {"BEGIN", &begin_reads_},
      {"COMMIT", &commit_},
      {"ROLLBACK", &rollback_},
  };
  const std::string participant = Expand(kReadParticipant, "?2");
  const std::string find_event =
      std::string(RecordIndex::kFindIndexed) + kFindEventInTail;
  if (Status s = Prepare(find_event, &find_event_); !s.ok()) return s;
  if (Status s = disclosures_->Prepare(); !s.ok()) return s;
  if (Status s = Prepare(participant, &read_participant_); !s.ok()) return s;
  for (const auto& [sql, stmt] : reads) {
    if (Status s = Prepare(sql, stmt); !s.ok()) return s;
  }
  if (read_only_) return OkStatus();
  const std::string insert_records = RepeatValues(kInsertRecord, kRowsPerStep);
  const std::pair<const char*, Statement*> writes[] = {
      {"BEGIN IMMEDIATE", &begin_},
      {kInsertRecord, &insert_record_},
      {insert_records.c_str(), &insert_records_},
      {kInsertAudit, &insert_audit_},
  };
  for (const auto& [sql, stmt] : writes) {
    if (Status s = Prepare(sql, stmt); !s.ok()) return s;
  }
  return OkStatus();
}

Status SqliteLogStore::Step(sqlite3_stmt* stmt, std::string_view what) {
  ScopedReset reset(stmt);
  const int rc = sqlite3_step(stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
    return FromSqlite(db_.get(), rc, what);
  }
  return OkStatus();
}

Status SqliteLogStore::LoadHead() {
  sqlite3_stmt* stmt = head_.get();
  ScopedReset reset(stmt);
  const int rc = sqlite3_step(stmt);
  LogHead head;
  if (rc == SQLITE_ROW) {
    head.sequence = static_cast<uint64_t>(sqlite3_column_int64(stmt, 0));
    if (!ColumnDigest(stmt, 1, &head.hash)) {
      return MalformedColumn(sqlite3_column_int64(stmt, 0), "hash");
    }
  } else if (rc != SQLITE_DONE) {
    return FromSqlite(db_.get(), rc, "reading the head");
  }
  // The writer's memory of recent event ids is as stale as its head, and so
  // is its count of projection changes.
  if (index_ != nullptr) {
    if (Status s = index_->Load(); !s.ok()) return s;
    if (Status s = projections_->Load(); !s.ok()) return s;
  }
  head_cache_ = head;
  head_stale_ = false;
  return OkStatus();
}

Status SqliteLogStore::Abandon(Status cause) {
  if (index_ != nullptr) {
    index_->Discard();
    projections_->Discard();
  }
  disclosures_->Discard();
  if (!sqlite3_get_autocommit(db_.get())) {
    // SQLite may already have rolled back (e.g. on SQLITE_FULL); only an
    // open transaction needs it. If even ROLLBACK fails, the file decides
    // the head, so it is reloaded before the next append.
    if (!Step(rollback_.get(), "ROLLBACK").ok()) head_stale_ = true;
  }
  return cause;
}

StatusOr<LogHead> SqliteLogStore::Append(
    const Batch& batch, int64_t recorded_at_us,
    std::vector<uint64_t>* recipient_sequences) {
  if (read_only_) {
    return FailedPreconditionError("cannot append: " + path_ +
                                   " is open read-only");
  }
  for (const NewRecord& r : batch.records) {
    if (r.event_id.empty()) {
      return InvalidArgumentError("cannot append a record without event_id");
    }
    if (r.kind != v1::EVENT && r.kind != v1::GATEWAY_EVENT) {
      return InvalidArgumentError("record " + r.event_id + " has kind " +
                                  std::to_string(r.kind) +
                                  ", not EVENT or GATEWAY_EVENT");
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  EndReadsLocked();
  if (!sqlite3_get_autocommit(db_.get())) {
    // Left open by a ROLLBACK that failed; finish it before starting anew.
    (void)Abandon(OkStatus());
    if (!sqlite3_get_autocommit(db_.get())) {
      return UnavailableError(
          "a previous transaction could not be rolled back");
    }
  }
  if (head_stale_) {
    if (Status s = LoadHead(); !s.ok()) return s;
  }
  if (batch.empty()) return head_cache_;
  return AppendLocked(batch, recorded_at_us, recipient_sequences);
}

StatusOr<LogHead> SqliteLogStore::AppendLocked(
    const Batch& batch, int64_t recorded_at_us,
    std::vector<uint64_t>* recipient_sequences) {
  if (Status s = Step(begin_.get(), "BEGIN IMMEDIATE"); !s.ok()) {
    return Abandon(std::move(s));
  }
  LogHead head = head_cache_;
  if (Status s = InsertRecords(batch, recorded_at_us, &head); !s.ok()) {
    return Abandon(std::move(s));
  }
  if (Status s = InsertAudit(batch.audit); !s.ok()) {
    return Abandon(std::move(s));
  }
  if (Status s = disclosures_->Stage(batch, head_cache_.sequence + 1,
                                     recipient_sequences);
      !s.ok()) {
    return Abandon(std::move(s));
  }
  if (Status s = projections_->Stage(batch.projections); !s.ok()) {
    return Abandon(std::move(s));
  }
  if (Status s = Step(commit_.get(), "COMMIT"); !s.ok()) {
    // Whether a failed COMMIT reached the disk is unknown; ask the file.
    head_stale_ = true;
    return Abandon(std::move(s));
  }
  head_cache_ = head;
  index_->Commit();
  disclosures_->Commit();
  projections_->Commit();
  return head;
}

Status SqliteLogStore::InsertRecords(const Batch& batch, int64_t recorded_at_us,
                                     LogHead* head) {
  RowInserter rows(insert_record_.get(), insert_records_.get(),
                   kInsertRecordColumns, kRowsPerStep, batch.records.size());
  // Bound with SQLITE_STATIC, each step's digests stay put until it runs.
  std::array<Digest, kRowsPerStep> prev_hashes;
  std::array<Digest, kRowsPerStep> hashes;
  for (const NewRecord& r : batch.records) {
    const uint64_t sequence = head->sequence + 1;
    // The step this record goes in holds the records from step_from on.
    const uint64_t step_from = sequence - rows.slot();
    if (Status s = index_->Stage(r.event_id, r.participant_id, sequence);
        !s.ok()) {
      return s;
    }
    Digest& prev_hash = prev_hashes[rows.slot()];
    Digest& hash = hashes[rows.slot()];
    prev_hash = head->hash;
    hash = ChainHash(prev_hash, sequence, recorded_at_us, r.kind, r.body);
    sqlite3_stmt* stmt = rows.stmt();
    const int at = rows.first();
    int rc = sqlite3_bind_int64(stmt, at, static_cast<int64_t>(sequence));
    if (rc == SQLITE_OK) rc = sqlite3_bind_int64(stmt, at + 1, recorded_at_us);
    if (rc == SQLITE_OK) rc = sqlite3_bind_int64(stmt, at + 2, r.kind);
    if (rc == SQLITE_OK) rc = BindText(stmt, at + 3, r.event_id);
    if (rc == SQLITE_OK) rc = BindText(stmt, at + 4, r.participant_id);
    if (rc == SQLITE_OK) rc = BindText(stmt, at + 5, r.source_organisation);
    if (rc == SQLITE_OK) rc = BindText(stmt, at + 6, r.payload_type);
    if (rc == SQLITE_OK) rc = BindBlob(stmt, at + 7, r.body);
    if (rc == SQLITE_OK) rc = BindDigest(stmt, at + 8, prev_hash);
    if (rc == SQLITE_OK) rc = BindDigest(stmt, at + 9, hash);
    if (rc == SQLITE_OK) rc = sqlite3_bind_int(stmt, at + 10, r.replay ? 1 : 0);
    if (rc == SQLITE_OK) rc = rows.RowBound();
    if (rc != SQLITE_OK) {
      const std::string sequences =
          sequence == step_from ? "sequence " + std::to_string(sequence)
                                : "sequences " + std::to_string(step_from) +
                                      "-" + std::to_string(sequence);
      if (rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
        head_stale_ = true;
        return FailedPreconditionError(
            sequences + ": already taken; another writer appended to this log");
      }
      return FromSqlite(db_.get(), rc, "appending the events of " + sequences);
    }
    *head = LogHead{sequence, hash};
  }
  return OkStatus();
}

Status SqliteLogStore::InsertAudit(const std::vector<AuditEntry>& audit) {
  sqlite3_stmt* stmt = insert_audit_.get();
  ScopedReset reset(stmt);
  for (const AuditEntry& a : audit) {
    int rc = sqlite3_bind_int64(stmt, 1, a.at_us);
    if (rc == SQLITE_OK) rc = BindText(stmt, 2, a.peer_organisation);
    if (rc == SQLITE_OK) rc = BindText(stmt, 3, a.event_id);
    if (rc == SQLITE_OK) rc = BindText(stmt, 4, a.participant_id);
    if (rc == SQLITE_OK) rc = BindText(stmt, 5, a.payload_type);
    if (rc == SQLITE_OK) rc = sqlite3_bind_int64(stmt, 6, a.code);
    if (rc == SQLITE_OK) rc = BindText(stmt, 7, a.message);
    if (rc == SQLITE_OK) rc = sqlite3_step(stmt);
    if (rc != SQLITE_DONE) {
      return FromSqlite(db_.get(), rc, "recording a rejection");
    }
    sqlite3_reset(stmt);
  }
  return OkStatus();
}

Status SqliteLogStore::RunDueWork() {
  std::lock_guard<std::mutex> lock(mu_);
  return DeferredWorkLocked(DeferredScope::kDue);
}

Status SqliteLogStore::RunDeferredWork() {
  std::lock_guard<std::mutex> lock(mu_);
  return DeferredWorkLocked(DeferredScope::kAll);
}

Status SqliteLogStore::RunIdleStep() {
  std::lock_guard<std::mutex> lock(mu_);
  return DeferredWorkLocked(DeferredScope::kOneStep);
}

Status SqliteLogStore::DeferredWorkLocked(DeferredScope scope) {
  EndReadsLocked();
  if (index_ == nullptr || head_stale_) return OkStatus();
  const bool only_due = scope == DeferredScope::kDue;
  // A failed pass is retried once the index's view of the file has been
  // reloaded (at the next Append); a failed fold changed nothing and is
  // retried when next asked.
  const bool one_step = scope == DeferredScope::kOneStep;
  const bool pass = only_due ? index_->Due() : index_->pending() > 0;
  if (pass) {
    Status s = one_step ? index_->FlushSlice(head_cache_.sequence)
                        : index_->Flush(head_cache_.sequence);
    if (!s.ok()) {
      head_stale_ = true;
      return s;
    }
    if (one_step) return OkStatus();
  }
  // Merges are spread over the appends (RecordIndex::PaceMerges); an idle
  // step merges a slice. A failed merge step changed nothing and goes on
  // next time.
  if (only_due) {
    if (Status s = index_->PaceMerges(head_cache_.sequence); !s.ok()) return s;
  } else if (index_->MergeDue()) {
    if (one_step) return index_->MergeSlice();
    if (Status s = index_->MergeAll(); !s.ok()) return s;
  }
  const bool fold =
      only_due ? projections_->Due() : projections_->pending() > 0;
  return fold ? projections_->Fold() : OkStatus();
}

uint64_t SqliteLogStore::UnindexedRecords() {
  std::lock_guard<std::mutex> lock(mu_);
  return index_ == nullptr ? 0 : index_->pending();
}

LogStore::LookupStats SqliteLogStore::EventLookups() {
  std::lock_guard<std::mutex> lock(mu_);
  if (index_ == nullptr) return {};
  return {index_->lookups(), index_->index_searches(), index_->filter_bytes()};
}

LogStore::IndexRuns SqliteLogStore::IndexRunStats() {
  std::lock_guard<std::mutex> lock(mu_);
  if (index_ == nullptr) return {};
  auto stats = [](const KeyRuns& runs) {
    return RunStats{runs.runs().size(), runs.merges().size(),
                    runs.work().appended, runs.work().merged};
  };
  return {stats(index_->event_runs()), stats(index_->participant_runs())};
}

uint64_t SqliteLogStore::UnfoldedProjectionChanges() {
  std::lock_guard<std::mutex> lock(mu_);
  return projections_ == nullptr ? 0 : projections_->pending();
}

Status SqliteLogStore::ReadProjections(std::string_view after_key, size_t limit,
                                       std::vector<ProjectionRow>* out) {
  out->clear();
  if (limit == 0) return OkStatus();
  std::lock_guard<std::mutex> lock(mu_);
  sqlite3_stmt* stmt = read_projections_.get();
  ScopedReset reset(stmt);
  int rc = BindText(stmt, 1, after_key);
  if (rc == SQLITE_OK) rc = sqlite3_bind_int64(stmt, 2, ClampToInt64(limit));
  if (rc != SQLITE_OK) return FromSqlite(db_.get(), rc, "reading projections");
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    ProjectionRow& row = out->emplace_back();
    row.key = ColumnString(stmt, 0);
    row.at_sequence = static_cast<uint64_t>(sqlite3_column_int64(stmt, 1));
    row.bytes = ColumnString(stmt, 2);
  }
  if (rc != SQLITE_DONE) {
    out->clear();
    return FromSqlite(db_.get(), rc, "reading projections");
  }
  return OkStatus();
}

void SqliteLogStore::BeginReads() {
  std::lock_guard<std::mutex> lock(mu_);
  if (reads_open_ || !sqlite3_get_autocommit(db_.get())) return;
  // Should BEGIN fail, each read simply takes its own snapshot as before.
  reads_open_ = Step(begin_reads_.get(), "BEGIN").ok();
}

void SqliteLogStore::EndReads() {
  std::lock_guard<std::mutex> lock(mu_);
  EndReadsLocked();
}

void SqliteLogStore::EndReadsLocked() {
  if (!reads_open_) return;
  reads_open_ = false;
  // Nothing was written, so COMMIT only lets the snapshot go. If it fails,
  // Append finds the transaction still open and rolls it back.
  (void)Step(commit_.get(), "COMMIT");
}

StatusOr<std::optional<uint64_t>> SqliteLogStore::FindEvent(
    std::string_view event_id) {
  std::lock_guard<std::mutex> lock(mu_);
  if (index_ != nullptr) return index_->Find(event_id);
  return RecordIndex::FindIndexed(db_.get(), find_event_.get(), event_id);
}

Status SqliteLogStore::Read(uint64_t from, size_t limit,
                            std::vector<StoredRecord>* out) {
  out->clear();
  if (limit == 0) return OkStatus();
  std::lock_guard<std::mutex> lock(mu_);
  sqlite3_stmt* stmt = read_.get();
  ScopedReset reset(stmt);
  int rc = sqlite3_bind_int64(stmt, 1, ClampToInt64(from));
  if (rc == SQLITE_OK) rc = sqlite3_bind_int64(stmt, 2, ClampToInt64(limit));
  if (rc != SQLITE_OK) return FromSqlite(db_.get(), rc, "reading records");
  return ReadRecords(stmt, out);
}

Status SqliteLogStore::ReadReplay(uint64_t from, size_t limit,
                                  std::vector<StoredRecord>* out) {
  out->clear();
  if (limit == 0) return OkStatus();
  std::lock_guard<std::mutex> lock(mu_);
  sqlite3_stmt* stmt = read_replay_.get();
  ScopedReset reset(stmt);
  int rc = sqlite3_bind_int64(stmt, 1, ClampToInt64(from));
  if (rc == SQLITE_OK) rc = sqlite3_bind_int64(stmt, 2, ClampToInt64(limit));
  if (rc != SQLITE_OK) return FromSqlite(db_.get(), rc, "reading records");
  return ReadRecords(stmt, out);
}

Status SqliteLogStore::ReadParticipantRecords(std::string_view participant,
                                              uint64_t from, size_t limit,
                                              std::vector<StoredRecord>* out) {
  out->clear();
  if (limit == 0) return OkStatus();
  std::lock_guard<std::mutex> lock(mu_);
  sqlite3_stmt* stmt = read_participant_.get();
  ScopedReset reset(stmt);
  int rc = BindText(stmt, 1, participant);
  if (rc == SQLITE_OK) rc = sqlite3_bind_int64(stmt, 2, ClampToInt64(from));
  if (rc == SQLITE_OK) rc = sqlite3_bind_int64(stmt, 3, ClampToInt64(limit));
  if (rc == SQLITE_OK) {
    rc = sqlite3_bind_int64(stmt, 4, RecordIndex::Key(participant));
  }
  if (rc != SQLITE_OK) return FromSqlite(db_.get(), rc, "reading records");
  return ReadRecords(stmt, out);
}

// Steps a bound SELECT of the ten record columns into *out.
Status SqliteLogStore::ReadRecords(sqlite3_stmt* stmt,
                                   std::vector<StoredRecord>* out) {
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    StoredRecord& r = out->emplace_back();
    const int64_t sequence = sqlite3_column_int64(stmt, 0);
    const int64_t kind = sqlite3_column_int64(stmt, 2);
    r.sequence = static_cast<uint64_t>(sequence);
    r.recorded_at_us = sqlite3_column_int64(stmt, 1);
    // Checked, not truncated: a kind of 2^32 + 1 must not read back as 1.
    if (kind < 0 || kind > std::numeric_limits<int32_t>::max()) {
      out->clear();
      return MalformedColumn(sequence, "kind");
    }
    r.kind = static_cast<v1::RecordKind>(kind);
    r.event_id = ColumnString(stmt, 3);
    r.participant_id = ColumnString(stmt, 4);
    r.source_organisation = ColumnString(stmt, 5);
    r.payload_type = ColumnString(stmt, 6);
    r.body = ColumnString(stmt, 7);
    const char* bad = !ColumnDigest(stmt, 8, &r.prev_hash) ? "prev_hash"
                      : !ColumnDigest(stmt, 9, &r.hash)    ? "hash"
                                                           : nullptr;
    if (bad != nullptr) {
      out->clear();
      return MalformedColumn(sequence, bad);
    }
  }
  if (rc != SQLITE_DONE) {
    out->clear();
    return FromSqlite(db_.get(), rc, "reading records");
  }
  return OkStatus();
}

StatusOr<LogHead> SqliteLogStore::Head() {
  std::lock_guard<std::mutex> lock(mu_);
  // A reader cannot know when the writer commits, so it always asks.
  if (read_only_ || head_stale_) {
    if (Status s = LoadHead(); !s.ok()) return s;
  }
  return head_cache_;
}

StatusOr<std::vector<v1::RejectionCount>> SqliteLogStore::CountRejections() {
  std::lock_guard<std::mutex> lock(mu_);
  sqlite3_stmt* stmt = count_rejections_.get();
  ScopedReset reset(stmt);
  std::vector<v1::RejectionCount> counts;
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    v1::RejectionCount& c = counts.emplace_back();
    c.set_code(static_cast<v1::RejectionCode>(sqlite3_column_int64(stmt, 0)));
    c.set_count(static_cast<uint64_t>(sqlite3_column_int64(stmt, 1)));
  }
  if (rc != SQLITE_DONE) {
    return FromSqlite(db_.get(), rc, "counting rejections");
  }
  return counts;
}

StatusOr<uint64_t> SqliteLogStore::RecipientHead(std::string_view recipient) {
  std::lock_guard<std::mutex> lock(mu_);
  return disclosures_->RecipientHead(recipient);
}

Status SqliteLogStore::ReadDeliveries(std::string_view recipient,
                                      uint64_t after, size_t limit,
                                      std::vector<StoredDisclosure>* out) {
  std::lock_guard<std::mutex> lock(mu_);
  return disclosures_->ReadDeliveries(recipient, after, limit, out);
}

Status SqliteLogStore::ReadDisclosures(std::string_view participant,
                                       uint64_t after_id, size_t limit,
                                       std::vector<StoredDisclosure>* out) {
  std::lock_guard<std::mutex> lock(mu_);
  return disclosures_->ReadDisclosures(participant, after_id, limit, out);
}

}  // namespace samverkan::gateway
