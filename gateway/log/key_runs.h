// An index of the log as sorted runs, merged a bounded step at a time: the
// event index and the participant index are each one.
//
// Their keys are hashes (of event ids, of participants), so a pass
// inserting them into one B-tree dirties a leaf page per key once the index
// has more leaves than a pass has keys: about 20 µs a record for the event
// index on a 10M-record log, and a pass a second long (docs/BENCHMARKS.md,
// "The event index at scale"); a page per participant for the participant
// index. Instead each pass appends its keys, sorted, as a run of its own:
// rows keyed (run, key, sequence) with a run id larger than any before, so
// the run's pages are new and written once, in order. Runs of a tier (about
// kFanout^t passes' worth) are merged, kFanout or more at a time, into one new
// run; each merge step moves the sources' smallest entries into the target and
// deletes them from the sources in one transaction, so every entry is in
// exactly one run at every commit, a merge cut short goes on from where it
// stopped, and each key is rewritten about log_kFanout(records / unit)
// times in its life. Merges of different tiers may be under way at once;
// the smallest goes first, so that a long merge of large runs does not
// leave small ones piling up. A lookup probes every run its runs table
// lists; the runs stay few (under kFanout a tier), and for event ids the
// event key filter spares nearly every lookup the probes. See
// log_format.md.
#ifndef SAMVERKAN_GATEWAY_LOG_KEY_RUNS_H_
#define SAMVERKAN_GATEWAY_LOG_KEY_RUNS_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "gateway/log/sqlite_statement.h"

struct sqlite3;

namespace samverkan::gateway {

class KeyRuns {
 public:
  // The two tables of one index: `index` holds its entries keyed (run, key,
  // sequence), `runs` lists its runs.
  struct Tables {
    const char* index;
    const char* runs;
  };
  static constexpr Tables kEvents{"event_index", "event_runs"};
  static constexpr Tables kParticipants{"participant_index",
                                        "participant_runs"};

  // (key, sequence), in that order.
  using Entry = std::pair<int64_t, uint64_t>;
  // Run id -> the entries it holds.
  using RunSizes = std::map<uint64_t, uint64_t>;
  // A merge's target -> its sources not yet emptied.
  using Merges = std::map<uint64_t, std::vector<uint64_t>>;

  static constexpr size_t kFanout = 8;
  // The CREATE TABLE statements of `tables`, part of RecordIndex's schema.
  static std::string Schema(const Tables& tables);
  // `sql` with $index and $runs naming `tables`.
  static std::string Substitute(std::string_view sql, const Tables& tables);

  // A run's tier: 0 below unit * kFanout entries, t when it holds about
  // unit * kFanout^t.
  static int Tier(uint64_t entries, uint64_t unit);
  // The runs the next merge takes: every run of the lowest tier that has
  // kFanout or more, or none.
  static std::vector<uint64_t> PickMerge(const RunSizes& runs, uint64_t unit);

  // `db` is the writer's connection; not owned, it must outlive this object.
  // `unit` is the entries of a pass (the index lag): tiers count from it.
  KeyRuns(sqlite3* db, const Tables& tables, uint64_t unit);
  KeyRuns(const KeyRuns&) = delete;
  KeyRuns& operator=(const KeyRuns&) = delete;
  ~KeyRuns();

  Status Prepare();
  // Reads the runs table: the runs, and the merges under way.
  Status Load();

  // A run id larger than every run's, for a pass to append to.
  uint64_t NewRun() { return next_run_++; }
  // In a transaction of its own: appends `entries`, in key order, to
  // `run`. Entries already there are left as they are (OR IGNORE: a pass
  // cut short is done again). On error nothing changed.
  Status Append(uint64_t run, std::span<const Entry> entries);

  // Whether a merge is under way or some tier is full.
  bool MergeDue() const { return merge_due_; }
  // In a transaction of its own: starts the merge PickMerge names among the
  // runs no merge holds, if any, then moves up to about `max_entries` into
  // the target of the smallest merge under way. Nothing when no merge is
  // due. On error nothing changed.
  Status MergeStep(size_t max_entries);
  // The entries to merge per record appended for merging to keep pace with
  // the passes: each record's entry is rewritten once per tier it climbs,
  // and one more gives the merges slack to catch up.
  size_t MergePace() const { return merge_pace_; }

  const RunSizes& runs() const { return runs_; }
  const Merges& merges() const { return merges_; }

  // The index's upkeep since this object was made: entries passes
  // appended, and entries merges wrote into their targets. Their ratio is
  // how many times an entry is rewritten, which the fanout sets.
  struct Work {
    uint64_t appended = 0;
    uint64_t merged = 0;
  };
  const Work& work() const { return work_; }

 private:
  struct Step;
  // The runs no merge holds, as a source or as the target.
  RunSizes IdleRuns() const;
  // The merge of `merges` with the fewest entries; 0 when there is none.
  uint64_t SmallestMerge(const Merges& merges) const;
  Status StartMerge(Step* step);
  // Moves the sources' smallest entries, about max_entries of them, into
  // the target; adds how many to *moved.
  Status MoveChunk(size_t max_entries, Step* step, size_t* moved);
  // Inserts OR IGNORE, adding to *inserted the entries that were new.
  Status Insert(uint64_t run, std::span<const Entry> entries,
                int64_t* inserted);
  Status AddEntries(uint64_t run, int64_t entries);
  void Apply(const Step& step);
  // Recomputes what MergeDue and MergePace answer, after runs_ or merges_
  // changed; the writer asks after every batch.
  void Refresh();

  sqlite3* const db_;
  const Tables tables_;
  const uint64_t unit_;
  sqlite::Statement insert_;
  sqlite::Statement insert_rows_;
  sqlite::Statement add_entries_;
  sqlite::Statement read_run_;
  sqlite::Statement delete_through_;
  sqlite::Statement set_merging_into_;
  sqlite::Statement drop_run_;
  RunSizes runs_;
  uint64_t next_run_ = 1;
  Merges merges_;
  Work work_;
  bool merge_due_ = false;
  size_t merge_pace_ = 2;
};

}  // namespace samverkan::gateway

#endif  // SAMVERKAN_GATEWAY_LOG_KEY_RUNS_H_
