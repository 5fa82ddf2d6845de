// The deferred event-id and participant indexes (record_index.h), through
// SqliteLogStore with a small lag so that every test crosses the boundary
// between indexed records and the tail: lookups, duplicates, reopen, readers
// in another connection, and disclosures whose body is the record's own.
#include "gateway/log/record_index.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "gateway/log/sqlite_log_store.h"
#include "gateway/log/test_util.h"

namespace samverkan::gateway {
namespace {

using testing::AppendThenDueWork;
using testing::kT0;
using testing::MakeBatch;
using testing::MakeRecord;
using testing::OpenOrDie;
using testing::QueryInt;
using testing::TempDir;

constexpr size_t kLag = 5;

std::unique_ptr<SqliteLogStore> Open(const std::string& path,
                                     bool read_only = false) {
  SqliteLogStore::Options options;
  options.read_only = read_only;
  options.index_lag = kLag;
  return OpenOrDie(path, options);
}

// Sequences of the records about `participant`, as the store reads them.
std::vector<uint64_t> ParticipantSequences(LogStore& store,
                                           const std::string& participant,
                                           uint64_t from = 1) {
  std::vector<StoredRecord> records;
  EXPECT_TRUE(
      store.ReadParticipantRecords(participant, from, 1000, &records).ok());
  std::vector<uint64_t> out;
  for (const StoredRecord& r : records) {
    EXPECT_EQ(r.participant_id, participant);
    out.push_back(r.sequence);
  }
  return out;
}

// The records of the disclosure decisions about `participant`, as the
// disclosure report reads them.
std::vector<uint64_t> ReportSequences(LogStore& store,
                                      const std::string& participant) {
  std::vector<StoredDisclosure> rows;
  EXPECT_TRUE(store.ReadDisclosures(participant, 0, 1000, &rows).ok());
  std::vector<uint64_t> out;
  for (const StoredDisclosure& d : rows) {
    EXPECT_EQ(d.participant_id, participant);
    out.push_back(d.log_sequence);
  }
  return out;
}

// `batch` with each record delivered whole to af.
Batch DeliveredToAf(Batch batch) {
  for (size_t i = 0; i < batch.records.size(); ++i) {
    Disclosure d;
    d.record_index = i;
    d.recipient = "af";
    d.delivered = true;
    d.body = batch.records[i].body;
    batch.disclosures.push_back(d);
  }
  return batch;
}

// MakeRecord(n) is about p-<1000 + n % 7>; the expected sequences of one.
std::vector<uint64_t> Expected(int participant_mod, int last, uint64_t from) {
  std::vector<uint64_t> out;
  for (int n = 1; n <= last; ++n) {
    if (n % 7 == participant_mod && static_cast<uint64_t>(n) >= from) {
      out.push_back(n);
    }
  }
  return out;
}

class RecordIndexTest : public ::testing::Test {
 protected:
  std::string Path() const { return dir_.File("log.sqlite"); }
  // The writer with index passes and merge steps of `slice` entries.
  std::unique_ptr<SqliteLogStore> OpenSliced(size_t slice) const {
    SqliteLogStore::Options options;
    options.index_lag = kLag;
    options.index_slice = slice;
    return OpenOrDie(Path(), options);
  }
  int64_t IndexedThrough() const {
    return QueryInt(Path(),
                    "SELECT value FROM meta WHERE key = 'indexed_through'");
  }
  TempDir dir_;
};

TEST_F(RecordIndexTest, RecordsAreIndexedInPassesOfLagRecords) {
  auto store = Open(Path());
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(AppendThenDueWork(*store, MakeBatch(1, 4), kT0).ok());
  EXPECT_EQ(IndexedThrough(), 0);
  EXPECT_EQ(QueryInt(Path(), "SELECT count(*) FROM event_index"), 0);
  // The fifth record makes the lag; the flush takes everything committed.
  ASSERT_TRUE(AppendThenDueWork(*store, MakeBatch(5, 3), kT0 + 1).ok());
  EXPECT_EQ(IndexedThrough(), 7);
  EXPECT_EQ(QueryInt(Path(), "SELECT count(*) FROM event_index"), 7);
  EXPECT_EQ(QueryInt(Path(), "SELECT count(*) FROM participant_index"), 7);
  ASSERT_TRUE(AppendThenDueWork(*store, MakeBatch(8, 2), kT0 + 2).ok());
  EXPECT_EQ(IndexedThrough(), 7);
}

// The batch that makes the lag is answered before its pass: Append only
// commits, and the writer runs what is due after answering.
TEST_F(RecordIndexTest, AppendLeavesTheDuePassToRunDueWork) {
  auto store = Open(Path());
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->Append(MakeBatch(1, 4), kT0).ok());
  ASSERT_TRUE(store->RunDueWork().ok());  // 4 < kLag: nothing due
  EXPECT_EQ(IndexedThrough(), 0);
  ASSERT_TRUE(store->Append(MakeBatch(5, 3), kT0 + 1).ok());
  EXPECT_EQ(IndexedThrough(), 0);
  EXPECT_EQ(store->UnindexedRecords(), 7u);
  EXPECT_EQ(*store->FindEvent("evt-6"), std::optional<uint64_t>(6));
  ASSERT_TRUE(store->RunDueWork().ok());
  EXPECT_EQ(IndexedThrough(), 7);
  EXPECT_EQ(store->UnindexedRecords(), 0u);
  EXPECT_EQ(*store->FindEvent("evt-6"), std::optional<uint64_t>(6));
}

// An idle writer indexes a slice of keys per step, so that a batch
// arriving meanwhile waits for one slice; readers and the writer find every
// record, by id and by participant, throughout.
TEST_F(RecordIndexTest, IdlePassRunsInSlices) {
  auto store = OpenSliced(2);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->Append(MakeBatch(1, 4), kT0).ok());
  auto reader = Open(Path(), /*read_only=*/true);
  ASSERT_NE(reader, nullptr);
  // Four event keys in slices of two, then four participant keys, then the
  // boundary.
  const struct {
    int64_t event_keys;
    int64_t participant_keys;
  } steps[] = {{2, 0}, {4, 0}, {4, 2}, {4, 4}, {4, 4}};
  for (const auto& step : steps) {
    ASSERT_EQ(IndexedThrough(), 0);
    ASSERT_TRUE(store->RunIdleStep().ok());
    EXPECT_EQ(QueryInt(Path(), "SELECT count(*) FROM event_index"),
              step.event_keys);
    EXPECT_EQ(QueryInt(Path(), "SELECT count(*) FROM participant_index"),
              step.participant_keys);
    for (int n = 1; n <= 4; ++n) {
      const std::string id = "evt-" + std::to_string(n);
      EXPECT_EQ(*store->FindEvent(id), std::optional<uint64_t>(n)) << id;
      EXPECT_EQ(*reader->FindEvent(id), std::optional<uint64_t>(n)) << id;
    }
    for (int mod : {1, 2, 3, 4}) {
      const std::string participant = "p-" + std::to_string(1000 + mod);
      EXPECT_EQ(ParticipantSequences(*reader, participant),
                Expected(mod, 4, 1));
      EXPECT_EQ(ParticipantSequences(*store, participant), Expected(mod, 4, 1));
    }
  }
  EXPECT_EQ(IndexedThrough(), 4);
  EXPECT_EQ(store->UnindexedRecords(), 0u);
  ASSERT_TRUE(store->RunIdleStep().ok());  // nothing left
  EXPECT_EQ(QueryInt(Path(), "SELECT count(*) FROM event_index"), 4);
  EXPECT_EQ(QueryInt(Path(), "SELECT count(*) FROM participant_index"), 4);
}

