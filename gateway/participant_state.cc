// Apply, replay and the gateway's date.
#include "gateway/participant_state.h"

namespace samverkan::gateway {

bool ParticipantState::IsReplayed(const v1::Envelope& e) {
  return e.has_consent_granted() || e.has_consent_withdrawn() ||
         e.has_plan_opened() || e.has_plan_closed();
}

Status ParticipantState::Apply(const v1::Envelope& e, uint64_t sequence) {
  if (Status s = consents_.Apply(e, sequence); !s.ok()) return s;
  return plans_.Apply(e, sequence);
}

Status ParticipantState::Rebuild(LogStore& store) {
  consents_ = ConsentBook();
  plans_.Clear();
  std::vector<StoredRecord> records;
  uint64_t from = 1;
  do {
    if (Status s = store.ReadReplay(from, 4096, &records); !s.ok()) return s;
    for (const StoredRecord& r : records) {
      v1::Envelope e;
      if (!e.ParseFromString(r.body)) {
        return DataLossError("record " + std::to_string(r.sequence) +
                             " is not an envelope");
      }
      // The log is the truth: an event it holds was valid when accepted.
      (void)Apply(e, r.sequence);
      from = r.sequence + 1;
    }
  } while (!records.empty());
  return ledgers_.Load(store);
}

CivilDate ParticipantState::Today() const {
  constexpr int64_t kMicrosPerDay = 86400LL * 1000000;
  int64_t now = clock_->NowMicros();
  int64_t days = now >= 0 ? now / kMicrosPerDay : (now + 1) / kMicrosPerDay - 1;
  return CivilFromDays(days);
}

}  // namespace samverkan::gateway
