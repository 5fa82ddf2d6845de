// Reading one sample off a Prometheus text page (the gateway's /metrics), so
// process-level tests can assert on the counters an operator would watch.
#ifndef SAMVERKAN_TESTS_SUPPORT_METRICS_PAGE_H_
#define SAMVERKAN_TESTS_SUPPORT_METRICS_PAGE_H_

#include <optional>
#include <sstream>
#include <string>

namespace samverkan::testing {

// The value of the sample named exactly `series` (name plus labels), if the
// page has it.
inline std::optional<double> SampleValue(const std::string& page,
                                         const std::string& series) {
  std::istringstream lines(page);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.starts_with(series + " ")) {
      return std::stod(line.substr(series.size() + 1));
    }
  }
  return std::nullopt;
}

}  // namespace samverkan::testing

#endif  // SAMVERKAN_TESTS_SUPPORT_METRICS_PAGE_H_
