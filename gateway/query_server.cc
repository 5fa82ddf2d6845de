// QUERY frames in, QueryReply out.
#include "gateway/query_server.h"

#include <spdlog/spdlog.h>

namespace samverkan::gateway {

QueryServer::QueryServer(transport::CurveRouter socket,
                         std::unique_ptr<LogStore> reader,
                         const PipelineMetrics* metrics)
    : socket_(std::move(socket)),
      reader_(std::move(reader)),
      handler_(reader_.get(), metrics) {}

void QueryServer::Serve(const std::atomic<bool>& stop) {
  while (!stop.load()) {
    auto message = socket_.Receive(std::chrono::milliseconds(100));
    if (message) Answer(std::move(*message));
  }
}

void QueryServer::Answer(transport::IncomingMessage message) {
  auto& frames = message.frames;
  v1::QueryRequest request;
  v1::QueryReply reply;
  std::string correlation = frames.size() >= 2 ? frames[1].substr(0, 64) : "";
  if (frames.size() != 3 || frames[0] != kQueryVerb ||
      !request.ParseFromString(frames[2])) {
    reply.mutable_error()->set_code(v1::MALFORMED);
    reply.mutable_error()->set_message(
        "expected three frames: QUERY, a correlation id, and a QueryRequest");
  } else {
    reply = handler_.Handle(request);
  }
  Status sent = socket_.Send(
      message.routing_id,
      {std::string(kQueryVerb), correlation, reply.SerializeAsString()});
  if (!sent.ok()) spdlog::debug("query reply not sent: {}", sent.ToString());
}

}  // namespace samverkan::gateway
