// The operator query API (tail, stats, verify, disclosure report, a
// participant's timeline, open handovers) as a plain function of the
// store and the pipeline's counters; the transport only carries bytes. Every
// answer is metadata: no payload ever leaves through this door (DESIGN §4).
#ifndef SAMVERKAN_GATEWAY_QUERY_HANDLER_H_
#define SAMVERKAN_GATEWAY_QUERY_HANDLER_H_

#include "gateway/log/log_store.h"
#include "gateway/metrics.h"
#include "samverkan/v1/gateway.pb.h"

namespace samverkan::gateway {

class QueryHandler {
 public:
  // Slices larger than these are cut, so one request never stalls the
  // query thread for long.
  static constexpr uint32_t kMaxTail = 1000;
  static constexpr uint32_t kMaxVerify = 100000;
  static constexpr uint32_t kMaxDisclosures = 1000;
  static constexpr uint32_t kMaxTimeline = 1000;
  // Ledgers read for one handovers reply; the reply says where to go on.
  static constexpr uint32_t kLedgersPerHandoversReply = 1000;

  // `store` is a reader of its own (not the pipeline's writer); both
  // pointers must outlive the handler.
  QueryHandler(LogStore* store, const PipelineMetrics* metrics)
      : store_(store), metrics_(metrics) {}
  QueryHandler(const QueryHandler&) = delete;
  QueryHandler& operator=(const QueryHandler&) = delete;

  v1::QueryReply Handle(const v1::QueryRequest& request);

 private:
  v1::QueryReply Tail(const v1::TailRequest& request);
  v1::QueryReply Stats();
  v1::QueryReply Verify(const v1::VerifyRequest& request);
  v1::QueryReply DisclosureReport(const v1::DisclosureReportRequest& request);
  v1::QueryReply Timeline(const v1::TimelineRequest& request);
  v1::QueryReply Handovers(const v1::HandoversRequest& request);

  LogStore* store_;
  const PipelineMetrics* metrics_;
};

// Metadata of a stored record, for operators.
v1::RecordMetadata ToMetadata(const StoredRecord& record);

}  // namespace samverkan::gateway

#endif  // SAMVERKAN_GATEWAY_QUERY_HANDLER_H_
