// Bounded admission with per-connection order kept across refusals.
#include "gateway/ingress_admission.h"

#include <functional>

namespace samverkan::gateway {
namespace {

// Enough to tell a resend from other submissions of one connection; a
// collision only lets one submission in a little early.
size_t Fingerprint(std::string_view bytes) {
  return std::hash<std::string_view>{}(bytes);
}

// Refusal memories kept before stale ones are swept.
constexpr size_t kSweepAbove = 1024;

}  // namespace

bool IngressAdmission::Fits(size_t size) const {
  // An empty queue always takes one, however large: the size limit per
  // event is max_event_bytes' job, not this one's.
  if (submissions_ == 0) return true;
  return submissions_ < limits_.max_submissions &&
         bytes_ + size <= limits_.max_bytes;
}

void IngressAdmission::Forget(TimePoint now) {
  for (auto it = refusing_.begin(); it != refusing_.end();) {
    it = now - it->second.since > limits_.forget_after ? refusing_.erase(it)
                                                       : std::next(it);
  }
}

bool IngressAdmission::Admit(const std::string& connection,
                             std::string_view bytes, TimePoint now) {
  if (refusing_.size() > kSweepAbove) Forget(now);
  auto it = refusing_.find(connection);
  if (it != refusing_.end() && now - it->second.since > limits_.forget_after) {
    refusing_.erase(it);
    it = refusing_.end();
  }
  if (it != refusing_.end()) {
    // Only the first refused submission may end the refusal; anything the
    // connection sent after it would otherwise overtake it.
    if (it->second.first_refused != Fingerprint(bytes)) return false;
    if (!Fits(bytes.size())) {
      it->second.since = now;  // it came back, so the client is still there
      return false;
    }
    refusing_.erase(it);
  } else if (!Fits(bytes.size())) {
    refusing_[connection] = {Fingerprint(bytes), now};
    return false;
  }
  ++submissions_;
  bytes_ += bytes.size();
  return true;
}

void IngressAdmission::Release(size_t bytes) {
  --submissions_;
  bytes_ -= bytes;
}

}  // namespace samverkan::gateway
