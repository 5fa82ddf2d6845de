// An agency service's delivery stream takes a backlog in slices (DESIGN §4:
// a slow subscriber never slows ingest, its own publishing included): a
// service back from a stretch offline gets its deliveries in order, exactly
// once, at most one slice per turn of its loop, so its sender runs between
// slices.
#include "services/agency/inbox_stream.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <string>
#include <vector>

#include "common/transport/context.h"
#include "gateway/testing/test_envelopes.h"
#include "tests/support/agency_system.h"
#include "tests/support/gateway_fixture.h"
#include "tests/support/log_reader.h"
#include "tests/support/plan_setup.h"

namespace samverkan::testing {
namespace {

using namespace std::chrono_literals;

constexpr char kParticipant[] = "p-1001";
constexpr int kEvents = 2000;
constexpr size_t kSlice = 128;
constexpr auto kBound = 60s;

TEST(InboxStreamTest, BacklogArrivesInSlicesInOrderExactlyOnce) {
  GatewayFixtureOptions options;
  options.parties = AllAgencyParties();
  auto created = GatewayFixture::Create(options);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  GatewayFixture& gateway = **created;
  ASSERT_TRUE(gateway.Start().ok());
  auto kommun = gateway.ConnectIngress(kKommun);
  ASSERT_TRUE(kommun.ok()) << kommun.status().ToString();
  ASSERT_TRUE(
      OpenPlanWithConsent(**kommun, kKommun, kParticipant, options.parties)
          .ok());

  // Published while Arbetsförmedlingen's service is not reading: its
  // backlog.
  auto region = gateway.ConnectIngress(kRegion);
  ASSERT_TRUE(region.ok()) << region.status().ToString();
  size_t in_flight = 0;
  int sent = 0;
  int acked = 0;
  const auto deadline = std::chrono::steady_clock::now() + kBound;
  while (acked < kEvents && std::chrono::steady_clock::now() < deadline) {
    while (sent < kEvents && in_flight < 200) {
      v1::Envelope e = gateway::testing::MakeHealthEvent(
          kRegion, kParticipant, "n" + std::to_string(sent));
      ASSERT_TRUE(
          (*region)->Submit(std::to_string(sent), e.SerializeAsString()).ok());
      ++sent;
      ++in_flight;
    }
    auto ack = (*region)->Receive(1s);
    if (!ack) continue;
    ASSERT_EQ(ack->reply.outcome(), v1::ACCEPTED) << ack->reply.message();
    --in_flight;
    ++acked;
  }
  ASSERT_EQ(acked, kEvents);
  auto log = OpenLogReadOnly(gateway.LogPath());
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  auto backlog = (*log)->RecipientHead(kArbetsformedlingen);
  ASSERT_TRUE(backlog.ok()) << backlog.status().ToString();
  ASSERT_GE(*backlog, static_cast<uint64_t>(kEvents));

  transport::TransportContext context;
  std::vector<uint64_t> handled;
  auto stream = agency::InboxStream::Open(
      gateway.dir() + "/af-inbox.jsonl", v1::DELIVERY_STREAM_EVENTS, context,
      gateway.ReadyFile(), gateway.keypair(kArbetsformedlingen),
      [&handled](v1::DeliveryStream, const v1::Delivery& d) {
        handled.push_back(d.recipient_sequence());
        return OkStatus();
      });
  ASSERT_TRUE(stream.ok()) << stream.status().ToString();
  size_t largest_turn = 0;
  int full_turns = 0;
  while (handled.size() < *backlog &&
         std::chrono::steady_clock::now() < deadline + kBound) {
    auto taken = (*stream)->Poll(100ms, kSlice);
    ASSERT_TRUE(taken.ok()) << taken.status().ToString();
    largest_turn = std::max(largest_turn, *taken);
    if (*taken == kSlice) ++full_turns;
  }

  EXPECT_LE(largest_turn, kSlice);
  // The backlog was there to be sliced: at least one turn found a full
  // slice waiting.
  EXPECT_GT(full_turns, 0);
  ASSERT_EQ(handled.size(), *backlog);
  for (size_t i = 0; i < handled.size(); ++i) {
    ASSERT_EQ(handled[i], i + 1) << "delivery " << i;
  }
  EXPECT_EQ((*stream)->last(), *backlog);
  EXPECT_EQ(ReadInbox(gateway.dir() + "/af-inbox.jsonl").size(), *backlog);
}

}  // namespace
}  // namespace samverkan::testing
