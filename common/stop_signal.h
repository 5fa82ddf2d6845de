// Every long-running Samverkan process stops the same way: SIGTERM (systemd,
// the demo) or SIGINT (a terminal) sets one flag that its loop polls, so it
// finishes what it holds, commits or syncs, and exits 0.
#ifndef SAMVERKAN_COMMON_STOP_SIGNAL_H_
#define SAMVERKAN_COMMON_STOP_SIGNAL_H_

#include <atomic>

namespace samverkan {

// Installs the SIGINT and SIGTERM handlers (once; later calls only return
// the flag) and returns the flag they set. Lives for the whole process.
const std::atomic<bool>& StopOnSignals();

}  // namespace samverkan

#endif  // SAMVERKAN_COMMON_STOP_SIGNAL_H_
