// End-to-end tests of the transport over real TCP sockets on ephemeral
// ports: CURVE authentication through the ZAP handler, the peer key the
// server sees, the size ceiling and polling. Waits are bounded, never sleeps.
#include <gtest/gtest.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <chrono>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "common/transport/client_socket.h"
#include "common/transport/context.h"
#include "common/transport/curve_keys.h"
#include "common/transport/poller.h"
#include "common/transport/server_socket.h"
#include "common/transport/zap_handler.h"

namespace samverkan::transport {
namespace {

using std::chrono::milliseconds;

// Long enough for a loaded CI machine; only reached when a test fails.
constexpr milliseconds kArrives{10000};
// How long "nothing arrives" is watched for.
constexpr milliseconds kQuiet{300};
constexpr int64_t kCeiling = 4096;

CurveKeypair NewKeypair() {
  auto keypair = GenerateCurveKeypair();
  EXPECT_TRUE(keypair.ok());
  return *keypair;
}

class TransportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_keys_ = NewKeypair();
    alice_ = NewKeypair();
    bob_ = NewKeypair();
    mallory_ = NewKeypair();
    zap_.emplace(context_,
                 [this](std::string_view domain, std::string_view key) {
                   std::lock_guard lock(mutex_);
                   domains_seen_.insert(std::string(domain));
                   return key == alice_.public_key || key == bob_.public_key;
                 });
    ASSERT_TRUE(zap_->Start().ok());
    router_ = MakeRouter("ingress");
    auto endpoint = router_->Bind("tcp://127.0.0.1:0");
    ASSERT_TRUE(endpoint.ok()) << endpoint.status().ToString();
    endpoint_ = *endpoint;
  }

  std::optional<CurveRouter> MakeRouter(const std::string& domain) {
    CurveRouterOptions options;
    options.secret_key = server_keys_.secret_key;
    options.zap_domain = domain;
    options.max_message_bytes = kCeiling;
    options.max_frames = 4;
    auto router = CurveRouter::Create(context_, options);
    EXPECT_TRUE(router.ok()) << router.status().ToString();
    if (!router.ok()) return std::nullopt;
    return std::move(*router);
  }

  CurveDealer Connect(const CurveKeypair& keys, const std::string& endpoint) {
    CurveDealerOptions options;
    options.server_public_key = server_keys_.public_key;
    options.keypair = keys;
    auto dealer = CurveDealer::Create(context_, options);
    EXPECT_TRUE(dealer.ok()) << dealer.status().ToString();
    EXPECT_TRUE(dealer->Connect(endpoint).ok());
    return std::move(*dealer);
  }
  CurveDealer Connect(const CurveKeypair& keys) {
    return Connect(keys, endpoint_);
  }

  TransportContext context_;
  CurveKeypair server_keys_, alice_, bob_, mallory_;
  std::mutex mutex_;
  std::set<std::string> domains_seen_;
  std::optional<ZapHandler> zap_;
  std::optional<CurveRouter> router_;
  std::string endpoint_;
};

TEST_F(TransportTest, EphemeralBindReportsTheChosenPort) {
  EXPECT_EQ(endpoint_.rfind("tcp://127.0.0.1:", 0), 0u) << endpoint_;
  EXPECT_NE(endpoint_, "tcp://127.0.0.1:0");
}

TEST_F(TransportTest, RegisteredKeyRoundTripsAndServerSeesItsKey) {
  CurveDealer alice = Connect(alice_);
  ASSERT_TRUE(alice.Send({"submit", std::string("\0bytes", 6)}).ok());

  auto in = router_->Receive(kArrives);
  ASSERT_TRUE(in.has_value());
  EXPECT_EQ(in->peer_public_key, alice_.public_key);
  EXPECT_EQ(in->frames,
            (std::vector<std::string>{"submit", std::string("\0bytes", 6)}));
  EXPECT_FALSE(in->routing_id.empty());

  ASSERT_TRUE(router_->Send(in->routing_id, {"ack", "42"}).ok());
  auto reply = alice.Receive(kArrives);
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(*reply, (std::vector<std::string>{"ack", "42"}));

  EXPECT_EQ(zap_->accepted_count(), 1u);
  std::lock_guard lock(mutex_);
  EXPECT_EQ(domains_seen_, std::set<std::string>{"ingress"});
}

