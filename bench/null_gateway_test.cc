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

constexpr std::chrono::milliseconds kWait(10000);

transport::CurveKeypair NewKeypair() {
  auto keypair = transport::GenerateCurveKeypair();
  EXPECT_TRUE(keypair.ok());
  return *keypair;
}

// A null gateway admitting `admitted`, and a client connected to it with
// `keypair`.
struct Connected {
  std::unique_ptr<NullGateway> null;
  transport::TransportContext context;
  std::unique_ptr<client::GatewayClient> client;
};

void StartAndConnect(const transport::CurveKeypair& admitted,
                     const transport::CurveKeypair& keypair, Connected* out) {
  auto null = NullGateway::Start(NewKeypair(), {admitted.public_key});
  ASSERT_TRUE(null.ok()) << null.status().ToString();
  out->null = std::move(*null);
  auto client = client::GatewayClient::Connect(
      out->context, out->null->address().ingress,
      out->null->address().server_public_key, keypair);
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  out->client = std::move(*client);
}

TEST(NullGatewayTest, AnswersEverySubmissionAcceptedInOrder) {
  const transport::CurveKeypair publisher = NewKeypair();
  Connected s;
  ASSERT_NO_FATAL_FAILURE(StartAndConnect(publisher, publisher, &s));

  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(
        s.client->Submit("c" + std::to_string(i), "not even an envelope").ok());
  }
  for (int i = 0; i < 3; ++i) {
    auto ack = s.client->Receive(kWait);
    ASSERT_TRUE(ack.has_value()) << "reply " << i;
    EXPECT_TRUE(ack->well_formed);
    EXPECT_EQ(ack->correlation, "c" + std::to_string(i));
    EXPECT_EQ(ack->reply.outcome(), v1::ACCEPTED);
    EXPECT_EQ(ack->reply.sequence(), static_cast<uint64_t>(i + 1));
  }
  EXPECT_EQ(s.null->submissions(), 3u);
}

TEST(NullGatewayTest, AnUnknownKeyGetsNoAnswer) {
  Connected s;
  ASSERT_NO_FATAL_FAILURE(StartAndConnect(NewKeypair(), NewKeypair(), &s));
  ASSERT_TRUE(s.client->Submit("c", "bytes").ok());
  ASSERT_TRUE(s.null->WaitForDenied(1, kWait));
  EXPECT_FALSE(s.client->Receive(std::chrono::milliseconds(100)).has_value());
  EXPECT_EQ(s.null->submissions(), 0u);
}

}  // namespace
}  // namespace samverkan::bench
