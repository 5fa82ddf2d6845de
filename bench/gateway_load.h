// The load generator proper: publishers submitting prebuilt envelopes to a
// running gateway over CURVE, each on its own connection and thread, with a
// window of submissions in flight, timing every acknowledgement.
#ifndef SAMVERKAN_BENCH_GATEWAY_LOAD_H_
#define SAMVERKAN_BENCH_GATEWAY_LOAD_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "common/transport/context.h"
#include "common/transport/curve_keys.h"
#include "services/client/gateway_address.h"

namespace samverkan::bench {

struct PublisherLoad {
  transport::CurveKeypair keypair;
  // Sent untimed, one at a time, before the clock starts: proves the
  // connection (CURVE handshake, ZAP) is up.
  std::string warmup_envelope;
  // Borrowed; must outlive RunGatewayLoad.
  const std::vector<std::string>* envelopes = nullptr;
  // Think time: how long the publisher waits after each acknowledgement
  // before it sends again (a slower agency system beside faster ones).
  std::chrono::microseconds pause_after_ack{0};
  // How long it waits after the warm-up's acknowledgement before the first
  // timed submission (the restart bench: a gateway that has gone idle).
  std::chrono::microseconds pause_after_warmup{0};
};

struct LoadResult {
  uint64_t accepted = 0;
  // Warm-up events that were new to the log (not duplicates).
  uint64_t warmups_logged = 0;
  // When the first warm-up event was acknowledged (NowNs()).
  int64_t first_warmup_acked_ns = 0;
  // From the moment all publishers were connected to the last ack.
  double seconds = 0;
  // Acknowledgements per second over the first and the second half of them.
  double first_half_events_per_s = 0;
  double second_half_events_per_s = 0;
  // Send-to-acknowledgement time of every event, nanoseconds.
  std::vector<int64_t> latencies_ns;
  // Each publisher's own rate, up to its last acknowledgement.
  std::vector<double> publisher_events_per_s;
};

// Runs every publisher to completion. Fails (and says which publisher and
// why) if any reply is not ACCEPTED, arrives out of order, or does not come
// within `reply_timeout`.
StatusOr<LoadResult> RunGatewayLoad(
    transport::TransportContext& context, const client::GatewayAddress& address,
    const std::vector<PublisherLoad>& publishers, size_t window,
    std::chrono::milliseconds reply_timeout);

}  // namespace samverkan::bench

#endif  // SAMVERKAN_BENCH_GATEWAY_LOAD_H_
