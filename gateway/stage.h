// One step of the gateway's ingress chain (Envoy's filter chain, made small
// and synchronous): each stage looks at a submission and lets it pass, rejects
// it with a code and a sentence, or answers it (a duplicate). Stages decide;
// only the pipeline writes, so a later stage never undoes a durable one.
#ifndef SAMVERKAN_GATEWAY_STAGE_H_
#define SAMVERKAN_GATEWAY_STAGE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

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
  // Set by the transport when the request itself was unusable (wrong frames,
  // unknown key); the pipeline rejects, counts and audits it like any other.
  std::optional<std::pair<v1::RejectionCode, std::string>> transport_error;
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

  // A duplicate of an event accepted earlier in the same, uncommitted batch;
  // its sequence is known once the batch commits.
  static Verdict DuplicateInBatch(size_t pending_index) {
    Verdict v(Kind::kAnswer);
    v.pending_index_ = pending_index;
    return v;
  }

  Kind kind() const { return kind_; }
  v1::RejectionCode code() const { return code_; }
  const std::string& sentence() const { return sentence_; }
  uint64_t sequence() const { return sequence_; }
  std::optional<size_t> pending_index() const { return pending_index_; }

 private:
  explicit Verdict(Kind kind) : kind_(kind) {}
  Kind kind_;
  v1::RejectionCode code_ = v1::REJECTION_CODE_UNSPECIFIED;
  std::string sentence_;
  uint64_t sequence_ = 0;
  std::optional<size_t> pending_index_;
};

// What the stages of one group commit share: events accepted earlier in the
// same batch are not yet in the store but must count (a duplicate inside one
// batch is still a duplicate).
class BatchContext {
 public:
  struct Pending {
    size_t index;  // into the batch's records
    std::string source_organisation;
  };

  const Pending* FindPending(std::string_view event_id) const {
    auto it = pending_.find(std::string(event_id));
    return it == pending_.end() ? nullptr : &it->second;
  }
  void AddPending(std::string event_id, size_t index,
                  std::string source_organisation) {
    pending_.emplace(std::move(event_id),
                     Pending{index, std::move(source_organisation)});
  }
  void Clear() { pending_.clear(); }

 private:
  std::unordered_map<std::string, Pending> pending_;
};

class Stage {
 public:
  virtual ~Stage() = default;
  virtual std::string_view Name() const = 0;
  virtual Verdict Process(Submission& submission, BatchContext& batch) = 0;
};

}  // namespace samverkan::gateway

#endif  // SAMVERKAN_GATEWAY_STAGE_H_
