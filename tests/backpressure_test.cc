// Backpressure through a real gateway (DESIGN §4): a publisher that sends
// more than the gateway's queue holds is answered RETRY_LATER for the excess,
// loses nothing and keeps its order when it resends; a subscriber that stops
// reading holds back neither ingest nor the other subscribers, and backfills
// exactly once, in order, when it reads again.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <deque>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "gateway/testing/http_get.h"
#include "gateway/testing/test_envelopes.h"
#include "tests/support/agency_system.h"
#include "tests/support/gateway_fixture.h"
#include "tests/support/log_reader.h"
#include "tests/support/metrics_page.h"
#include "tests/support/plan_setup.h"
#include "tests/support/wait.h"

namespace samverkan::testing {
namespace {

using namespace std::chrono_literals;

constexpr char kParticipant[] = "p-1001";
constexpr auto kReplyTimeout = 15s;
constexpr auto kBound = 60s;

// A health event from the region with a note that names it.
std::string HealthEventBytes(const std::string& note, std::string* event_id) {
  v1::Envelope e =
      gateway::testing::MakeHealthEvent(kRegion, kParticipant, note);
  *event_id = e.event_id();
  return e.SerializeAsString();
}

// A started gateway where the participant has a consent and an open plan;
// null (with the failure recorded) otherwise.
std::unique_ptr<GatewayFixture> StartGateway(GatewayFixtureOptions options) {
  options.parties = StandardParties();
  options.metrics = true;
  auto fixture = GatewayFixture::Create(options);
  EXPECT_TRUE(fixture.ok()) << fixture.status().ToString();
  if (!fixture.ok()) return nullptr;
  Status started = (*fixture)->Start();
  EXPECT_TRUE(started.ok()) << started.ToString();
  if (!started.ok()) return nullptr;
  auto kommun = (*fixture)->ConnectIngress(kKommun);
  EXPECT_TRUE(kommun.ok()) << kommun.status().ToString();
  if (!kommun.ok()) return nullptr;
  auto plan =
      OpenPlanWithConsent(**kommun, kKommun, kParticipant, StandardParties());
  EXPECT_TRUE(plan.ok()) << plan.status().ToString();
  return plan.ok() ? std::move(*fixture) : nullptr;
}

TEST(BackpressureTest, FullQueueAnswersRetryLaterAndKeepsThePublishersOrder) {
  GatewayFixtureOptions options;
  // One event per commit and room for four waiting: a publisher with a
  // window of 100 is bound to outrun the log.
  options.max_batch = 1;
  options.max_queue = 4;
  auto gateway = StartGateway(options);
  ASSERT_NE(gateway, nullptr);

  constexpr int kEvents = 300;
  constexpr size_t kWindow = 100;
  std::vector<std::string> bytes(kEvents), ids(kEvents);
  for (int i = 0; i < kEvents; ++i) {
    bytes[i] = HealthEventBytes("n" + std::to_string(i), &ids[i]);
  }
  auto region = gateway->ConnectIngress(kRegion);
  ASSERT_TRUE(region.ok()) << region.status().ToString();

  // As the agency services do: a window out, every answer read, then what
  // was refused goes again first, in order.
  std::deque<int> pending;
  for (int i = 0; i < kEvents; ++i) pending.push_back(i);
  std::map<int, uint64_t> sequence_of;
  uint64_t refused = 0;
  for (int round = 0; !pending.empty() && round < 10 * kEvents; ++round) {
    const size_t window = std::min(kWindow, pending.size());
    for (size_t k = 0; k < window; ++k) {
      const int i = pending[k];
      ASSERT_TRUE((*region)->Submit(std::to_string(i), bytes[i]).ok());
    }
    std::set<int> again;
    for (size_t k = 0; k < window; ++k) {
      auto ack = (*region)->Receive(kReplyTimeout);
      ASSERT_TRUE(ack.has_value()) << "no answer in round " << round;
      const int i = std::stoi(ack->correlation);
      if (ack->reply.code() == v1::RETRY_LATER) {
        EXPECT_THAT(ack->reply.message(), ::testing::HasSubstr("nothing was "
                                                               "stored"));
        again.insert(i);
        ++refused;
        continue;
      }
      ASSERT_EQ(ack->reply.outcome(), v1::ACCEPTED)
          << ack->reply.ShortDebugString();
      EXPECT_FALSE(ack->reply.duplicate()) << "refused, yet stored: " << i;
      sequence_of[i] = ack->reply.sequence();
    }
    pending.erase(pending.begin(), pending.begin() + window);
    pending.insert(pending.begin(), again.begin(), again.end());
  }
  ASSERT_TRUE(pending.empty());
  EXPECT_GT(refused, 0u) << "the queue never filled; the test proves nothing";

  // Accepted in the order sent, although most went more than once.
  for (int i = 1; i < kEvents; ++i) {
    EXPECT_LT(sequence_of.at(i - 1), sequence_of.at(i)) << "event " << i;
  }
  auto log = ReadWholeLog(gateway->LogPath());
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  ASSERT_EQ(log->size(), 2u + kEvents);  // consent, plan, the events
  for (int i = 0; i < kEvents; ++i) {
    EXPECT_EQ((*log)[sequence_of.at(i) - 1].event_id, ids[i]);
  }

  // The operator sees the refusals, and nothing else went wrong.
  std::string page;
  ASSERT_TRUE(WaitUntil(
      [&] {
        page =
            gateway::testing::HttpGet(gateway->address().metrics, "/metrics");
        return SampleValue(page, "samverkan_events_accepted_total") ==
               2.0 + kEvents;
      },
      kBound))
      << page;
  EXPECT_EQ(SampleValue(page, "samverkan_ingress_refused_total"), refused);
  EXPECT_EQ(SampleValue(
                page, "samverkan_events_rejected_total{code=\"RETRY_LATER\"}"),
            refused);
  EXPECT_EQ(SampleValue(page, "samverkan_commit_failures_total"), 0);
}

// Whether the inbox has reached the delivery of log record `log_sequence`.
bool Reached(const std::string& path, uint64_t log_sequence) {
  std::vector<v1::Delivery> got = ReadInbox(path);
  return !got.empty() && got.back().log_sequence() >= log_sequence;
}

// Whether the process is stopped by a signal ("T" in /proc/PID/stat).
bool IsStopped(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), {});
  const size_t close = text.rfind(')');
  return close != std::string::npos && close + 2 < text.size() &&
         text[close + 2] == 'T';
}

