// Config parsing: defaults, overrides, and one row per kind of mistake.
#include "gateway/config.h"

#include <gtest/gtest.h>

namespace samverkan::gateway {
namespace {

TEST(ConfigTest, ReadsValuesOverDefaults) {
  auto c = ParseGatewayConfig(R"(
[gateway]
data_dir = "/var/lib/samverkan"
ingress_endpoint = "tcp://127.0.0.1:0"
max_batch = 512
max_queue = 4096
index_lag = 1000
rule_set_file = "rules/rules-2026.1.toml"
heartbeat_interval_ms = 250
metrics_listen = "127.0.0.1:9464"
)");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->data_dir, "/var/lib/samverkan");
  EXPECT_EQ(c->ingress_endpoint, "tcp://127.0.0.1:0");
  EXPECT_EQ(c->max_batch, 512u);
  EXPECT_EQ(c->max_queue, 4096u);
  EXPECT_EQ(c->max_queue_bytes, 64u << 20);
  EXPECT_EQ(c->index_lag, 1000u);
  EXPECT_EQ(c->max_event_bytes, 64u * 1024);
  EXPECT_EQ(c->LogPath(), "/var/lib/samverkan/log.sqlite");
  EXPECT_EQ(c->rule_set_file, "rules/rules-2026.1.toml");
  EXPECT_EQ(c->heartbeat_interval_ms, 250u);
  EXPECT_EQ(c->shadow_rule_set_file, "");
  EXPECT_EQ(c->metrics_listen, "127.0.0.1:9464");
}

TEST(ConfigTest, MetricsAreOffByDefault) {
  auto c = ParseGatewayConfig("[gateway]\nrule_set_file = \"r\"\n");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->metrics_listen, "");
}

TEST(ConfigTest, CommitGatherDefaultsToAMillisecondAndZeroTurnsItOff) {
  auto defaults = ParseGatewayConfig("[gateway]\nrule_set_file = \"r\"\n");
  ASSERT_TRUE(defaults.ok()) << defaults.status().ToString();
  EXPECT_EQ(defaults->commit_gather_us, 1000u);
  auto off = ParseGatewayConfig(
      "[gateway]\nrule_set_file = \"r\"\ncommit_gather_us = 0\n");
  ASSERT_TRUE(off.ok()) << off.status().ToString();
  EXPECT_EQ(off->commit_gather_us, 0u);
}

TEST(ConfigTest, MistakesAreNamed) {
  struct Row {
    const char* toml;
    const char* error_part;
  };
  const Row kRows[] = {
      {"[gateway\n", "not valid TOML"},
      {"[other]\n", "no [gateway] table"},
      {"[gateway]\ndata_dri = \"x\"\n", "unknown key gateway.data_dri"},
      {"[gateway]\ndata_dir = 5\n", "gateway.data_dir must be a string"},
      {"[gateway]\nmetrics_listen = 9464\n",
       "gateway.metrics_listen must be a string"},
      {"[gateway]\nmax_batch = -1\n", "gateway.max_batch must be a positive"},
      {"[gateway]\nmax_batch = 0\n", "gateway.max_batch must be a positive"},
      {"[gateway]\ncommit_gather_us = -1\n",
       "gateway.commit_gather_us must be a non-negative"},
      {"[gateway]\n", "gateway.rule_set_file is required"},
      {"[gateway]\nrule_set_file = \"r\"\nmax_event_bytes = 2000000\n",
       "max_message_bytes must be at least"},
  };
  for (const Row& row : kRows) {
    auto c = ParseGatewayConfig(row.toml);
    ASSERT_FALSE(c.ok()) << row.toml;
    EXPECT_NE(c.status().message().find(row.error_part), std::string::npos)
        << c.status().message();
  }
}

}  // namespace
}  // namespace samverkan::gateway