// A pass that becomes due while an idle one is under way finishes both.
// One cut short (the writer stopped) leaves some keys in the index and
// indexed_through where it was; the next pass inserts them again, in a run
// of its own.
TEST_F(RecordIndexTest, PassCutShortIsDoneAgainWhole) {
  {
    auto store = OpenSliced(3);
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->Append(MakeBatch(1, 4), kT0).ok());
    ASSERT_TRUE(store->RunIdleStep().ok());
    ASSERT_EQ(QueryInt(Path(), "SELECT count(*) FROM event_index"), 3);
    ASSERT_EQ(IndexedThrough(), 0);
  }
  auto store = OpenSliced(3);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->UnindexedRecords(), 4u);
  ASSERT_TRUE(store->RunIdleStep().ok());
  ASSERT_TRUE(AppendThenDueWork(*store, MakeBatch(5, 2), kT0 + 1).ok());
  EXPECT_EQ(IndexedThrough(), 6);
  // The pass done again (records 1-4) wrote a run of its own, as did the
  // one after it (5-6); the 3 keys the cut one left stay in theirs until a
  // merge (key_runs.h) keeps one of each.
  EXPECT_EQ(QueryInt(Path(), "SELECT count(*) FROM event_index"), 9);
  EXPECT_EQ(QueryInt(Path(),
                     "SELECT count(*) FROM (SELECT DISTINCT key, "
                     "sequence FROM event_index)"),
            6);
  EXPECT_EQ(QueryInt(Path(), "SELECT count(*) FROM event_runs"), 3);
  Batch again;
  again.records = {MakeRecord(2)};
  EXPECT_EQ(store->Append(again, kT0 + 2).status().code(),
            StatusCode::kAlreadyExists);
}

