// SQLite backend of the event log. Every Append is one BEGIN IMMEDIATE ..
// COMMIT (group commit); the chain head is cached so that hashing a batch
// needs no read. See log_format.md for the tables and why the pragmas are set
// as they are.
#include "gateway/log/sqlite_log_store.h"

#include <sqlite3.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>
#include <utility>

#include "gateway/log/chain.h"

namespace samverkan::gateway {
namespace {

constexpr int64_t kSchemaVersion = 2;

// Run once, in one transaction, when the file is fresh.
// STRICT makes SQLite refuse a value of the wrong type instead of silently
// storing it, so every column holds what log_format.md says it holds.
constexpr char kSchema[] = R"sql(
CREATE TABLE meta(
  key TEXT PRIMARY KEY,
  value ANY NOT NULL
) STRICT;
CREATE TABLE records(
  sequence INTEGER PRIMARY KEY,
  recorded_at_us INTEGER NOT NULL,
  kind INTEGER NOT NULL,
  event_id TEXT NOT NULL UNIQUE,
  participant_id TEXT NOT NULL,
  source_organisation TEXT NOT NULL,
  payload_type TEXT NOT NULL,
  body BLOB NOT NULL,
  prev_hash BLOB NOT NULL,
  hash BLOB NOT NULL,
  replay INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX records_by_participant ON records(participant_id);
CREATE INDEX records_to_replay ON records(sequence) WHERE replay = 1;
CREATE TABLE disclosures(
  id INTEGER PRIMARY KEY,
  log_sequence INTEGER NOT NULL,
  decided_at_us INTEGER NOT NULL,
  participant_id TEXT NOT NULL,
  payload_type TEXT NOT NULL,
  source_organisation TEXT NOT NULL,
  recipient TEXT NOT NULL,
  delivered INTEGER NOT NULL,
  recipient_sequence INTEGER,
  categories TEXT NOT NULL,
  withheld_categories TEXT NOT NULL,
  consent_ids TEXT NOT NULL,
  reason TEXT NOT NULL,
  body BLOB
) STRICT;
CREATE UNIQUE INDEX deliveries_by_recipient
  ON disclosures(recipient, recipient_sequence)
  WHERE recipient_sequence IS NOT NULL;
CREATE INDEX disclosures_by_record ON disclosures(log_sequence);
CREATE TABLE audit(
  id INTEGER PRIMARY KEY,
  at_us INTEGER NOT NULL,
  peer_organisation TEXT NOT NULL,
  event_id TEXT NOT NULL,
  participant_id TEXT NOT NULL,
  payload_type TEXT NOT NULL,
  code INTEGER NOT NULL,
  message TEXT NOT NULL
) STRICT;
CREATE INDEX audit_by_code ON audit(code);
CREATE TABLE projections(
  key TEXT PRIMARY KEY,
  at_sequence INTEGER NOT NULL,
  state BLOB NOT NULL
) STRICT, WITHOUT ROWID;
INSERT INTO meta(key, value) VALUES ('schema_version', 2);
)sql";

constexpr char kInsertRecord[] =
    "INSERT INTO records(sequence, recorded_at_us, kind, event_id, "
    "participant_id, source_organisation, payload_type, body, prev_hash, hash, "
    "replay) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
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
// records_by_participant holds (participant_id, sequence), so this is one
// index range scan in sequence order.
constexpr char kReadParticipant[] =
    "SELECT sequence, recorded_at_us, kind, event_id, participant_id, "
    "source_organisation, payload_type, body, prev_hash, hash FROM records "
    "WHERE participant_id = ?1 AND sequence >= ?2 ORDER BY sequence LIMIT ?3";
constexpr char kInsertDisclosure[] =
    "INSERT INTO disclosures(log_sequence, decided_at_us, participant_id, "
    "payload_type, source_organisation, recipient, delivered, "
    "recipient_sequence, categories, withheld_categories, consent_ids, reason, "
    "body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)";
constexpr char kDisclosureColumns[] =
    "SELECT id, log_sequence, decided_at_us, participant_id, payload_type, "
    "source_organisation, recipient, delivered, "
    "coalesce(recipient_sequence, 0), categories, withheld_categories, "
    "consent_ids, reason, coalesce(body, x'') FROM disclosures ";
constexpr char kRecipientHead[] =
    "SELECT coalesce(max(recipient_sequence), 0) FROM disclosures "
    "WHERE recipient = ?1 AND recipient_sequence IS NOT NULL";
constexpr char kUpsertProjection[] =
    "INSERT INTO projections(key, at_sequence, state) VALUES (?1, ?2, ?3) "
    "ON CONFLICT(key) DO UPDATE SET at_sequence = excluded.at_sequence, "
    "state = excluded.state";
constexpr char kReadProjections[] =
    "SELECT key, at_sequence, state FROM projections WHERE key > ?1 "
    "ORDER BY key LIMIT ?2";
constexpr char kHead[] =
    "SELECT sequence, hash FROM records ORDER BY sequence DESC LIMIT 1";
constexpr char kFindEvent[] =
    "SELECT sequence FROM records WHERE event_id = ?1";
constexpr char kCountRejections[] =
    "SELECT code, count(*) FROM audit GROUP BY code ORDER BY code";

// Maps an SQLite result to the canonical code callers act on: retry later
// (Unavailable), stop accepting (ResourceExhausted), or investigate.
Status FromSqlite(sqlite3* db, int rc, std::string_view what) {
  std::string message(what);
  message += ": ";
  message += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  const int primary = rc & 0xff;
  if (db != nullptr && (primary == SQLITE_IOERR || primary == SQLITE_FULL ||
                        primary == SQLITE_CANTOPEN)) {
    // A failed write or fsync may report ENOSPC as a plain I/O error.
    const int os_error = sqlite3_system_errno(db);
    if (os_error == ENOSPC || os_error == EDQUOT) {
      return ResourceExhaustedError(std::move(message));
    }
  }
  switch (primary) {
    case SQLITE_FULL:
    case SQLITE_NOMEM:
      return ResourceExhaustedError(std::move(message));
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_PROTOCOL:
      return UnavailableError(std::move(message));
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return DataLossError(std::move(message));
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH:
    case SQLITE_CONSTRAINT:
      return FailedPreconditionError(std::move(message));
    default:
      return InternalError(std::move(message));
  }
}

// Resets a cached statement when the scope ends: a statement left mid-step
// holds its read snapshot open, which stops WAL checkpoints from finishing.
// Bindings are cleared so no SQLITE_STATIC pointer outlives its owner.
class ScopedReset {
 public:
  explicit ScopedReset(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ScopedReset(const ScopedReset&) = delete;
  ScopedReset& operator=(const ScopedReset&) = delete;
  ~ScopedReset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

 private:
  sqlite3_stmt* stmt_;
};

int64_t ClampToInt64(uint64_t v) {
  return static_cast<int64_t>(
      std::min<uint64_t>(v, std::numeric_limits<int64_t>::max()));
}

// SQLITE_STATIC: the caller's bytes outlive the step, so SQLite need not copy
// them. The 64-bit variants never truncate a size.
int BindText(sqlite3_stmt* stmt, int index, std::string_view text) {
  return sqlite3_bind_text64(stmt, index, text.data(), text.size(),
                             SQLITE_STATIC, SQLITE_UTF8);
}
int BindBlob(sqlite3_stmt* stmt, int index, std::string_view bytes) {
  // A null pointer would bind SQL NULL; an empty body is an empty blob.
  return sqlite3_bind_blob64(stmt, index, bytes.data() ? bytes.data() : "",
                             bytes.size(), SQLITE_STATIC);
}
int BindDigest(sqlite3_stmt* stmt, int index, const Digest& digest) {
  return sqlite3_bind_blob64(stmt, index, digest.data(), digest.size(),
                             SQLITE_STATIC);
}

std::string ColumnString(sqlite3_stmt* stmt, int index) {
  // Blob first, then bytes: the documented order that avoids a conversion.
  const void* data = sqlite3_column_blob(stmt, index);
  const int size = sqlite3_column_bytes(stmt, index);
  if (data == nullptr) return std::string();
  return std::string(static_cast<const char*>(data), size);
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

void SqliteLogStore::StmtFinalizer::operator()(sqlite3_stmt* stmt) const {
  sqlite3_finalize(stmt);
}

SqliteLogStore::SqliteLogStore(std::string path, bool read_only, sqlite3* db)
    : path_(std::move(path)), read_only_(read_only), db_(db) {}

SqliteLogStore::~SqliteLogStore() = default;

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
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  // Owned from here on, even when the open failed.
  std::unique_ptr<SqliteLogStore> store(
      new SqliteLogStore(path, options.read_only, raw));
  if (rc != SQLITE_OK) return FromSqlite(raw, rc, "opening " + path);

  Status s = store->Configure(options);
  if (s.ok() && !options.read_only) s = store->CreateSchema();
  if (s.ok()) s = store->CheckSchema();
  if (s.ok()) s = store->PrepareStatements();
  if (s.ok() && !options.read_only) s = store->LoadHead();
  if (!s.ok()) return Status(s.code(), path + ": " + s.message());
  return store;
}

Status SqliteLogStore::Exec(std::string_view sql) {
  const std::string text(sql);
  const int rc =
      sqlite3_exec(db_.get(), text.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return FromSqlite(db_.get(), rc, text);
  return OkStatus();
}

Status SqliteLogStore::Configure(const Options& options) {
  sqlite3* db = db_.get();
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, options.busy_timeout_ms);
  // 32 MiB of page cache keeps the event_id and participant indexes hot.
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
  // fsyncs on the commit path; the limit trims the file after a checkpoint.
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

Status SqliteLogStore::CreateSchema() {
  // IMMEDIATE so that two writers opening a fresh file cannot both create.
  Status s = Exec("BEGIN IMMEDIATE;");
  if (!s.ok()) return s;
  Statement count;
  s = Prepare("SELECT count(*) FROM sqlite_schema", &count);
  if (s.ok()) {
    const int rc = sqlite3_step(count.get());
    if (rc != SQLITE_ROW) {
      s = FromSqlite(db_.get(), rc, "reading the schema");
    } else if (sqlite3_column_int64(count.get(), 0) == 0) {
      s = Exec(kSchema);
    }
  }
  count.reset();
  if (s.ok()) s = Exec("COMMIT;");
  if (!s.ok() && !sqlite3_get_autocommit(db_.get())) {
    sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
  }
  return s;
}

Status SqliteLogStore::CheckSchema() {
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
  const int64_t found = sqlite3_column_int64(version.get(), 0);
  if (found != kSchemaVersion) {
    return FailedPreconditionError(
        "event log schema version " + std::to_string(found) +
        " is not the supported version " + std::to_string(kSchemaVersion));
  }
  return OkStatus();
}

Status SqliteLogStore::Prepare(std::string_view sql, Statement* out) {
  sqlite3_stmt* stmt = nullptr;
  const int rc =
      sqlite3_prepare_v3(db_.get(), sql.data(), static_cast<int>(sql.size()),
                         SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  out->reset(stmt);
  if (rc != SQLITE_OK) {
    return FromSqlite(db_.get(), rc, "preparing " + std::string(sql));
  }
  return OkStatus();
}

Status SqliteLogStore::PrepareStatements() {
  const std::pair<const char*, Statement*> reads[] = {
      {kRead, &read_},
      {kHead, &head_},
      {kFindEvent, &find_event_},
      {kCountRejections, &count_rejections_},
      {kReadReplay, &read_replay_},
      {kReadParticipant, &read_participant_},
      {kRecipientHead, &recipient_head_},
      {kReadProjections, &read_projections_},
  };
  const std::string deliveries =
      std::string(kDisclosureColumns) +
      "WHERE recipient = ?1 AND recipient_sequence > ?2 "
      "ORDER BY recipient_sequence LIMIT ?3";
  // Through the participant's records: both indexes used here grow in
  // sequence order or once per event, never once per recipient.
  const std::string disclosures =
      std::string(kDisclosureColumns) +
      "WHERE log_sequence IN (SELECT sequence FROM records "
      "WHERE participant_id = ?1) AND id > ?2 ORDER BY id LIMIT ?3";
  if (Status s = Prepare(deliveries, &read_deliveries_); !s.ok()) return s;
  if (Status s = Prepare(disclosures, &read_disclosures_); !s.ok()) return s;
  for (const auto& [sql, stmt] : reads) {
    if (Status s = Prepare(sql, stmt); !s.ok()) return s;
  }
  if (read_only_) return OkStatus();
  const std::pair<const char*, Statement*> writes[] = {
      {"BEGIN IMMEDIATE", &begin_},
      {"COMMIT", &commit_},
      {"ROLLBACK", &rollback_},
      {kInsertRecord, &insert_record_},
      {kInsertAudit, &insert_audit_},
      {kInsertDisclosure, &insert_disclosure_},
      {kUpsertProjection, &upsert_projection_},
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
  head_cache_ = head;
  head_stale_ = false;
  return OkStatus();
}

Status SqliteLogStore::Abandon(Status cause) {
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
  sqlite3* db = db_.get();
  if (Status s = Step(begin_.get(), "BEGIN IMMEDIATE"); !s.ok()) {
    return Abandon(std::move(s));
  }

  LogHead head = head_cache_;
  {
    sqlite3_stmt* stmt = insert_record_.get();
    ScopedReset reset(stmt);
    // Outside the loop: bound with SQLITE_STATIC, they must stay put while
    // the statement holds them.
    Digest prev_hash;
    Digest hash;
    for (const NewRecord& r : batch.records) {
      const uint64_t sequence = head.sequence + 1;
      prev_hash = head.hash;
      hash = ChainHash(prev_hash, sequence, recorded_at_us, r.kind, r.body);
      int rc = sqlite3_bind_int64(stmt, 1, static_cast<int64_t>(sequence));
      if (rc == SQLITE_OK) rc = sqlite3_bind_int64(stmt, 2, recorded_at_us);
      if (rc == SQLITE_OK) rc = sqlite3_bind_int64(stmt, 3, r.kind);
      if (rc == SQLITE_OK) rc = BindText(stmt, 4, r.event_id);
      if (rc == SQLITE_OK) rc = BindText(stmt, 5, r.participant_id);
      if (rc == SQLITE_OK) rc = BindText(stmt, 6, r.source_organisation);
      if (rc == SQLITE_OK) rc = BindText(stmt, 7, r.payload_type);
      if (rc == SQLITE_OK) rc = BindBlob(stmt, 8, r.body);
      if (rc == SQLITE_OK) rc = BindDigest(stmt, 9, prev_hash);
      if (rc == SQLITE_OK) rc = BindDigest(stmt, 10, hash);
      if (rc == SQLITE_OK) rc = sqlite3_bind_int(stmt, 11, r.replay ? 1 : 0);
      if (rc == SQLITE_OK) rc = sqlite3_step(stmt);
      if (rc == SQLITE_CONSTRAINT_UNIQUE) {
        return Abandon(Status(StatusCode::kAlreadyExists,
                              "event_id " + r.event_id +
                                  " is already in the log or repeated in "
                                  "the batch"));
      }
      if (rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
        head_stale_ = true;
        return Abandon(FailedPreconditionError(
            "sequence " + std::to_string(sequence) +
            " is already taken: another writer appended to this log"));
      }
      if (rc != SQLITE_DONE) {
        return Abandon(FromSqlite(db, rc, "appending event " + r.event_id));
      }
      sqlite3_reset(stmt);
      head = LogHead{sequence, hash};
    }
  }
  {
    sqlite3_stmt* stmt = insert_audit_.get();
    ScopedReset reset(stmt);
    for (const AuditEntry& a : batch.audit) {
      int rc = sqlite3_bind_int64(stmt, 1, a.at_us);
      if (rc == SQLITE_OK) rc = BindText(stmt, 2, a.peer_organisation);
      if (rc == SQLITE_OK) rc = BindText(stmt, 3, a.event_id);
      if (rc == SQLITE_OK) rc = BindText(stmt, 4, a.participant_id);
      if (rc == SQLITE_OK) rc = BindText(stmt, 5, a.payload_type);
      if (rc == SQLITE_OK) rc = sqlite3_bind_int64(stmt, 6, a.code);
      if (rc == SQLITE_OK) rc = BindText(stmt, 7, a.message);
      if (rc == SQLITE_OK) rc = sqlite3_step(stmt);
      if (rc != SQLITE_DONE) {
        return Abandon(FromSqlite(db, rc, "recording a rejection"));
      }
      sqlite3_reset(stmt);
    }
  }
  if (Status s = InsertDisclosures(batch, head_cache_.sequence + 1,
                                   recorded_at_us, recipient_sequences);
      !s.ok()) {
    recipient_heads_.clear();
    return Abandon(std::move(s));
  }
  if (Status s = UpsertProjections(batch); !s.ok()) {
    recipient_heads_.clear();
    return Abandon(std::move(s));
  }
  if (Status s = Step(commit_.get(), "COMMIT"); !s.ok()) {
    // Whether a failed COMMIT reached the disk is unknown; ask the file.
    head_stale_ = true;
    recipient_heads_.clear();
    return Abandon(std::move(s));
  }
  head_cache_ = head;
  return head;
}

Status SqliteLogStore::UpsertProjections(const Batch& batch) {
  // Rows are applied in batch order, so a key given twice ends up holding
  // the later row, as LogStore promises.
  sqlite3_stmt* stmt = upsert_projection_.get();
  ScopedReset reset(stmt);
  for (const ProjectionRow& row : batch.projections) {
    int rc = BindText(stmt, 1, row.key);
    if (rc == SQLITE_OK) {
      rc = sqlite3_bind_int64(stmt, 2, ClampToInt64(row.at_sequence));
    }
    if (rc == SQLITE_OK) rc = BindBlob(stmt, 3, row.bytes);
    if (rc == SQLITE_OK) rc = sqlite3_step(stmt);
    if (rc != SQLITE_DONE) {
      return FromSqlite(db_.get(), rc, "writing projection " + row.key);
    }
    sqlite3_reset(stmt);
  }
  return OkStatus();
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

StatusOr<std::optional<uint64_t>> SqliteLogStore::FindEvent(
    std::string_view event_id) {
  std::lock_guard<std::mutex> lock(mu_);
  sqlite3_stmt* stmt = find_event_.get();
  ScopedReset reset(stmt);
  int rc = BindText(stmt, 1, event_id);
  if (rc == SQLITE_OK) rc = sqlite3_step(stmt);
  if (rc == SQLITE_ROW) {
    return std::optional<uint64_t>(
        static_cast<uint64_t>(sqlite3_column_int64(stmt, 0)));
  }
  if (rc == SQLITE_DONE) return std::optional<uint64_t>();
  return FromSqlite(db_.get(), rc, "looking up an event");
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

StatusOr<uint64_t> SqliteLogStore::RecipientHeadLocked(
    std::string_view recipient) {
  if (auto it = recipient_heads_.find(recipient);
      it != recipient_heads_.end()) {
    return it->second;
  }
  sqlite3_stmt* stmt = recipient_head_.get();
  ScopedReset reset(stmt);
  int rc = BindText(stmt, 1, recipient);
  if (rc == SQLITE_OK) rc = sqlite3_step(stmt);
  if (rc != SQLITE_ROW) {
    return FromSqlite(db_.get(), rc, "reading a recipient's head");
  }
  const auto head = static_cast<uint64_t>(sqlite3_column_int64(stmt, 0));
  // A reader cannot know when the writer commits, so it never caches.
  if (!read_only_) recipient_heads_.emplace(std::string(recipient), head);
  return head;
}

StatusOr<uint64_t> SqliteLogStore::RecipientHead(std::string_view recipient) {
  std::lock_guard<std::mutex> lock(mu_);
  return RecipientHeadLocked(recipient);
}

Status SqliteLogStore::InsertDisclosures(
    const Batch& batch, uint64_t first, int64_t decided_at_us,
    std::vector<uint64_t>* recipient_sequences) {
  if (recipient_sequences)
    recipient_sequences->assign(batch.disclosures.size(), 0);
  if (batch.disclosures.empty()) return OkStatus();
  // Assigned here, inside the transaction, and published to the cache only
  // after COMMIT: a failed batch leaves no hole in any recipient's numbers.
  std::map<std::string, uint64_t, std::less<>> next;
  sqlite3_stmt* stmt = insert_disclosure_.get();
  ScopedReset reset(stmt);
  for (size_t i = 0; i < batch.disclosures.size(); ++i) {
    const Disclosure& d = batch.disclosures[i];
    if (d.record_index >= batch.records.size()) {
      return InvalidArgumentError(
          "a disclosure names record " + std::to_string(d.record_index) +
          " of a batch of " + std::to_string(batch.records.size()));
    }
    const NewRecord& r = batch.records[d.record_index];
    uint64_t recipient_sequence = 0;
    if (d.delivered) {
      auto it = next.find(d.recipient);
      if (it == next.end()) {
        StatusOr<uint64_t> head = RecipientHeadLocked(d.recipient);
        if (!head.ok()) return head.status();
        it = next.emplace(d.recipient, *head).first;
      }
      recipient_sequence = ++it->second;
    }
    if (recipient_sequences) (*recipient_sequences)[i] = recipient_sequence;
    int rc = sqlite3_bind_int64(stmt, 1,
                                static_cast<int64_t>(first + d.record_index));
    if (rc == SQLITE_OK) rc = sqlite3_bind_int64(stmt, 2, decided_at_us);
    if (rc == SQLITE_OK) rc = BindText(stmt, 3, r.participant_id);
    if (rc == SQLITE_OK) rc = BindText(stmt, 4, r.payload_type);
    if (rc == SQLITE_OK) rc = BindText(stmt, 5, r.source_organisation);
    if (rc == SQLITE_OK) rc = BindText(stmt, 6, d.recipient);
    if (rc == SQLITE_OK) rc = sqlite3_bind_int(stmt, 7, d.delivered ? 1 : 0);
    if (rc == SQLITE_OK) {
      rc = d.delivered ? sqlite3_bind_int64(
                             stmt, 8, static_cast<int64_t>(recipient_sequence))
                       : sqlite3_bind_null(stmt, 8);
    }
    if (rc == SQLITE_OK) rc = BindText(stmt, 9, d.categories);
    if (rc == SQLITE_OK) rc = BindText(stmt, 10, d.withheld_categories);
    if (rc == SQLITE_OK) rc = BindText(stmt, 11, d.consent_ids);
    if (rc == SQLITE_OK) rc = BindText(stmt, 12, d.reason);
    if (rc == SQLITE_OK) {
      rc = d.delivered ? BindBlob(stmt, 13, d.body)
                       : sqlite3_bind_null(stmt, 13);
    }
    if (rc == SQLITE_OK) rc = sqlite3_step(stmt);
    if (rc != SQLITE_DONE) {
      return FromSqlite(db_.get(), rc, "recording a disclosure decision");
    }
    sqlite3_reset(stmt);
  }
  for (auto& [recipient, head] : next) recipient_heads_[recipient] = head;
  return OkStatus();
}

Status SqliteLogStore::ReadDisclosureRows(sqlite3_stmt* stmt,
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
    return FromSqlite(db_.get(), rc, "reading disclosures");
  }
  return OkStatus();
}

Status SqliteLogStore::ReadDeliveries(std::string_view recipient,
                                      uint64_t after, size_t limit,
                                      std::vector<StoredDisclosure>* out) {
  out->clear();
  std::lock_guard<std::mutex> lock(mu_);
  sqlite3_stmt* stmt = read_deliveries_.get();
  ScopedReset reset(stmt);
  int rc = BindText(stmt, 1, recipient);
  if (rc == SQLITE_OK) rc = sqlite3_bind_int64(stmt, 2, ClampToInt64(after));
  if (rc == SQLITE_OK) rc = sqlite3_bind_int64(stmt, 3, ClampToInt64(limit));
  if (rc != SQLITE_OK) return FromSqlite(db_.get(), rc, "reading deliveries");
  return ReadDisclosureRows(stmt, out);
}

Status SqliteLogStore::ReadDisclosures(std::string_view participant,
                                       uint64_t after_id, size_t limit,
                                       std::vector<StoredDisclosure>* out) {
  out->clear();
  std::lock_guard<std::mutex> lock(mu_);
  sqlite3_stmt* stmt = read_disclosures_.get();
  ScopedReset reset(stmt);
  int rc = BindText(stmt, 1, participant);
  if (rc == SQLITE_OK) rc = sqlite3_bind_int64(stmt, 2, ClampToInt64(after_id));
  if (rc == SQLITE_OK) rc = sqlite3_bind_int64(stmt, 3, ClampToInt64(limit));
  if (rc != SQLITE_OK) return FromSqlite(db_.get(), rc, "reading disclosures");
  return ReadDisclosureRows(stmt, out);
}

}  // namespace samverkan::gateway
