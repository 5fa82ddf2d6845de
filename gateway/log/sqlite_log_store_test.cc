// SqliteLogStore against real files: numbering, chaining, atomicity of a
// batch, durability across reopen, readers beside the writer, error codes.
#include "gateway/log/sqlite_log_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "gateway/log/chain.h"
#include "gateway/log/test_util.h"
#include "gateway/log/verifier.h"

namespace samverkan::gateway {
namespace {

using testing::ExecOnFile;
using testing::kT0;
using testing::MakeBatch;
using testing::MakeRecord;
using testing::OpenOrDie;
using testing::TempDir;

SqliteLogStore::Options ReadOnly() {
  SqliteLogStore::Options o;
  o.read_only = true;
  return o;
}

AuditEntry MakeAudit(v1::RejectionCode code, const std::string& event_id) {
  AuditEntry a;
  a.at_us = kT0;
  a.peer_organisation = "kommun-a";
  a.event_id = event_id;
  a.participant_id = "p-1";
  a.payload_type = "health_deteriorated";
  a.code = code;
  a.message = "test rejection";
  return a;
}

class SqliteLogStoreTest : public ::testing::Test {
 protected:
  std::string Path() const { return dir_.File("log.db"); }
  TempDir dir_;
};

TEST_F(SqliteLogStoreTest, EmptyLogHasZeroHead) {
  auto store = OpenOrDie(Path());
  ASSERT_NE(store, nullptr);
  auto head = store->Head();
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->sequence, 0u);
  EXPECT_EQ(head->hash, kGenesisHash);
  // An empty batch commits nothing and keeps the head.
  auto after = store->Append(Batch{}, kT0);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->sequence, 0u);
  std::vector<StoredRecord> out;
  ASSERT_TRUE(store->Read(0, 10, &out).ok());
  EXPECT_TRUE(out.empty());
}

TEST_F(SqliteLogStoreTest, AppendAndReadRoundTrip) {
  auto store = OpenOrDie(Path());
  ASSERT_NE(store, nullptr);
  Batch first = MakeBatch(1, 3);
  first.records[1] = MakeRecord(2, v1::GATEWAY_EVENT);
  auto h1 = store->Append(first, kT0);
  ASSERT_TRUE(h1.ok()) << h1.status().ToString();
  EXPECT_EQ(h1->sequence, 3u);
  auto h2 = store->Append(MakeBatch(4, 2), kT0 + 10);
  ASSERT_TRUE(h2.ok());
  EXPECT_EQ(h2->sequence, 5u);

  std::vector<StoredRecord> out;
  ASSERT_TRUE(store->Read(1, 100, &out).ok());
  ASSERT_EQ(out.size(), 5u);
  Digest prev = kGenesisHash;
  for (size_t i = 0; i < out.size(); ++i) {
    const StoredRecord& r = out[i];
    const NewRecord want =
        MakeRecord(i + 1, i == 1 ? v1::GATEWAY_EVENT : v1::EVENT);
    EXPECT_EQ(r.sequence, i + 1);
    EXPECT_EQ(r.recorded_at_us, i < 3 ? kT0 : kT0 + 10);
    EXPECT_EQ(r.kind, want.kind);
    EXPECT_EQ(r.event_id, want.event_id);
    EXPECT_EQ(r.participant_id, want.participant_id);
    EXPECT_EQ(r.source_organisation, want.source_organisation);
    EXPECT_EQ(r.payload_type, want.payload_type);
    EXPECT_EQ(r.body, want.body);
    EXPECT_EQ(r.prev_hash, prev);
    EXPECT_EQ(r.hash,
              ChainHash(prev, r.sequence, r.recorded_at_us, r.kind, r.body));
    prev = r.hash;
  }
  EXPECT_EQ(out[1].payload_type, "alert");
  EXPECT_EQ(h2->hash, out.back().hash);

  // Ranges: from 0 means from the start; limit and from both honoured.
  ASSERT_TRUE(store->Read(0, 2, &out).ok());
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].sequence, 1u);
  ASSERT_TRUE(store->Read(4, 10, &out).ok());
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].sequence, 4u);
  ASSERT_TRUE(store->Read(6, 10, &out).ok());
  EXPECT_TRUE(out.empty());
}

