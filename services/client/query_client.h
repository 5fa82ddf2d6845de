// An operator's connection to the gateway's query endpoint (OPERATOR keys
// only).
#ifndef SAMVERKAN_SERVICES_CLIENT_QUERY_CLIENT_H_
#define SAMVERKAN_SERVICES_CLIENT_QUERY_CLIENT_H_

#include <chrono>
#include <memory>
#include <string>

#include "common/transport/client_socket.h"
#include "common/transport/context.h"
#include "samverkan/v1/gateway.pb.h"

namespace samverkan::client {

class QueryClient {
 public:
  // `context` must outlive the client.
  static StatusOr<std::unique_ptr<QueryClient>> Connect(
      transport::TransportContext& context, const std::string& endpoint,
      const std::string& server_public_key,
      const transport::CurveKeypair& keypair);
  QueryClient(const QueryClient&) = delete;
  QueryClient& operator=(const QueryClient&) = delete;

  // One request, one reply. DeadlineExceeded if none came in time (which is
  // also what a key without the OPERATOR role sees: no connection at all).
  StatusOr<v1::QueryReply> Query(const v1::QueryRequest& request,
                                 std::chrono::milliseconds timeout);

 private:
  explicit QueryClient(transport::CurveDealer dealer)
      : dealer_(std::move(dealer)) {}

  transport::CurveDealer dealer_;
  uint64_t next_correlation_ = 1;
};

}  // namespace samverkan::client

#endif  // SAMVERKAN_SERVICES_CLIENT_QUERY_CLIENT_H_
