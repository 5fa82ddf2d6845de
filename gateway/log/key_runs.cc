// An index's runs and their merges; see key_runs.h for why runs.
#include "gateway/log/key_runs.h"

#include <algorithm>
#include <limits>
#include <optional>

#include "gateway/log/row_inserter.h"
#include "gateway/log/sqlite_util.h"

namespace samverkan::gateway {

using sqlite::ClampToInt64;
using sqlite::FromSqlite;
using sqlite::ScopedReset;

namespace {

// WITHOUT ROWID: the key is the B-tree key, so an entry is stored once, 16
// bytes of key and sequence plus a small run id. The runs table lists every
// run with entries in the index, so a lookup knows where to probe; a
// merge's sources name its target, so that a merge cut short goes on.
constexpr char kSchema[] = R"sql(
CREATE TABLE $index(
  run INTEGER NOT NULL,
  key INTEGER NOT NULL,
  sequence INTEGER NOT NULL,
  PRIMARY KEY(run, key, sequence)
) STRICT, WITHOUT ROWID;
CREATE TABLE $runs(
  run INTEGER PRIMARY KEY,
  entries INTEGER NOT NULL,
  merging_into INTEGER
) STRICT;
)sql";
constexpr char kInsert[] =
    "INSERT OR IGNORE INTO $index(run, key, sequence) VALUES (?, ?, ?)";
// Entries a statement step inserts (row_inserter.h).
constexpr size_t kEntriesPerStep = 32;
constexpr char kAddEntries[] =
    "INSERT INTO $runs(run, entries) VALUES (?1, ?2) "
    "ON CONFLICT(run) DO UPDATE SET entries = entries + excluded.entries";
// A run's smallest entries: a merge deletes what it has moved, so what is
// left of a source always starts at its first leaf.
constexpr char kReadRun[] =
    "SELECT key, sequence FROM $index WHERE run = ?1 "
    "ORDER BY key, sequence LIMIT ?2";
constexpr char kDeleteThrough[] =
    "DELETE FROM $index WHERE run = ?1 AND (key, sequence) <= (?2, ?3)";
constexpr char kSetMergingInto[] =
    "UPDATE $runs SET merging_into = ?2 WHERE run = ?1";
constexpr char kDropRun[] = "DELETE FROM $runs WHERE run = ?1";
constexpr char kLoad[] =
    "SELECT run, entries, merging_into FROM $runs ORDER BY run";
constexpr char kLastRun[] = "SELECT coalesce(max(run), 0) FROM $index";
// Entries a merge reads per chunk, from all its sources together: a few
// hundred KiB in memory at a time.
constexpr size_t kChunk = 16384;

// Steps `stmt` (bound, expecting no rows) and resets it.
Status Run(sqlite3* db, sqlite3_stmt* stmt, int rc, std::string_view what) {
  ScopedReset reset(stmt);
  if (rc == SQLITE_OK) rc = sqlite3_step(stmt);
  return rc == SQLITE_DONE ? OkStatus() : FromSqlite(db, rc, what);
}

}  // namespace

// What one MergeStep changed, applied to memory only once it committed.
struct KeyRuns::Step {
  // A merge this step started, 0 if none, and its sources.
  uint64_t started = 0;
  std::vector<uint64_t> started_sources;
  // The merge this step moved entries of, and its sources left.
  uint64_t target = 0;
  std::vector<uint64_t> sources;
  std::map<uint64_t, int64_t> added;
  std::vector<uint64_t> dropped;
};

int KeyRuns::Tier(uint64_t entries, uint64_t unit) {
  int tier = 0;
  uint64_t bound = std::max<uint64_t>(unit, 1) * kFanout;
  while (entries >= bound) {
    ++tier;
    if (bound > std::numeric_limits<uint64_t>::max() / kFanout) break;
    bound *= kFanout;
  }
  return tier;
}

