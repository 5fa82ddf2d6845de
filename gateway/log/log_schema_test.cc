// The schema's SQL on its own: a fresh file gets every table at the current
// version, and the upgrades form one unbroken chain up to it. What each
// upgrade does to the rows is schema_upgrade_test.cc's.
#include "gateway/log/log_schema.h"

#include <gtest/gtest.h>

#include <string>

#include "gateway/log/test_util.h"

namespace samverkan::gateway::log_schema {
namespace {

using testing::ExecOnFile;
using testing::QueryInt;
using testing::TempDir;

TEST(LogSchemaTest, FreshFileHasEveryTableAtTheCurrentVersion) {
  TempDir dir;
  const std::string path = dir.path() + "/log.sqlite";
  ExecOnFile(path, Fresh());
  EXPECT_EQ(QueryInt(path,
                     "SELECT value FROM meta WHERE key = "
                     "'schema_version'"),
            kVersion);
  for (const char* table :
       {"records", "disclosures", "delivery_runs", "audit", "projections",
        "event_index", "participant_index", "event_runs", "participant_runs"}) {
    EXPECT_EQ(QueryInt(path, std::string("SELECT count(*) FROM sqlite_schema "
                                         "WHERE type = 'table' AND name = '") +
                                 table + "'"),
              1)
        << table;
  }
}

TEST(LogSchemaTest, EachUpgradeMovesTheFileOneVersionOn) {
  for (int64_t v = 2; v < kVersion; ++v) {
    ASSERT_TRUE(IsUpgradable(v)) << v;
    const std::string sql = UpgradeFrom(v);
    EXPECT_NE(sql.find("UPDATE meta SET value = " + std::to_string(v + 1) +
                       " WHERE key = 'schema_version'"),
              std::string::npos)
        << "the upgrade from version " << v << ":\n"
        << sql;
  }
}

TEST(LogSchemaTest, OnlyOlderKnownVersionsAreUpgraded) {
  for (const int64_t v :
       {int64_t{-1}, int64_t{0}, int64_t{1}, kVersion, kVersion + 1}) {
    EXPECT_FALSE(IsUpgradable(v)) << v;
    EXPECT_EQ(UpgradeFrom(v), "") << v;
  }
}

TEST(LogSchemaTest, ExpandLeavesNoPlaceholder) {
  const std::string sql =
      Expand("SELECT SLOT_BITS, RUN_BITS FROM t WHERE s > FROM_SEQUENCE", "?2");
  EXPECT_EQ(sql, "SELECT " + std::to_string(kSlotBits) + ", " +
                     std::to_string(kRunBits) + " FROM t WHERE s > ?2");
}

}  // namespace
}  // namespace samverkan::gateway::log_schema
