// LedgerBook: ledgers survive a store round trip through the projections
// table, only changed ledgers are written, and the due index finds exactly
// the participants with something due.
#include "gateway/rules/ledger_book.h"

#include <gtest/gtest.h>

#include "common/testing/temp_dir.h"
#include "gateway/log/sqlite_log_store.h"

namespace samverkan::gateway {
namespace {

v1::ParticipantLedger WithHandoverDue(int year, int month, int day) {
  v1::ParticipantLedger l;
  l.set_coordinating_organisation("kommun");
  v1::HandoverOpened* o = l.add_handovers()->mutable_opened();
  o->set_handover_id("ho-1");
  o->mutable_deadline()->set_year(year);
  o->mutable_deadline()->set_month(month);
  o->mutable_deadline()->set_day(day);
  return l;
}

TEST(LedgerBookTest, ChangedLedgersRoundTripThroughTheStore) {
  samverkan::testing::TempDir dir;
  auto store = SqliteLogStore::Open(dir.File("log.sqlite"));
  ASSERT_TRUE(store.ok()) << store.status().ToString();

  LedgerBook book;
  book.Put("p-1", WithHandoverDue(2026, 3, 16), 7);
  book.Put("p-2", v1::ParticipantLedger(), 8);
  Batch batch;
  batch.projections = book.TakeChanged();
  ASSERT_EQ(batch.projections.size(), 2u);
  EXPECT_TRUE(book.TakeChanged().empty());  // taken once
  ASSERT_TRUE((*store)->Append(batch, 1).ok());

  LedgerBook loaded;
  ASSERT_TRUE(loaded.Load(**store).ok());
  EXPECT_EQ(loaded.size(), 2u);
  EXPECT_EQ(loaded.Get("p-1").coordinating_organisation(), "kommun");
  EXPECT_EQ(loaded.Get("p-1").handovers(0).opened().handover_id(), "ho-1");
  EXPECT_EQ(loaded.Get("p-unknown").ByteSizeLong(), 0u);
  // The due index is rebuilt with the ledgers: escalation is due the day
  // after the deadline.
  EXPECT_TRUE(loaded.DueBy({2026, 3, 16}).empty());
  EXPECT_EQ(loaded.DueBy({2026, 3, 17}), std::vector<std::string>{"p-1"});
  EXPECT_EQ(loaded.open_handovers(), 1);  // counted again on load
}

TEST(LedgerBookTest, DueIndexFollowsTheLatestLedger) {
  LedgerBook book;
  book.Put("p-1", WithHandoverDue(2026, 3, 16), 1);
  book.Put("p-2", WithHandoverDue(2026, 3, 10), 2);
  EXPECT_EQ(book.DueBy({2026, 3, 20}),
            (std::vector<std::string>{"p-2", "p-1"}));
  book.Put("p-2", v1::ParticipantLedger(), 3);  // nothing due any more
  EXPECT_EQ(book.DueBy({2026, 3, 20}), std::vector<std::string>{"p-1"});
}

// The counts behind the handover gauges follow every replacement.
TEST(LedgerBookTest, CountsOpenAndEscalatedHandovers) {
  LedgerBook book;
  EXPECT_EQ(book.open_handovers(), 0);
  book.Put("p-1", WithHandoverDue(2026, 3, 16), 1);
  v1::ParticipantLedger escalated = WithHandoverDue(2026, 3, 10);
  escalated.mutable_handovers(0)->set_escalated(true);
  book.Put("p-2", escalated, 2);
  EXPECT_EQ(book.open_handovers(), 2);
  EXPECT_EQ(book.escalated_handovers(), 1);
  book.Put("p-2", v1::ParticipantLedger(), 3);  // closed
  EXPECT_EQ(book.open_handovers(), 1);
  EXPECT_EQ(book.escalated_handovers(), 0);
  book.Put("p-1", WithHandoverDue(2026, 4, 1), 4);  // replaced, still one
  EXPECT_EQ(book.open_handovers(), 1);
}

// Swap hands back the ledger it replaces, so its allocations can be reused;
// the book, its due index and its changed set are as after a Put.
TEST(LedgerBookTest, SwapLeavesTheReplacedLedger) {
  LedgerBook book;
  v1::ParticipantLedger* spare = book.Spare();
  *spare = WithHandoverDue(2026, 3, 16);
  book.Swap("p-1", spare, 7);
  EXPECT_EQ(spare->ByteSizeLong(), 0u);  // there was none before
  EXPECT_EQ(book.Get("p-1").handovers_size(), 1);
  EXPECT_EQ(book.open_handovers(), 1);

  *spare = book.Get("p-1");
  spare->clear_handovers();
  book.Swap("p-1", spare, 9);
  EXPECT_EQ(spare->handovers_size(), 1);  // the replaced ledger
  EXPECT_EQ(book.Get("p-1").handovers_size(), 0);
  EXPECT_EQ(book.open_handovers(), 0);
  EXPECT_TRUE(book.DueBy({2027, 1, 1}).empty());
  std::vector<ProjectionRow> rows = book.TakeChanged();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].at_sequence, 9u);
}

}  // namespace
}  // namespace samverkan::gateway
