// Disclosure decisions and per-recipient sequences: committed with the batch,
// numbered without holes per recipient across batches, restarts and failed
// commits; read back per recipient (deliveries) and per participant (report).
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "gateway/log/sqlite_log_store.h"
#include "gateway/log/test_util.h"

namespace samverkan::gateway {
namespace {

using testing::MakeBatch;
using testing::MakeRecord;
using testing::QueryInt;
using testing::TempDir;

Disclosure Decide(size_t index, const std::string& recipient, bool delivered) {
  Disclosure d;
  d.record_index = index;
  d.recipient = recipient;
  d.delivered = delivered;
  d.categories = delivered ? "HEALTH_STATUS" : "";
  d.withheld_categories = "HEALTH_DETAILS";
  d.consent_ids = "c-1";
  d.reason = delivered ? "" : "no consent covers this recipient";
  d.body = delivered ? "redacted-" + std::to_string(index) : "";
  return d;
}

// One record with one decision delivered to "kommun".
Batch DeliveredToKommun(int record) {
  Batch batch;
  batch.records.push_back(MakeRecord(record));
  batch.disclosures = {Decide(0, "kommun", true)};
  return batch;
}

TEST(DisclosuresTest, RecipientSequencesAreConsecutivePerRecipient) {
  TempDir dir;
  auto store = SqliteLogStore::Open(dir.File("log.sqlite"));
  ASSERT_TRUE(store.ok());
  Batch batch;
  for (int i = 0; i < 3; ++i) batch.records.push_back(MakeRecord(i));
  batch.disclosures = {Decide(0, "kommun", true), Decide(0, "af", false),
                       Decide(1, "kommun", true), Decide(2, "fk", true)};
  std::vector<uint64_t> assigned;
  ASSERT_TRUE((*store)->Append(batch, 7, &assigned).ok());
  EXPECT_EQ(assigned, (std::vector<uint64_t>{1, 0, 2, 1}));

  Batch next = DeliveredToKommun(3);
  ASSERT_TRUE((*store)->Append(next, 8, &assigned).ok());
  EXPECT_EQ(assigned, (std::vector<uint64_t>{3}));

  std::vector<StoredDisclosure> deliveries;
  ASSERT_TRUE((*store)->ReadDeliveries("kommun", 1, 10, &deliveries).ok());
  ASSERT_EQ(deliveries.size(), 2u);
  EXPECT_EQ(deliveries[0].recipient_sequence, 2u);
  EXPECT_EQ(deliveries[0].log_sequence, 2u);
  EXPECT_EQ(deliveries[0].body, "redacted-1");
  EXPECT_EQ(deliveries[1].log_sequence, 4u);
  EXPECT_EQ(*(*store)->RecipientHead("kommun"), 3u);
  EXPECT_EQ(*(*store)->RecipientHead("nobody"), 0u);
}

// Deliveries are found through runs (log_format.md): a recipient's
// deliveries within one batch and one block of 64 records. Reading from
// every point, in pages of every size up to the tail, returns the
// recipient's deliveries in sequence order, none skipped or repeated.
TEST(DisclosuresTest, DeliveriesReadInOrderFromAnyPointAcrossRuns) {
  TempDir dir;
  const std::string path = dir.File("log.sqlite");
  auto store = SqliteLogStore::Open(path);
  ASSERT_TRUE(store.ok());
  // Records 1..300 in three commits of 100: "every" receives each record,
  // "some" every seventh (withheld from it otherwise), "once" record 250.
  std::map<std::string, std::vector<uint64_t>> expected;  // log sequences
  for (int first = 1; first <= 300; first += 100) {
    Batch batch = MakeBatch(first, 100);
    for (size_t i = 0; i < batch.records.size(); ++i) {
      const uint64_t sequence = first + i;
      batch.disclosures.push_back(Decide(i, "every", true));
      expected["every"].push_back(sequence);
      batch.disclosures.push_back(Decide(i, "some", sequence % 7 == 0));
      if (sequence % 7 == 0) expected["some"].push_back(sequence);
      if (sequence == 250) {
        batch.disclosures.push_back(Decide(i, "once", true));
        expected["once"].push_back(sequence);
      }
    }
    ASSERT_TRUE((*store)->Append(batch, first).ok());
  }
  // One run per recipient, commit and block of 64 records, not one entry
  // per delivery: "every" spans blocks 0-1, 1-3 and 3-4 in its commits.
  EXPECT_EQ(QueryInt(path,
                     "SELECT count(*) FROM delivery_runs "
                     "WHERE recipient = 'every'"),
            7);
  EXPECT_EQ(QueryInt(path, "SELECT count(*) FROM delivery_runs"), 7 + 7 + 1);

  for (const auto& [recipient, sequences] : expected) {
    SCOPED_TRACE(recipient);
    const uint64_t count = sequences.size();
    EXPECT_EQ(*(*store)->RecipientHead(recipient), count);
    for (size_t limit : {size_t{1}, size_t{5}, size_t{64}, size_t{1000}}) {
      for (uint64_t after = 0; after <= count; ++after) {
        std::vector<StoredDisclosure> page;
        ASSERT_TRUE(
            (*store)->ReadDeliveries(recipient, after, limit, &page).ok());
        ASSERT_EQ(page.size(), std::min<uint64_t>(limit, count - after))
            << "after " << after << " limit " << limit;
        for (size_t k = 0; k < page.size(); ++k) {
          EXPECT_EQ(page[k].recipient_sequence, after + 1 + k);
          EXPECT_EQ(page[k].log_sequence, sequences[after + k]);
          EXPECT_TRUE(page[k].delivered);
        }
      }
    }
  }
  // A reader of its own sees the same.
  SqliteLogStore::Options read_only;
  read_only.read_only = true;
  auto reader = SqliteLogStore::Open(path, read_only);
  ASSERT_TRUE(reader.ok());
  std::vector<StoredDisclosure> page;
  ASSERT_TRUE((*reader)->ReadDeliveries("some", 40, 10, &page).ok());
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[1].log_sequence, 294u);
  EXPECT_EQ(*(*reader)->RecipientHead("some"), 42u);
}

// Decisions handed over out of record order are numbered in record order,
// so that a recipient's sequences grow with the ids its runs cover.
TEST(DisclosuresTest, DecisionsOutOfRecordOrderAreNumberedInRecordOrder) {
  TempDir dir;
  auto store = SqliteLogStore::Open(dir.File("log.sqlite"));
  ASSERT_TRUE(store.ok());
  Batch batch = MakeBatch(1, 3);
  batch.disclosures = {Decide(2, "kommun", true), Decide(0, "kommun", true),
                       Decide(1, "af", true), Decide(1, "kommun", true)};
  std::vector<uint64_t> assigned;
  ASSERT_TRUE((*store)->Append(batch, 7, &assigned).ok());
  EXPECT_EQ(assigned, (std::vector<uint64_t>{3, 1, 1, 2}));
  std::vector<StoredDisclosure> page;
  ASSERT_TRUE((*store)->ReadDeliveries("kommun", 0, 10, &page).ok());
  ASSERT_EQ(page.size(), 3u);
  for (uint64_t k = 0; k < 3; ++k) {
    EXPECT_EQ(page[k].log_sequence, k + 1);
    EXPECT_EQ(page[k].recipient_sequence, k + 1);
  }
}

TEST(DisclosuresTest, NumberingSurvivesRestartAndFailedBatches) {
  TempDir dir;
  {
    auto store = SqliteLogStore::Open(dir.File("log.sqlite"));
    Batch batch = DeliveredToKommun(1);
    ASSERT_TRUE((*store)->Append(batch, 1).ok());
    // A failing batch (duplicate event id) must not consume a number.
    Batch bad = DeliveredToKommun(1);
    ASSERT_FALSE((*store)->Append(bad, 2).ok());
  }
  auto store = SqliteLogStore::Open(dir.File("log.sqlite"));
  Batch batch = DeliveredToKommun(2);
  std::vector<uint64_t> assigned;
  ASSERT_TRUE((*store)->Append(batch, 3, &assigned).ok());
  EXPECT_EQ(assigned, (std::vector<uint64_t>{2}));
}

TEST(DisclosuresTest, BatchFailingAfterItsDecisionsWereNumberedLeavesNoHole) {
  TempDir dir;
  SqliteLogStore::Options options;
  options.max_page_count = 64;  // 256 KiB
  auto store = SqliteLogStore::Open(dir.File("log.sqlite"), options);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  Batch first = DeliveredToKommun(1);
  ASSERT_TRUE((*store)->Append(first, 1).ok());

  // Its decision is numbered 2 before its ledger change (more than the
  // file may hold) fails the batch.
  Batch failing = DeliveredToKommun(2);
  failing.projections.push_back({"ledger:p-1", 2, std::string(400000, 'x')});
  auto failed = (*store)->Append(failing, 2);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), StatusCode::kResourceExhausted)
      << failed.status().ToString();

  Batch next = DeliveredToKommun(3);
  std::vector<uint64_t> assigned;
  ASSERT_TRUE((*store)->Append(next, 3, &assigned).ok());
  EXPECT_EQ(assigned, (std::vector<uint64_t>{2}));
  EXPECT_EQ(*(*store)->RecipientHead("kommun"), 2u);
  std::vector<StoredDisclosure> delivered;
  ASSERT_TRUE((*store)->ReadDeliveries("kommun", 0, 10, &delivered).ok());
  ASSERT_EQ(delivered.size(), 2u);
  EXPECT_EQ(delivered[1].recipient_sequence, 2u);
  EXPECT_EQ(delivered[1].log_sequence, 2u);  // the failed batch left no record
}

