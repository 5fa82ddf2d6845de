// The log file's schema and its upgrades (log_schema.h). Each upgrade says
// what the version before it kept and why it changed.
#include "gateway/log/log_schema.h"

#include <iterator>
#include <utility>

#include "gateway/log/key_runs.h"
#include "gateway/log/projection_log.h"
#include "gateway/log/record_index.h"
#include "gateway/log/sqlite_util.h"

namespace samverkan::gateway::log_schema {
namespace {

// No index on event_id or participant_id here: RecordIndex keeps those off
// the commit path (record_index.h).
constexpr char kRecordsColumns[] = R"sql((
  sequence INTEGER PRIMARY KEY,
  recorded_at_us INTEGER NOT NULL,
  kind INTEGER NOT NULL,
  event_id TEXT NOT NULL,
  participant_id TEXT NOT NULL,
  source_organisation TEXT NOT NULL,
  payload_type TEXT NOT NULL,
  body BLOB NOT NULL,
  prev_hash BLOB NOT NULL,
  hash BLOB NOT NULL,
  replay INTEGER NOT NULL DEFAULT 0
) STRICT)sql";

// Version 2 kept event_id UNIQUE and indexed participant_id inside every
// commit. A UNIQUE column constraint can only be dropped by rebuilding the
// table; the records are copied as they are, so the chain is unchanged.
constexpr char kUpgradeFrom2[] = R"sql(
CREATE TABLE records_v3 RECORDS_COLUMNS;
INSERT INTO records_v3 SELECT sequence, recorded_at_us, kind, event_id,
  participant_id, source_organisation, payload_type, body, prev_hash, hash,
  replay FROM records;
DROP TABLE records;
ALTER TABLE records_v3 RENAME TO records;
CREATE INDEX records_to_replay ON records(sequence) WHERE replay = 1;
CREATE TABLE event_index(
  event_id TEXT PRIMARY KEY,
  sequence INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE TABLE participant_index(
  participant_id TEXT NOT NULL,
  sequence INTEGER NOT NULL,
  PRIMARY KEY(participant_id, sequence)
) STRICT, WITHOUT ROWID;
CREATE VIEW event_records(event_id, sequence) AS
  SELECT event_id, sequence FROM event_index
  UNION ALL
  SELECT event_id, sequence FROM records
  WHERE sequence > (SELECT value FROM meta WHERE key = 'indexed_through');
CREATE VIEW participant_records(participant_id, sequence) AS
  SELECT participant_id, sequence FROM participant_index
  UNION ALL
  SELECT participant_id, sequence FROM records
  WHERE sequence > (SELECT value FROM meta WHERE key = 'indexed_through');
INSERT INTO meta(key, value) VALUES ('indexed_through', 0);
INSERT INTO event_index(event_id, sequence)
  SELECT event_id, sequence FROM records ORDER BY event_id;
INSERT INTO participant_index(participant_id, sequence)
  SELECT participant_id, sequence FROM records ORDER BY participant_id, sequence;
UPDATE meta SET value = (SELECT coalesce(max(sequence), 0) FROM records)
  WHERE key = 'indexed_through';
UPDATE meta SET value = 3 WHERE key = 'schema_version';
)sql";

// What a disclosure decision adds to its record; everything the record
// already says (participant, payload type, source, time) is read from it.
constexpr char kDisclosuresColumns[] = R"sql((
  id INTEGER PRIMARY KEY,
  recipient TEXT NOT NULL,
  delivered INTEGER NOT NULL,
  recipient_sequence INTEGER,
  categories TEXT NOT NULL,
  withheld_categories TEXT NOT NULL,
  consent_ids TEXT NOT NULL,
  reason TEXT NOT NULL,
  body BLOB
) STRICT)sql";

// A recipient's deliveries are found through runs: consecutive deliveries
// to one recipient, from one Append and one block of 2^RUN_BITS records, as
// a range of recipient sequences and the range of disclosure ids holding
// them. A reader scans a run's id range for its recipient's rows. One index
// entry per delivery cost about a tenth of the gateway's throughput
// (docs/BENCHMARKS.md); a run costs one entry per block and recipient, and
// a reader scans at most one block's decisions to find where to start.
constexpr char kDeliveryRunsColumns[] = R"sql((
  recipient TEXT NOT NULL,
  first_sequence INTEGER NOT NULL,
  last_sequence INTEGER NOT NULL,
  first_id INTEGER NOT NULL,
  last_id INTEGER NOT NULL,
  PRIMARY KEY (recipient, first_sequence)
) STRICT, WITHOUT ROWID)sql";

