// The embedded LogStore backend: one SQLite file in WAL mode. The table layout
// and durability settings are documented in log_format.md.
#ifndef SAMVERKAN_GATEWAY_LOG_SQLITE_LOG_STORE_H_
#define SAMVERKAN_GATEWAY_LOG_SQLITE_LOG_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "gateway/log/log_store.h"
#include "gateway/log/sqlite_statement.h"

struct sqlite3;
struct sqlite3_stmt;

namespace samverkan::gateway {

class Checkpointer;
class DisclosureLog;
class ProjectionLog;
class RecordIndex;

// A LogStore on one SQLite database file.
//
// Ownership: each instance opens and exclusively owns its own sqlite3*
// connection and the prepared statements cached on it; the destructor
// finalizes them and closes the connection. The handle never leaves the class.
//
// Concurrency: one writable instance per file appends (the head is cached in
// memory, so a second writer is detected as a sequence conflict, not merged).
// Any number of read-only instances, in this or other processes, read
// concurrently through their own connections; WAL lets them read committed
// data without waiting for the writer. Every method is safe to call from any
// thread, but calls on one instance are serialised by an internal mutex, so a
// reader sharing the writer's instance waits behind each commit's fsync; give
// reader threads their own read-only instance instead.
class SqliteLogStore final : public LogStore {
 public:
  enum class Synchronous {
    // fsync on every commit: an acknowledged batch survives power loss.
    kFull,
    // Survives a process crash but not power loss; for tests and benchmarks
    // only, never for a gateway that acknowledges events.
    kNormal,
  };

  struct Options {
    bool read_only = false;
    Synchronous synchronous = Synchronous::kFull;
    int busy_timeout_ms = 5000;
    // Caps the database size in pages (of 4096 bytes), so tests can provoke
    // a full disk; Append then fails with ResourceExhausted.
    std::optional<int64_t> max_page_count;
    // How many records may wait before the writer adds them to the event-id
    // and participant indexes in one sorted pass (record_index.h). Larger
    // writes less per event; the writer holds that many event ids in memory
    // and queries by participant scan that many records at most.
    size_t index_lag = 65536;
    // Event keys one idle step of an index pass inserts, and index entries
    // one merge step moves (record_index.h, key_runs.h), each step a
    // transaction of its own: the most a submission arriving meanwhile
    // waits for.
    size_t index_slice = 4096;
    // How many projection rows may wait in projection_changes before the
    // writer folds them into `projections` (projection_log.h). Larger
    // writes less per event; every read of projections scans that many.
    size_t projection_lag = 16384;
    // WAL pages after which a writer's checkpoint thread copies the WAL
    // into the database file (checkpointer.h); at four times that the
    // writer copies inline.
    int checkpoint_pages = 4096;
    // Called by a writer just before it upgrades an older file in place
    // (log_format.md), with the file's version and the one it will have:
    // on a large log that takes minutes, and whoever started the process
    // should hear why it is not serving yet. May be empty.
    std::function<void(int64_t from, int64_t to)> before_upgrade;
  };

  // What SQLite holds in memory in this process, for every connection of
  // every store (page caches, schemas, statements).
  static uint64_t MemoryInUse();

  // Opens (and, unless read_only, creates) the log at `path`. A read-only
  // open fails with FailedPrecondition when the file is not a log yet.
  static StatusOr<std::unique_ptr<SqliteLogStore>> Open(const std::string& path,
                                                        const Options& options);
  static StatusOr<std::unique_ptr<SqliteLogStore>> Open(
      const std::string& path);

  SqliteLogStore(const SqliteLogStore&) = delete;
  SqliteLogStore& operator=(const SqliteLogStore&) = delete;
  ~SqliteLogStore() override;

  // Errors: InvalidArgument (empty event_id, unknown kind), AlreadyExists (an
  // event_id already stored or repeated within the batch), ResourceExhausted
  // (disk or max_page_count full), Unavailable (busy, I/O error),
  // FailedPrecondition (read-only instance, or another writer appended).
  // Returns only after COMMIT, i.e. after the fsync with Synchronous::kFull.
  using LogStore::Append;
  StatusOr<LogHead> Append(const Batch& batch, int64_t recorded_at_us,
                           std::vector<uint64_t>* recipient_sequences) override;
  StatusOr<std::optional<uint64_t>> FindEvent(
      std::string_view event_id) override;
  // A deferred BEGIN: SQLite takes the WAL snapshot at the first read.
  void BeginReads() override;
  void EndReads() override;
  // Replaces *out. DataLoss when a stored row is malformed (e.g. a hash that
  // is not 32 bytes), naming its sequence.
  Status Read(uint64_t from, size_t limit,
              std::vector<StoredRecord>* out) override;
  // The writer answers from memory; a read-only instance asks the file, so
  // it sees the writer's latest commit.
  StatusOr<LogHead> Head() override;
  StatusOr<std::vector<v1::RejectionCount>> CountRejections() override;
  Status ReadReplay(uint64_t from, size_t limit,
                    std::vector<StoredRecord>* out) override;
  // Through each run of participant_index, which holds a participant's
  // entries in sequence order, and the records not indexed yet.
  Status ReadParticipantRecords(std::string_view participant, uint64_t from,
                                size_t limit,
                                std::vector<StoredRecord>* out) override;
  Status ReadDeliveries(std::string_view recipient, uint64_t after,
                        size_t limit,
                        std::vector<StoredDisclosure>* out) override;
  StatusOr<uint64_t> RecipientHead(std::string_view recipient) override;
  Status ReadDisclosures(std::string_view participant, uint64_t after_id,
                         size_t limit,
                         std::vector<StoredDisclosure>* out) override;
  Status ReadProjections(std::string_view after_key, size_t limit,
                         std::vector<ProjectionRow>* out) override;