std::vector<uint64_t> KeyRuns::PickMerge(const RunSizes& runs, uint64_t unit) {
  std::map<int, std::vector<uint64_t>> tiers;
  for (const auto& [run, entries] : runs) {
    tiers[Tier(entries, unit)].push_back(run);
  }
  for (auto& [tier, members] : tiers) {
    if (members.size() >= kFanout) return std::move(members);
  }
  return {};
}

std::string KeyRuns::Substitute(std::string_view sql, const Tables& tables) {
  return sqlite::Fill(std::string(sql),
                      {{"$index", tables.index}, {"$runs", tables.runs}});
}

std::string KeyRuns::Schema(const Tables& tables) {
  return Substitute(kSchema, tables);
}

KeyRuns::KeyRuns(sqlite3* db, const Tables& tables, uint64_t unit)
    : db_(db), tables_(tables), unit_(std::max<uint64_t>(unit, 1)) {}

KeyRuns::~KeyRuns() = default;

Status KeyRuns::Prepare() {
  const std::string insert_rows =
      sqlite::RepeatValues(kInsert, kEntriesPerStep);
  const std::pair<const char*, sqlite::Statement*> statements[] = {
      {kInsert, &insert_},
      {insert_rows.c_str(), &insert_rows_},
      {kAddEntries, &add_entries_},
      {kReadRun, &read_run_},
      {kDeleteThrough, &delete_through_},
      {kSetMergingInto, &set_merging_into_},
      {kDropRun, &drop_run_},
  };
  for (const auto& [sql, stmt] : statements) {
    if (Status s = sqlite::Prepare(db_, Substitute(sql, tables_), stmt);
        !s.ok())
      return s;
  }
  return OkStatus();
}

Status KeyRuns::Load() {
  sqlite::Statement stmt;
  if (Status s = sqlite::Prepare(db_, Substitute(kLoad, tables_), &stmt);
      !s.ok())
    return s;
  RunSizes runs;
  std::map<uint64_t, std::vector<uint64_t>> merges;
  int rc;
  while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
    const auto run = static_cast<uint64_t>(sqlite3_column_int64(stmt.get(), 0));
    runs[run] = static_cast<uint64_t>(
        std::max<int64_t>(0, sqlite3_column_int64(stmt.get(), 1)));
    if (sqlite3_column_type(stmt.get(), 2) != SQLITE_NULL) {
      merges[static_cast<uint64_t>(sqlite3_column_int64(stmt.get(), 2))]
          .push_back(run);
    }
  }
  if (rc != SQLITE_DONE) {
    return FromSqlite(db_, rc, std::string("reading ") + tables_.runs);
  }
  if (Status s = sqlite::Prepare(db_, Substitute(kLastRun, tables_), &stmt);
      !s.ok()) {
    return s;
  }
  rc = sqlite3_step(stmt.get());
  if (rc != SQLITE_ROW) return FromSqlite(db_, rc, "reading the last run");
  // Every run with entries is listed; the index is asked too so that an id
  // is never given twice even if it were not.
  uint64_t last = static_cast<uint64_t>(sqlite3_column_int64(stmt.get(), 0));
  if (!runs.empty()) last = std::max(last, runs.rbegin()->first);
  runs_ = std::move(runs);
  merges_ = std::move(merges);
  next_run_ = last + 1;
  Refresh();
  return OkStatus();
}

Status KeyRuns::Append(uint64_t run, std::span<const Entry> entries) {
  int64_t added = 0;
  Status s = sqlite::InTransaction(db_, [&]() -> Status {
    if (Status inserted = Insert(run, entries, &added); !inserted.ok()) {
      return inserted;
    }
    return AddEntries(run, added);
  });
  if (s.ok()) {
    runs_[run] += static_cast<uint64_t>(added);
    work_.appended += static_cast<uint64_t>(added);
    Refresh();
  }
  return s;
}

KeyRuns::RunSizes KeyRuns::IdleRuns() const {
  RunSizes idle = runs_;
  for (const auto& [target, sources] : merges_) {
    idle.erase(target);
    for (uint64_t source : sources) idle.erase(source);
  }
  return idle;
}

