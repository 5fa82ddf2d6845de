// The in-place upgrades of older event logs (log_format.md): files built
// with the schema each version created, filled with records today's store
// wrote (the chain does not depend on the schema), then opened by the
// writer. A reader may not open a file the writer has not upgraded yet.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "gateway/log/record_index.h"
#include "gateway/log/sqlite_log_store.h"
#include "gateway/log/test_util.h"
#include "gateway/log/verifier.h"

namespace samverkan::gateway {
namespace {

using testing::AppendThenDueWork;
using testing::ExecOnFile;
using testing::kT0;
using testing::MakeBatch;
using testing::MakeRecord;
using testing::OpenOrDie;
using testing::QueryInt;
using testing::TempDir;

constexpr int64_t kCurrentVersion = 9;

// The tables versions 2 and 3 shared, disclosures as they were then.
constexpr char kOldTables[] = R"sql(
CREATE TABLE disclosures(
  id INTEGER PRIMARY KEY, log_sequence INTEGER NOT NULL,
  decided_at_us INTEGER NOT NULL, participant_id TEXT NOT NULL,
  payload_type TEXT NOT NULL, source_organisation TEXT NOT NULL,
  recipient TEXT NOT NULL, delivered INTEGER NOT NULL,
  recipient_sequence INTEGER, categories TEXT NOT NULL,
  withheld_categories TEXT NOT NULL, consent_ids TEXT NOT NULL,
  reason TEXT NOT NULL, body BLOB) STRICT;
CREATE UNIQUE INDEX deliveries_by_recipient
  ON disclosures(recipient, recipient_sequence)
  WHERE recipient_sequence IS NOT NULL;
CREATE INDEX disclosures_by_record ON disclosures(log_sequence);
CREATE TABLE audit(
  id INTEGER PRIMARY KEY, at_us INTEGER NOT NULL,
  peer_organisation TEXT NOT NULL, event_id TEXT NOT NULL,
  participant_id TEXT NOT NULL, payload_type TEXT NOT NULL,
  code INTEGER NOT NULL, message TEXT NOT NULL) STRICT;
CREATE INDEX audit_by_code ON audit(code);
CREATE TABLE projections(
  key TEXT PRIMARY KEY, at_sequence INTEGER NOT NULL, state BLOB NOT NULL
) STRICT, WITHOUT ROWID;
CREATE TABLE meta(key TEXT PRIMARY KEY, value ANY NOT NULL) STRICT;
)sql";

constexpr char kVersion2Records[] = R"sql(
CREATE TABLE records(
  sequence INTEGER PRIMARY KEY, recorded_at_us INTEGER NOT NULL,
  kind INTEGER NOT NULL, event_id TEXT NOT NULL UNIQUE,
  participant_id TEXT NOT NULL, source_organisation TEXT NOT NULL,
  payload_type TEXT NOT NULL, body BLOB NOT NULL, prev_hash BLOB NOT NULL,
  hash BLOB NOT NULL, replay INTEGER NOT NULL DEFAULT 0) STRICT;
CREATE INDEX records_by_participant ON records(participant_id);
CREATE INDEX records_to_replay ON records(sequence) WHERE replay = 1;
INSERT INTO meta(key, value) VALUES ('schema_version', 2);
)sql";

constexpr char kVersion3Records[] = R"sql(
CREATE TABLE records(
  sequence INTEGER PRIMARY KEY, recorded_at_us INTEGER NOT NULL,
  kind INTEGER NOT NULL, event_id TEXT NOT NULL,
  participant_id TEXT NOT NULL, source_organisation TEXT NOT NULL,
  payload_type TEXT NOT NULL, body BLOB NOT NULL, prev_hash BLOB NOT NULL,
  hash BLOB NOT NULL, replay INTEGER NOT NULL DEFAULT 0) STRICT;
CREATE INDEX records_to_replay ON records(sequence) WHERE replay = 1;
INSERT INTO meta(key, value) VALUES ('schema_version', 3);
)sql";

// Versions 3 to 5 keyed event_index by the id's text, with a view over it
// and the tail; participant_index was as today.
constexpr char kTextEventIndex[] = R"sql(
CREATE TABLE event_index(
  event_id TEXT PRIMARY KEY, sequence INTEGER NOT NULL) STRICT, WITHOUT ROWID;