  // Appends leave the index pass, the merges of the event index's runs and
  // the fold to these. RunDueWork runs the pass, whole, once index_lag
  // records wait for it, a merge step once the appends owe one, and the
  // fold once projection_lag changes wait. RunDeferredWork adds every
  // record not indexed yet, merges until no merge is due and folds every
  // waiting change, now rather than when that many have gathered, so that
  // the passes do not hold up a later answer; RunIdleStep does one step of
  // that: a slice of index_slice event keys, the end of a pass, a merge
  // step of index_slice entries, or the fold. All are no-ops when nothing waits
  // or the instance is read-only.
  Status RunDueWork() override;
  Status RunIdleStep() override;
  Status RunDeferredWork() override;
  // The tail after meta.indexed_through (log_format.md); 0 when read-only.
  uint64_t UnindexedRecords() override;
  LookupStats EventLookups() override;
  IndexRuns IndexRunStats() override;
  // The rows in projection_changes (log_format.md); 0 when read-only.
  uint64_t UnfoldedProjectionChanges() override;

  const std::string& path() const { return path_; }
  bool read_only() const { return read_only_; }

 private:
  struct DbCloser {
    void operator()(sqlite3* db) const;
  };
  using Statement = sqlite::Statement;

  SqliteLogStore(std::string path, bool read_only, sqlite3* db);

  Status Configure(const Options& options);
  Status CreateSchema(
      const std::function<void(int64_t, int64_t)>& before_upgrade);
  StatusOr<int64_t> ReadSchemaVersion();
  Status CheckSchema();
  Status Prepare(std::string_view sql, Statement* out);
  Status PrepareStatements();
  Status LoadHead();
  // A writer's last steps of Open: the head, the changes the last writer
  // left folded, the checkpoint thread.
  Status StartWriting(const Options& options);
  Status Exec(std::string_view sql);
  Status Step(sqlite3_stmt* stmt, std::string_view what);
  StatusOr<LogHead> AppendLocked(const Batch& batch, int64_t recorded_at_us,
                                 std::vector<uint64_t>* recipient_sequences);
  // Chains the batch's records on from `*head` and inserts them inside the
  // open transaction, staging their index entries; `*head` ends at the
  // last. On an error the caller abandons the transaction.
  Status InsertRecords(const Batch& batch, int64_t recorded_at_us,
                       LogHead* head);
  Status InsertAudit(const std::vector<AuditEntry>& audit);
  Status ReadRecords(sqlite3_stmt* stmt, std::vector<StoredRecord>* out);
  // Rolls back the open transaction, if any, and returns `cause`.
  Status Abandon(Status cause);
  void EndReadsLocked();
  // What RunDueWork, RunDeferredWork and RunIdleStep do, under mu_.
  enum class DeferredScope { kDue, kAll, kOneStep };
  Status DeferredWorkLocked(DeferredScope scope);

  const std::string path_;
  const bool read_only_;
  std::mutex mu_;
  // Declared before the statements so that it is destroyed after them.
  std::unique_ptr<sqlite3, DbCloser> db_;
  Statement begin_;
  Statement begin_reads_;
  Statement commit_;
  Statement rollback_;
  Statement insert_record_;
  // sqlite::kRowsPerStep records a step (row_inserter.h).
  Statement insert_records_;
  Statement insert_audit_;
  Statement find_event_;
  Statement read_;
  Statement head_;
  Statement count_rejections_;
  Statement read_replay_;
  Statement read_participant_;
  Statement read_projections_;
  // Disclosure decisions and delivery runs, for readers and the writer.
  std::unique_ptr<DisclosureLog> disclosures_;
  // The writer's event-id and participant indexes, and its projection
  // changes; null when read-only.
  std::unique_ptr<RecordIndex> index_;
  std::unique_ptr<ProjectionLog> projections_;
  // Declared after db_: it must stop before the writer's connection closes.
  std::unique_ptr<Checkpointer> checkpointer_;
  // The writer's view of the last committed record. Stale only after a
  // COMMIT whose outcome is unknown or a conflict with another writer; then
  // it is reloaded from the file before it is used again.
  LogHead head_cache_;
  bool head_stale_ = true;
  // Whether BeginReads opened the transaction that is open now.
  bool reads_open_ = false;
};

}  // namespace samverkan::gateway

#endif  // SAMVERKAN_GATEWAY_LOG_SQLITE_LOG_STORE_H_