TEST(DisclosuresTest, ReportListsEveryDecisionAboutAParticipantInOrder) {
  TempDir dir;
  auto store = SqliteLogStore::Open(dir.File("log.sqlite"));
  Batch batch;
  batch.records.push_back(MakeRecord(7));  // participant p-1000
  batch.records.push_back(MakeRecord(1));  // participant p-1001
  batch.disclosures = {Decide(0, "kommun", true), Decide(0, "af", false),
                       Decide(1, "kommun", true)};
  ASSERT_TRUE((*store)->Append(batch, 5).ok());
  std::vector<StoredDisclosure> report;
  ASSERT_TRUE((*store)->ReadDisclosures("p-1000", 0, 100, &report).ok());
  ASSERT_EQ(report.size(), 2u);
  EXPECT_EQ(report[0].recipient, "kommun");
  EXPECT_TRUE(report[0].delivered);
  EXPECT_EQ(report[0].payload_type, "health_deteriorated");
  EXPECT_EQ(report[0].decided_at_us, 5);
  EXPECT_EQ(report[1].recipient, "af");
  EXPECT_FALSE(report[1].delivered);
  EXPECT_EQ(report[1].recipient_sequence, 0u);
  EXPECT_EQ(report[1].reason, "no consent covers this recipient");
  EXPECT_EQ(report[1].body, "");
}

