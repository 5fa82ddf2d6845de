// The null gateway answers like the gateway's ingress (frames, correlation,
// ACCEPTED with growing sequences) and admits only the keys it was given,
// so the bench's publishers measure the same transport against it.
#include "bench/null_gateway.h"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

#include "services/client/gateway_client.h"

namespace samverkan::bench {
namespace {

constexpr auto kWait = std::chrono::seconds(10);

transport::CurveKeypair NewKeypair() {
  auto keypair = transport::GenerateCurveKeypair();
  EXPECT_TRUE(keypair.ok());
  return *keypair;
}

TEST(NullGatewayTest, AnswersEverySubmissionAcceptedInOrder) {
  const transport::CurveKeypair server = NewKeypair();
  const transport::CurveKeypair publisher = NewKeypair();
  auto null = NullGateway::Start(server, {publisher.public_key});
  ASSERT_TRUE(null.ok()) << null.status().ToString();
  transport::TransportContext context;
  auto client = client::GatewayClient::Connect(
      context, (*null)->address().ingress, (*null)->address().server_public_key,
      publisher);
  ASSERT_TRUE(client.ok()) << client.status().ToString();

  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE((*client)
                    ->Submit("c" + std::to_string(i), "not even an envelope")
                    .ok());
  }
  for (int i = 0; i < 3; ++i) {
    auto ack = (*client)->Receive(
        std::chrono::duration_cast<std::chrono::milliseconds>(kWait));
    ASSERT_TRUE(ack.has_value()) << "reply " << i;
    EXPECT_TRUE(ack->well_formed);
    EXPECT_EQ(ack->correlation, "c" + std::to_string(i));
    EXPECT_EQ(ack->reply.outcome(), v1::ACCEPTED);
    EXPECT_EQ(ack->reply.sequence(), static_cast<uint64_t>(i + 1));
  }
  EXPECT_EQ((*null)->submissions(), 3u);
}

TEST(NullGatewayTest, AnUnknownKeyGetsNoAnswer) {
  const transport::CurveKeypair server = NewKeypair();
  const transport::CurveKeypair known = NewKeypair();
  const transport::CurveKeypair stranger = NewKeypair();
  auto null = NullGateway::Start(server, {known.public_key});
  ASSERT_TRUE(null.ok()) << null.status().ToString();
  transport::TransportContext context;
  auto client = client::GatewayClient::Connect(
      context, (*null)->address().ingress, (*null)->address().server_public_key,
      stranger);
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  ASSERT_TRUE((*client)->Submit("c", "bytes").ok());
  ASSERT_TRUE((*null)->WaitForDenied(
      1, std::chrono::duration_cast<std::chrono::milliseconds>(kWait)));
  EXPECT_FALSE((*client)->Receive(std::chrono::milliseconds(100)).has_value());
  EXPECT_EQ((*null)->submissions(), 0u);
}

}  // namespace
}  // namespace samverkan::bench