CREATE VIEW event_records(event_id, sequence) AS
  SELECT event_id, sequence FROM event_index
  UNION ALL
  SELECT event_id, sequence FROM records
  WHERE sequence > (SELECT value FROM meta WHERE key = 'indexed_through');
INSERT INTO event_index SELECT event_id, sequence FROM records
  WHERE sequence <= (SELECT value FROM meta WHERE key = 'indexed_through');
)sql";

constexpr char kVersion3Index[] = R"sql(
CREATE TABLE participant_index(
  participant_id TEXT NOT NULL, sequence INTEGER NOT NULL,
  PRIMARY KEY(participant_id, sequence)) STRICT, WITHOUT ROWID;
CREATE VIEW participant_records(participant_id, sequence) AS
  SELECT participant_id, sequence FROM participant_index
  UNION ALL
  SELECT participant_id, sequence FROM records
  WHERE sequence > (SELECT value FROM meta WHERE key = 'indexed_through');
INSERT INTO meta(key, value) VALUES ('indexed_through', 0);
)sql";

// Version 8 is today's file with the participant index in one B-tree keyed
// by the participant's text instead of runs, and a view over it and the
// tail.
constexpr char kToVersion8[] = R"sql(
CREATE TABLE participant_index_v8(
  participant_id TEXT NOT NULL, sequence INTEGER NOT NULL,
  PRIMARY KEY(participant_id, sequence)) STRICT, WITHOUT ROWID;
INSERT INTO participant_index_v8 SELECT DISTINCT r.participant_id, p.sequence
  FROM participant_index p CROSS JOIN records r ON r.sequence = p.sequence;
DROP TABLE participant_index;
DROP TABLE participant_runs;
ALTER TABLE participant_index_v8 RENAME TO participant_index;
CREATE VIEW participant_records(participant_id, sequence) AS
  SELECT participant_id, sequence FROM participant_index
  UNION ALL
  SELECT participant_id, sequence FROM records
  WHERE sequence > (SELECT value FROM meta WHERE key = 'indexed_through');
UPDATE meta SET value = 8 WHERE key = 'schema_version';
)sql";

// Version 7 is version 8 with the event index in one B-tree keyed (key,
// sequence) instead of runs.
constexpr char kToVersion7[] = R"sql(
CREATE TABLE event_index_v7(
  key INTEGER NOT NULL, sequence INTEGER NOT NULL,
  PRIMARY KEY(key, sequence)) STRICT, WITHOUT ROWID;
INSERT INTO event_index_v7 SELECT DISTINCT key, sequence FROM event_index;
DROP TABLE event_index;
DROP TABLE event_runs;
ALTER TABLE event_index_v7 RENAME TO event_index;
UPDATE meta SET value = 7 WHERE key = 'schema_version';
)sql";

// Version 6 is version 7 with every projection row in `projections`.
constexpr char kToVersion6[] = R"sql(
DROP TABLE projection_changes;
UPDATE meta SET value = 6 WHERE key = 'schema_version';
)sql";

// Version 5 is version 6 with the event index of kTextEventIndex.
constexpr char kToVersion5[] = R"sql(
DROP TABLE event_index;
UPDATE meta SET value = 5 WHERE key = 'schema_version';
)sql";

// Version 4 is version 5 with every delivery in one index instead of runs
// of them.
constexpr char kToVersion4[] = R"sql(
DROP TABLE delivery_runs;
CREATE UNIQUE INDEX deliveries_by_recipient
  ON disclosures(recipient, recipient_sequence)
  WHERE recipient_sequence IS NOT NULL;
UPDATE meta SET value = 4 WHERE key = 'schema_version';
)sql";

// Today's disclosure rows of `source` in the shape of versions 2 and 3:
// the record's columns copied in, ids numbered in order of decision.
constexpr char kCopyDisclosuresAsOld[] = R"sql(
INSERT INTO disclosures(log_sequence, decided_at_us, participant_id,
  payload_type, source_organisation, recipient, delivered, recipient_sequence,
  categories, withheld_categories, consent_ids, reason, body)
SELECT r.sequence, r.recorded_at_us, r.participant_id, r.payload_type,
  r.source_organisation, d.recipient, d.delivered, d.recipient_sequence,
  d.categories, d.withheld_categories, d.consent_ids, d.reason, d.body
FROM source.disclosures d CROSS JOIN source.records r
  ON r.sequence = d.id >> 16
