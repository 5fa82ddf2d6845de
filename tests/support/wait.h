// Process-level tests wait for conditions, never for fixed times: a poll
// with a bound, where the interval only decides how soon a met condition is
// seen and the bound only decides how long a broken system is given.
#ifndef SAMVERKAN_TESTS_SUPPORT_WAIT_H_
#define SAMVERKAN_TESTS_SUPPORT_WAIT_H_

#include <chrono>
#include <functional>
#include <thread>

namespace samverkan::testing {

// Polls `condition` until it holds (true) or `bound` passes (false).
inline bool WaitUntil(const std::function<bool()>& condition,
                      std::chrono::milliseconds bound) {
  const auto deadline = std::chrono::steady_clock::now() + bound;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return condition();
}

}  // namespace samverkan::testing

#endif  // SAMVERKAN_TESTS_SUPPORT_WAIT_H_