TEST_F(SqliteLogStoreTest, HeadSurvivesReopen) {
  LogHead before;
  {
    auto store = OpenOrDie(Path());
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->Append(MakeBatch(1, 10), kT0).ok());
    auto head = store->Append(MakeBatch(11, 5), kT0 + 1);
    ASSERT_TRUE(head.ok());
    before = *head;
  }
  auto store = OpenOrDie(Path());
  ASSERT_NE(store, nullptr);
  auto head = store->Head();
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->sequence, 15u);
  EXPECT_EQ(head->hash, before.hash);
  // And the chain continues from it.
  auto next = store->Append(MakeBatch(16, 1), kT0 + 2);
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->sequence, 16u);
  auto verdict = VerifyChain(*store, 1, 100);
  ASSERT_TRUE(verdict.ok());
  EXPECT_TRUE(verdict->ok) << verdict->message;
}

TEST_F(SqliteLogStoreTest, FindEvent) {
  auto store = OpenOrDie(Path());
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->Append(MakeBatch(1, 4), kT0).ok());
  auto found = store->FindEvent("evt-3");
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ(**found, 3u);
  auto missing = store->FindEvent("evt-99");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
}

TEST_F(SqliteLogStoreTest, DuplicateEventIdFailsTheWholeBatch) {
  auto store = OpenOrDie(Path());
  ASSERT_NE(store, nullptr);
  auto head = store->Append(MakeBatch(1, 2), kT0);
  ASSERT_TRUE(head.ok());

  // evt-1 is already stored; evt-3 and the audit row must not survive.
  Batch clash;
  clash.records = {MakeRecord(3), MakeRecord(1), MakeRecord(4)};
  clash.audit = {MakeAudit(v1::MALFORMED, "")};
  auto failed = store->Append(clash, kT0 + 1);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), StatusCode::kAlreadyExists);
  EXPECT_NE(failed.status().message().find("evt-1"), std::string::npos);

  // A repeat inside one batch is the same conflict.
  Batch repeat;
  repeat.records = {MakeRecord(5), MakeRecord(5)};
  auto repeated = store->Append(repeat, kT0 + 2);
  ASSERT_FALSE(repeated.ok());
  EXPECT_EQ(repeated.status().code(), StatusCode::kAlreadyExists);

  auto after = store->Head();
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->sequence, head->sequence);
  EXPECT_EQ(after->hash, head->hash);
  std::vector<StoredRecord> out;
  ASSERT_TRUE(store->Read(1, 100, &out).ok());
  EXPECT_EQ(out.size(), 2u);
  for (const char* id : {"evt-3", "evt-4", "evt-5"}) {
    auto found = store->FindEvent(id);
    ASSERT_TRUE(found.ok());
    EXPECT_FALSE(found->has_value()) << id;
  }
  auto counts = store->CountRejections();
  ASSERT_TRUE(counts.ok());
  EXPECT_TRUE(counts->empty());

  // The store stays usable and the chain continues at 3.
  auto next = store->Append(MakeBatch(3, 1), kT0 + 3);
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->sequence, 3u);
  auto verdict = VerifyChain(*store, 1, 100);
  ASSERT_TRUE(verdict.ok());
  EXPECT_TRUE(verdict->ok) << verdict->message;
}

