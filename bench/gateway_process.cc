// fork/exec and /proc: nothing here knows what the gateway does inside.
#include "bench/gateway_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>
#include <vector>

#include "common/proc_status.h"

extern char** environ;

namespace samverkan::bench {
namespace {

using Clock = std::chrono::steady_clock;

// Waits for `pid` to exit until `deadline`; the exit status, or nullopt.
std::optional<int> WaitUntil(pid_t pid, Clock::time_point deadline) {
  while (true) {
    int status = 0;
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) return status;
    if (r < 0) return -1;
    if (Clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

std::string Describe(int status) {
  if (WIFEXITED(status)) return "exit " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    return std::string("signal ") + ::strsignal(WTERMSIG(status));
  }
  return "status " + std::to_string(status);
}

// The last few lines of a log, to explain a gateway that would not start.
std::string Tail(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  std::string out;
  for (size_t i = lines.size() > 5 ? lines.size() - 5 : 0; i < lines.size();
       ++i) {
    out += "\n  " + lines[i];
  }
  return out;
}

// utime + stime from a /proc stat file. The fields after the command name
// (in parentheses, may hold spaces) start with state, field 3; utime is
// field 14, stime 15.
double ReadStatCpuSeconds(const std::string& path) {
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)),
                   std::istreambuf_iterator<char>());
  const size_t close = text.rfind(')');
  if (close == std::string::npos || close + 2 >= text.size()) return 0;
  std::istringstream fields(text.substr(close + 2));
  std::string field;
  uint64_t utime = 0, stime = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14) utime = std::stoull(field);
    if (i == 15) stime = std::stoull(field);
  }
  return static_cast<double>(utime + stime) /
         static_cast<double>(::sysconf(_SC_CLK_TCK));
}

}  // namespace

ProcessCounters ReadProcessCounters(const std::string& pid) {
  ProcessCounters c;
  c.cpu_seconds = ReadStatCpuSeconds("/proc/" + pid + "/stat");
  const std::string main_tid = pid == "self" ? std::to_string(::getpid()) : pid;
  c.main_thread_cpu_seconds =
      ReadStatCpuSeconds("/proc/" + pid + "/task/" + main_tid + "/stat");
  std::error_code ec;
  for (const auto& task :
       std::filesystem::directory_iterator("/proc/" + pid + "/task", ec)) {
    std::ifstream comm(task.path() / "comm");
    std::string name;
    std::getline(comm, name);
    // libzmq names its I/O threads ZMQbg/IO/0, ZMQbg/IO/1, ...
    if (name.rfind("ZMQbg/IO/", 0) == 0) {
      c.zmq_io_cpu_seconds +=
          ReadStatCpuSeconds((task.path() / "stat").string());
    }
  }
  {
    std::ifstream in("/proc/" + pid + "/io");
    std::string key;
    uint64_t value;
    while (in >> key >> value) {
      if (key == "write_bytes:") c.write_bytes = value;
    }
  }
  c.resident_bytes = ProcStatusKib(pid, "VmRSS") * 1024;
  return c;
}

std::string DefaultGatewayBinary() {
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return "samverkan-gateway";
  return (self.parent_path() / "samverkan-gateway").string();
}

StatusOr<std::unique_ptr<GatewayProcess>> GatewayProcess::Start(
    const std::string& binary, const std::string& config_file,
    const std::string& data_dir, std::chrono::seconds timeout) {
  if (::access(binary.c_str(), X_OK) != 0) {
    return NotFoundError("no gateway binary at " + binary +
                         " (build samverkan-gateway, or pass --gateway)");
  }
  std::unique_ptr<GatewayProcess> p(new GatewayProcess);
  const std::string ready_file = data_dir + ".ready";
  p->log_file_ = data_dir + ".log";

  std::vector<std::string> args = {binary,       "-c",     config_file,
                                   "--data-dir", data_dir, "--ready-file",
                                   ready_file};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const int log_fd = ::open(p->log_file_.c_str(),
                            O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (log_fd < 0) {
    return UnavailableError("cannot write " + p->log_file_ + ": " +
                            std::strerror(errno));
  }
  const pid_t parent = ::getpid();
  p->pid_ = ::fork();
  if (p->pid_ == 0) {
    // The child: only async-signal-safe calls until exec. If the bench dies,
    // however it dies, the gateway gets SIGTERM instead of living on.
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(127);
    ::dup2(log_fd, STDOUT_FILENO);
    ::dup2(log_fd, STDERR_FILENO);
    ::execve(binary.c_str(), argv.data(), environ);
    ::_exit(127);
  }
  const int fork_errno = errno;
  ::close(log_fd);
  if (p->pid_ < 0) {
    return UnavailableError("cannot start " + binary + ": " +
                            std::strerror(fork_errno));
  }

  const auto deadline = Clock::now() + timeout;
  while (!std::filesystem::exists(ready_file)) {
    if (auto status = WaitUntil(p->pid_, Clock::now())) {
      p->pid_ = -1;
      return FailedPreconditionError(
          "the gateway stopped before it was ready (" + Describe(*status) +
          "):" + Tail(p->log_file_));
    }
    if (Clock::now() >= deadline) {
      return Status(StatusCode::kDeadlineExceeded,
                    "the gateway did not write " + ready_file + " in time");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  auto address = client::LoadGatewayAddress(ready_file);
  if (!address.ok()) return address.status();
  p->address_ = std::move(*address);
  return p;
}

GatewayProcess::~GatewayProcess() { (void)Stop(); }

Status GatewayProcess::Stop() {
  if (pid_ < 0) return OkStatus();
  const pid_t pid = pid_;
  pid_ = -1;
  ::kill(pid, SIGTERM);
  auto status = WaitUntil(pid, Clock::now() + std::chrono::seconds(10));
  if (!status) {
    ::kill(pid, SIGKILL);
    status = WaitUntil(pid, Clock::now() + std::chrono::seconds(10));
    return InternalError("the gateway ignored SIGTERM and was killed");
  }
  if (!WIFEXITED(*status) || WEXITSTATUS(*status) != 0) {
    return InternalError("the gateway ended with " + Describe(*status) + ":" +
                         Tail(log_file_));
  }
  return OkStatus();
}

ProcessCounters GatewayProcess::Counters() const {
  if (pid_ < 0) return ProcessCounters{};
  return ReadProcessCounters(std::to_string(pid_));
}

}  // namespace samverkan::bench
