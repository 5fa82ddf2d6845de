// Ledgers in memory, the due index, and their projection rows.
#include "gateway/rules/ledger_book.h"

#include "gateway/rules/rule_clock.h"

namespace samverkan::gateway {

const v1::ParticipantLedger& LedgerBook::Get(
    std::string_view participant) const {
  static const v1::ParticipantLedger kEmpty;
  auto it = ledgers_.find(participant);
  return it == ledgers_.end() ? kEmpty : it->second;
}

void LedgerBook::CountHandovers(const v1::ParticipantLedger& ledger, int sign) {
  for (const v1::LedgerHandover& h : ledger.handovers()) {
    open_handovers_ += sign;
    if (h.escalated()) escalated_handovers_ += sign;
  }
}

void LedgerBook::Index(const std::string& participant,
                       const v1::ParticipantLedger* old,
                       const v1::ParticipantLedger& ledger) {
  // Counted as a difference, so the totals cost nothing per commit however
  // many participants there are.
  if (old != nullptr) CountHandovers(*old, -1);
  CountHandovers(ledger, +1);
  if (auto it = due_of_.find(participant); it != due_of_.end()) {
    due_.erase({it->second, participant});
    due_of_.erase(it);
  }
  if (std::optional<CivilDate> next = NextDue(ledger)) {
    const int64_t day = DaysFromCivil(*next);
    due_.insert({day, participant});
    due_of_[participant] = day;
  }
}

void LedgerBook::Swap(const std::string& participant,
                      v1::ParticipantLedger* ledger, uint64_t sequence) {
  auto [it, added] = ledgers_.try_emplace(participant);
  Index(participant, added ? nullptr : &it->second, *ledger);
  it->second.Swap(ledger);
  changed_.insert_or_assign(&it->second, Changed{&it->first, sequence});
}

std::vector<std::string> LedgerBook::DueBy(const CivilDate& today) const {
  std::vector<std::string> out;
  const int64_t limit = DaysFromCivil(today);
  for (const auto& [day, participant] : due_) {
    if (day > limit) break;
    out.push_back(participant);
  }
  return out;
}

std::vector<ProjectionRow> LedgerBook::TakeChanged() {
  std::vector<ProjectionRow> rows;
  rows.reserve(changed_.size());
  for (const auto& [ledger, changed] : changed_) {
    ProjectionRow& row = rows.emplace_back();
    row.key = std::string(kLedgerKeyPrefix) + *changed.participant;
    row.at_sequence = changed.sequence;
    ledger->SerializeToString(&row.bytes);
  }
  changed_.clear();
  return rows;
}

Status LedgerBook::Load(LogStore& store) {
  ledgers_.clear();
  changed_.clear();
  due_.clear();
  due_of_.clear();
  open_handovers_ = 0;
  escalated_handovers_ = 0;
  std::vector<ProjectionRow> rows;
  std::string after(kLedgerKeyPrefix);
  while (true) {
    if (Status s = store.ReadProjections(after, 4096, &rows); !s.ok()) {
      return s;
    }
    if (rows.empty()) break;
    for (ProjectionRow& row : rows) {
      after = row.key;
      if (!row.key.starts_with(kLedgerKeyPrefix)) return OkStatus();
      const std::string participant = row.key.substr(kLedgerKeyPrefix.size());
      v1::ParticipantLedger ledger;
      if (!ledger.ParseFromString(row.bytes)) {
        return DataLossError("the ledger of " + participant +
                             " in the store is not readable");
      }
      auto [it, added] = ledgers_.try_emplace(participant);
      Index(participant, added ? nullptr : &it->second, ledger);
      it->second = std::move(ledger);
    }
  }
  return OkStatus();
}

}  // namespace samverkan::gateway