ORDER BY d.id;
)sql";

std::unique_ptr<SqliteLogStore> Open(const std::string& path,
                                     bool read_only = false) {
  SqliteLogStore::Options options;
  options.read_only = read_only;
  options.index_lag = 5;
  return OpenOrDie(path, options);
}

// Every field a reader gets, so that two stores' answers compare whole.
std::vector<std::string> Describe(const std::vector<StoredDisclosure>& rows) {
  std::vector<std::string> out;
  for (const StoredDisclosure& d : rows) {
    out.push_back(
        std::to_string(d.id) + " #" + std::to_string(d.log_sequence) + " @" +
        std::to_string(d.decided_at_us) + " " + d.participant_id + " " +
        d.payload_type + " " + d.source_organisation + " -> " + d.recipient +
        (d.delivered ? " delivered " : " withheld ") +
        std::to_string(d.recipient_sequence) + " [" + d.categories + "|" +
        d.withheld_categories + "|" + d.consent_ids + "] " + d.reason + " " +
        std::to_string(std::hash<std::string>{}(d.body)));
  }
  return out;
}

struct Reads {
  std::vector<std::string> deliveries;  // to "af", then to "kommun"
  std::vector<std::string> reports;     // about p-1001, then p-1002
};

Reads ReadAll(LogStore& store) {
  Reads reads;
  std::vector<StoredDisclosure> rows;
  for (const char* recipient : {"af", "kommun"}) {
    EXPECT_TRUE(store.ReadDeliveries(recipient, 0, 100, &rows).ok());
    for (auto& line : Describe(rows)) reads.deliveries.push_back(line);
  }
  for (const char* participant : {"p-1001", "p-1002"}) {
    EXPECT_TRUE(store.ReadDisclosures(participant, 0, 100, &rows).ok());
    for (auto& line : Describe(rows)) reads.reports.push_back(line);
  }
  return reads;
}

// Records 1..records in commits of max(5, records / 10), with what a
// gateway decides about them: the whole record to one party, a redacted
// copy to another, one withheld.
void WriteSource(const std::string& path, int records, Reads* reads,
                 LogHead* head) {
  auto store = Open(path);
  ASSERT_NE(store, nullptr);
  const int per_commit = std::max(5, records / 10);
  for (int first = 1; first <= records; first += per_commit) {
    const int64_t at = kT0 + first * 1000;
    Batch batch = MakeBatch(first, std::min(per_commit, records - first + 1));
    for (size_t i = 0; i < batch.records.size(); ++i) {
      Disclosure whole;
      whole.record_index = i;
      whole.recipient = "kommun";
      whole.delivered = true;
      whole.categories = "HEALTH_STATUS,HEALTH_DETAILS";
      whole.consent_ids = "c-1";
      whole.reason = "COORDINATION, under consent c-1";
      whole.body = batch.records[i].body;
      Disclosure part = whole;
      part.recipient = "af";
      part.categories = "HEALTH_STATUS";
      part.withheld_categories = "HEALTH_DETAILS";
      part.body = "redacted-" + std::to_string(first + i);
      Disclosure none = part;
      none.recipient = "fk";
      none.delivered = false;
      none.categories.clear();
      none.consent_ids.clear();
      none.reason = "no active consent lets fk receive HEALTH_DETAILS";
      none.body.clear();
      batch.disclosures.push_back(whole);
      if ((first + i) % 2 == 0) batch.disclosures.push_back(part);
      batch.disclosures.push_back(none);
    }
    auto written = AppendThenDueWork(*store, batch, at);
    ASSERT_TRUE(written.ok()) << written.status().ToString();
    *head = *written;
  }
  *reads = ReadAll(*store);
}