// Version 3 copied four of the record's columns into every disclosure row
// and indexed the rows by record. decided_at_us was always the record's
// recorded_at_us (both come from the same Append), so nothing is lost.
constexpr char kUpgradeFrom3[] = R"sql(
CREATE TABLE disclosures_v4 DISCLOSURES_COLUMNS;
INSERT INTO disclosures_v4
  SELECT (log_sequence << SLOT_BITS) +
         row_number() OVER (PARTITION BY log_sequence ORDER BY id) - 1,
         recipient, delivered, recipient_sequence, categories,
         withheld_categories, consent_ids, reason, body
  FROM disclosures ORDER BY 1;
DROP TABLE disclosures;
ALTER TABLE disclosures_v4 RENAME TO disclosures;
CREATE UNIQUE INDEX deliveries_by_recipient
  ON disclosures(recipient, recipient_sequence)
  WHERE recipient_sequence IS NOT NULL;
UPDATE meta SET value = 4 WHERE key = 'schema_version';
)sql";

// Version 4 indexed every delivery by (recipient, recipient_sequence). The
// runs are rebuilt from the rows: within one recipient and block, in id
// order, a run ends wherever the next sequence is not one more, so each
// run's sequences are consecutive and grow with its ids whatever order the
// rows were numbered in.
constexpr char kUpgradeFrom4[] = R"sql(
CREATE TABLE delivery_runs DELIVERY_RUNS_COLUMNS;
INSERT INTO delivery_runs
  SELECT recipient, min(recipient_sequence), max(recipient_sequence),
         min(id), max(id)
  FROM (SELECT *, sum(starts) OVER (PARTITION BY recipient, block
                                    ORDER BY id) AS run
        FROM (SELECT recipient, recipient_sequence, id,
                     id >> (SLOT_BITS + RUN_BITS) AS block,
                     recipient_sequence IS NOT 1 + lag(recipient_sequence)
                       OVER (PARTITION BY recipient,
                                          id >> (SLOT_BITS + RUN_BITS)
                             ORDER BY id) AS starts
              FROM disclosures WHERE recipient_sequence IS NOT NULL))
  GROUP BY recipient, block, run;
DROP INDEX deliveries_by_recipient;
UPDATE meta SET value = 5 WHERE key = 'schema_version';
)sql";

// Versions 3 to 5 keyed event_index by the event id's text. It is rebuilt
// keyed by samverkan_key(event_id) (record_index.h); the tail's view
// goes, since lookups now confirm the id on the record.
constexpr char kUpgradeFrom5[] = R"sql(
CREATE TABLE event_index_v6(
  key INTEGER NOT NULL,
  sequence INTEGER NOT NULL,
  PRIMARY KEY(key, sequence)
) STRICT, WITHOUT ROWID;
INSERT INTO event_index_v6
  SELECT samverkan_key(event_id), sequence FROM event_index
  ORDER BY 1, 2;
DROP VIEW event_records;
DROP TABLE event_index;
ALTER TABLE event_index_v6 RENAME TO event_index;
UPDATE meta SET value = 6 WHERE key = 'schema_version';
)sql";

// Versions up to 6 upserted every commit's projection rows into
// `projections`; they are all there, so no change waits.
constexpr char kUpgradeFrom6[] = R"sql(
PROJECTION_LOG
UPDATE meta SET value = 7 WHERE key = 'schema_version';
)sql";

// Version 7 kept event_index as one B-tree keyed (key, sequence): it becomes
// run 1 of today's (key_runs.h), copied in its own order, so at the end of
// the table and written once.
constexpr char kUpgradeFrom7[] = R"sql(
ALTER TABLE event_index RENAME TO event_index_v7;
EVENT_RUNS
INSERT INTO event_index(run, key, sequence)
  SELECT 1, key, sequence FROM event_index_v7 ORDER BY key, sequence;
INSERT INTO event_runs(run, entries)
  SELECT 1, count(*) FROM event_index HAVING count(*) > 0;
