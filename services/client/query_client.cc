// QUERY frames out, QueryReply in; stale replies (from a timed-out earlier
// request) are skipped by correlation.
#include "services/client/query_client.h"

#include "services/client/connect.h"

namespace samverkan::client {

StatusOr<std::unique_ptr<QueryClient>> QueryClient::Connect(
    transport::TransportContext& context, const std::string& endpoint,
    const std::string& server_public_key,
    const transport::CurveKeypair& keypair) {
  auto dealer =
      ConnectDealer(context, endpoint, server_public_key, keypair, 1000);
  if (!dealer.ok()) return dealer.status();
  return std::unique_ptr<QueryClient>(new QueryClient(std::move(*dealer)));
}

StatusOr<v1::QueryReply> QueryClient::Query(const v1::QueryRequest& request,
                                            std::chrono::milliseconds timeout) {
  const std::string correlation = std::to_string(next_correlation_++);
  if (Status s =
          dealer_.Send({"QUERY", correlation, request.SerializeAsString()});
      !s.ok()) {
    return s;
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    auto frames = dealer_.Receive(left);
    if (!frames || frames->size() != 3 || (*frames)[1] != correlation) continue;
    v1::QueryReply reply;
    if (!reply.ParseFromString((*frames)[2])) {
      return InternalError("the gateway's query reply could not be read");
    }
    return reply;
  }
  return Status(StatusCode::kDeadlineExceeded,
                "no answer from the gateway's query endpoint in time (is this "
                "an OPERATOR key, and is the gateway running?)");
}

}  // namespace samverkan::client