// The participant keys of a pass cut short stay in a run of their own as
// well; a participant's records are read once each all the same.
TEST_F(RecordIndexTest, ParticipantKeysOfAPassDoneAgainAreReadOnce) {
  {
    auto store = OpenSliced(3);
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->Append(DeliveredToAf(MakeBatch(1, 4)), kT0).ok());
    for (int step = 0; step < 3; ++step) {
      ASSERT_TRUE(store->RunIdleStep().ok());  // 3 + 1 event keys, 3 more
    }
    ASSERT_EQ(QueryInt(Path(), "SELECT count(*) FROM participant_index"), 3);
    ASSERT_EQ(IndexedThrough(), 0);
  }
  auto store = OpenSliced(3);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(
      AppendThenDueWork(*store, DeliveredToAf(MakeBatch(5, 10)), kT0 + 1).ok());
  EXPECT_EQ(IndexedThrough(), 14);
  EXPECT_EQ(QueryInt(Path(), "SELECT count(*) FROM participant_index"), 17);
  auto reader = Open(Path(), /*read_only=*/true);
  ASSERT_NE(reader, nullptr);
  for (int mod = 0; mod < 7; ++mod) {
    const std::string participant = "p-" + std::to_string(1000 + mod);
    EXPECT_EQ(ParticipantSequences(*reader, participant), Expected(mod, 14, 1))
        << participant;
    EXPECT_EQ(ParticipantSequences(*store, participant, 3),
              Expected(mod, 14, 3))
        << participant;
    EXPECT_EQ(ReportSequences(*reader, participant), Expected(mod, 14, 1))
        << participant;
  }
}

// Forty passes of five: their runs merge (key_runs.h) in the due work
// as the records arrive, and every id is still found, by the writer and by
// a reader.
TEST_F(RecordIndexTest, RunsMergeAsPassesGoAndEveryIdIsStillFound) {
  constexpr int kRecords = 200;
  auto store = OpenSliced(10);  // a merge step once ten entries are owed
  ASSERT_NE(store, nullptr);
  for (int first = 1; first <= kRecords; first += 5) {
    ASSERT_TRUE(
        AppendThenDueWork(*store, MakeBatch(first, 5), kT0 + first).ok());
  }
  EXPECT_EQ(IndexedThrough(), kRecords);
  EXPECT_EQ(QueryInt(Path(), "SELECT count(*) FROM event_index"), kRecords);
  // Forty runs of 5 if nothing merged; merged as they go, runs of 40 (a
  // tier) and fewer than a tier's worth of runs of 5.
  EXPECT_LE(QueryInt(Path(), "SELECT count(*) FROM event_runs"),
            static_cast<int64_t>(KeyRuns::kFanout) + 5);
  EXPECT_GE(QueryInt(Path(), "SELECT max(entries) FROM event_runs"), 40);
  EXPECT_EQ(QueryInt(Path(), "SELECT sum(entries) FROM event_runs"), kRecords);
  // The participant keys likewise.
  EXPECT_LE(QueryInt(Path(), "SELECT count(*) FROM participant_runs"),
            static_cast<int64_t>(KeyRuns::kFanout) + 5);
  EXPECT_EQ(QueryInt(Path(), "SELECT sum(entries) FROM participant_runs"),
            kRecords);
  EXPECT_EQ(QueryInt(Path(), "SELECT count(*) FROM participant_index"),
            kRecords);
  auto reader = Open(Path(), /*read_only=*/true);
  ASSERT_NE(reader, nullptr);
  for (int mod = 0; mod < 7; ++mod) {
    const std::string participant = "p-" + std::to_string(1000 + mod);
    EXPECT_EQ(ParticipantSequences(*reader, participant),
              Expected(mod, kRecords, 1))
        << participant;
  }
  for (int n = 1; n <= kRecords; ++n) {
    EXPECT_EQ(*reader->FindEvent("evt-" + std::to_string(n)),
              std::optional<uint64_t>(n));
    Batch again;
    again.records = {MakeRecord(n)};
    EXPECT_EQ(store->Append(again, kT0 + 1000).status().code(),
              StatusCode::kAlreadyExists);
  }
}

