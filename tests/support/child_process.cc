// fork/exec rather than posix_spawn: only a forked child can ask the kernel
// to SIGKILL it when the test process dies (PR_SET_PDEATHSIG), which is what
// keeps a gateway from outliving a test that CTest killed on timeout. Between
// fork and exec the child runs only async-signal-safe calls, because the test
// process has ZeroMQ threads whose locks may be held at the fork.
#include "tests/support/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

namespace samverkan::testing {
namespace {

// Closes a descriptor when it goes out of scope.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  void Reset(int fd) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_;
};

std::string ErrnoText(int err) { return std::strerror(err); }

ExitStatus FromWaitStatus(int status) {
  ExitStatus e;
  if (WIFEXITED(status)) {
    e.exited = true;
    e.code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    e.signal = WTERMSIG(status);
  }
  return e;
}

}  // namespace

std::string ExitStatus::ToString() const {
  if (exited) return "exit code " + std::to_string(code);
  return "killed by signal " + std::to_string(signal) + " (" +
         strsignal(signal) + ")";
}

StatusOr<std::string> BinaryPath(const std::string& name) {
  if (name.find('/') != std::string::npos) return name;
  const char* dir = std::getenv("SAMVERKAN_BIN_DIR");
  if (dir == nullptr || *dir == '\0') {
    return FailedPreconditionError(
        "SAMVERKAN_BIN_DIR is not set; run the test through CTest, or set it "
        "to the build's bin folder");
  }
  return std::string(dir) + "/" + name;
}

std::string ReadFileOrEmpty(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

StatusOr<std::unique_ptr<ChildProcess>> ChildProcess::Start(
    const std::string& binary, const std::vector<std::string>& args,
    const Options& options) {
  auto path = BinaryPath(binary);
  if (!path.ok()) return path.status();
  if (::access(path->c_str(), X_OK) != 0) {
    return NotFoundError("cannot execute " + *path + ": " + ErrnoText(errno));
  }
  if (options.stdout_file.empty()) {
    return InvalidArgumentError("ChildProcess needs a stdout_file");
  }

  // Everything the child needs is prepared here, before the fork.
  std::vector<std::string> argv_storage;
  argv_storage.push_back(*path);
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_storage) argv.push_back(a.data());
  argv.push_back(nullptr);

  const int flags = O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC;
  Fd out(::open(options.stdout_file.c_str(), flags, 0644));
  if (out.get() < 0) {
    return FailedPreconditionError("cannot open " + options.stdout_file + ": " +
                                   ErrnoText(errno));
  }
  Fd err;
  if (options.stderr_file.empty()) {
    err.Reset(::dup(out.get()));
  } else {
    err.Reset(::open(options.stderr_file.c_str(), flags, 0644));
  }
  Fd in(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  if (err.get() < 0 || in.get() < 0) {
    return FailedPreconditionError("cannot open the child's stdin/stderr: " +
                                   ErrnoText(errno));
  }
  // The child writes its exec errno here; a successful exec closes it.
  int exec_pipe[2];
  if (::pipe2(exec_pipe, O_CLOEXEC) != 0) {
    return FailedPreconditionError("pipe2: " + ErrnoText(errno));
  }
  Fd exec_read(exec_pipe[0]);
  Fd exec_write(exec_pipe[1]);
  const pid_t parent = ::getpid();

  const pid_t pid = ::fork();
  if (pid < 0) return FailedPreconditionError("fork: " + ErrnoText(errno));
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    // The parent may have died before prctl took effect.
    if (::getppid() != parent) ::_exit(127);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    // A new process group, so a terminal's Ctrl-C reaches only the test,
    // which then kills its children deliberately.
    ::setpgid(0, 0);
    if (::dup2(in.get(), STDIN_FILENO) < 0 ||
        ::dup2(out.get(), STDOUT_FILENO) < 0 ||
        ::dup2(err.get(), STDERR_FILENO) < 0) {
      int e = errno;
      (void)!::write(exec_write.get(), &e, sizeof e);
      ::_exit(127);
    }
    ::execv(argv[0], argv.data());
    int e = errno;
    (void)!::write(exec_write.get(), &e, sizeof e);
    ::_exit(127);
  }

  exec_write.Reset(-1);
  int child_errno = 0;
  ssize_t n;
  do {
    n = ::read(exec_read.get(), &child_errno, sizeof child_errno);
  } while (n < 0 && errno == EINTR);
  auto child = std::unique_ptr<ChildProcess>(new ChildProcess(pid, options));
  if (n > 0) {
    (void)child->Wait(std::chrono::seconds(5));
    return FailedPreconditionError("cannot execute " + *path + ": " +
                                   ErrnoText(child_errno));
  }
  return child;
}

ChildProcess::~ChildProcess() {
  if (exit_) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
}

bool ChildProcess::Kill(int signal) {
  if (exit_) return false;
  return ::kill(pid_, signal) == 0;
}

std::optional<ExitStatus> ChildProcess::Wait(
    std::chrono::milliseconds timeout) {
  if (exit_) return exit_;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    int status = 0;
    const pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      exit_ = FromWaitStatus(status);
      return exit_;
    }
    if (r < 0 && errno != EINTR) {
      // Not our child any more (reaped elsewhere): nothing left to wait for.
      exit_ = ExitStatus{};
      return exit_;
    }
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    // A short poll: waitpid has no timeout of its own.
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

bool ChildProcess::Running() {
  return !Wait(std::chrono::milliseconds(0)).has_value();
}

StatusOr<RunResult> RunToCompletion(const std::string& binary,
                                    const std::vector<std::string>& args,
                                    const std::string& work_dir,
                                    const std::string& label,
                                    std::chrono::milliseconds timeout) {
  // Numbered, so repeated runs with one label never mix their output.
  static std::atomic<int> run_number{0};
  const std::string base =
      work_dir + "/" + label + "-" + std::to_string(++run_number);
  ChildProcess::Options options;
  options.stdout_file = base + ".out";
  options.stderr_file = base + ".err";
  auto child = ChildProcess::Start(binary, args, options);
  if (!child.ok()) return child.status();
  auto exit = (*child)->Wait(timeout);
  if (!exit) {
    (*child)->Kill(SIGKILL);
    (void)(*child)->Wait(std::chrono::seconds(5));
    return Status(
        StatusCode::kDeadlineExceeded,
        binary + " did not finish within " + std::to_string(timeout.count()) +
            " ms; its output so far: " + ReadFileOrEmpty(options.stdout_file) +
            ReadFileOrEmpty(options.stderr_file));
  }
  RunResult result;
  result.exit = *exit;
  result.out = ReadFileOrEmpty(options.stdout_file);
  result.err = ReadFileOrEmpty(options.stderr_file);
  return result;
}

}  // namespace samverkan::testing
