// The delivery endpoint (DESIGN §4-§5): parties subscribe with their key, a
// stream (their event deliveries, or the alerts of plans they coordinate) and
// the last recipient sequence they hold on it; the gateway backfills what they
// missed, pushes new deliveries as they commit, and sends heartbeats carrying
// the latest number so a gap is always noticed. An organisation receives only
// its own streams: the recipient key is derived from the authenticated key.
// Nothing is handed out, live or backfilled, that consent no longer covers.
#ifndef SAMVERKAN_GATEWAY_DELIVERY_SERVER_H_
#define SAMVERKAN_GATEWAY_DELIVERY_SERVER_H_

#include <atomic>
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "common/transport/server_socket.h"
#include "gateway/auth/key_registry.h"
#include "gateway/log/log_store.h"
#include "gateway/participant_state.h"
#include "gateway/pipeline.h"
#include "samverkan/v1/delivery.pb.h"

namespace samverkan::gateway {

inline constexpr std::string_view kSubscribeVerb = "SUBSCRIBE";
inline constexpr std::string_view kDeliveryVerb = "DELIVERY";
inline constexpr std::string_view kHeartbeatVerb = "HEARTBEAT";

class DeliveryServer {
 public:
  // Most deliveries sent in answer to one SUBSCRIBE; the subscriber asks
  // again when a heartbeat shows it is still behind.
  static constexpr size_t kBackfillChunk = 1000;
  // Connections remembered per recipient key, i.e. per organisation and
  // stream (several service instances may follow the same stream).
  static constexpr size_t kMaxSubscribersPerOrganisation = 8;

  // Owns the socket; `registry`, `store` and `state` are borrowed, used from
  // the gateway's main thread only, and must outlive the server; so must
  // `dropped_pushes` (may be null), counting messages a subscriber's full
  // queue refused, when the socket reports them (report_unsendable).
  DeliveryServer(transport::CurveRouter socket, const KeyRegistry* registry,
                 LogStore* store, const ParticipantState* state,
                 std::atomic<uint64_t>* dropped_pushes = nullptr);
  DeliveryServer(const DeliveryServer&) = delete;
  DeliveryServer& operator=(const DeliveryServer&) = delete;

  transport::CurveRouter& socket() { return socket_; }

  // Answers every waiting SUBSCRIBE without blocking.
  void HandleRequests();
  // Sends freshly committed deliveries to their recipients' subscribers.
  void Push(const std::vector<CommittedDelivery>& deliveries);
  // Sends each subscribed stream its latest number, at most once per
  // `interval`.
  void MaybeHeartbeat(std::chrono::steady_clock::time_point now,
                      std::chrono::milliseconds interval);

 private:
  void Subscribe(const transport::IncomingMessage& message);
  // The Delivery as handed out now. An event keeps its content only while
  // consent still covers every category it discloses; an alert (its recipient
  // an alert stream) only while the participant has any active consent, since
  // it states plan facts the gateway derived, not a source's fields.
  v1::Delivery Build(const std::string& recipient,
                     const std::string& participant_id,
                     const std::string& source_organisation,
                     const std::string& categories, uint64_t recipient_sequence,
                     uint64_t log_sequence,
                     const std::string& withheld_categories,
                     const std::string& body) const;
  void SendTo(const std::string& routing_id, const std::string& recipient,
              std::string_view verb, const std::string& payload);

  transport::CurveRouter socket_;
  const KeyRegistry* registry_;
  LogStore* store_;
  const ParticipantState* state_;
  std::atomic<uint64_t>* dropped_pushes_;
  // Routing ids by recipient key ("<org>" or "<org>/alerts"), so each stream
  // is pushed and heartbeaten only to the connections that asked for it.
  std::map<std::string, std::vector<std::string>> subscribers_;
  std::chrono::steady_clock::time_point last_heartbeat_{};
};

}  // namespace samverkan::gateway

#endif  // SAMVERKAN_GATEWAY_DELIVERY_SERVER_H_
