// The event log file's tables, its schema version and the upgrades from every
// earlier version, as SQL. log_format.md describes the same tables for
// readers. SqliteLogStore runs this SQL when it opens a file: the fresh
// schema, or every upgrade due, in one transaction.
#ifndef SAMVERKAN_GATEWAY_LOG_LOG_SCHEMA_H_
#define SAMVERKAN_GATEWAY_LOG_LOG_SCHEMA_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace samverkan::gateway::log_schema {

inline constexpr int64_t kVersion = 9;

// A disclosure's id is its record's sequence shifted left by kSlotBits, plus
// its place among that record's decisions: the rowid itself finds a
// record's decisions, so no index on log_sequence is written per recipient,
// and ids still grow in the order the decisions were taken.
inline constexpr int kSlotBits = 16;
inline constexpr uint64_t kSlotsPerRecord = uint64_t{1} << kSlotBits;
// A run of deliveries (the delivery_runs table) never spans two blocks of
// 2^kRunBits records: ids of one run agree above bit kRunShift.
inline constexpr int kRunBits = 6;
inline constexpr int kRunShift = kSlotBits + kRunBits;

// The versions a writer upgrades in place when it opens them.
bool IsUpgradable(int64_t version);

// Every table, index and view of a fresh log at kVersion.
std::string Fresh();

// Moves a file at `version` (IsUpgradable) one version on, ending with the
// new version in `meta`. The upgrades from 5 and 8 call samverkan_key(),
// which the connection must have registered (RecordIndex does). Empty for
// any other version.
std::string UpgradeFrom(int64_t version);

// Fills the schema's placeholders in a query: the column lists, the slot
// and run widths, the index's SQL, and FROM_SEQUENCE with `from_sequence`
// (where RecordIndex::kParticipantSequences starts).
std::string Expand(std::string sql, std::string_view from_sequence = "");

}  // namespace samverkan::gateway::log_schema

#endif  // SAMVERKAN_GATEWAY_LOG_LOG_SCHEMA_H_
