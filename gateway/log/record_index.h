// The log's lookups by event id (idempotency) and by participant (timeline,
// disclosure report), kept off the commit path.
//
// A random-keyed B-tree index on `records` makes every group commit dirty
// nearly every leaf page of it, and WAL writes each dirty page twice, so the
// bytes written per event grew with the log (docs/BENCHMARKS.md). Instead,
// records are appended with no such index, and every `lag` records the
// writer adds the new ones to `event_index` and `participant_index` in one
// sorted pass that ends with a transaction moving `indexed_through` in
// `meta`. The pass appends the records' event keys, then their participant
// keys, each in key order as a run of its own (key_runs.h), `slice` at a
// time, each slice its own transaction: an idle writer does a slice at a
// time, so that a batch arriving meanwhile waits for one slice, not the
// pass (a pass due under load is done whole). A pass cut short is done
// again from the start, in runs of its own. Until then the writer finds
// recent event ids in memory, and queries read the unindexed tail from
// `records` (kParticipantSequences does it for participants). See
// log_format.md.
#ifndef SAMVERKAN_GATEWAY_LOG_RECORD_INDEX_H_
#define SAMVERKAN_GATEWAY_LOG_RECORD_INDEX_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/status.h"
#include "common/string_map.h"
#include "gateway/log/event_key_filter.h"
#include "gateway/log/event_key_filter_build.h"
#include "gateway/log/key_runs.h"
#include "gateway/log/sqlite_statement.h"

struct sqlite3;

namespace samverkan::gateway {

class RecordIndex {
 public:
  // The schema objects, created with the log (and by the upgrade from
  // schema version 2).
  static const char kSchema[];
  // Selects the sequence of the indexed record with key ?1 and event id ?2;
  // a statement built on it is what FindIndexed steps.
  static const char kFindIndexed[];
  // Selects, in order and once each, the sequences of the records whose
  // participant has the key ?4 (Key(participant_id)) from FROM_SEQUENCE on
  // (text the caller puts in: a parameter or an expression), and of those
  // not indexed yet with participant_id ?1. Participants may share a key:
  // the caller keeps the records that carry ?1.
  static const char kParticipantSequences[];

  // An index's key for an event id or a participant: the first 8 bytes of
  // its SHA-256. Distinct ids may share one (lookups confirm on the
  // record); a hash an agency cannot steer keeps such sharing to chance.
  static int64_t Key(std::string_view text);
  // Defines samverkan_key(text) on `db`, which the writer's Load and the
  // upgrades from versions 5 and 8 compute keys with.
  static Status RegisterFunctions(sqlite3* db);
  // Binds event_id and its key to `find` (prepared from kFindIndexed, with
  // or without more after it), steps it once and resets it: the sequence,
  // or none when there is no row.
  static StatusOr<std::optional<uint64_t>> FindIndexed(
      sqlite3* db, sqlite3_stmt* find, std::string_view event_id);
  static StatusOr<std::optional<uint64_t>> FindIndexed(
      sqlite3* db, sqlite3_stmt* find, std::string_view event_id, int64_t key);

  // The smallest event key filter, so that a young log's grows rarely.
  static constexpr size_t kMinFilterCapacity = size_t{1} << 20;

  // `db` is the writer's connection; not owned, it must outlive this object.
  // `lag` is how many records may wait for the index; `slice` how many
  // event keys one FlushSlice inserts.
  RecordIndex(sqlite3* db, size_t lag, size_t slice = 4096);
  RecordIndex(const RecordIndex&) = delete;
  RecordIndex& operator=(const RecordIndex&) = delete;
  ~RecordIndex();

  Status Prepare();
  // Reads indexed_through and the event ids of the records after it; called
  // at open and whenever the file may have changed behind the writer's back.
  // If the index is not the one the event key filter was made for, the
  // filter is dropped and built again in the background.
  Status Load();

  // The sequence of the logged record carrying event_id, if any. An id not
  // found is remembered until the next Commit, so that appending it right
  // after this lookup (the gateway's idempotency stage, then its commit)
  // searches the index once, not twice. The index is searched only when
  // the event key filter may hold the id's key, or is not built yet.
  StatusOr<std::optional<uint64_t>> Find(std::string_view event_id);

  // Inside the open append transaction: AlreadyExists when event_id is
  // logged or already staged by this batch. The event_id view must stay
  // valid until Commit or Discard.
  Status Stage(std::string_view event_id, std::string_view participant_id,
               uint64_t sequence);
  // After COMMIT the staged ids are logged; after a failure they never were.
  void Commit();
  void Discard() {
    staged_.clear();
    absent_.clear();
  }

  // Whether enough records wait for the index to be worth a pass.
  bool Due() const { return pending_.size() >= lag_; }
  // One step of a pass, in a transaction of its own (none may be open): it
  // starts a pass over the records up to `head` if none is under way, and
  // inserts the next `slice` of its event keys, then of its participant
  // keys, or, when they are all in, moves indexed_through. On error
  // the step changes nothing; Load forgets the pass, and the next pass
  // inserts its keys again.
  Status FlushSlice(uint64_t head);
  // Indexes every record up to `head`: the pass under way, if any, and one
  // over whatever it left.
  Status Flush(uint64_t head);

