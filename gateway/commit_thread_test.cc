// The commit thread appends what it is handed, in order, reports failures
// as they happen, and can be reused batch after batch.
#include "gateway/commit_thread.h"

#include <gtest/gtest.h>

#include "gateway/log/sqlite_log_store.h"
#include "gateway/log/test_util.h"

namespace samverkan::gateway {
namespace {

using testing::MakeRecord;
using testing::TempDir;

TEST(CommitThreadTest, AppendsEachBatchAndReportsTheNewHead) {
  TempDir dir;
  auto store = SqliteLogStore::Open(dir.File("log.sqlite"), {});
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  CommitThread committer(store->get());
  int n = 0;
  for (int round = 1; round <= 3; ++round) {
    Batch batch;
    for (int i = 0; i < 4; ++i) batch.records.push_back(MakeRecord(++n));
    committer.Start(&batch, 1000 + round);
    CommitThread::Result result = committer.Wait();
    ASSERT_TRUE(result.head.ok()) << result.head.status().ToString();
    EXPECT_EQ(result.head->sequence, static_cast<uint64_t>(n));
  }
  std::vector<StoredRecord> records;
  ASSERT_TRUE((*store)->Read(1, 100, &records).ok());
  ASSERT_EQ(records.size(), 12u);
  EXPECT_EQ(records[5].event_id, "evt-6");
  EXPECT_EQ(records[5].recorded_at_us, 1002);
}

TEST(CommitThreadTest, GivesBackRecipientSequencesOfTheDisclosures) {
  TempDir dir;
  auto store = SqliteLogStore::Open(dir.File("log.sqlite"), {});
  ASSERT_TRUE(store.ok());
  CommitThread committer(store->get());
  Batch batch;
  batch.records.push_back(MakeRecord(1));
  for (bool delivered : {true, false, true}) {
    Disclosure& d = batch.disclosures.emplace_back();
    d.record_index = 0;
    d.recipient = "af";
    d.delivered = delivered;
    d.reason = "test";
  }
  committer.Start(&batch, 1);
  CommitThread::Result result = committer.Wait();
  ASSERT_TRUE(result.head.ok()) << result.head.status().ToString();
  EXPECT_EQ(result.recipient_sequences, (std::vector<uint64_t>{1, 0, 2}));
}

TEST(CommitThreadTest, ReportsAFailedAppendAndKeepsServing) {
  TempDir dir;
  auto store = SqliteLogStore::Open(dir.File("log.sqlite"), {});
  ASSERT_TRUE(store.ok());
  CommitThread committer(store->get());
  Batch twice;
  twice.records.push_back(MakeRecord(1));
  twice.records.push_back(MakeRecord(1));  // the same event_id
  committer.Start(&twice, 1);
  CommitThread::Result failed = committer.Wait();
  ASSERT_FALSE(failed.head.ok());
  EXPECT_EQ(failed.head.status().code(), StatusCode::kAlreadyExists);

  Batch good;
  good.records.push_back(MakeRecord(2));
  committer.Start(&good, 2);
  CommitThread::Result result = committer.Wait();
  ASSERT_TRUE(result.head.ok()) << result.head.status().ToString();
  EXPECT_EQ(result.head->sequence, 1u);
}

// Destroying it right after a Start waits for that commit.
TEST(CommitThreadTest, DestructionWaitsForTheCommitInProgress) {
  TempDir dir;
  auto store = SqliteLogStore::Open(dir.File("log.sqlite"), {});
  ASSERT_TRUE(store.ok());
  Batch batch;
  for (int i = 1; i <= 50; ++i) batch.records.push_back(MakeRecord(i));
  {
    CommitThread committer(store->get());
    committer.Start(&batch, 1);
  }
  EXPECT_EQ((*store)->Head()->sequence, 50u);
}

}  // namespace
}  // namespace samverkan::gateway