TEST_F(SqliteLogStoreTest, InvalidRecordsAreRefusedBeforeWriting) {
  auto store = OpenOrDie(Path());
  ASSERT_NE(store, nullptr);
  Batch no_id = MakeBatch(1, 1);
  no_id.records[0].event_id.clear();
  EXPECT_EQ(store->Append(no_id, kT0).status().code(),
            StatusCode::kInvalidArgument);
  Batch no_kind = MakeBatch(1, 1);
  no_kind.records[0].kind = v1::RECORD_KIND_UNSPECIFIED;
  EXPECT_EQ(store->Append(no_kind, kT0).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store->Head()->sequence, 0u);
}

TEST_F(SqliteLogStoreTest, AuditRowsAreCountedByCode) {
  {
    auto store = OpenOrDie(Path());
    ASSERT_NE(store, nullptr);
    Batch mixed = MakeBatch(1, 1);
    mixed.audit = {MakeAudit(v1::NO_CONSENT, "evt-x"),
                   MakeAudit(v1::MALFORMED, "")};
    ASSERT_TRUE(store->Append(mixed, kT0).ok());
    // A batch of rejections only commits but does not move the head.
    Batch only_audit;
    only_audit.audit = {MakeAudit(v1::NO_CONSENT, "evt-y"),
                        MakeAudit(v1::NO_CONSENT, "evt-z")};
    auto head = store->Append(only_audit, kT0 + 1);
    ASSERT_TRUE(head.ok());
    EXPECT_EQ(head->sequence, 1u);
  }
  // Counted from the file, so they survive a restart.
  auto store = OpenOrDie(Path(), ReadOnly());
  ASSERT_NE(store, nullptr);
  auto counts = store->CountRejections();
  ASSERT_TRUE(counts.ok());
  ASSERT_EQ(counts->size(), 2u);
  EXPECT_EQ((*counts)[0].code(), v1::MALFORMED);
  EXPECT_EQ((*counts)[0].count(), 1u);
  EXPECT_EQ((*counts)[1].code(), v1::NO_CONSENT);
  EXPECT_EQ((*counts)[1].count(), 3u);
}

TEST_F(SqliteLogStoreTest, ReadOnlyInstanceSeesWriterCommits) {
  auto writer = OpenOrDie(Path());
  ASSERT_NE(writer, nullptr);
  auto reader = OpenOrDie(Path(), ReadOnly());
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(reader->Head()->sequence, 0u);

  auto head = writer->Append(MakeBatch(1, 3), kT0);
  ASSERT_TRUE(head.ok());
  auto seen = reader->Head();
  ASSERT_TRUE(seen.ok());
  EXPECT_EQ(seen->sequence, 3u);
  EXPECT_EQ(seen->hash, head->hash);
  std::vector<StoredRecord> out;
  ASSERT_TRUE(reader->Read(1, 10, &out).ok());
  EXPECT_EQ(out.size(), 3u);
  auto found = reader->FindEvent("evt-2");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->value_or(0), 2u);

  ASSERT_TRUE(writer->Append(MakeBatch(4, 2), kT0 + 1).ok());
  EXPECT_EQ(reader->Head()->sequence, 5u);
  auto verdict = VerifyChain(*reader, 1, 100);
  ASSERT_TRUE(verdict.ok());
  EXPECT_TRUE(verdict->ok) << verdict->message;
  EXPECT_EQ(verdict->verified_through, 5u);

  EXPECT_EQ(reader->Append(MakeBatch(6, 1), kT0).status().code(),
            StatusCode::kFailedPrecondition);
}