uint64_t KeyRuns::SmallestMerge(const Merges& merges) const {
  auto size = [this](uint64_t run) {
    auto it = runs_.find(run);
    return it == runs_.end() ? 0 : it->second;
  };
  uint64_t smallest = 0;
  uint64_t fewest = std::numeric_limits<uint64_t>::max();
  for (const auto& [target, sources] : merges) {
    uint64_t entries = size(target);
    for (uint64_t source : sources) entries += size(source);
    if (entries < fewest) {
      fewest = entries;
      smallest = target;
    }
  }
  return smallest;
}

void KeyRuns::Refresh() {
  int top = 0;
  for (const auto& [run, entries] : runs_) {
    top = std::max(top, Tier(entries, unit_));
  }
  merge_pace_ = static_cast<size_t>(top) + 2;
  merge_due_ = !merges_.empty() || !PickMerge(IdleRuns(), unit_).empty();
}

Status KeyRuns::MergeStep(size_t max_entries) {
  if (!MergeDue()) return OkStatus();
  Step step;
  Status s = sqlite::InTransaction(db_, [&]() -> Status {
    if (Status started = StartMerge(&step); !started.ok()) return started;
    Merges merges = merges_;
    if (step.started != 0) merges[step.started] = step.started_sources;
    step.target = SmallestMerge(merges);
    if (step.target == 0) return OkStatus();
    step.sources = merges[step.target];
    for (size_t moved = 0; !step.sources.empty() && moved < max_entries;) {
      Status chunk =
          MoveChunk(std::min(kChunk, max_entries - moved), &step, &moved);
      if (!chunk.ok()) return chunk;
    }
    return OkStatus();
  });
  if (s.ok()) Apply(step);
  return s;
}

Status KeyRuns::StartMerge(Step* step) {
  std::vector<uint64_t> sources = PickMerge(IdleRuns(), unit_);
  if (sources.empty()) return OkStatus();
  const uint64_t target = next_run_;
  if (Status s = AddEntries(target, 0); !s.ok()) return s;
  for (uint64_t source : sources) {
    sqlite3_stmt* mark = set_merging_into_.get();
    int rc = sqlite3_bind_int64(mark, 1, ClampToInt64(source));
    if (rc == SQLITE_OK) rc = sqlite3_bind_int64(mark, 2, ClampToInt64(target));
    if (Status s = Run(db_, mark, rc, "starting a merge"); !s.ok()) return s;
  }
  step->started = target;
  step->started_sources = std::move(sources);
  return OkStatus();
}