TEST(DisclosuresTest, ReportPagesByIdWithoutSkippingOrRepeating) {
  TempDir dir;
  auto store = SqliteLogStore::Open(dir.File("log.sqlite"));
  ASSERT_TRUE(store.ok());
  // p-1000's records 7 and 14 in one commit, 21 in the next; record 1 is
  // someone else's and must not show.
  Batch first;
  for (int n : {7, 1, 14}) first.records.push_back(MakeRecord(n));
  first.disclosures = {Decide(0, "kommun", true), Decide(0, "af", false),
                       Decide(1, "kommun", true), Decide(2, "af", true),
                       Decide(2, "fk", false),    Decide(2, "kommun", true)};
  ASSERT_TRUE((*store)->Append(first, 5).ok());
  Batch second;
  second.records.push_back(MakeRecord(21));
  second.disclosures = {Decide(0, "fk", true), Decide(0, "af", true)};
  ASSERT_TRUE((*store)->Append(second, 6).ok());

  std::vector<StoredDisclosure> all;
  ASSERT_TRUE((*store)->ReadDisclosures("p-1000", 0, 100, &all).ok());
  std::vector<std::string> expected = {"1 kommun", "1 af", "3 af", "3 fk",
                                       "3 kommun", "4 fk", "4 af"};
  std::vector<std::string> got;
  for (const auto& d : all) {
    got.push_back(std::to_string(d.log_sequence) + " " + d.recipient);
  }
  EXPECT_EQ(got, expected);

  std::vector<std::string> paged;
  uint64_t after = 0;
  std::vector<StoredDisclosure> page;
  for (int guard = 0; guard < 20; ++guard) {
    ASSERT_TRUE((*store)->ReadDisclosures("p-1000", after, 1, &page).ok());
    if (page.empty()) break;
    ASSERT_EQ(page.size(), 1u);
    EXPECT_GT(page[0].id, after);
    after = page[0].id;
    paged.push_back(std::to_string(page[0].log_sequence) + " " +
                    page[0].recipient);
  }
  EXPECT_EQ(paged, expected);
}

TEST(DisclosuresTest, RecordWithMoreDecisionsThanItsIdsHoldIsRefused) {
  TempDir dir;
  auto store = SqliteLogStore::Open(dir.File("log.sqlite"));
  ASSERT_TRUE(store.ok());
  // A record's decisions share its sequence in their ids (log_format.md);
  // one past the room is refused, and nothing of the batch is stored.
  Batch batch;
  batch.records.push_back(MakeRecord(1));
  batch.disclosures.assign(65537, Decide(0, "kommun", false));
  auto refused = (*store)->Append(batch, 1);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("65536"), std::string::npos)
      << refused.status().ToString();
  EXPECT_EQ((*store)->Head()->sequence, 0u);
  batch.disclosures.resize(65536);
  ASSERT_TRUE((*store)->Append(batch, 2).ok());
  std::vector<StoredDisclosure> report;
  ASSERT_TRUE((*store)->ReadDisclosures("p-1001", 0, 100000, &report).ok());
  EXPECT_EQ(report.size(), 65536u);
}

TEST(DisclosuresTest, ReplayReadsOnlyMarkedRecords) {
  TempDir dir;
  auto store = SqliteLogStore::Open(dir.File("log.sqlite"));
  Batch batch;
  for (int i = 0; i < 5; ++i) {
    batch.records.push_back(MakeRecord(i));
    batch.records.back().replay = i % 2 == 0;
  }
  ASSERT_TRUE((*store)->Append(batch, 1).ok());
  std::vector<StoredRecord> replay;
  ASSERT_TRUE((*store)->ReadReplay(2, 100, &replay).ok());
  ASSERT_EQ(replay.size(), 2u);
  EXPECT_EQ(replay[0].sequence, 3u);
  EXPECT_EQ(replay[1].sequence, 5u);
}

}  // namespace
}  // namespace samverkan::gateway
