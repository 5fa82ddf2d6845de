// A child process for process-level tests: one of the project's binaries,
// started from $SAMVERKAN_BIN_DIR with its output in files, so a test can
// signal it, wait for it with a deadline, and read what it printed. The
// destructor SIGKILLs and reaps it, so a failing assertion never leaves an
// orphan gateway behind; the child also dies with the test process.
#ifndef SAMVERKAN_TESTS_SUPPORT_CHILD_PROCESS_H_
#define SAMVERKAN_TESTS_SUPPORT_CHILD_PROCESS_H_

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace samverkan::testing {

// How a child ended.
struct ExitStatus {
  bool exited = false;  // false: killed by a signal
  int code = -1;        // exit code when exited
  int signal = 0;       // terminating signal otherwise

  bool Succeeded() const { return exited && code == 0; }
  std::string ToString() const;
};

// $SAMVERKAN_BIN_DIR/<name>; FailedPrecondition when the variable is unset.
StatusOr<std::string> BinaryPath(const std::string& name);

// The whole contents of a file ("" when it cannot be read).
std::string ReadFileOrEmpty(const std::string& path);

class ChildProcess {
 public:
  struct Options {
    // Both are opened for appending (created if missing), so a process that
    // is restarted keeps one history. Empty stderr_file: same as stdout.
    std::string stdout_file;
    std::string stderr_file;
  };

  // Starts `binary` (a name in $SAMVERKAN_BIN_DIR, or a path containing '/')
  // with `args`. Fails if it cannot be executed at all.
  static StatusOr<std::unique_ptr<ChildProcess>> Start(
      const std::string& binary, const std::vector<std::string>& args,
      const Options& options);

  ~ChildProcess();  // SIGKILL and reap, if still running.
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  const Options& options() const { return options_; }

  // Sends `signal`; false once the child has been reaped.
  bool Kill(int signal);
  // Reaps the child if it has ended within `timeout`; nullopt otherwise (it
  // keeps running). Once reaped, returns the same status again at once.
  std::optional<ExitStatus> Wait(std::chrono::milliseconds timeout);
  // Without waiting: true while the child has not been reaped and has not
  // ended (reaps it if it has).
  bool Running();

 private:
  ChildProcess(pid_t pid, Options options)
      : pid_(pid), options_(std::move(options)) {}

  pid_t pid_;
  Options options_;
  std::optional<ExitStatus> exit_;
};

// A finished run of a short-lived command.
struct RunResult {
  ExitStatus exit;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs `binary` to completion, its stdout and stderr captured in files under
// `work_dir` (named after `label`). DeadlineExceeded (after a SIGKILL) if it
// does not finish within `timeout`.
StatusOr<RunResult> RunToCompletion(const std::string& binary,
                                    const std::vector<std::string>& args,
                                    const std::string& work_dir,
                                    const std::string& label,
                                    std::chrono::milliseconds timeout);

}  // namespace samverkan::testing

#endif  // SAMVERKAN_TESTS_SUPPORT_CHILD_PROCESS_H_
