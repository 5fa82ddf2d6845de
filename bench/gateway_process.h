// The real samverkan-gateway binary as a child process: started on a data
// folder, awaited through its ready file, observed (CPU time, bytes written)
// and stopped with SIGTERM, as a launcher or systemd would.
#ifndef SAMVERKAN_BENCH_GATEWAY_PROCESS_H_
#define SAMVERKAN_BENCH_GATEWAY_PROCESS_H_

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "common/status.h"
#include "services/client/gateway_address.h"

namespace samverkan::bench {

// What the kernel counted for a process so far.
struct ProcessCounters {
  double cpu_seconds = 0;  // user + system, all threads
  double main_thread_cpu_seconds = 0;
  // ZeroMQ's I/O threads: framing, and CURVE encryption and decryption.
  double zmq_io_cpu_seconds = 0;
  uint64_t write_bytes = 0;     // bytes sent to the block layer
  uint64_t resident_bytes = 0;  // VmRSS now
};

// Counters of `pid` ("self" for this process) from /proc; zeros where the
// kernel does not tell.
ProcessCounters ReadProcessCounters(const std::string& pid);

// samverkan-gateway next to the running executable.
std::string DefaultGatewayBinary();

class GatewayProcess {
 public:
  // Starts `binary -c config_file --data-dir data_dir --ready-file
  // data_dir.ready` with its output in data_dir.log, and waits up to
  // `timeout` for the ready file. FailedPrecondition (with the log's last
  // lines) if the gateway exits first.
  static StatusOr<std::unique_ptr<GatewayProcess>> Start(
      const std::string& binary, const std::string& config_file,
      const std::string& data_dir, std::chrono::seconds timeout);
  // Stops the gateway if it still runs.
  ~GatewayProcess();
  GatewayProcess(const GatewayProcess&) = delete;
  GatewayProcess& operator=(const GatewayProcess&) = delete;

  // SIGTERM, then waits (SIGKILL after 10 s). Internal if it did not exit 0.
  Status Stop();

  const client::GatewayAddress& address() const { return address_; }
  pid_t pid() const { return pid_; }
  ProcessCounters Counters() const;
  const std::string& log_file() const { return log_file_; }

 private:
  GatewayProcess() = default;

  pid_t pid_ = -1;
  client::GatewayAddress address_;
  std::string log_file_;
};

}  // namespace samverkan::bench

#endif  // SAMVERKAN_BENCH_GATEWAY_PROCESS_H_
