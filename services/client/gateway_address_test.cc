// The gateway's ready file as clients read it, and what a follower accepts
// as it starts: one row per kind of file.
#include "services/client/gateway_address.h"

#include <gtest/gtest.h>

#include <fstream>
#include <optional>
#include <sstream>
#include <string>

#include "common/testing/temp_dir.h"

namespace samverkan::client {
namespace {

struct Row {
  const char* name;
  std::optional<std::string> content;  // none: no file at all
  StatusCode load;                     // LoadGatewayAddress
  StatusCode at_start;                 // CheckReadyFileAtStart
  bool waits;                          // says it waits for the gateway
};

TEST(GatewayAddressTest, ReadyFilesAsClientsAndFollowersSeeThem) {
  const Row rows[] = {
      {"complete",
       "ingress = \"tcp://127.0.0.1:5000\"\nquery = \"tcp://127.0.0.1:5001\"\n"
       "delivery = \"tcp://127.0.0.1:5002\"\nserver_public_key = \"k\"\n",
       StatusCode::kOk, StatusCode::kOk, false},
      {"missing: the gateway is not up", std::nullopt, StatusCode::kNotFound,
       StatusCode::kOk, true},
      {"not TOML", "ingress = \n", StatusCode::kInvalidArgument,
       StatusCode::kInvalidArgument, false},
      {"no public key",
       "ingress = \"tcp://127.0.0.1:5000\"\nquery = \"tcp://127.0.0.1:5001\"\n",
       StatusCode::kInvalidArgument, StatusCode::kInvalidArgument, false},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    testing::TempDir dir;
    const std::string path = dir.File("gateway.ready");
    if (row.content) std::ofstream(path) << *row.content;
    StatusOr<GatewayAddress> loaded = LoadGatewayAddress(path);
    EXPECT_EQ(loaded.status().code(), row.load) << loaded.status().ToString();
    std::ostringstream notes;
    const Status at_start = CheckReadyFileAtStart(path, notes);
    EXPECT_EQ(at_start.code(), row.at_start) << at_start.ToString();
    EXPECT_EQ(notes.str().find("waiting for the gateway") != std::string::npos,
              row.waits)
        << notes.str();
    if (row.load == StatusCode::kOk) {
      EXPECT_EQ(loaded->delivery, "tcp://127.0.0.1:5002");
    } else {
      // The message names the file, so an operator knows which.
      EXPECT_NE(loaded.status().message().find(path), std::string::npos);
    }
  }
}

}  // namespace
}  // namespace samverkan::client
