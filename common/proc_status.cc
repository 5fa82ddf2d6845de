// Reads /proc/<pid>/status; see proc_status.h.
#include "common/proc_status.h"

#include <cstdlib>
#include <fstream>
#include <string>

namespace samverkan {

uint64_t ProcStatusKib(std::string_view pid, std::string_view field) {
  std::ifstream in("/proc/" + std::string(pid) + "/status");
  const std::string prefix = std::string(field) + ":";
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with(prefix)) {
      return std::strtoull(line.c_str() + prefix.size(), nullptr, 10);
    }
  }
  return 0;
}

}  // namespace samverkan
