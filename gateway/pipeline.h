// Group commit: runs a batch of submissions through the stage chain, makes
// every accepted event and every rejection's audit record durable in one
// transaction, and only then produces the acknowledgements. While one batch
// commits on the commit thread, the next is decided.
#ifndef SAMVERKAN_GATEWAY_PIPELINE_H_
#define SAMVERKAN_GATEWAY_PIPELINE_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/clock.h"
#include "gateway/commit_thread.h"
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
  // one thread decides, which is what keeps the log's order equal to the
  // decision order; the pipeline's own commit thread only appends.
  Pipeline(std::vector<std::unique_ptr<Stage>> stages, LogStore* store,
           ParticipantState* state, const TransitionEngine* engine,
           const Clock* clock, PipelineMetrics* metrics);
  ~Pipeline();
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  // Decides `next` on top of everything decided before, and starts the
  // commit of the batch the previous Step decided on the commit thread;
  // it runs while the caller sends replies and takes in more, and until
  // the next Step or Flush, which finish it first. Returns the replies
  // whose outcome has become final, in the order their submissions were
  // given. A reply says ACCEPTED only if the commit that holds the event
  // has returned. When a commit fails, the batch decided on top of it is
  // refused RETRY_LATER with it: its decisions may rest on events that were
  // never stored. Whatever the clock has made due (reminders, overdue
  // handovers) is written first, with `next`. An empty `next` commits what
  // is decided on this thread, so a lone submission is not kept waiting.
  std::vector<v1::SubmitReply> Step(std::vector<Submission>& next);
  // Finishes the commit running, then commits what is decided, on this
  // thread; every submission given is answered.
  std::vector<v1::SubmitReply> Flush();
  // Submissions given and not answered yet: Step or Flush should run.
  bool has_pending() const {
    return decided_ != nullptr || committing_ != nullptr;
  }

  // Step, then Flush: every submission given is answered (those of an
  // earlier Step first).
  std::vector<v1::SubmitReply> Run(std::vector<Submission>& submissions);

  // Writes what the clock has made due, with no event needed; call it when
  // idle so deadlines fire on time. Does nothing while submissions are
  // pending (the next Step fires the clock).
  void Tick();

  // The deliveries committed since the last call, in commit order; moved
  // out.
  std::vector<CommittedDelivery> TakeDeliveries() {
    return std::move(deliveries_);
  }

 private:
  struct Decided;

  // The stateless stages, then the stages' lookups in the log, for a whole
  // batch; the log must not be being written.
  void Prepare(std::vector<Submission>& submissions);
  Verdict RunChain(Submission& submission);
  // Decides `submissions` (and what the clock has made due) on top of
  // everything decided before, whose last record has sequence `base`;
  // reads nothing from the log.
  std::unique_ptr<Decided> Decide(std::vector<Submission>& submissions,
                                  uint64_t base);
  // The log's head as committed; only while no commit is running.
  uint64_t CommittedHead();
  // Applies an accepted event (record `index` of `batch`) to the state and
  // adds its disclosures and the records its rules raise.
  void Accept(const v1::Envelope& e, size_t index, uint64_t base, int64_t now,
              Batch& batch);
  void FireClock(uint64_t base, int64_t now, Batch& batch);
  // Notes the alerts for the metrics; counted once their batch commits.
  void CountAlerts(const RuleEffects& effects);
  void RecordShadowOfRejected(const Submission& s, uint64_t base, int64_t now,
                              Batch& batch);
  // Hands the decided batch to the commit thread; unless `in_background`,
  // waits for it and finishes it.
  void CommitDecided(bool in_background, std::vector<v1::SubmitReply>* out);
  // Waits for the commit running, if any, and finishes it; refuses the
  // decided batch when it failed.
  void FinishCommit(std::vector<v1::SubmitReply>* out);
  // Turns the outcome of `d`'s append into its final replies (appended to
  // `out`), its deliveries and its metrics. A failure rebuilds the state
  // from the log, so nothing may be decided on top of `d` any more.
  void Finish(Decided& d, CommitThread::Result result,
              std::vector<v1::SubmitReply>* out);
  // Refuses every submission of `d` with RETRY_LATER and `sentence`;
  // nothing of it is stored.
  void Refuse(Decided& d, const std::string& sentence,
              std::vector<v1::SubmitReply>* out);
  void Count(const std::vector<v1::SubmitReply>& replies, size_t from);

  std::vector<std::unique_ptr<Stage>> stages_;
  // How many stages lead the chain and are Stateless().
  size_t stateless_ = 0;
  LogStore* store_;
  ParticipantState* state_;
  const TransitionEngine* engine_;
  DisclosurePlanner planner_;
  RuleRecordWriter rule_records_;
  std::vector<CommittedDelivery> deliveries_;
  const Clock* clock_;
  PipelineMetrics* metrics_;
  BatchContext pending_;
  std::vector<Submission*> prefetch_;
  // Sizes of the last batch, to reserve the next one's vectors.
  size_t last_records_ = 0;
  size_t last_disclosures_ = 0;
  // Alerts raised by the batch being decided, by rule id.
  std::map<std::string, uint64_t> alerts_by_rule_;
  // Decided and applied to the state; committed by the next Step or Flush.
  std::unique_ptr<Decided> decided_;
  // Handed to committer_ and not finished.
  std::unique_ptr<Decided> committing_;
  CommitThread committer_;
};

}  // namespace samverkan::gateway

#endif  // SAMVERKAN_GATEWAY_PIPELINE_H_