// Too few records to owe a merge step under load; an idle writer merges
// what is due anyway, a slice per step.
TEST_F(RecordIndexTest, IdleStepsMergeWhatIsDue) {
  auto store = Open(Path());
  ASSERT_NE(store, nullptr);
  const int records = static_cast<int>(KeyRuns::kFanout * kLag);
  for (int first = 1; first <= records; first += kLag) {
    ASSERT_TRUE(
        AppendThenDueWork(*store, MakeBatch(first, kLag), kT0 + first).ok());
  }
  EXPECT_EQ(QueryInt(Path(), "SELECT count(*) FROM event_runs"),
            static_cast<int64_t>(KeyRuns::kFanout));
  ASSERT_TRUE(store->RunIdleStep().ok());
  EXPECT_EQ(QueryInt(Path(), "SELECT count(*) FROM event_runs"), 1);
  EXPECT_EQ(QueryInt(Path(), "SELECT entries FROM event_runs"), records);
  EXPECT_EQ(QueryInt(Path(), "SELECT count(*) FROM event_index"), records);
}

// An idle pass cut short by a batch is still adding to its run: merges
// owed meanwhile wait for it, so that its run is not merged half-written.
TEST_F(RecordIndexTest, MergesWaitForAPassUnderWay) {
  auto store = OpenSliced(3);
  ASSERT_NE(store, nullptr);
  // Eight runs of five, merged by the idle steps.
  const int full = static_cast<int>(KeyRuns::kFanout * kLag);
  for (int first = 1; first <= full; first += kLag) {
    ASSERT_TRUE(store->Append(MakeBatch(first, kLag), kT0 + first).ok());
    ASSERT_TRUE(store->RunDeferredWork().ok());
  }
  ASSERT_EQ(QueryInt(Path(), "SELECT count(*) FROM event_runs"), 1);
  // Seven more runs: one short of a full tier of runs of five.
  const int seven = static_cast<int>(KeyRuns::kFanout - 1) * kLag;
  for (int first = full + 1; first <= full + seven; first += kLag) {
    ASSERT_TRUE(store->Append(MakeBatch(first, kLag), kT0 + first).ok());
    ASSERT_TRUE(store->RunDeferredWork().ok());
  }
  ASSERT_EQ(QueryInt(Path(), "SELECT count(*) FROM event_runs"),
            static_cast<int64_t>(KeyRuns::kFanout));
  // An idle pass over two records writes its run (the eighth of the
  // tier), then a batch arrives before the pass is finished.
  int next = full + seven + 1;
  ASSERT_TRUE(store->Append(MakeBatch(next, 2), kT0 + next).ok());
  ASSERT_TRUE(store->RunIdleStep().ok());
  ASSERT_EQ(QueryInt(Path(), "SELECT count(*) FROM event_runs"),
            static_cast<int64_t>(KeyRuns::kFanout) + 1);
  next += 2;
  ASSERT_TRUE(AppendThenDueWork(*store, MakeBatch(next, 2), kT0 + next).ok());
  EXPECT_EQ(QueryInt(Path(),
                     "SELECT count(*) FROM event_runs "
                     "WHERE merging_into IS NOT NULL"),
            0);
  // Once the pass is done, the tier merges.
  ASSERT_TRUE(store->RunDeferredWork().ok());
  EXPECT_EQ(QueryInt(Path(),
                     "SELECT count(*) FROM event_runs "
                     "WHERE merging_into IS NOT NULL"),
            0);
  EXPECT_EQ(QueryInt(Path(), "SELECT count(*) FROM event_runs"), 2);
  EXPECT_EQ(QueryInt(Path(), "SELECT count(*) FROM event_index"), next + 1);
}

TEST_F(RecordIndexTest, EventKeyIsTheFirstEightBytesOfTheIdsSha256) {
  // SHA-256("abc") begins ba7816bf8f01cfea.
  EXPECT_EQ(static_cast<uint64_t>(RecordIndex::Key("abc")),
            0xba7816bf8f01cfeaULL);
  EXPECT_NE(RecordIndex::Key("evt-1"), RecordIndex::Key("evt-2"));
}

