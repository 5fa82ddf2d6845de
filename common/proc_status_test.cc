// ProcStatusKib against this test's own process.
#include "common/proc_status.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace samverkan {
namespace {

TEST(ProcStatusTest, ReadsThisProcesssMemory) {
  const uint64_t before = ProcStatusKib("self", "VmRSS");
  EXPECT_GT(before, 0u);
  // 64 MiB touched page by page: resident grows by about that much.
  std::vector<char> block(64 << 20);
  for (size_t i = 0; i < block.size(); i += 4096) block[i] = 1;
  EXPECT_GE(ProcStatusKib("self", "VmRSS"), before + 60 * 1024);
  EXPECT_GE(ProcStatusKib("self", "VmHWM"), ProcStatusKib("self", "VmRSS"));
}

TEST(ProcStatusTest, MissingFieldOrProcessIsZero) {
  EXPECT_EQ(ProcStatusKib("self", "NoSuchField"), 0u);
  // "VmRSS" must match a whole field name, not the start of one.
  EXPECT_EQ(ProcStatusKib("self", "VmRS"), 0u);
  EXPECT_EQ(ProcStatusKib("not-a-pid", "VmRSS"), 0u);
}

}  // namespace
}  // namespace samverkan