class SchemaUpgradeTest : public ::testing::Test {
 protected:
  // A file of schema `version` holding what WriteSource wrote.
  void BuildOldLog(int version, int records = 9) {
    ASSERT_NO_FATAL_FAILURE(WriteSource(Source(), records, &written_, &head_));
    if (version >= 4) {
      std::filesystem::copy_file(Source(), Path());
      std::string sql = kToVersion8;
      if (version <= 7) sql += kToVersion7;
      if (version <= 6) sql += kToVersion6;
      if (version <= 5) sql += std::string(kToVersion5) + kTextEventIndex;
      if (version == 4) sql += kToVersion4;
      ExecOnFile(Path(), sql);
      return;
    }
    std::string sql = kOldTables;
    sql += version == 2 ? kVersion2Records : kVersion3Records;
    if (version == 3) sql += kVersion3Index;
    sql += "ATTACH '" + Source() + "' AS source;";
    sql += "INSERT INTO records SELECT * FROM source.records;";
    sql += kCopyDisclosuresAsOld;
    if (version == 3) {
      sql +=
          "INSERT INTO participant_index SELECT DISTINCT r.participant_id, "
          "p.sequence FROM source.participant_index p CROSS JOIN "
          "source.records r ON r.sequence = p.sequence;";
      sql +=
          "UPDATE meta SET value = (SELECT value FROM source.meta "
          "WHERE key = 'indexed_through') WHERE key = 'indexed_through';";
      sql += kTextEventIndex;
    }
    sql += "DETACH source;";
    ExecOnFile(Path(), sql);
  }

  // Opens the old file as the gateway does, and expects to be told first.
  std::unique_ptr<SqliteLogStore> OpenAndUpgrade(int version) {
    std::vector<std::pair<int64_t, int64_t>> told;
    SqliteLogStore::Options options;
    options.index_lag = 5;
    options.before_upgrade = [&told](int64_t from, int64_t to) {
      told.emplace_back(from, to);
    };
    auto store = OpenOrDie(Path(), options);
    EXPECT_EQ(
        told,
        (std::vector<std::pair<int64_t, int64_t>>{{version, kCurrentVersion}}));
    return store;
  }

  void ExpectReadersRefusedUntilUpgraded(int version) {
    SqliteLogStore::Options read_only;
    read_only.read_only = true;
    auto early = SqliteLogStore::Open(Path(), read_only);
    ASSERT_FALSE(early.ok());
    EXPECT_EQ(early.status().code(), StatusCode::kFailedPrecondition);
    EXPECT_NE(
        early.status().message().find("version " + std::to_string(version)),
        std::string::npos)
        << early.status().ToString();
  }

  // The upgraded file answers exactly as the file today's store wrote, and
  // goes on from where it was: chain, duplicates, numbering.
  void ExpectCurrentLogWithTheSameContent(int version) {
    auto store = OpenAndUpgrade(version);
    ASSERT_NE(store, nullptr);
    EXPECT_EQ(
        QueryInt(Path(), "SELECT value FROM meta WHERE key = 'schema_version'"),
        kCurrentVersion);
    EXPECT_EQ(QueryInt(Path(),
                       "SELECT count(*) FROM sqlite_schema WHERE name IN "
                       "('disclosures_by_record', 'deliveries_by_recipient')"),
              0);
    auto head = store->Head();
    ASSERT_TRUE(head.ok());
    EXPECT_EQ(head->sequence, head_.sequence);
    EXPECT_EQ(head->hash, head_.hash);
    auto verdict = VerifyChain(*store, 1, 100);
    ASSERT_TRUE(verdict.ok());
    EXPECT_TRUE(verdict->ok) << verdict->message;

    const Reads upgraded = ReadAll(*store);
    EXPECT_EQ(upgraded.deliveries, written_.deliveries);
    EXPECT_EQ(upgraded.reports, written_.reports);
    // Records 1, 8 (p-1001) and 2, 9 (p-1002); even ones have three.
    EXPECT_EQ(written_.reports.size(), 10u);

    Batch again;
    again.records = {MakeRecord(4)};
    EXPECT_EQ(AppendThenDueWork(*store, again, kT0 + 2000).status().code(),
              StatusCode::kAlreadyExists);
    Batch next = MakeBatch(10, 1);
    Disclosure d;
    d.recipient = "af";
    d.delivered = true;
    d.body = "redacted-10";
    next.disclosures = {d};
    std::vector<uint64_t> assigned;
    ASSERT_TRUE(AppendThenDueWork(*store, next, kT0 + 3000, &assigned).ok());
    EXPECT_EQ(assigned, std::vector<uint64_t>{5});  // after 2, 4, 6, 8
  }

  std::string Path() const { return dir_.File("log.sqlite"); }
  std::string Source() const { return dir_.File("source.sqlite"); }

  TempDir dir_;
  Reads written_;
  LogHead head_;
};

