// A running gateway: registry, ZAP, the ingress and query endpoints, the log,
// and the threads that serve them. Built from an immutable GatewayConfig.
#ifndef SAMVERKAN_GATEWAY_GATEWAY_H_
#define SAMVERKAN_GATEWAY_GATEWAY_H_

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "common/clock.h"
#include "common/transport/context.h"
#include "common/transport/zap_handler.h"
#include "gateway/auth/key_registry.h"
#include "gateway/config.h"
#include "gateway/delivery_server.h"
#include "gateway/http_responder.h"
#include "gateway/ingress_loop.h"
#include "gateway/log/log_store.h"
#include "gateway/metrics.h"
#include "gateway/participant_state.h"
#include "gateway/pipeline.h"
#include "gateway/query_server.h"
#include "gateway/rules/transition_engine.h"

namespace samverkan::gateway {

class Gateway {
 public:
  // Loads keys and registry, opens the log, binds both endpoints and writes
  // the ready file. `clock` is borrowed and must outlive the gateway.
  static StatusOr<std::unique_ptr<Gateway>> Start(GatewayConfig config,
                                                  const Clock* clock);
  ~Gateway();  // Stops the query thread; the log is closed cleanly.
  Gateway(const Gateway&) = delete;
  Gateway& operator=(const Gateway&) = delete;

  // Serves ingress on the calling thread until `stop` becomes true.
  void Run(const std::atomic<bool>& stop);

  const std::string& ingress_endpoint() const { return ingress_endpoint_; }
  const std::string& query_endpoint() const { return query_endpoint_; }
  const std::string& delivery_endpoint() const { return delivery_endpoint_; }
  const std::string& public_key() const { return public_key_; }
  // "http://host:port" of /metrics and /healthz; empty when not served.
  const std::string& metrics_url() const { return metrics_url_; }

 private:
  Gateway() = default;
  Status WriteReadyFile() const;
  Status StartMetrics(const Clock* clock);

  GatewayConfig config_;
  KeyRegistry registry_;
  std::string public_key_;
  std::string ingress_endpoint_;
  std::string query_endpoint_;
  std::string delivery_endpoint_;
  PipelineMetrics metrics_;
  std::unique_ptr<ParticipantState> state_;
  std::unique_ptr<TransitionEngine> engine_;
  std::unique_ptr<transport::TransportContext> context_;
  std::unique_ptr<transport::ZapHandler> zap_;
  std::unique_ptr<LogStore> writer_;
  std::unique_ptr<transport::CurveRouter> ingress_;
  std::unique_ptr<Pipeline> pipeline_;
  std::unique_ptr<IngressLoop> ingress_loop_;
  std::unique_ptr<QueryServer> query_server_;
  std::unique_ptr<DeliveryServer> delivery_server_;
  std::atomic<bool> query_stop_{false};
  std::thread query_thread_;
  std::string metrics_url_;
  // Its own read-only view of the log, used only on the responder's thread.
  std::unique_ptr<LogStore> health_reader_;
  // Last, so it stops before anything its pages read is destroyed.
  std::unique_ptr<HttpResponder> metrics_responder_;
};

}  // namespace samverkan::gateway

#endif  // SAMVERKAN_GATEWAY_GATEWAY_H_