TEST(BackpressureTest, StoppedSubscriberHoldsBackNeitherIngestNorOthers) {
  auto gateway = StartGateway({});
  ASSERT_NE(gateway, nullptr);

  std::map<std::string, std::unique_ptr<ChildProcess>> inboxes;
  auto inbox_file = [&](const std::string& org) {
    return gateway->dir() + "/" + org + "-inbox.jsonl";
  };
  for (const std::string org : {kKommun, kFk}) {
    ChildProcess::Options out;
    out.stdout_file = gateway->dir() + "/" + org + "-inbox.log";
    auto started =
        ChildProcess::Start("samverkan-inbox",
                            {"--gateway", gateway->ReadyFile(), "--key",
                             gateway->KeyFile(org), "--out", inbox_file(org)},
                            out);
    ASSERT_TRUE(started.ok()) << started.status().ToString();
    inboxes[org] = std::move(*started);
  }
  // Both subscribed before anything flows: the first event reaches both.
  auto region = gateway->ConnectIngress(kRegion);
  ASSERT_TRUE(region.ok()) << region.status().ToString();
  std::string id;
  auto first =
      (*region)->SubmitAndWait(HealthEventBytes("first", &id), kReplyTimeout);
  ASSERT_TRUE(first.ok() && first->outcome() == v1::ACCEPTED);
  std::map<std::string, size_t> before;
  for (const std::string org : {kKommun, kFk}) {
    ASSERT_TRUE(WaitUntil(
        [&] { return Reached(inbox_file(org), first->sequence()); }, kBound))
        << org << ": "
        << ReadFileOrEmpty(gateway->dir() + "/" + org + "-inbox.log");
    before[org] = ReadInbox(inbox_file(org)).size();
  }

  // Försäkringskassan's subscriber stops reading altogether.
  ChildProcess& stuck = *inboxes[kFk];
  ASSERT_TRUE(stuck.Kill(SIGSTOP));
  ASSERT_TRUE(WaitUntil([&] { return IsStopped(stuck.pid()); }, kBound));

  // Pipelined until the stopped subscriber's connection has refused pushes
  // (ZeroMQ's and the kernel's buffers are full), so that it must backfill.
  auto dropped = [&] {
    return SampleValue(gateway::testing::HttpGet(gateway->address().metrics,
                                                 "/metrics"),
                       "samverkan_delivery_pushes_dropped_total")
        .value_or(0);
  };
  constexpr int kMostEvents = 200000;
  constexpr int kWindow = 500;
  int events = 0;
  uint64_t last = 0;
  while (events < kMostEvents && dropped() == 0) {
    for (int k = 0; k < kWindow; ++k) {
      ASSERT_TRUE(
          (*region)
              ->Submit(std::to_string(events + k),
                       HealthEventBytes(std::to_string(events + k), &id))
              .ok());
    }
    for (int k = 0; k < kWindow; ++k) {
      auto ack = (*region)->Receive(kReplyTimeout);
      ASSERT_TRUE(ack.has_value());
      ASSERT_EQ(ack->reply.outcome(), v1::ACCEPTED)
          << ack->reply.ShortDebugString();
      last = std::max(last, ack->reply.sequence());
    }
    events += kWindow;
  }
  ASSERT_GT(dropped(), 0) << "the subscriber's buffers never filled in "
                          << events << " events";
  std::cout << events << " events acknowledged while the subscriber was "
            << "stopped; pushes dropped: " << dropped() << std::endl;
  // Every event was acknowledged while the subscriber was stopped, and the
  // municipality's subscriber has them all.
  EXPECT_TRUE(IsStopped(stuck.pid()));
  ASSERT_TRUE(
      WaitUntil([&] { return Reached(inbox_file(kKommun), last); }, kBound));
  EXPECT_EQ(ReadInbox(inbox_file(kFk)).size(), before[kFk]);

  // Reading again, it backfills what the gateway could not push.
  ASSERT_TRUE(stuck.Kill(SIGCONT));
  ASSERT_TRUE(
      WaitUntil([&] { return Reached(inbox_file(kFk), last); }, kBound));
  for (const std::string org : {kKommun, kFk}) {
    inboxes[org]->Kill(SIGTERM);
    ASSERT_TRUE(inboxes[org]->Wait(kBound).has_value());
    const std::vector<v1::Delivery> got = ReadInbox(inbox_file(org));
    ASSERT_EQ(got.size(), before[org] + events) << org;
    for (size_t i = 0; i < got.size(); ++i) {
      ASSERT_EQ(got[i].recipient_sequence(), i + 1)
          << org << ": gap, repeat or disorder";
      if (i > 0) {
        ASSERT_GT(got[i].log_sequence(), got[i - 1].log_sequence());
      }
    }
  }
}

}  // namespace
}  // namespace samverkan::testing
