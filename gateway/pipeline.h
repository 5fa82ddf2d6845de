// Group commit: runs a batch of submissions through the stage chain, makes
// every accepted event and every rejection's audit record durable in one
// transaction, and only then produces the acknowledgements.
#ifndef SAMVERKAN_GATEWAY_PIPELINE_H_
#define SAMVERKAN_GATEWAY_PIPELINE_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/clock.h"
#include "gateway/disclosure_planner.h"
#include "gateway/log/log_store.h"
#include "gateway/metrics.h"
#include "gateway/participant_state.h"
#include "gateway/rule_records.h"
#include "gateway/rules/transition_engine.h"
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
  // Takes ownership of the stages. `store`, `state`, `engine`, `clock` and
  // `metrics` are borrowed and must outlive the pipeline. Not thread-safe:
  // one thread runs it, which is what keeps the log's order equal to the
  // decision order.
  Pipeline(std::vector<std::unique_ptr<Stage>> stages, LogStore* store,
           ParticipantState* state, const TransitionEngine* engine,
           const Clock* clock, PipelineMetrics* metrics);
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  // One reply per submission, in the same order. A reply says ACCEPTED only
  // if the commit that holds the event has returned. Whatever the clock has
  // made due (reminders, overdue handovers) is written first.
  std::vector<v1::SubmitReply> Run(std::vector<Submission>& submissions);

  // Writes what the clock has made due, with no event needed; call it when
  // idle so deadlines fire on time.
  void Tick() {
    std::vector<Submission> none;
    Run(none);
  }

  // Copies the log's deferred work still waiting (unindexed records,
  // unfolded ledger changes) into the metrics; after every Run, and after
  // the store's idle passes.
  void NoteLogBacklog();

  // The deliveries the last Run committed, in commit order; moved out.
  std::vector<CommittedDelivery> TakeDeliveries() {
    return std::move(deliveries_);
  }

 private:
  Verdict RunChain(Submission& submission);
  // Applies an accepted event (record `index` of `batch`) to the state and
  // adds its disclosures and the records its rules raise.
  void Accept(const v1::Envelope& e, size_t index, uint64_t base, int64_t now,
              Batch& batch);
  void FireClock(uint64_t base, int64_t now, Batch& batch);
  // Notes the alerts for the metrics; counted once their batch commits.
  void CountAlerts(const RuleEffects& effects);
  void RecordShadowOfRejected(const Submission& s, uint64_t base, int64_t now,
                              Batch& batch);
  // Appends `batch`; on success fills in sequences for the replies that own
  // a record and moves the deliveries out of it, on failure turns them into
  // RETRY_LATER.
  void Commit(Batch& batch, int64_t now, const std::vector<long>& record_of,
              std::vector<v1::SubmitReply>& replies);

  std::vector<std::unique_ptr<Stage>> stages_;
  LogStore* store_;
  ParticipantState* state_;
  const TransitionEngine* engine_;
  DisclosurePlanner planner_;
  RuleRecordWriter rule_records_;
  std::vector<CommittedDelivery> deliveries_;
  const Clock* clock_;
  PipelineMetrics* metrics_;
  BatchContext batch_;
  // Sizes of the last batch, to reserve the next one's vectors.
  size_t last_records_ = 0;
  size_t last_disclosures_ = 0;
  // Alerts raised by the batch being decided, by rule id.
  std::map<std::string, uint64_t> alerts_by_rule_;
};

}  // namespace samverkan::gateway

#endif  // SAMVERKAN_GATEWAY_PIPELINE_H_