// Two ids may share a key: an entry is taken as an id's only when the
// record it points at carries that id.
TEST_F(RecordIndexTest, IdsSharingAKeyAreToldApartByTheRecord) {
  {
    auto store = Open(Path());
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(AppendThenDueWork(*store, MakeBatch(1, 7), kT0).ok());
    ASSERT_EQ(IndexedThrough(), 7);
  }
  // evt-100's key, pointing at record 3 (evt-3), as a collision would.
  testing::ExecOnFile(Path(),
                      "INSERT INTO event_index(run, key, sequence) VALUES ("
                      "(SELECT max(run) FROM event_runs), " +
                          std::to_string(RecordIndex::Key("evt-100")) + ", 3)");
  auto reader = Open(Path(), /*read_only=*/true);
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(*reader->FindEvent("evt-100"), std::nullopt);
  EXPECT_EQ(*reader->FindEvent("evt-3"), std::optional<uint64_t>(3));
  auto store = Open(Path());
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(*store->FindEvent("evt-100"), std::nullopt);
  EXPECT_EQ(*store->FindEvent("evt-3"), std::optional<uint64_t>(3));
  Batch batch;
  batch.records = {MakeRecord(100)};
  ASSERT_TRUE(AppendThenDueWork(*store, batch, kT0 + 1).ok());
  EXPECT_EQ(*store->FindEvent("evt-100"), std::optional<uint64_t>(8));
  Batch again;
  again.records = {MakeRecord(3)};
  EXPECT_EQ(AppendThenDueWork(*store, again, kT0 + 2).status().code(),
            StatusCode::kAlreadyExists);
}

// Two participants may share a key too: a participant's reads keep only the
// records that carry it, the timeline and the disclosure report alike.
TEST_F(RecordIndexTest, ParticipantsSharingAKeyAreToldApartByTheRecord) {
  auto store = Open(Path());
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(
      AppendThenDueWork(*store, DeliveredToAf(MakeBatch(1, 7)), kT0).ok());
  ASSERT_EQ(IndexedThrough(), 7);
  // p-1001's key, pointing at record 3 (p-1003), as a collision would.
  testing::ExecOnFile(
      Path(),
      "INSERT INTO participant_index(run, key, sequence) VALUES ("
      "(SELECT max(run) FROM participant_runs), " +
          std::to_string(RecordIndex::Key("p-1001")) + ", 3)");
  auto reader = Open(Path(), /*read_only=*/true);
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(ParticipantSequences(*reader, "p-1001"), Expected(1, 7, 1));
  EXPECT_EQ(ParticipantSequences(*reader, "p-1003"), Expected(3, 7, 1));
  EXPECT_EQ(ReportSequences(*reader, "p-1001"), Expected(1, 7, 1));
}

// The same rule for the tail the writer remembers by key.
TEST_F(RecordIndexTest, IdsSharingAKeyInTheTailAreToldApartByTheRecord) {
  auto store = Open(Path());
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(AppendThenDueWork(*store, MakeBatch(1, 3), kT0).ok());
  ASSERT_EQ(IndexedThrough(), 0);
  // The writer remembers evt-3's key for record 3, which now carries
  // evt-100, as a record of an id sharing evt-3's key would.
  testing::ExecOnFile(
      Path(), "UPDATE records SET event_id = 'evt-100' WHERE sequence = 3");
  EXPECT_EQ(*store->FindEvent("evt-3"), std::nullopt);
  EXPECT_EQ(*store->FindEvent("evt-2"), std::optional<uint64_t>(2));
  Batch batch;
  batch.records = {MakeRecord(3)};
  auto head = AppendThenDueWork(*store, batch, kT0 + 1);
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->sequence, 4u);
  // Two entries of the tail share the key; the one whose record carries
  // the id is found, and a second copy is refused.
  EXPECT_EQ(*store->FindEvent("evt-3"), std::optional<uint64_t>(4));
  Batch again;
  again.records = {MakeRecord(3)};
  EXPECT_EQ(AppendThenDueWork(*store, again, kT0 + 2).status().code(),
            StatusCode::kAlreadyExists);
}

TEST_F(RecordIndexTest, UnindexedRecordsAreTheTail) {
  {
    auto store = Open(Path());
    ASSERT_NE(store, nullptr);
    EXPECT_EQ(store->UnindexedRecords(), 0u);
    ASSERT_TRUE(AppendThenDueWork(*store, MakeBatch(1, 4), kT0).ok());
    EXPECT_EQ(store->UnindexedRecords(), 4u);
    ASSERT_TRUE(
        AppendThenDueWork(*store, MakeBatch(5, 3), kT0 + 1).ok());  // the lag
    EXPECT_EQ(store->UnindexedRecords(), 0u);
    ASSERT_TRUE(AppendThenDueWork(*store, MakeBatch(8, 2), kT0 + 2).ok());
    EXPECT_EQ(store->UnindexedRecords(), 2u);
    // A failed batch adds nothing to the tail.
    EXPECT_FALSE(AppendThenDueWork(*store, MakeBatch(9, 2), kT0 + 3).ok());
    EXPECT_EQ(store->UnindexedRecords(), 2u);
  }
  auto store = Open(Path());
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->UnindexedRecords(), 2u);  // read back from the file
  EXPECT_EQ(Open(Path(), /*read_only=*/true)->UnindexedRecords(), 0u);
  ASSERT_TRUE(store->RunDeferredWork().ok());
  EXPECT_EQ(store->UnindexedRecords(), 0u);
  EXPECT_EQ(IndexedThrough(), 9);
}