TEST_F(SqliteLogStoreTest, ReaderThreadAlwaysSeesAVerifiablePrefix) {
  constexpr int kBatches = 40;
  constexpr int kPerBatch = 25;
  auto writer = OpenOrDie(Path());
  ASSERT_NE(writer, nullptr);
  std::atomic<bool> writer_done{false};
  uint64_t seen = 0;
  std::thread reader_thread([&] {
    auto reader = OpenOrDie(Path(), ReadOnly());
    if (reader == nullptr) return;
    // Every snapshot must be a whole number of batches (commits are atomic)
    // and verify; one last look after the writer has finished.
    for (bool last = false; !last;) {
      last = writer_done.load();
      auto verdict = VerifyChain(*reader, 1, kBatches * kPerBatch);
      ASSERT_TRUE(verdict.ok()) << verdict.status().ToString();
      ASSERT_TRUE(verdict->ok) << verdict->message;
      ASSERT_GE(verdict->verified_through, seen);
      ASSERT_EQ(verdict->verified_through % kPerBatch, 0u);
      seen = verdict->verified_through;
    }
  });
  for (int i = 0; i < kBatches; ++i) {
    EXPECT_TRUE(
        writer->Append(MakeBatch(1 + i * kPerBatch, kPerBatch), kT0 + i).ok());
  }
  writer_done = true;
  reader_thread.join();
  EXPECT_EQ(seen, uint64_t{kBatches * kPerBatch});
}

// The sequence FindEvent gives for `event_id`, 0 for none.
uint64_t Found(LogStore& store, const std::string& event_id) {
  auto found = store.FindEvent(event_id);
  EXPECT_TRUE(found.ok()) << found.status().ToString();
  return found.ok() ? found->value_or(0) : 0;
}

TEST_F(SqliteLogStoreTest, ReadsBetweenBeginAndEndShareOneSnapshot) {
  auto writer = OpenOrDie(Path());
  ASSERT_NE(writer, nullptr);
  ASSERT_TRUE(writer->Append(MakeBatch(1, 3), kT0).ok());
  auto reader = OpenOrDie(Path(), ReadOnly());
  ASSERT_NE(reader, nullptr);

  reader->BeginReads();
  EXPECT_EQ(Found(*reader, "evt-2"), 2u);  // the snapshot is taken here
  writer->BeginReads();
  EXPECT_EQ(Found(*writer, "evt-1"), 1u);
  // Append lets the writer's snapshot go by itself, and the writer sees
  // its own commit.
  ASSERT_TRUE(writer->Append(MakeBatch(4, 2), kT0 + 1).ok());
  EXPECT_EQ(Found(*writer, "evt-5"), 5u);
  writer->EndReads();  // already ended: nothing to do

  // The reader's snapshot still predates that commit, whatever it reads.
  EXPECT_EQ(Found(*reader, "evt-5"), 0u);
  EXPECT_EQ(reader->Head()->sequence, 3u);
  reader->BeginReads();  // does not nest
  reader->EndReads();
  EXPECT_EQ(Found(*reader, "evt-5"), 5u);
  EXPECT_EQ(reader->Head()->sequence, 5u);

  // A scope ends what it began; the writer appends as before afterwards.
  {
    ReadScope scope(*writer);
    EXPECT_EQ(Found(*writer, "evt-6"), 0u);
  }
  ASSERT_TRUE(writer->Append(MakeBatch(6, 1), kT0 + 2).ok());
  EXPECT_EQ(Found(*reader, "evt-6"), 6u);
}

TEST_F(SqliteLogStoreTest, ReadOnlyOpenNeedsAnExistingLog) {
  auto missing = SqliteLogStore::Open(Path(), ReadOnly());
  EXPECT_FALSE(missing.ok());

  ASSERT_NO_FATAL_FAILURE(
      ExecOnFile(dir_.File("other.db"), "CREATE TABLE t(x)"));
  auto foreign = SqliteLogStore::Open(dir_.File("other.db"));
  ASSERT_FALSE(foreign.ok());
  EXPECT_EQ(foreign.status().code(), StatusCode::kFailedPrecondition);
}

