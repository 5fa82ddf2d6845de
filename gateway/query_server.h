// The operator query endpoint on its own thread, with its own read-only view
// of the log, so that a long verify never delays an acknowledgement.
#ifndef SAMVERKAN_GATEWAY_QUERY_SERVER_H_
#define SAMVERKAN_GATEWAY_QUERY_SERVER_H_

#include <atomic>
#include <chrono>
#include <memory>

#include "common/transport/server_socket.h"
#include "gateway/log/log_store.h"
#include "gateway/query_handler.h"

namespace samverkan::gateway {

inline constexpr std::string_view kQueryVerb = "QUERY";

class QueryServer {
 public:
  // Owns the socket and the reader; `metrics` is borrowed.
  QueryServer(transport::CurveRouter socket, std::unique_ptr<LogStore> reader,
              const PipelineMetrics* metrics);
  QueryServer(const QueryServer&) = delete;
  QueryServer& operator=(const QueryServer&) = delete;

  // Answers queries until `stop` becomes true; call from one thread.
  void Serve(const std::atomic<bool>& stop);

 private:
  void Answer(transport::IncomingMessage message);

  transport::CurveRouter socket_;
  std::unique_ptr<LogStore> reader_;
  QueryHandler handler_;
};

}  // namespace samverkan::gateway

#endif  // SAMVERKAN_GATEWAY_QUERY_SERVER_H_