TEST_F(RecordIndexTest, AnIdleWriterIndexesWhatWaitsAtOnce) {
  auto store = Open(Path());
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->RunDeferredWork().ok());  // nothing yet
  ASSERT_TRUE(AppendThenDueWork(*store, MakeBatch(1, 3), kT0).ok());
  EXPECT_EQ(IndexedThrough(), 0);
  ASSERT_TRUE(store->RunDeferredWork().ok());
  EXPECT_EQ(IndexedThrough(), 3);
  EXPECT_EQ(QueryInt(Path(), "SELECT count(*) FROM participant_index"), 3);
  ASSERT_TRUE(store->RunDeferredWork().ok());  // again: nothing to do
  EXPECT_EQ(QueryInt(Path(), "SELECT count(*) FROM event_index"), 3);
  auto found = store->FindEvent("evt-2");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ(**found, 2u);
  auto reader = Open(Path(), /*read_only=*/true);
  ASSERT_NE(reader, nullptr);
  EXPECT_TRUE(reader->RunDeferredWork().ok());
}

TEST_F(RecordIndexTest, EventsAreFoundOnBothSidesOfTheBoundary) {
  auto store = Open(Path());
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(AppendThenDueWork(*store, MakeBatch(1, 6), kT0).ok());  // indexed
  ASSERT_TRUE(AppendThenDueWork(*store, MakeBatch(7, 3), kT0).ok());  // tail
  auto reader = Open(Path(), /*read_only=*/true);
  ASSERT_NE(reader, nullptr);
  for (LogStore* s : {static_cast<LogStore*>(store.get()),
                      static_cast<LogStore*>(reader.get())}) {
    for (int n : {1, 6, 7, 9}) {
      auto found = s->FindEvent("evt-" + std::to_string(n));
      ASSERT_TRUE(found.ok());
      ASSERT_TRUE(found->has_value()) << n;
      EXPECT_EQ(**found, static_cast<uint64_t>(n));
    }
    auto missing = s->FindEvent("evt-10");
    ASSERT_TRUE(missing.ok());
    EXPECT_FALSE(missing->has_value());
  }
}

TEST_F(RecordIndexTest, DuplicatesAreRefusedWhereverTheFirstCopyIs) {
  auto store = Open(Path());
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(AppendThenDueWork(*store, MakeBatch(1, 6), kT0).ok());  // indexed
  ASSERT_TRUE(AppendThenDueWork(*store, MakeBatch(7, 2), kT0).ok());  // tail
  const struct {
    const char* where;
    std::vector<int> batch;
  } kRows[] = {
      {"indexed", {9, 2}},
      {"tail", {9, 8}},
      {"same batch", {9, 10, 9}},
  };
  for (const auto& row : kRows) {
    Batch b;
    for (int n : row.batch) b.records.push_back(MakeRecord(n));
    auto failed = AppendThenDueWork(*store, b, kT0 + 1);
    ASSERT_FALSE(failed.ok()) << row.where;
    EXPECT_EQ(failed.status().code(), StatusCode::kAlreadyExists) << row.where;
    // Nothing of the failed batch is remembered as logged.
    auto nine = store->FindEvent("evt-9");
    ASSERT_TRUE(nine.ok());
    EXPECT_FALSE(nine->has_value()) << row.where;
  }
  // Looked up and found absent just before, as the gateway does: appended
  // once, refused the second time.
  auto head = AppendThenDueWork(*store, MakeBatch(9, 1), kT0 + 2);
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->sequence, 9u);
  ASSERT_TRUE(store->FindEvent("evt-10").ok());
  Batch again;
  again.records = {MakeRecord(10), MakeRecord(9)};
  EXPECT_EQ(AppendThenDueWork(*store, again, kT0 + 3).status().code(),
            StatusCode::kAlreadyExists);
}