TEST_F(SchemaUpgradeTest, VersionTwoLogIsUpgradedInPlace) {
  ASSERT_NO_FATAL_FAILURE(BuildOldLog(2));
  ExpectReadersRefusedUntilUpgraded(2);
  ExpectCurrentLogWithTheSameContent(2);
  // Version 2 had no index tables: the upgrade fills them.
  EXPECT_EQ(
      QueryInt(Path(), "SELECT value FROM meta WHERE key = 'indexed_through'"),
      9);
}

TEST_F(SchemaUpgradeTest, VersionThreeLogIsUpgradedInPlace) {
  ASSERT_NO_FATAL_FAILURE(BuildOldLog(3));
  ExpectReadersRefusedUntilUpgraded(3);
  ExpectCurrentLogWithTheSameContent(3);
}

// Version 7's event index becomes run 1; lookups and the next passes go
// on from it.
TEST_F(SchemaUpgradeTest, VersionSevenLogIsUpgradedInPlace) {
  ASSERT_NO_FATAL_FAILURE(BuildOldLog(7, 23));
  const int64_t indexed = QueryInt(Path(), "SELECT count(*) FROM event_index");
  ASSERT_GE(indexed, 20);
  ExpectReadersRefusedUntilUpgraded(7);
  auto store = OpenAndUpgrade(7);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(QueryInt(Path(), "SELECT count(*) FROM event_index WHERE run = 1"),
            indexed);
  EXPECT_EQ(QueryInt(Path(), "SELECT entries FROM event_runs WHERE run = 1"),
            indexed);
  auto reader = Open(Path(), /*read_only=*/true);
  ASSERT_NE(reader, nullptr);
  for (int n = 1; n <= 23; ++n) {
    EXPECT_EQ(*reader->FindEvent("evt-" + std::to_string(n)),
              std::optional<uint64_t>(n));
    EXPECT_EQ(*store->FindEvent("evt-" + std::to_string(n)),
              std::optional<uint64_t>(n));
  }
  ASSERT_TRUE(AppendThenDueWork(*store, MakeBatch(24, 6), kT0 + 5000).ok());
  EXPECT_EQ(QueryInt(Path(), "SELECT count(*) FROM event_runs"), 2);
  EXPECT_EQ(QueryInt(Path(), "SELECT max(run) FROM event_runs"), 2);
}

// Version 8's participant index becomes run 1, keyed by the participants'
// keys; reads by participant and the next passes go on from it.
TEST_F(SchemaUpgradeTest, VersionEightLogIsUpgradedInPlace) {
  ASSERT_NO_FATAL_FAILURE(BuildOldLog(8, 23));
  const int64_t indexed =
      QueryInt(Path(), "SELECT count(*) FROM participant_index");
  ASSERT_GE(indexed, 20);
  ExpectReadersRefusedUntilUpgraded(8);
  auto store = OpenAndUpgrade(8);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(
      QueryInt(Path(), "SELECT count(*) FROM participant_index WHERE run = 1"),
      indexed);
  EXPECT_EQ(
      QueryInt(Path(), "SELECT entries FROM participant_runs WHERE run = 1"),
      indexed);
  EXPECT_EQ(QueryInt(Path(),
                     "SELECT count(*) FROM sqlite_schema "
                     "WHERE name = 'participant_records'"),
            0);
  EXPECT_EQ(
      QueryInt(Path(), "SELECT count(*) FROM participant_index WHERE key = " +
                           std::to_string(RecordIndex::Key("p-1003"))),
      3);  // records 3, 10, 17
  auto reader = Open(Path(), /*read_only=*/true);
  ASSERT_NE(reader, nullptr);
  ASSERT_TRUE(AppendThenDueWork(*store, MakeBatch(24, 6), kT0 + 5000).ok());
  EXPECT_EQ(QueryInt(Path(), "SELECT count(*) FROM participant_runs"), 2);
  for (LogStore* s : {static_cast<LogStore*>(store.get()),
                      static_cast<LogStore*>(reader.get())}) {
    std::vector<StoredRecord> records;
    ASSERT_TRUE(s->ReadParticipantRecords("p-1003", 1, 100, &records).ok());
    std::vector<uint64_t> sequences;
    for (const StoredRecord& r : records) sequences.push_back(r.sequence);
    EXPECT_EQ(sequences, (std::vector<uint64_t>{3, 10, 17, 24}));
  }
}

