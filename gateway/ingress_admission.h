// Backpressure at the gateway's door (DESIGN §4): how many submissions may
// wait for the log at once. When the log falls behind, what does not fit is
// answered RETRY_LATER at once instead of being held without bound, and the
// publisher backs off. A refusal is remembered per connection, so that a
// publisher that pipelines and resends in order keeps its order: the log's
// order of one publisher's events is the order it sent them, refusals or not.
#ifndef SAMVERKAN_GATEWAY_INGRESS_ADMISSION_H_
#define SAMVERKAN_GATEWAY_INGRESS_ADMISSION_H_

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>

namespace samverkan::gateway {

class IngressAdmission {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  struct Limits {
    // Submissions taken off the socket and not yet decided.
    size_t max_submissions = 8192;
    // Their bytes together: the memory the queue may hold.
    size_t max_bytes = 64u << 20;
    // A connection that never sends its refused submission again (it gave
    // up, or went away) is not refused for ever.
    std::chrono::steady_clock::duration forget_after = std::chrono::seconds(30);
  };

  explicit IngressAdmission(Limits limits) : limits_(limits) {}
  IngressAdmission(const IngressAdmission&) = delete;
  IngressAdmission& operator=(const IngressAdmission&) = delete;

  // Whether `bytes`, from `connection`, may wait for the log; if so it counts
  // until Release. Once a connection has been refused, its later submissions
  // are refused too until the first refused one comes back (recognised by
  // its bytes) and fits; a client that resends in order then keeps it.
  bool Admit(const std::string& connection, std::string_view bytes,
             TimePoint now);
  // A submission admitted earlier has been decided.
  void Release(size_t bytes);

  size_t submissions() const { return submissions_; }
  size_t bytes() const { return bytes_; }
  // Connections currently refused until they resend.
  size_t refusing() const { return refusing_.size(); }

 private:
  struct Refusal {
    size_t first_refused;  // hash of the first refused submission's bytes
    TimePoint since;
  };
  bool Fits(size_t size) const;
  void Forget(TimePoint now);

  const Limits limits_;
  size_t submissions_ = 0;
  size_t bytes_ = 0;
  std::unordered_map<std::string, Refusal> refusing_;
};

}  // namespace samverkan::gateway

#endif  // SAMVERKAN_GATEWAY_INGRESS_ADMISSION_H_
