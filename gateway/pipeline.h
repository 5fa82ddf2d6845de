// Group commit: runs a batch of submissions through the stage chain, makes
// every accepted event and every rejection's audit record durable in one
// transaction, and only then produces the acknowledgements.
#ifndef SAMVERKAN_GATEWAY_PIPELINE_H_
#define SAMVERKAN_GATEWAY_PIPELINE_H_

#include <memory>
#include <vector>

#include "common/clock.h"
#include "gateway/disclosure_planner.h"
#include "gateway/log/log_store.h"
#include "gateway/metrics.h"
#include "gateway/participant_state.h"
#include "gateway/stage.h"

namespace samverkan::gateway {

// A delivery made durable by the last Run, ready to be pushed.
struct CommittedDelivery {
  std::string recipient;
  std::string participant_id;
  std::string source_organisation;
  std::string categories;
  uint64_t recipient_sequence = 0;
  uint64_t log_sequence = 0;
  std::string withheld_categories;
  std::string body;  // the redacted envelope
};

class Pipeline {
 public:
  // Takes ownership of the stages. `store`, `state`, `clock` and `metrics`
  // are borrowed and must outlive the pipeline. Not thread-safe: one thread
  // runs it, which is what keeps the log's order equal to the decision order.
  Pipeline(std::vector<std::unique_ptr<Stage>> stages, LogStore* store,
           ParticipantState* state, const Clock* clock,
           PipelineMetrics* metrics);
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  // One reply per submission, in the same order. A reply says ACCEPTED only
  // if the commit that holds the event has returned.
  std::vector<v1::SubmitReply> Run(std::vector<Submission>& submissions);

  // The deliveries the last Run committed, in commit order; moved out.
  std::vector<CommittedDelivery> TakeDeliveries() {
    return std::move(deliveries_);
  }

 private:
  Verdict RunChain(Submission& submission);
  // Appends `batch`; on success fills in sequences for the replies that own
  // a record, on failure turns them into RETRY_LATER.
  void Commit(const Batch& batch, int64_t now,
              const std::vector<long>& record_of,
              std::vector<v1::SubmitReply>& replies);

  std::vector<std::unique_ptr<Stage>> stages_;
  LogStore* store_;
  ParticipantState* state_;
  DisclosurePlanner planner_;
  std::vector<CommittedDelivery> deliveries_;
  const Clock* clock_;
  PipelineMetrics* metrics_;
  BatchContext batch_;
};

}  // namespace samverkan::gateway

#endif  // SAMVERKAN_GATEWAY_PIPELINE_H_