TEST_F(SchemaUpgradeTest, VersionSixLogIsUpgradedInPlace) {
  ASSERT_NO_FATAL_FAILURE(BuildOldLog(6));
  // Ledgers as version 6 kept them: every one upserted in `projections`.
  ExecOnFile(Path(),
             "INSERT INTO projections(key, at_sequence, state) VALUES "
             "('ledger:p-1001', 8, x'0a01'), ('ledger:p-1002', 9, x'0a02');");
  ExpectReadersRefusedUntilUpgraded(6);
  ExpectCurrentLogWithTheSameContent(6);
  EXPECT_EQ(QueryInt(Path(), "SELECT count(*) FROM projection_changes"), 0);
  auto reader = Open(Path(), /*read_only=*/true);
  ASSERT_NE(reader, nullptr);
  std::vector<ProjectionRow> rows;
  ASSERT_TRUE(reader->ReadProjections("", 10, &rows).ok());
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].key, "ledger:p-1001");
  EXPECT_EQ(rows[0].at_sequence, 8u);
  EXPECT_EQ(rows[0].bytes, std::string("\x0a\x01", 2));
  EXPECT_EQ(rows[1].key, "ledger:p-1002");
}

TEST_F(SchemaUpgradeTest, VersionFiveLogIsUpgradedInPlace) {
  ASSERT_NO_FATAL_FAILURE(BuildOldLog(5));
  const int64_t indexed = QueryInt(Path(), "SELECT count(*) FROM event_index");
  ASSERT_GT(indexed, 0);
  ExpectReadersRefusedUntilUpgraded(5);
  ExpectCurrentLogWithTheSameContent(5);
  // Every indexed id keeps its entry, under its key; the view is gone.
  // (The append after the upgrade indexed the rest.)
  EXPECT_EQ(
      QueryInt(Path(), "SELECT count(*) FROM event_index"),
      QueryInt(Path(), "SELECT value FROM meta WHERE key = 'indexed_through'"));
  EXPECT_EQ(QueryInt(Path(),
                     "SELECT count(*) FROM sqlite_schema "
                     "WHERE name = 'event_records'"),
            0);
  // A reader finds each record by its id, indexed or in the tail.
  auto reader = Open(Path(), /*read_only=*/true);
  ASSERT_NE(reader, nullptr);
  for (int n = 1; n <= 10; ++n) {
    auto found = reader->FindEvent("evt-" + std::to_string(n));
    ASSERT_TRUE(found.ok());
    EXPECT_EQ(*found, std::optional<uint64_t>(n));
  }
  EXPECT_EQ(*reader->FindEvent("evt-11"), std::nullopt);
}

TEST_F(SchemaUpgradeTest, VersionFourLogIsUpgradedInPlace) {
  ASSERT_NO_FATAL_FAILURE(BuildOldLog(4));
  ExpectReadersRefusedUntilUpgraded(4);
  ExpectCurrentLogWithTheSameContent(4);
  // The nine records share one block, so each recipient's deliveries
  // become one run, whatever commits they came in (today's writer made
  // one per commit); the append after the upgrade added one to af's.
  EXPECT_EQ(QueryInt(Path(), "SELECT count(*) FROM delivery_runs"), 3);
}

// A version-4 file whose sequences do not grow with the ids (no gateway
// wrote one) still reads back in sequence order once upgraded.
TEST_F(SchemaUpgradeTest, VersionFourRunsFollowTheSequencesAsNumbered) {
  ASSERT_NO_FATAL_FAILURE(BuildOldLog(4));
  // kommun's deliveries 3 and 6 trade numbers.
  ExecOnFile(Path(),
             "UPDATE disclosures SET recipient_sequence = -recipient_sequence "
             "WHERE recipient = 'kommun' AND recipient_sequence IN (3, 6);"
             "UPDATE disclosures SET recipient_sequence = 9 + "
             "recipient_sequence WHERE recipient_sequence IN (-3, -6);");
  std::vector<uint64_t> ids_before;
  {
    auto store = OpenAndUpgrade(4);
    ASSERT_NE(store, nullptr);
    std::vector<StoredDisclosure> rows;
    ASSERT_TRUE(store->ReadDeliveries("kommun", 0, 100, &rows).ok());
    ASSERT_EQ(rows.size(), 9u);
    for (size_t i = 0; i < rows.size(); ++i) {
      EXPECT_EQ(rows[i].recipient_sequence, i + 1);
      ids_before.push_back(rows[i].id);
    }
    // Read from the middle of a run too.
    ASSERT_TRUE(store->ReadDeliveries("kommun", 2, 2, &rows).ok());
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0].id, ids_before[2]);
    EXPECT_EQ(rows[1].id, ids_before[3]);
  }
  // Record 6's delivery is read third, record 3's sixth.
  EXPECT_EQ(ids_before[2] >> 16, 6u);
  EXPECT_EQ(ids_before[5] >> 16, 3u);
}