TEST_F(RecordIndexTest, ReopenedWriterRemembersTheTail) {
  {
    auto store = Open(Path());
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(AppendThenDueWork(*store, MakeBatch(1, 6), kT0).ok());
    ASSERT_TRUE(AppendThenDueWork(*store, MakeBatch(7, 3), kT0).ok());
  }
  auto store = Open(Path());
  ASSERT_NE(store, nullptr);
  Batch again;
  again.records = {MakeRecord(8)};
  auto failed = AppendThenDueWork(*store, again, kT0 + 1);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), StatusCode::kAlreadyExists);
  auto found = store->FindEvent("evt-8");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ(**found, 8u);
  // The next flush indexes the reopened tail too, exactly once.
  ASSERT_TRUE(AppendThenDueWork(*store, MakeBatch(10, 2), kT0 + 2).ok());
  EXPECT_EQ(IndexedThrough(), 11);
  EXPECT_EQ(QueryInt(Path(), "SELECT count(*) FROM event_index"), 11);
}

TEST_F(RecordIndexTest, ParticipantRecordsSpanIndexAndTailInOrder) {
  auto store = Open(Path());
  ASSERT_NE(store, nullptr);
  for (int first = 1; first <= 31; first += 3) {
    ASSERT_TRUE(AppendThenDueWork(*store, MakeBatch(first, 3), kT0).ok());
  }
  const int last = 33;
  ASSERT_GT(IndexedThrough(), 0);
  ASSERT_LT(IndexedThrough(), last);
  auto reader = Open(Path(), /*read_only=*/true);
  ASSERT_NE(reader, nullptr);
  for (LogStore* s : {static_cast<LogStore*>(store.get()),
                      static_cast<LogStore*>(reader.get())}) {
    for (int mod = 0; mod < 7; ++mod) {
      const std::string participant = "p-" + std::to_string(1000 + mod);
      EXPECT_EQ(ParticipantSequences(*s, participant), Expected(mod, last, 1))
          << participant;
      EXPECT_EQ(ParticipantSequences(*s, participant, 20),
                Expected(mod, last, 20))
          << participant;
    }
  }
}

TEST_F(RecordIndexTest, DisclosureOfTheWholeRecordReadsBackTheRecordsBytes) {
  auto store = Open(Path());
  ASSERT_NE(store, nullptr);
  Batch batch = MakeBatch(1, 2);
  Disclosure whole;
  whole.record_index = 0;
  whole.recipient = "af";
  whole.delivered = true;
  whole.body = batch.records[0].body;
  Disclosure redacted = whole;
  redacted.record_index = 1;
  redacted.body = "redacted";
  Disclosure withheld = whole;
  withheld.recipient = "fk";
  withheld.delivered = false;
  withheld.body.clear();
  batch.disclosures = {whole, redacted, withheld};
  ASSERT_TRUE(AppendThenDueWork(*store, batch, kT0).ok());
  // Stored once: the whole record's bytes are not repeated in the row.
  EXPECT_EQ(
      QueryInt(Path(), "SELECT count(*) FROM disclosures WHERE body IS NULL"),
      2);
  std::vector<StoredDisclosure> out;
  ASSERT_TRUE(store->ReadDeliveries("af", 0, 10, &out).ok());
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].body, batch.records[0].body);
  EXPECT_EQ(out[1].body, "redacted");
  ASSERT_TRUE(store->ReadDisclosures("p-1001", 0, 10, &out).ok());
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].body, batch.records[0].body);
  EXPECT_EQ(out[1].recipient, "fk");
  EXPECT_EQ(out[1].body, "");
}

// The writer's RecordIndex on a connection of the test's own, set up as
// SqliteLogStore sets it up, to see the event key filter at work.
class RawIndex {
 public:
  RawIndex(const std::string& path, size_t lag) {
    EXPECT_EQ(sqlite3_open(path.c_str(), &db_), SQLITE_OK);
    EXPECT_TRUE(RecordIndex::RegisterFunctions(db_).ok());
    index_ = std::make_unique<RecordIndex>(db_, lag);
    EXPECT_TRUE(index_->Prepare().ok());
    EXPECT_TRUE(index_->Load().ok());
  }
  RawIndex(const RawIndex&) = delete;
  RawIndex& operator=(const RawIndex&) = delete;
  ~RawIndex() {
    index_.reset();
    sqlite3_close(db_);
  }
  RecordIndex* operator->() { return index_.get(); }

  std::optional<uint64_t> Find(const std::string& event_id) {
    StatusOr<std::optional<uint64_t>> found = index_->Find(event_id);
    EXPECT_TRUE(found.ok()) << found.status().ToString();
    return found.ok() ? *found : std::nullopt;
  }
  // Looks up (which adopts a finished build) until the filter is in use.
  bool WaitForFilter() {
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (!index_->filter_ready()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
      (void)Find("not-logged");
    }
    return true;
  }

