// One step of the gateway's ingress chain (Envoy's filter chain, made small
// and synchronous): each stage looks at a submission and lets it pass, rejects
// it with a code and a sentence, or answers it (a duplicate). Stages decide;
// only the pipeline writes, so a later stage never undoes a durable one.
#ifndef SAMVERKAN_GATEWAY_STAGE_H_
#define SAMVERKAN_GATEWAY_STAGE_H_

#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "common/string_map.h"
#include "gateway/auth/key_registry.h"
#include "samverkan/v1/envelope.pb.h"
#include "samverkan/v1/gateway.pb.h"

namespace samverkan::gateway {

// A submitted event on its way through the chain. Owned by the pipeline for
// the duration of one batch.
struct Submission {
  // The authenticated party; identity comes from the CURVE key, never from
  // the message (DESIGN §4).
  const Party* peer = nullptr;
  // The exact bytes received; stored as is when accepted.
  std::string bytes;
  // Filled by the validate stage.
  v1::Envelope envelope;
  std::string payload_type;
  // Set when it was refused before the stateful part of the chain: by the
  // transport (wrong frames, unknown key) or by a stage that decides from
  // the submission alone. The pipeline rejects, counts and audits it like
  // any other.
  std::optional<std::pair<v1::RejectionCode, std::string>> rejection;

  // What the log held under this event_id when the batch was looked up,
  // before any of it was decided; unset until then.
  struct LogLookup {
    bool failed = false;  // the log could not be read
    std::optional<uint64_t> sequence;
    std::string source_organisation;  // of the logged record
  };
  std::optional<LogLookup> logged;
};

class Verdict {
 public:
  enum class Kind { kContinue, kReject, kAnswer };

  static Verdict Continue() { return Verdict(Kind::kContinue); }
  static Verdict Reject(v1::RejectionCode code, std::string sentence) {
    Verdict v(Kind::kReject);
    v.code_ = code;
    v.sentence_ = std::move(sentence);
    return v;
  }
  // The event is already in the log: answer with its original outcome.
  static Verdict AlreadyAccepted(uint64_t sequence) {
    Verdict v(Kind::kAnswer);
    v.sequence_ = sequence;
    return v;
  }

  // A duplicate of an event accepted but not committed yet (earlier in the
  // same batch, or in the batch committing meanwhile): it will have
  // `sequence`, and is answered once that commit has returned.
  static Verdict DuplicateOfPending(uint64_t sequence) {
    Verdict v(Kind::kAnswer);
    v.sequence_ = sequence;
    v.pending_ = true;
    return v;
  }

  Kind kind() const { return kind_; }
  v1::RejectionCode code() const { return code_; }
  const std::string& sentence() const { return sentence_; }
  uint64_t sequence() const { return sequence_; }
  bool pending() const { return pending_; }

 private:
  explicit Verdict(Kind kind) : kind_(kind) {}
  Kind kind_;
  v1::RejectionCode code_ = v1::REJECTION_CODE_UNSPECIFIED;
  std::string sentence_;
  uint64_t sequence_ = 0;
  bool pending_ = false;
};

// What the stages share across the batches decided and not yet committed:
// events accepted there are not in the store yet but must count (a
// duplicate of an uncommitted event is still a duplicate).
class BatchContext {
 public:
  struct Pending {
    uint64_t sequence;  // the one it will have once committed
    std::string source_organisation;
  };

  const Pending* FindPending(std::string_view event_id) const {
    for (const auto& batch : open_) {
      if (auto it = batch.find(event_id); it != batch.end()) {
        return &it->second;
      }
    }
    return nullptr;
  }
  void AddPending(std::string event_id, uint64_t sequence,
                  std::string source_organisation) {
    if (open_.empty()) OpenBatch();
    open_.back().emplace(std::move(event_id),
                         Pending{sequence, std::move(source_organisation)});
  }
  // What is added from now on belongs to a new batch.
  void OpenBatch() { open_.emplace_back(); }
  // The oldest open batch committed: its events are found in the store now.
  void CommitOldest() {
    if (!open_.empty()) open_.pop_front();
  }
  void Clear() { open_.clear(); }

 private:
  std::deque<StringMap<Pending>> open_;
};

class Stage {
 public:
  virtual ~Stage() = default;
  virtual std::string_view Name() const = 0;
  virtual Verdict Process(Submission& submission, BatchContext& batch) = 0;

  // Whether Process decides from the submission alone (and what never
  // changes while the gateway runs). When such stages lead the chain, the
  // pipeline runs them for a whole batch before deciding any of it.
  virtual bool Stateless() const { return false; }
  // Called once per batch before Process is called for any of it, with the
  // submissions the stateless stages let through, at a time when no commit
  // is running: reads from the log what Process will need.
  virtual void Prefetch(std::span<Submission* const> /*submissions*/) {}
};

}  // namespace samverkan::gateway

#endif  // SAMVERKAN_GATEWAY_STAGE_H_