TEST_F(SqliteLogStoreTest, FullDiskIsResourceExhaustedAndHarmless) {
  SqliteLogStore::Options options;
  options.max_page_count = 64;  // 256 KiB
  auto store = OpenOrDie(Path(), options);
  ASSERT_NE(store, nullptr);
  StatusOr<LogHead> last = store->Head();
  int next = 1;
  StatusOr<LogHead> result = last;
  // Each batch adds ~20 KiB; the cap is reached within a few dozen.
  for (int i = 0; i < 100 && result.ok(); ++i) {
    Batch b = MakeBatch(next, 5);
    for (NewRecord& r : b.records) r.body.append(4000, 'x');
    result = store->Append(b, kT0 + i);
    if (result.ok()) {
      last = result;
      next += 5;
    }
  }
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kResourceExhausted)
      << result.status().ToString();
  auto head = store->Head();
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->sequence, last->sequence);
  EXPECT_EQ(head->hash, last->hash);
  auto found = store->FindEvent("evt-" + std::to_string(next));
  ASSERT_TRUE(found.ok());
  EXPECT_FALSE(found->has_value());
}

TEST_F(SqliteLogStoreTest, SecondWriterIsRefusedThenCatchesUp) {
  auto a = OpenOrDie(Path());
  auto b = OpenOrDie(Path());
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  ASSERT_TRUE(a->Append(MakeBatch(1, 2), kT0).ok());
  // b still believes the log is empty: its sequence 1 is taken.
  auto stale = b->Append(MakeBatch(3, 1), kT0 + 1);
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.status().code(), StatusCode::kFailedPrecondition);
  // The conflict made b reread the head, so the chain is not forked.
  auto retried = b->Append(MakeBatch(3, 1), kT0 + 2);
  ASSERT_TRUE(retried.ok()) << retried.status().ToString();
  EXPECT_EQ(retried->sequence, 3u);
  auto verdict = VerifyChain(*b, 1, 100);
  ASSERT_TRUE(verdict.ok());
  EXPECT_TRUE(verdict->ok) << verdict->message;
}

ProjectionRow Row(std::string key, uint64_t at, std::string bytes) {
  return ProjectionRow{std::move(key), at, std::move(bytes)};
}

std::vector<std::string> AllProjections(LogStore& store) {
  return testing::ReadProjectionsInPages(store, 1000);
}

TEST_F(SqliteLogStoreTest, ProjectionsSurviveReopenAndLaterBatchesReplace) {
  {
    auto store = OpenOrDie(Path());
    ASSERT_NE(store, nullptr);
    Batch batch = MakeBatch(1, 2);
    batch.projections = {Row("ledger:p-2", 2, "b1"),
                         Row("ledger:p-1", 1, "a1")};
    ASSERT_TRUE(store->Append(batch, kT0).ok());
    Batch later = MakeBatch(3, 1);
    later.projections = {Row("ledger:p-1", 3, "a2")};
    ASSERT_TRUE(store->Append(later, kT0 + 1).ok());
  }
  auto store = OpenOrDie(Path());
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(AllProjections(*store),
            (std::vector<std::string>{"ledger:p-1@3=a2", "ledger:p-2@2=b1"}));
  // A read-only instance (another process, e.g. an operator tool) sees them.
  auto reader = OpenOrDie(Path(), ReadOnly());
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(AllProjections(*reader), AllProjections(*store));
}

TEST_F(SqliteLogStoreTest, SameKeyTwiceInOneBatchKeepsTheLaterRow) {
  auto store = OpenOrDie(Path());
  ASSERT_NE(store, nullptr);
  Batch batch = MakeBatch(1, 2);
  batch.projections = {Row("ledger:p-1", 1, "first"),
                       Row("ledger:p-1", 2, "second")};
  ASSERT_TRUE(store->Append(batch, kT0).ok());
  EXPECT_EQ(AllProjections(*store),
            std::vector<std::string>{"ledger:p-1@2=second"});
}

