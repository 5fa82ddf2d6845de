// One thread per publisher; a barrier starts the clock once every connection
// has carried one acknowledged event, so handshakes are not timed.
#include "bench/gateway_load.h"

#include <algorithm>
#include <atomic>
#include <barrier>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "bench/stats.h"
#include "services/client/gateway_client.h"

namespace samverkan::bench {
namespace {

std::string Describe(const v1::SubmitReply& reply) {
  if (reply.outcome() == v1::ACCEPTED) return "a duplicate";
  return v1::RejectionCode_Name(reply.code()) + " (" + reply.message() + ")";
}

struct Worker {
  const PublisherLoad* load = nullptr;
  std::unique_ptr<client::GatewayClient> client;
  std::vector<int64_t> latencies_ns;
  std::vector<int64_t> acked_at_ns;
  int64_t last_ack_ns = 0;
  Status status;
  bool warmup_logged = false;
  int64_t warmup_acked_ns = 0;
};

// Keeps up to `window` submissions in flight until every envelope is
// acknowledged. Replies on one connection come back in submission order
// (docs/protocol.md), so the oldest outstanding send is the one answered.
Status Pump(Worker& w, size_t window, std::chrono::milliseconds timeout) {
  const std::vector<std::string>& envelopes = *w.load->envelopes;
  const size_t n = envelopes.size();
  std::vector<int64_t> sent_at(n);
  w.latencies_ns.resize(n);
  w.acked_at_ns.resize(n);
  size_t sent = 0;
  size_t acked = 0;
  while (acked < n) {
    while (sent < n && sent - acked < window) {
      const std::string correlation = std::to_string(sent);
      sent_at[sent] = NowNs();
      if (Status s = w.client->Submit(correlation, envelopes[sent]); !s.ok()) {
        return s;
      }
      ++sent;
    }
    // Block for the oldest acknowledgement, then read whatever else is
    // already waiting before sending more.
    for (bool first = true; acked < sent; first = false) {
      auto ack =
          w.client->Receive(first ? timeout : std::chrono::milliseconds(0));
      const int64_t now = NowNs();
      if (!ack) {
        if (!first) break;
        return Status(StatusCode::kDeadlineExceeded,
                      "no acknowledgement for event " + std::to_string(acked) +
                          " within " + std::to_string(timeout.count()) + " ms");
      }
      if (ack->correlation != std::to_string(acked)) {
        return InternalError("acknowledgement '" + ack->correlation +
                             "' arrived while event " + std::to_string(acked) +
                             " was the oldest outstanding");
      }
      if (ack->reply.outcome() != v1::ACCEPTED || ack->reply.duplicate()) {
        return InternalError("event " + std::to_string(acked) + " was " +
                             Describe(ack->reply) + ", not ACCEPTED");
      }
      w.latencies_ns[acked] = now - sent_at[acked];
      w.acked_at_ns[acked] = now;
      w.last_ack_ns = now;
      ++acked;
      if (w.load->pause_after_ack.count() > 0) {
        std::this_thread::sleep_for(w.load->pause_after_ack);
      }
    }
  }
  return OkStatus();
}

}  // namespace

StatusOr<LoadResult> RunGatewayLoad(
    transport::TransportContext& context, const client::GatewayAddress& address,
    const std::vector<PublisherLoad>& publishers, size_t window,
    std::chrono::milliseconds reply_timeout) {
  std::vector<Worker> workers(publishers.size());
  for (size_t i = 0; i < publishers.size(); ++i) {
    workers[i].load = &publishers[i];
    auto c = client::GatewayClient::Connect(context, address.ingress,
                                            address.server_public_key,
                                            publishers[i].keypair);
    if (!c.ok()) return c.status();
    workers[i].client = std::move(*c);
  }

  std::atomic<int64_t> start_ns{0};
  std::barrier start(static_cast<std::ptrdiff_t>(workers.size()),
                     [&]() noexcept { start_ns = NowNs(); });
  std::vector<std::thread> threads;
  for (Worker& w : workers) {
    threads.emplace_back([&w, &start, window, reply_timeout] {
      auto warm =
          w.client->SubmitAndWait(w.load->warmup_envelope, reply_timeout);
      w.warmup_acked_ns = NowNs();
      std::this_thread::sleep_for(w.load->pause_after_warmup);
      if (!warm.ok()) {
        w.status = warm.status();
      } else if (warm->outcome() != v1::ACCEPTED) {
        w.status = InternalError("the warm-up event was " + Describe(*warm));
      } else {
        w.warmup_logged = !warm->duplicate();
      }
      start.arrive_and_wait();
      if (w.status.ok()) w.status = Pump(w, window, reply_timeout);
    });
  }
  for (std::thread& t : threads) t.join();

  LoadResult result;
  int64_t end_ns = 0;
  std::vector<int64_t> acked_at;
  for (size_t i = 0; i < workers.size(); ++i) {
    Worker& w = workers[i];
    if (!w.status.ok()) {
      return Status(w.status.code(), "publisher " + std::to_string(i + 1) +
                                         ": " + w.status.message());
    }
    end_ns = std::max(end_ns, w.last_ack_ns);
    result.accepted += w.latencies_ns.size();
    result.warmups_logged += w.warmup_logged ? 1 : 0;
    if (i == 0 || w.warmup_acked_ns < result.first_warmup_acked_ns) {
      result.first_warmup_acked_ns = w.warmup_acked_ns;
    }
    result.latencies_ns.insert(result.latencies_ns.end(),
                               w.latencies_ns.begin(), w.latencies_ns.end());
    acked_at.insert(acked_at.end(), w.acked_at_ns.begin(), w.acked_at_ns.end());
    result.publisher_events_per_s.push_back(
        static_cast<double>(w.latencies_ns.size()) * 1e9 /
        static_cast<double>(w.last_ack_ns - start_ns.load()));
  }
  result.seconds = static_cast<double>(end_ns - start_ns.load()) / 1e9;
  // The rate over the first and the second half of the acknowledgements:
  // equal when the gateway's cost per event does not grow with the log.
  std::sort(acked_at.begin(), acked_at.end());
  const size_t half = acked_at.size() / 2;
  if (half > 0 && acked_at.size() - half > 0) {
    const double mid = static_cast<double>(acked_at[half - 1]);
    result.first_half_events_per_s =
        static_cast<double>(half) * 1e9 /
        (mid - static_cast<double>(start_ns.load()));
    result.second_half_events_per_s =
        static_cast<double>(acked_at.size() - half) * 1e9 /
        (static_cast<double>(acked_at.back()) - mid);
  }
  return result;
}

}  // namespace samverkan::bench
