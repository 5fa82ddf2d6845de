// Subscribe, backfill, push, heartbeat, per recipient key (an organisation's
// event stream or its alert stream); consent re-checked at hand-out.
#include "gateway/delivery_server.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "gateway/alert_stream.h"
#include "gateway/disclosure_planner.h"

namespace samverkan::gateway {
DeliveryServer::DeliveryServer(transport::CurveRouter socket,
                               const KeyRegistry* registry, LogStore* store,
                               const ParticipantState* state,
                               std::atomic<uint64_t>* dropped_pushes)
    : socket_(std::move(socket)),
      registry_(registry),
      store_(store),
      state_(state),
      dropped_pushes_(dropped_pushes) {}

v1::Delivery DeliveryServer::Build(
    const std::string& recipient, const std::string& participant_id,
    const std::string& source_organisation, const std::string& categories,
    uint64_t recipient_sequence, uint64_t log_sequence,
    const std::string& withheld_categories, const std::string& body) const {
  v1::Delivery d;
  d.set_recipient_sequence(recipient_sequence);
  d.set_log_sequence(log_sequence);
  bool still_covered;
  if (IsAlertStream(recipient)) {
    // An alert's source is the gateway and its fields are plan facts, so no
    // provision names it; what it may not outlive is the consent itself.
    still_covered =
        state_->consents().HasActiveConsent(participant_id, state_->Today());
  } else {
    const std::set<v1::DataCategory> disclosed = ParseCategories(categories);
    const Permission now = state_->consents().Permitted(
        participant_id, source_organisation, recipient, v1::COORDINATION,
        state_->Today());
    still_covered = !now.categories.empty() &&
                    std::includes(now.categories.begin(), now.categories.end(),
                                  disclosed.begin(), disclosed.end());
  }
  if (!still_covered || !d.mutable_envelope()->ParseFromString(body)) {
    // The number is kept so the recipient sees no gap; the content is not.
    d.clear_envelope();
    d.set_withheld_after_withdrawal(true);
    return d;
  }
  for (v1::DataCategory c : ParseCategories(withheld_categories)) {
    d.add_withheld_categories(c);
  }
  return d;
}

void DeliveryServer::SendTo(const std::string& routing_id,
                            const std::string& recipient, std::string_view verb,
                            const std::string& payload) {
  // A slow or vanished subscriber loses the message here, never the gateway
  // its pace: it sees the gap by number and backfills.
  Status sent =
      socket_.Send(routing_id, {recipient, std::string(verb), payload});
  if (!sent.ok() && dropped_pushes_ != nullptr) ++*dropped_pushes_;
}

void DeliveryServer::HandleRequests() {
  while (auto message = socket_.TryReceive()) Subscribe(*message);
}

void DeliveryServer::Subscribe(const transport::IncomingMessage& message) {
  const Party* party = registry_->FindByKey(message.peer_public_key);
  v1::SubscribeRequest request;
  if (party == nullptr || message.frames.size() != 2 ||
      message.frames[0] != kSubscribeVerb ||
      !request.ParseFromString(message.frames[1])) {
    spdlog::warn("delivery endpoint: unreadable request dropped");
    return;
  }
  std::string key;
  switch (request.stream()) {
    case v1::DELIVERY_STREAM_EVENTS:
      key = party->organisation;
      break;
    case v1::DELIVERY_STREAM_ALERTS:
      key = AlertStreamRecipient(party->organisation);
      break;
    default:
      // A stream this gateway does not know: answering with another one
      // would hand the subscriber numbers that mean something else.
      spdlog::warn("delivery endpoint: {} asked for unknown stream {}",
                   party->organisation, static_cast<int>(request.stream()));
      return;
  }
  auto& routes = subscribers_[key];
  if (std::find(routes.begin(), routes.end(), message.routing_id) ==
      routes.end()) {
    routes.push_back(message.routing_id);
    if (routes.size() > kMaxSubscribersPerOrganisation) {
      routes.erase(routes.begin());
    }
  }
  std::vector<StoredDisclosure> missed;
  Status s = store_->ReadDeliveries(key, request.after_recipient_sequence(),
                                    kBackfillChunk, &missed);
  if (!s.ok()) {
    spdlog::error("backfill for {} failed: {}", key, s.ToString());
    return;
  }
  for (const StoredDisclosure& d : missed) {
    v1::Delivery delivery = Build(
        key, d.participant_id, d.source_organisation, d.categories,
        d.recipient_sequence, d.log_sequence, d.withheld_categories, d.body);
    SendTo(message.routing_id, key, kDeliveryVerb,
           delivery.SerializeAsString());
  }
  auto head = store_->RecipientHead(key);
  v1::DeliveryHeartbeat heartbeat;
  heartbeat.set_latest_recipient_sequence(head.ok() ? *head : 0);
  SendTo(message.routing_id, key, kHeartbeatVerb,
         heartbeat.SerializeAsString());
}

void DeliveryServer::Push(const std::vector<CommittedDelivery>& deliveries) {
  for (const CommittedDelivery& d : deliveries) {
    auto it = subscribers_.find(d.recipient);
    if (it == subscribers_.end()) continue;  // it will backfill
    const std::string payload =
        Build(d.recipient, d.participant_id, d.source_organisation,
              d.categories, d.recipient_sequence, d.log_sequence,
              d.withheld_categories, d.body)
            .SerializeAsString();
    for (const std::string& route : it->second) {
      SendTo(route, d.recipient, kDeliveryVerb, payload);
    }
  }
}

void DeliveryServer::MaybeHeartbeat(std::chrono::steady_clock::time_point now,
                                    std::chrono::milliseconds interval) {
  if (now - last_heartbeat_ < interval) return;
  last_heartbeat_ = now;
  for (const auto& [key, routes] : subscribers_) {
    auto head = store_->RecipientHead(key);
    if (!head.ok()) continue;
    v1::DeliveryHeartbeat heartbeat;
    heartbeat.set_latest_recipient_sequence(*head);
    const std::string payload = heartbeat.SerializeAsString();
    for (const std::string& route : routes) {
      SendTo(route, key, kHeartbeatVerb, payload);
    }
  }
}

}  // namespace samverkan::gateway