  size_t pending() const { return pending_.size(); }

  // Merges of the two indexes' runs (key_runs.h), at the three paces of
  // the deferred work, each step in a transaction of its own that changes
  // nothing when it fails. PaceMerges merges as the appends owe: every
  // record appended up to `head` since its last call owes each index
  // KeyRuns::MergePace() entries moved, and once a slice's worth is owed
  // they are moved in one step (one index's, at most one per call), so
  // that merging is spread over the appends rather than heaped after a
  // pass. MergeSlice moves a slice, for an idle
  // writer; MergeAll merges until none is due. None is to run while a pass
  // is under way: its runs are not whole yet.
  bool MergeDue() const;
  Status PaceMerges(uint64_t head);
  Status MergeSlice();
  Status MergeAll();

  // Whether lookups consult the event key filter (rather than only the
  // index); how many lookups were not answered by the tail, and how many
  // of those searched the index; the filter's memory.
  bool filter_ready() const { return filter_ != nullptr; }
  uint64_t lookups() const { return lookups_; }
  uint64_t index_searches() const { return index_searches_; }
  uint64_t filter_bytes() const {
    return filter_ == nullptr ? 0 : filter_->bytes();
  }
  const KeyRuns& event_runs() const { return events_.runs; }
  const KeyRuns& participant_runs() const { return participants_.runs; }

 private:
  // Find, given the id's key: the tail in memory, then the index (when the
  // filter may hold the key). Remembers nothing.
  StatusOr<std::optional<uint64_t>> Lookup(std::string_view event_id,
                                           int64_t key);
  // Whether the record at `sequence` carries `event_id`: a tail entry is
  // found by key, which distinct ids may share.
  StatusOr<bool> RecordCarries(uint64_t sequence, std::string_view event_id);
  // The pass's first step: its entries, sorted, and their keys into the
  // filter, before any is in the index.
  void StartPass(uint64_t head);
  Status InsertSlice();
  Status FinishPass();
  // Drops the filter and makes one for an index holding `entries` keys: an
  // empty one at once when there are none, else by a background build.
  void ResetFilter(uint64_t entries);
  void StartBuild(uint64_t entries);
  // Adopts a finished build's filter, with the keys indexed meanwhile.
  void AdoptBuild();

  sqlite3* const db_;
  const size_t lag_;
  const size_t slice_;
  sqlite::Statement find_;
  sqlite::Statement set_indexed_through_;
  sqlite::Statement event_id_at_;
  uint64_t indexed_through_ = 0;
  // Committed records after indexed_through_: event key -> sequence. Keyed
  // by the 8-byte key, not the id, so that remembering a commit's ids copies
  // no strings and the index pass has their keys at hand for the filter.
  std::unordered_multimap<int64_t, uint64_t> pending_;
  // The same records' participant keys, (key, sequence).
  std::vector<KeyRuns::Entry> pending_participants_;
  // An index's runs and the entries its merges are owed.
  struct Merging {
    Merging(sqlite3* db, const KeyRuns::Tables& tables, uint64_t unit);
    KeyRuns runs;
    size_t owed = 0;
  };
  Merging events_;
  Merging participants_;
  // The head PaceMerges last saw.
  uint64_t paced_through_ = 0;
  struct Pass {
    uint64_t head = 0;  // indexes (indexed_through_, head]
    uint64_t event_run = 0;
    uint64_t participant_run = 0;
    std::vector<KeyRuns::Entry> events;
    std::vector<KeyRuns::Entry> participants;
    // Of events, then participants.
    size_t inserted = 0;
  };
  std::optional<Pass> pass_;
  struct Staged {
    uint64_t sequence;
    int64_t key;
    int64_t participant;
  };
  // This batch's, until it commits; the views point into the batch.
  std::unordered_map<std::string_view, Staged> staged_;
  // Ids looked up and not logged since the last commit, with their keys.
  // Only an append adds ids to the log, and every append goes through
  // Stage, so none of these can have been logged meanwhile except through
  // staged_.
  StringMap<int64_t> absent_;
  // The file the filter builds read; empty for a database without one.
  const std::string path_;
  // Holds every key in event_index (and may hold more); null while none
  // does, e.g. while the first build reads a log opened with an index.
  std::unique_ptr<EventKeyFilter> filter_;
  std::unique_ptr<EventKeyFilterBuild> build_;
  // Keys indexed since build_ started, which its snapshot may lack.
  std::vector<int64_t> indexed_during_build_;
  uint64_t lookups_ = 0;
  uint64_t index_searches_ = 0;
};

}  // namespace samverkan::gateway

#endif  // SAMVERKAN_GATEWAY_LOG_RECORD_INDEX_H_