TEST_F(TransportTest, TwoClientsAreToldApart) {
  CurveDealer alice = Connect(alice_);
  CurveDealer bob = Connect(bob_);
  ASSERT_TRUE(alice.Send({"from alice"}).ok());
  ASSERT_TRUE(bob.Send({"from bob"}).ok());
  std::set<std::pair<std::string, std::string>> seen;
  for (int i = 0; i < 2; ++i) {
    auto in = router_->Receive(kArrives);
    ASSERT_TRUE(in.has_value());
    seen.insert({in->peer_public_key, in->frames.at(0)});
  }
  EXPECT_EQ(seen, (std::set<std::pair<std::string, std::string>>{
                      {alice_.public_key, "from alice"},
                      {bob_.public_key, "from bob"}}));
}

TEST_F(TransportTest, UnknownKeyNeverDelivers) {
  CurveDealer mallory = Connect(mallory_);
  ASSERT_TRUE(mallory.Send({"let me in"}).ok());
  ASSERT_TRUE(zap_->WaitForDeniedCount(1, kArrives));
  EXPECT_FALSE(router_->Receive(kQuiet).has_value());
  EXPECT_EQ(zap_->accepted_count(), 0u);
}

TEST_F(TransportTest, MessageAtTheCeilingIsDelivered) {
  CurveDealer alice = Connect(alice_);
  ASSERT_TRUE(alice.Send({std::string(kCeiling, 'x')}).ok());
  auto in = router_->Receive(kArrives);
  ASSERT_TRUE(in.has_value());
  EXPECT_EQ(in->frames.at(0).size(), static_cast<size_t>(kCeiling));
}

TEST_F(TransportTest, OversizedMessageDropsThatConnectionOnly) {
  CurveDealer alice = Connect(alice_);
  ASSERT_TRUE(alice.Send({std::string(kCeiling + 1, 'x')}).ok());
  // The oversized frame is not delivered, and the server goes on serving.
  CurveDealer bob = Connect(bob_);
  ASSERT_TRUE(bob.Send({"still there?"}).ok());
  auto in = router_->Receive(kArrives);
  ASSERT_TRUE(in.has_value());
  EXPECT_EQ(in->peer_public_key, bob_.public_key);
  ASSERT_TRUE(router_->Send(in->routing_id, {"yes"}).ok());
  ASSERT_TRUE(bob.Receive(kArrives).has_value());
  // Alice authenticated (the ceiling is after the handshake) but nothing of
  // hers arrives.
  EXPECT_GE(zap_->accepted_count(), 2u);
  auto late = router_->Receive(kQuiet);
  EXPECT_FALSE(late.has_value() && late->frames.at(0).size() > kCeiling);
}

TEST_F(TransportTest, MessageWithTooManyFramesIsDroppedAndCounted) {
  CurveDealer alice = Connect(alice_);
  ASSERT_TRUE(alice.Send({"1", "2", "3", "4", "5"}).ok());
  ASSERT_TRUE(alice.Send({"fine"}).ok());
  // Messages from one peer arrive in order: "fine" proves the first was read.
  auto in = router_->Receive(kArrives);
  ASSERT_TRUE(in.has_value());
  EXPECT_EQ(in->frames, std::vector<std::string>{"fine"});
  EXPECT_EQ(router_->dropped_count(), 1u);
}

TEST_F(TransportTest, BindWithoutZapHandlerIsRefused) {
  TransportContext bare;
  CurveRouterOptions options;
  options.secret_key = server_keys_.secret_key;
  auto router = CurveRouter::Create(bare, options);
  ASSERT_TRUE(router.ok());
  auto bound = router->Bind("tcp://127.0.0.1:0");
  ASSERT_FALSE(bound.ok());
  EXPECT_EQ(bound.status().code(), StatusCode::kFailedPrecondition);
}

TEST_F(TransportTest, StoppedZapHandlerFailsClosed) {
  zap_->Stop();
  zap_->Stop();  // idempotent
  CurveDealer alice = Connect(alice_);
  ASSERT_TRUE(alice.Send({"anyone home?"}).ok());
  EXPECT_FALSE(router_->Receive(kQuiet).has_value());
}

TEST_F(TransportTest, SecondZapHandlerOnOneContextIsRefused) {
  ZapHandler second(context_, [](auto, auto) { return true; });
  Status st = second.Start();
  EXPECT_EQ(st.code(), StatusCode::kFailedPrecondition) << st.ToString();
}

