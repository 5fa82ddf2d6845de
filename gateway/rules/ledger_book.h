// Every participant's benefit ledger, in memory, with what the store needs
// to persist it (the ledgers changed since the last commit) and what the
// clock needs (who has something due, and when). Loaded from the store's
// projections at start-up and after a failed commit.
#ifndef SAMVERKAN_GATEWAY_RULES_LEDGER_BOOK_H_
#define SAMVERKAN_GATEWAY_RULES_LEDGER_BOOK_H_

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/civil_date.h"
#include "common/status.h"
#include "common/string_map.h"
#include "gateway/log/log_store.h"
#include "samverkan/v1/ledger.pb.h"

namespace samverkan::gateway {

// Projection rows holding ledgers have keys "ledger:<participant>".
inline constexpr std::string_view kLedgerKeyPrefix = "ledger:";

class LedgerBook {
 public:
  LedgerBook() = default;
  LedgerBook(const LedgerBook&) = delete;
  LedgerBook& operator=(const LedgerBook&) = delete;

  // The participant's ledger; an empty one when nothing is known yet.
  const v1::ParticipantLedger& Get(std::string_view participant) const;
  // Replaces the participant's ledger, as changed by the record at
  // `sequence`, and marks it for the next commit.
  void Put(const std::string& participant, v1::ParticipantLedger ledger,
           uint64_t sequence) {
    Swap(participant, &ledger, sequence);
  }
  // Put without a copy or a free: *ledger becomes the participant's ledger
  // and the one it replaces is left in *ledger (empty if there was none).
  void Swap(const std::string& participant, v1::ParticipantLedger* ledger,
            uint64_t sequence);
  // A ledger to build the next Swap in. It holds whatever the last Swap left
  // there; assigning to it reuses that ledger's allocations, which is what
  // saves the per-event malloc/free of a fresh copy.
  v1::ParticipantLedger* Spare() { return &spare_; }

  // Participants with something due on or before `today`, in due order.
  std::vector<std::string> DueBy(const CivilDate& today) const;

  // The rows to write with the next commit; forgets them.
  std::vector<ProjectionRow> TakeChanged();
  // Forgets everything and reads every ledger row of `store`.
  Status Load(LogStore& store);

  size_t size() const { return ledgers_.size(); }
  // Handovers open across all ledgers, and how many of them are escalated.
  int64_t open_handovers() const { return open_handovers_; }
  int64_t escalated_handovers() const { return escalated_handovers_; }

 private:
  StringMap<v1::ParticipantLedger> ledgers_;
  v1::ParticipantLedger spare_;
  struct Changed {
    const std::string* participant;
    uint64_t sequence;
  };
  // The ledgers changed since the last commit, with the last sequence that
  // changed each. Keyed by the ledger's address, stable in ledgers_ until
  // Load clears both, so that marking one hashes no participant id.
  std::unordered_map<const v1::ParticipantLedger*, Changed> changed_;
  // (days since epoch, participant), and each participant's entry in it.
  std::set<std::pair<int64_t, std::string>> due_;
  std::unordered_map<std::string, int64_t> due_of_;
  int64_t open_handovers_ = 0;
  int64_t escalated_handovers_ = 0;
  // Re-indexes `ledger`, about to replace `old` (null for a participant
  // with none yet).
  void Index(const std::string& participant, const v1::ParticipantLedger* old,
             const v1::ParticipantLedger& ledger);
  void CountHandovers(const v1::ParticipantLedger& ledger, int sign);
};

}  // namespace samverkan::gateway

#endif  // SAMVERKAN_GATEWAY_RULES_LEDGER_BOOK_H_