TEST_F(SchemaUpgradeTest, UpgradedLogOpensAgainAsItIs) {
  ASSERT_NO_FATAL_FAILURE(BuildOldLog(3));
  { ASSERT_NE(OpenAndUpgrade(3), nullptr); }
  // A current file is opened as it is, with nothing to tell.
  bool told = false;
  SqliteLogStore::Options options;
  options.before_upgrade = [&told](int64_t, int64_t) { told = true; };
  { ASSERT_NE(OpenOrDie(Path(), options), nullptr); }
  EXPECT_FALSE(told);
  auto reader = Open(Path(), /*read_only=*/true);
  ASSERT_NE(reader, nullptr);
  const Reads read = ReadAll(*reader);
  EXPECT_EQ(read.deliveries, written_.deliveries);
  EXPECT_EQ(read.reports, written_.reports);
}

// The upgrade is one transaction: a writer killed (SIGKILL) at any point
// of it leaves the old file, which the next open upgrades; the content
// read back is the same either way.
TEST_F(SchemaUpgradeTest, KilledUpgradeLosesNothing) {
  // Large enough that the upgrade takes a while: 20,000 records, 50,000
  // disclosure rows.
  ASSERT_NO_FATAL_FAILURE(BuildOldLog(3, 20000));
  const int64_t rows = QueryInt(Path(), "SELECT count(*) FROM disclosures");
  ASSERT_EQ(rows, 50000);
  const std::string pristine = dir_.File("pristine.sqlite");
  std::filesystem::copy_file(Path(), pristine);

  int left_as_it_was = 0;
  for (int delay_ms : {0, 2, 10, 40, 160}) {
    SCOPED_TRACE("killed " + std::to_string(delay_ms) + " ms into it");
    for (const char* suffix : {"-wal", "-shm"}) {
      std::filesystem::remove(Path() + suffix);
    }
    std::filesystem::copy_file(
        pristine, Path(), std::filesystem::copy_options::overwrite_existing);
    int started[2];
    ASSERT_EQ(pipe(started), 0);
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      close(started[0]);
      SqliteLogStore::Options options;
      options.before_upgrade = [&](int64_t, int64_t) {
        (void)!write(started[1], "u", 1);
      };
      (void)SqliteLogStore::Open(Path(), options);
      _exit(0);
    }
    close(started[1]);
    char byte = 0;
    // EOF instead of a byte means the child never began the upgrade.
    ASSERT_EQ(read(started[0], &byte, 1), 1);
    close(started[0]);
    // Where in the upgrade the kill lands; nothing here waits for an event.
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    kill(child, SIGKILL);
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);

    const int64_t version =
        QueryInt(Path(), "SELECT value FROM meta WHERE key = 'schema_version'");
    ASSERT_TRUE(version == 3 || version == kCurrentVersion) << version;
    if (version == 3) {
      ++left_as_it_was;
      EXPECT_EQ(QueryInt(Path(),
                         "SELECT count(*) FROM sqlite_schema "
                         "WHERE name = 'disclosures_v4'"),
                0);
    }
    auto store = Open(Path());
    ASSERT_NE(store, nullptr);
    EXPECT_EQ(QueryInt(Path(), "SELECT count(*) FROM disclosures"), rows);
    const Reads read = ReadAll(*store);
    EXPECT_EQ(read.deliveries, written_.deliveries);
    EXPECT_EQ(read.reports, written_.reports);
    auto head = store->Head();
    ASSERT_TRUE(head.ok());
    EXPECT_EQ(head->hash, head_.hash);
  }
  // At least the kill at once landed inside the upgrade.
  EXPECT_GE(left_as_it_was, 1);
}

}  // namespace
}  // namespace samverkan::gateway