 private:
  sqlite3* db_ = nullptr;
  std::unique_ptr<RecordIndex> index_;
};

TEST_F(RecordIndexTest, NewLogAnswersNewIdsFromTheFilterAlone) {
  ASSERT_NE(Open(Path()), nullptr);
  RawIndex index(Path(), kLag);
  EXPECT_TRUE(index->filter_ready());
  for (int i = 0; i < 100; ++i)
    EXPECT_FALSE(index.Find("new-" + std::to_string(i)));
  EXPECT_EQ(index->index_searches(), 0u);
}

TEST_F(RecordIndexTest, ReopenedLogFindsEveryIdWhileAndAfterItsFilterIsBuilt) {
  {
    auto store = Open(Path());
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(AppendThenDueWork(*store, MakeBatch(1, 2000), kT0).ok());
  }
  {
    SqliteLogStore::Options options;
    options.index_lag = 1000000;
    auto store = OpenOrDie(Path(), options);
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(AppendThenDueWork(*store, MakeBatch(2001, 300), kT0 + 1).ok());
  }
  ASSERT_EQ(IndexedThrough(), 2000);
  RawIndex index(Path(), 1000000);
  // 2,000 keys to read: until the build is adopted, lookups search.
  EXPECT_FALSE(index->filter_ready());
  EXPECT_EQ(index.Find("evt-7"), 7u);
  // Indexed before the build is adopted, whatever its snapshot holds.
  ASSERT_TRUE(index->Flush(2300).ok());
  ASSERT_EQ(IndexedThrough(), 2300);
  ASSERT_TRUE(index.WaitForFilter());
  for (int n = 1; n <= 2300; ++n) {
    EXPECT_EQ(index.Find("evt-" + std::to_string(n)), static_cast<uint64_t>(n))
        << n;
  }
  const uint64_t searches = index->index_searches();
  for (int i = 0; i < 2000; ++i) {
    EXPECT_FALSE(index.Find("new-" + std::to_string(i)));
  }
  // A few false positives at most, out of 2,000.
  EXPECT_LT(index->index_searches() - searches, 20u);
}

TEST_F(RecordIndexTest, StoreCountsLookupsAndTheIndexSearchesAmongThem) {
  auto store = Open(Path());
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(AppendThenDueWork(*store, MakeBatch(1, 10), kT0).ok());
  ASSERT_EQ(store->UnindexedRecords(), 0u);
  // The append checked its ten new ids (nobody had looked them up), all
  // from memory.
  LogStore::LookupStats stats = store->EventLookups();
  EXPECT_EQ(stats.lookups, 10u);
  EXPECT_EQ(stats.index_searches, 0u);
  EXPECT_EQ(stats.filter_bytes,
            EventKeyFilter(RecordIndex::kMinFilterCapacity).bytes());
  // An indexed id: the filter may hold its key, so the index is searched.
  auto found = store->FindEvent("evt-3");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(*found, 3u);
  stats = store->EventLookups();
  EXPECT_EQ(stats.lookups, 11u);
  EXPECT_EQ(stats.index_searches, 1u);
  // A new id: answered from memory.
  found = store->FindEvent("evt-new");
  ASSERT_TRUE(found.ok());
  EXPECT_FALSE(found->has_value());
  stats = store->EventLookups();
  EXPECT_EQ(stats.lookups, 12u);
  EXPECT_EQ(stats.index_searches, 1u);
  // A reader keeps no filter and counts nothing.
  EXPECT_EQ(Open(Path(), /*read_only=*/true)->EventLookups().lookups, 0u);
}

TEST_F(RecordIndexTest, AnotherWritersIndexPassDropsTheFilter) {
  {
    auto store = Open(Path());
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(AppendThenDueWork(*store, MakeBatch(1, 10), kT0).ok());
  }
  RawIndex index(Path(), 1000000);
  ASSERT_TRUE(index.WaitForFilter());
  {
    auto other = Open(Path());
    ASSERT_NE(other, nullptr);
    ASSERT_TRUE(AppendThenDueWork(*other, MakeBatch(11, 10), kT0 + 1).ok());
  }
  ASSERT_EQ(IndexedThrough(), 20);
  ASSERT_TRUE(index->Load().ok());
  // The filter never saw the other writer's keys: trusting it would call
  // them new.
  EXPECT_FALSE(index->filter_ready());
  EXPECT_EQ(index.Find("evt-15"), 15u);
  ASSERT_TRUE(index.WaitForFilter());
  EXPECT_EQ(index.Find("evt-15"), 15u);
}

}  // namespace
}  // namespace samverkan::gateway