Status KeyRuns::MoveChunk(size_t max_entries, Step* step, size_t* moved) {
  const size_t per_source =
      std::max<size_t>(1, max_entries / step->sources.size());
  std::vector<std::vector<Entry>> fetched(step->sources.size());
  // The smallest last entry of a source that may hold more: entries past it
  // could still have smaller ones behind them in that source.
  std::optional<Entry> bound;
  for (size_t i = 0; i < step->sources.size(); ++i) {
    sqlite3_stmt* read = read_run_.get();
    ScopedReset reset(read);
    int rc = sqlite3_bind_int64(read, 1, ClampToInt64(step->sources[i]));
    if (rc == SQLITE_OK) {
      rc = sqlite3_bind_int64(read, 2, ClampToInt64(per_source));
    }
    while (rc == SQLITE_OK && (rc = sqlite3_step(read)) == SQLITE_ROW) {
      fetched[i].emplace_back(
          sqlite3_column_int64(read, 0),
          static_cast<uint64_t>(sqlite3_column_int64(read, 1)));
      rc = SQLITE_OK;
    }
    if (rc != SQLITE_DONE) return FromSqlite(db_, rc, "reading a run");
    if (fetched[i].size() == per_source &&
        (!bound.has_value() || fetched[i].back() < *bound)) {
      bound = fetched[i].back();
    }
  }
  std::vector<Entry> moving;
  std::vector<uint64_t> left;
  for (size_t i = 0; i < step->sources.size(); ++i) {
    const uint64_t source = step->sources[i];
    auto end = bound.has_value() ? std::upper_bound(fetched[i].begin(),
                                                    fetched[i].end(), *bound)
                                 : fetched[i].end();
    const auto taken = static_cast<int64_t>(end - fetched[i].begin());
    moving.insert(moving.end(), fetched[i].begin(), end);
    // A source that gave less than asked, all of it moving, is empty.
    if (fetched[i].size() < per_source && end == fetched[i].end()) {
      sqlite3_stmt* drop = drop_run_.get();
      int rc = sqlite3_bind_int64(drop, 1, ClampToInt64(source));
      if (Status s = Run(db_, drop, rc, "merging runs"); !s.ok()) return s;
      step->dropped.push_back(source);
    } else {
      left.push_back(source);
      // Sources still merging keep their count up to date, for the tiers
      // of the next merges and for whoever reads the runs table.
      if (Status s = AddEntries(source, -taken); !s.ok()) return s;
      step->added[source] -= taken;
    }
    if (taken == 0) continue;
    const Entry& last = *(end - 1);
    sqlite3_stmt* del = delete_through_.get();
    int rc = sqlite3_bind_int64(del, 1, ClampToInt64(source));
    if (rc == SQLITE_OK) rc = sqlite3_bind_int64(del, 2, last.first);
    if (rc == SQLITE_OK) {
      rc = sqlite3_bind_int64(del, 3, ClampToInt64(last.second));
    }
    if (Status s = Run(db_, del, rc, "merging runs"); !s.ok()) return s;
  }
  std::sort(moving.begin(), moving.end());
  int64_t inserted = 0;
  if (Status s = Insert(step->target, moving, &inserted); !s.ok()) return s;
  if (Status s = AddEntries(step->target, inserted); !s.ok()) return s;
  step->added[step->target] += inserted;
  step->sources = std::move(left);
  *moved += moving.size();
  return OkStatus();
}

Status KeyRuns::Insert(uint64_t run, std::span<const Entry> entries,
                       int64_t* inserted) {
  sqlite::RowInserter rows(insert_.get(), insert_rows_.get(), 3,
                           kEntriesPerStep, entries.size());
  for (const auto& [key, sequence] : entries) {
    sqlite3_stmt* stmt = rows.stmt();
    const int at = rows.first();
    int rc = sqlite3_bind_int64(stmt, at, ClampToInt64(run));
    if (rc == SQLITE_OK) rc = sqlite3_bind_int64(stmt, at + 1, key);
    if (rc == SQLITE_OK) {
      rc = sqlite3_bind_int64(stmt, at + 2, ClampToInt64(sequence));
    }
    if (rc == SQLITE_OK) rc = rows.RowBound();
    if (rc != SQLITE_OK) {
      return FromSqlite(db_, rc, std::string("adding to ") + tables_.index);
    }
  }
  // OR IGNORE: entries already there are not counted.
  *inserted += rows.changes();
  return OkStatus();
}

Status KeyRuns::AddEntries(uint64_t run, int64_t entries) {
  sqlite3_stmt* stmt = add_entries_.get();
  int rc = sqlite3_bind_int64(stmt, 1, ClampToInt64(run));
  if (rc == SQLITE_OK) rc = sqlite3_bind_int64(stmt, 2, entries);
  return Run(db_, stmt, rc, "counting a run's entries");
}

void KeyRuns::Apply(const Step& step) {
  if (step.started != 0) {
    next_run_ = std::max(next_run_, step.started + 1);
    merges_[step.started] = step.started_sources;
  }
  for (const auto& [run, added] : step.added) {
    const int64_t now = static_cast<int64_t>(runs_[run]) + added;
    runs_[run] = static_cast<uint64_t>(std::max<int64_t>(0, now));
    // What a merge adds to a run, it adds only to its target.
    if (run == step.target) work_.merged += static_cast<uint64_t>(added);
  }
  for (uint64_t run : step.dropped) runs_.erase(run);
  if (step.target != 0 && step.sources.empty()) {
    merges_.erase(step.target);
  } else if (step.target != 0) {
    merges_[step.target] = step.sources;
  }
  Refresh();
}

}  // namespace samverkan::gateway
