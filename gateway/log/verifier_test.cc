// VerifyChain on real log files, intact and tampered with through SQLite
// directly (as an attacker with file access would).
#include "gateway/log/verifier.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>

#include "gateway/log/sqlite_log_store.h"
#include "gateway/log/test_util.h"

namespace samverkan::gateway {
namespace {

using testing::kT0;
using testing::MakeBatch;
using testing::TempDir;

constexpr uint64_t kAll = std::numeric_limits<uint64_t>::max();

// Runs `sql` with `blob` bound to ?1 (if given) on a raw connection.
void Tamper(const std::string& path, const std::string& sql,
            const std::string* blob = nullptr) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK)
      << sqlite3_errmsg(db);
  if (blob != nullptr) {
    sqlite3_bind_blob(stmt, 1, blob->data(), blob->size(), SQLITE_TRANSIENT);
  }
  EXPECT_EQ(sqlite3_step(stmt), SQLITE_DONE) << sqlite3_errmsg(db);
  EXPECT_EQ(sqlite3_changes(db), 1) << sql;
  sqlite3_finalize(stmt);
  sqlite3_close(db);
}

std::string ReadBlob(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr);
  std::string out;
  if (sqlite3_step(stmt) == SQLITE_ROW) {
    out.assign(static_cast<const char*>(sqlite3_column_blob(stmt, 0)),
               sqlite3_column_bytes(stmt, 0));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return out;
}

// Replaces `column` of record `sequence` with itself, one bit flipped.
void FlipByte(const std::string& path, const std::string& column,
              uint64_t sequence, size_t offset) {
  const std::string where = " WHERE sequence = " + std::to_string(sequence);
  std::string value =
      ReadBlob(path, "SELECT " + column + " FROM records" + where);
  ASSERT_GT(value.size(), offset);
  value[offset] ^= 0x01;
  Tamper(path, "UPDATE records SET " + column + " = ?1" + where, &value);
}

class VerifierTest : public ::testing::Test {
 protected:
  std::string Path() const { return dir_.File("log.db"); }

  // Writes records 1..count in batches of `batch` and closes the store.
  void Fill(int count, int batch) {
    auto store = SqliteLogStore::Open(Path());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    for (int first = 1; first <= count; first += batch) {
      auto head = (*store)->Append(
          MakeBatch(first, std::min(batch, count - first + 1)), kT0 + first);
      ASSERT_TRUE(head.ok()) << head.status().ToString();
    }
  }

  VerifyResult Verify(uint64_t from = 1, uint64_t limit = kAll) {
    auto store = SqliteLogStore::Open(Path());
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    if (!store.ok()) return VerifyResult{};
    auto result = VerifyChain(**store, from, limit);
    EXPECT_TRUE(result.ok()) << result.status().ToString();
    return result.ok() ? *result : VerifyResult{};
  }

  // Asserts that verification names `sequence` as the first bad record.
  void ExpectBadAt(uint64_t sequence, const std::string& mentions = "") {
    const VerifyResult r = Verify();
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.first_bad_sequence, sequence) << r.message;
    EXPECT_EQ(r.verified_through, sequence - 1);
    EXPECT_NE(r.message.find("record " + std::to_string(sequence) + " "),
              std::string::npos)
        << r.message;
    EXPECT_NE(r.message.find(mentions), std::string::npos) << r.message;
  }

  TempDir dir_;
};

TEST_F(VerifierTest, ChainOfManyBatchesVerifies) {
  Fill(1000, 37);
  const VerifyResult r = Verify();
  EXPECT_TRUE(r.ok) << r.message;
  EXPECT_EQ(r.verified_through, 1000u);
  EXPECT_EQ(Verify(0, kAll).verified_through, 1000u);
}

TEST_F(VerifierTest, EmptyLogAndEmptySlicesVerify) {
  Fill(0, 1);
  VerifyResult r = Verify();
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(r.verified_through, 0u);
  Fill(5, 5);
  r = Verify(3, 0);
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(r.verified_through, 2u);
  r = Verify(9, 10);
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(r.verified_through, 5u);
}

TEST_F(VerifierTest, SlicesVerifyInPieces) {
  Fill(100, 9);
  for (uint64_t from = 1; from <= 100; from += 7) {
    const VerifyResult r = Verify(from, 7);
    EXPECT_TRUE(r.ok) << r.message;
    EXPECT_EQ(r.verified_through, std::min<uint64_t>(from + 6, 100));
  }
}

TEST_F(VerifierTest, SlicesPinDownTamperingWhereverTheyStart) {
  Fill(40, 10);
  FlipByte(Path(), "body", 15, 3);
  VerifyResult r = Verify(11, 10);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_sequence, 15u);
  EXPECT_EQ(r.verified_through, 14u);
  // A slice starting just after it still blames 15, its anchor.
  r = Verify(16, 10);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_sequence, 15u);
  // Slices on either side are intact.
  EXPECT_TRUE(Verify(1, 14).ok);
  EXPECT_TRUE(Verify(17, 24).ok);
}

TEST_F(VerifierTest, FlippedBodyByteIsNamed) {
  Fill(20, 6);
  FlipByte(Path(), "body", 7, 10);
  ExpectBadAt(7, "hash");
}

TEST_F(VerifierTest, ChangedMetadataColumnIsNamed) {
  Fill(20, 6);
  Tamper(Path(),
         "UPDATE records SET participant_id = 'p-9999' WHERE sequence = 9");
  ExpectBadAt(9, "participant_id");
}

TEST_F(VerifierTest, ChangedPayloadTypeIsNamed) {
  Fill(20, 6);
  Tamper(Path(),
         "UPDATE records SET payload_type = 'health_improved' "
         "WHERE sequence = 20");
  ExpectBadAt(20, "payload_type");
}

TEST_F(VerifierTest, DeletedMiddleRecordIsNamed) {
  Fill(20, 6);
  Tamper(Path(), "DELETE FROM records WHERE sequence = 5");
  ExpectBadAt(5, "missing");
}

TEST_F(VerifierTest, ChangedStoredHashIsNamed) {
  Fill(20, 6);
  FlipByte(Path(), "hash", 12, 0);
  ExpectBadAt(12, "hash");
}

TEST_F(VerifierTest, ChangedTimeIsNamed) {
  Fill(20, 6);
  Tamper(Path(),
         "UPDATE records SET recorded_at_us = recorded_at_us + 1 "
         "WHERE sequence = 3");
  ExpectBadAt(3, "hash");
}

TEST_F(VerifierTest, ChangedPrevHashOfFirstRecordIsNamed) {
  Fill(20, 6);
  FlipByte(Path(), "prev_hash", 1, 31);
  ExpectBadAt(1, "genesis");
}

TEST_F(VerifierTest, MalformedHashColumnIsNamed) {
  Fill(20, 6);
  Tamper(Path(), "UPDATE records SET hash = x'00' WHERE sequence = 13");
  ExpectBadAt(13, "hash");
}

TEST_F(VerifierTest, DeletedLastRecordIsSeenByTheWriter) {
  Fill(20, 6);
  auto writer = SqliteLogStore::Open(Path());
  ASSERT_TRUE(writer.ok());
  // The writer's head is in memory, so truncation behind its back shows.
  Tamper(Path(), "DELETE FROM records WHERE sequence = 20");
  auto r = VerifyChain(**writer, 1, kAll);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->ok);
  EXPECT_EQ(r->first_bad_sequence, 20u) << r->message;
}

}  // namespace
}  // namespace samverkan::gateway