TEST_F(SqliteLogStoreTest, BatchOfOnlyProjectionsCommitsAndKeepsTheHead) {
  auto store = OpenOrDie(Path());
  ASSERT_NE(store, nullptr);
  auto head = store->Append(MakeBatch(1, 2), kT0);
  ASSERT_TRUE(head.ok());
  Batch only;
  only.projections = {Row("ledger:p-1", 2, "state")};
  EXPECT_FALSE(only.empty());
  auto after = store->Append(only, kT0 + 1);
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_EQ(after->sequence, head->sequence);
  EXPECT_EQ(after->hash, head->hash);

  auto reopened = OpenOrDie(Path());
  ASSERT_NE(reopened, nullptr);
  auto reopened_head = reopened->Head();
  ASSERT_TRUE(reopened_head.ok());
  EXPECT_EQ(reopened_head->sequence, 2u);
  EXPECT_EQ(AllProjections(*reopened),
            std::vector<std::string>{"ledger:p-1@2=state"});
}

TEST_F(SqliteLogStoreTest, ProjectionsPageInKeyOrderEachOnce) {
  auto store = OpenOrDie(Path());
  ASSERT_NE(store, nullptr);
  Batch batch;
  for (const char* key : {"k3", "k1", "k5", "k2", "k4"}) {
    batch.projections.push_back(Row(key, 1, "x"));
  }
  ASSERT_TRUE(store->Append(batch, kT0).ok());
  std::vector<std::string> seen;
  std::string after;
  std::vector<ProjectionRow> page;
  int pages = 0;
  do {
    ASSERT_TRUE(store->ReadProjections(after, 2, &page).ok());
    ASSERT_LE(page.size(), 2u);
    for (const ProjectionRow& r : page) {
      seen.push_back(r.key);
      after = r.key;
    }
    ASSERT_LT(++pages, 10) << "paging does not end";
  } while (!page.empty());
  EXPECT_EQ(seen, (std::vector<std::string>{"k1", "k2", "k3", "k4", "k5"}));
  EXPECT_EQ(pages, 4);  // 2 + 2 + 1, then an empty page

  // A limit of 0 asks for nothing; stale contents of *out are replaced.
  page = {Row("stale", 1, "")};
  ASSERT_TRUE(store->ReadProjections("", 0, &page).ok());
  EXPECT_TRUE(page.empty());
}

TEST_F(SqliteLogStoreTest, FailedBatchLeavesProjectionsUnchanged) {
  auto store = OpenOrDie(Path());
  ASSERT_NE(store, nullptr);
  Batch first = MakeBatch(1, 1);
  first.projections = {Row("ledger:p-1", 1, "before")};
  ASSERT_TRUE(store->Append(first, kT0).ok());

  // Projection rows come after the records in the transaction; the clash
  // must still take them with it.
  Batch clash;
  clash.records = {MakeRecord(2), MakeRecord(1)};  // evt-1 again
  clash.projections = {Row("ledger:p-1", 2, "after"),
                       Row("ledger:p-9", 2, "new")};
  auto failed = store->Append(clash, kT0 + 1);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(AllProjections(*store),
            std::vector<std::string>{"ledger:p-1@1=before"});

  auto reopened = OpenOrDie(Path());
  ASSERT_NE(reopened, nullptr);
  EXPECT_EQ(AllProjections(*reopened),
            std::vector<std::string>{"ledger:p-1@1=before"});
}

TEST_F(SqliteLogStoreTest, LogOfAnotherSchemaVersionIsRefused) {
  { ASSERT_NE(OpenOrDie(Path()), nullptr); }
  // Version 1 had no projections table; no such logs were ever deployed, so
  // it is refused like any other version rather than migrated.
  ASSERT_NO_FATAL_FAILURE(ExecOnFile(
      Path(), "UPDATE meta SET value = 1 WHERE key = 'schema_version'"));
  auto old = SqliteLogStore::Open(Path());
  ASSERT_FALSE(old.ok());
  EXPECT_EQ(old.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(old.status().message().find("version 1"), std::string::npos)
      << old.status().ToString();
}

}  // namespace
}  // namespace samverkan::gateway