DROP TABLE event_index_v7;
UPDATE meta SET value = 8 WHERE key = 'schema_version';
)sql";

// Version 8 kept participant_index as one B-tree keyed by the participant's
// text, read with its tail through a view: it becomes run 1 of the
// participant index's runs, keyed by samverkan_key(participant_id).
constexpr char kUpgradeFrom8[] = R"sql(
DROP VIEW participant_records;
ALTER TABLE participant_index RENAME TO participant_index_v8;
PARTICIPANT_RUNS
INSERT INTO participant_index(run, key, sequence)
  SELECT 1, samverkan_key(participant_id), sequence FROM participant_index_v8
  ORDER BY 2, 3;
INSERT INTO participant_runs(run, entries)
  SELECT 1, count(*) FROM participant_index HAVING count(*) > 0;
DROP TABLE participant_index_v8;
UPDATE meta SET value = 9 WHERE key = 'schema_version';
)sql";

// Run once, in one transaction, when the file is fresh.
// STRICT makes SQLite refuse a value of the wrong type instead of silently
// storing it, so every column holds what log_format.md says it holds.
constexpr char kSchema[] = R"sql(
CREATE TABLE meta(
  key TEXT PRIMARY KEY,
  value ANY NOT NULL
) STRICT;
CREATE TABLE records RECORDS_COLUMNS;
CREATE INDEX records_to_replay ON records(sequence) WHERE replay = 1;
CREATE TABLE disclosures DISCLOSURES_COLUMNS;
CREATE TABLE delivery_runs DELIVERY_RUNS_COLUMNS;
CREATE TABLE audit(
  id INTEGER PRIMARY KEY,
  at_us INTEGER NOT NULL,
  peer_organisation TEXT NOT NULL,
  event_id TEXT NOT NULL,
  participant_id TEXT NOT NULL,
  payload_type TEXT NOT NULL,
  code INTEGER NOT NULL,
  message TEXT NOT NULL
) STRICT;
CREATE INDEX audit_by_code ON audit(code);
CREATE TABLE projections(
  key TEXT PRIMARY KEY,
  at_sequence INTEGER NOT NULL,
  state BLOB NOT NULL
) STRICT, WITHOUT ROWID;
PROJECTION_LOG
INSERT INTO meta(key, value) VALUES ('schema_version', SCHEMA_VERSION);
RECORD_INDEX
)sql";

// The upgrade from version N, at N - 2.
constexpr const char* kUpgrades[] = {
    kUpgradeFrom2, kUpgradeFrom3, kUpgradeFrom4, kUpgradeFrom5,
    kUpgradeFrom6, kUpgradeFrom7, kUpgradeFrom8};
static_assert(std::size(kUpgrades) == kVersion - 2);

}  // namespace

bool IsUpgradable(int64_t version) {
  return version >= 2 && version < kVersion;
}

std::string Fresh() { return Expand(kSchema); }

std::string UpgradeFrom(int64_t version) {
  return IsUpgradable(version) ? Expand(kUpgrades[version - 2]) : std::string();
}

std::string Expand(std::string sql, std::string_view from_sequence) {
  const std::string slot_bits = std::to_string(kSlotBits);
  const std::string run_bits = std::to_string(kRunBits);
  const std::string event_runs = KeyRuns::Schema(KeyRuns::kEvents);
  const std::string participant_runs = KeyRuns::Schema(KeyRuns::kParticipants);
  return sqlite::Fill(
      std::move(sql),
      {{"RECORDS_COLUMNS", kRecordsColumns},
       {"RECORD_INDEX", RecordIndex::kSchema},
       {"EVENT_RUNS", event_runs},
       {"PARTICIPANT_RUNS", participant_runs},
       {"PARTICIPANT_SEQUENCES", RecordIndex::kParticipantSequences},
       {"FROM_SEQUENCE", from_sequence},
       {"PROJECTION_LOG", ProjectionLog::kSchema},
       {"DISCLOSURES_COLUMNS", kDisclosuresColumns},
       {"DELIVERY_RUNS_COLUMNS", kDeliveryRunsColumns},
       {"SLOT_BITS", slot_bits},
       {"RUN_BITS", run_bits},
       {"SCHEMA_VERSION", std::to_string(kVersion)}});
}

}  // namespace samverkan::gateway::log_schema