TEST_F(TransportTest, InvalidOptionsAreRejected) {
  CurveRouterOptions bad_router;
  bad_router.secret_key = "short";
  EXPECT_EQ(CurveRouter::Create(context_, bad_router).status().code(),
            StatusCode::kInvalidArgument);
  CurveRouterOptions no_domain;
  no_domain.secret_key = server_keys_.secret_key;
  no_domain.zap_domain = "";
  EXPECT_EQ(CurveRouter::Create(context_, no_domain).status().code(),
            StatusCode::kInvalidArgument);
  CurveDealerOptions bad_dealer;
  bad_dealer.server_public_key = server_keys_.public_key;
  bad_dealer.keypair = {"x", "y"};
  EXPECT_EQ(CurveDealer::Create(context_, bad_dealer).status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(TransportTest, TryReceiveDoesNotBlock) {
  EXPECT_FALSE(router_->TryReceive().has_value());
  CurveDealer alice = Connect(alice_);
  EXPECT_FALSE(alice.TryReceive().has_value());
}

// A short timeout is waited out whole, below a millisecond too: rounding
// what was left of it down to whole milliseconds once returned at once from
// a 1 ms wait, which the ingress loop's hold for synchronous publishers
// relies on.
TEST_F(TransportTest, ReceiveWaitsOutItsWholeTimeout) {
  CurveDealer alice = Connect(alice_);
  using std::chrono::microseconds;
  for (microseconds timeout :
       {microseconds(300), microseconds(1000), microseconds(2500)}) {
    const auto start = std::chrono::steady_clock::now();
    EXPECT_FALSE(router_->Receive(timeout).has_value());
    EXPECT_FALSE(alice.Receive(timeout).has_value());
    EXPECT_GE(std::chrono::steady_clock::now() - start, 2 * timeout)
        << timeout.count() << " us";
  }
}

// A message that arrives during a wait under a millisecond ends it.
TEST_F(TransportTest, ShortReceiveTakesWhatArrives) {
  CurveDealer alice = Connect(alice_);
  ASSERT_TRUE(alice.Send({"ping"}).ok());
  std::optional<IncomingMessage> got;
  const auto deadline = std::chrono::steady_clock::now() + kArrives;
  while (!got && std::chrono::steady_clock::now() < deadline) {
    got = router_->Receive(std::chrono::microseconds(200));
  }
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->frames, std::vector<std::string>{"ping"});
}

TEST_F(TransportTest, PollerWaitsOnSeveralSocketsAndAnFd) {
  std::optional<CurveRouter> query = MakeRouter("query");
  auto query_endpoint = query->Bind("tcp://127.0.0.1:0");
  ASSERT_TRUE(query_endpoint.ok());
  int wake = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  ASSERT_GE(wake, 0);

  Poller poller;
  size_t ingress_index = poller.Add(*router_);
  size_t query_index = poller.Add(*query);
  size_t wake_index = poller.AddFd(wake);

  auto idle = poller.Wait(milliseconds(0));
  ASSERT_TRUE(idle.ok());
  EXPECT_EQ(*idle, 0);

  CurveDealer alice = Connect(alice_, *query_endpoint);
  ASSERT_TRUE(alice.Send({"query"}).ok());
  auto ready = poller.Wait(kArrives);
  ASSERT_TRUE(ready.ok());
  EXPECT_EQ(*ready, 1);
  EXPECT_FALSE(poller.IsReadable(ingress_index));
  EXPECT_TRUE(poller.IsReadable(query_index));
  EXPECT_FALSE(poller.IsReadable(wake_index));
  auto in = query->TryReceive();
  ASSERT_TRUE(in.has_value());
  EXPECT_EQ(in->peer_public_key, alice_.public_key);

  uint64_t one = 1;
  ASSERT_EQ(write(wake, &one, sizeof one), static_cast<ssize_t>(sizeof one));
  ready = poller.Wait(kArrives);
  ASSERT_TRUE(ready.ok());
  EXPECT_TRUE(poller.IsReadable(wake_index));
  EXPECT_FALSE(poller.IsReadable(query_index));
  close(wake);

  std::lock_guard lock(mutex_);
  EXPECT_TRUE(domains_seen_.count("query"));
}

TEST(TransportLifetimeTest, ContextMayDieBeforeItsSockets) {
  auto keys = GenerateCurveKeypair();
  std::optional<TransportContext> context(std::in_place);
  ZapHandler zap(*context, [](auto, auto) { return true; });
  ASSERT_TRUE(zap.Start().ok());
  CurveRouterOptions options;
  options.secret_key = keys->secret_key;
  auto router = CurveRouter::Create(*context, options);
  ASSERT_TRUE(router.ok());
  ASSERT_TRUE(router->Bind("tcp://127.0.0.1:0").ok());
  context.reset();  // sockets keep the ZeroMQ context alive; nothing hangs
  EXPECT_FALSE(router->TryReceive().has_value());
}

}  // namespace
}  // namespace samverkan::transport
