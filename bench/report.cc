// Plain-text and JSON output of samverkan-bench. Medians are taken per
// figure over the rounds; the ratio is the median of the per-round ratios,
// each of which compares runs made back to back.
#include "bench/report.h"

#include <sys/vfs.h>

#include <cstdio>
#include <fstream>
#include <functional>
#include <thread>

#include "bench/stats.h"

namespace samverkan::bench {
namespace {

std::string FilesystemName(const std::string& folder) {
  struct statfs fs;
  if (::statfs(folder.c_str(), &fs) != 0) return "unknown";
  switch (static_cast<unsigned long>(fs.f_type)) {
    case 0xEF53:
      return "ext4";
    case 0x01021994:
      return "tmpfs";
    case 0x58465342:
      return "xfs";
    case 0x9123683E:
      return "btrfs";
    case 0x794C7630:
      return "overlayfs";
    default: {
      char buf[32];
      std::snprintf(buf, sizeof buf, "type 0x%lx",
                    static_cast<unsigned long>(fs.f_type));
      return buf;
    }
  }
}

std::string Fmt(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

// The median over the rounds of one figure.
double MedianOf(const std::vector<RoundResult>& rounds,
                const std::function<double(const RoundResult&)>& get) {
  std::vector<double> v;
  for (const RoundResult& r : rounds) v.push_back(get(r));
  return Median(std::move(v));
}

std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) continue;
    out += c;
  }
  return out + "\"";
}

std::string JsonArray(const std::vector<RoundResult>& rounds,
                      const std::function<double(const RoundResult&)>& get) {
  std::string out = "[";
  for (size_t i = 0; i < rounds.size(); ++i) {
    if (i > 0) out += ",";
    out += Fmt("%.1f", get(rounds[i]));
  }
  return out + "]";
}

// Each throughput publisher's rate, median over the rounds, in order.
std::string PerPublisher(const std::vector<RoundResult>& rounds) {
  std::string out;
  const size_t n = rounds.empty() ? 0 : rounds[0].publisher_events_per_s.size();
  for (size_t p = 0; p < n; ++p) {
    out += (p == 0 ? " " : ", ") +
           Fmt("%.0f", MedianOf(rounds, [p](const RoundResult& r) {
                 return p < r.publisher_events_per_s.size()
                            ? r.publisher_events_per_s[p]
                            : 0.0;
               }));
  }
  return out;
}

const char* SyncName(ReferenceSync s) {
  return s == ReferenceSync::kFull ? "FULL" : "NORMAL";
}

}  // namespace

Environment DescribeEnvironment(const std::string& folder) {
  Environment env;
  env.cpus = static_cast<int>(std::thread::hardware_concurrency());
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("model name", 0) == 0) {
      const size_t colon = line.find(':');
      if (colon != std::string::npos) env.cpu_model = line.substr(colon + 2);
      break;
    }
  }
  env.filesystem = FilesystemName(folder);
  return env;
}

void PrintSetup(std::ostream& out, const BenchOptions& o,
                const Environment& env) {
  out << "samverkan-bench: gateway (CURVE) " << o.publishers
      << " publishers x window " << o.window << ", " << o.events << " events";
  if (o.prefill > 0) out << " on a log prefilled with " << o.prefill;
  out << "; synchronous: 1 publisher, " << o.sync_events << " events; "
      << o.rounds << " rounds\n"
      << "reference: " << o.publishers
      << " PUSH -> 1 PULL (tcp, no CURVE) -> SQLite WAL synchronous="
      << SyncName(o.reference_sync) << ", <= " << o.reference_max_batch
      << " per transaction\n"
      << "machine: " << env.cpus << " CPUs, " << env.cpu_model << ", "
      << env.filesystem << "; envelopes " << Fmt("%.0f", env.envelope_bytes)
      << " bytes on average, "
      << (o.shape.time_ordered_ids ? "time-ordered" : "random")
      << " event ids, " << o.shape.participants << " participants\n";
  if (env.filesystem == "tmpfs") {
    out << "WARNING: the working folder is on tmpfs, where fsync costs "
           "nothing; pass --work-dir on a real disk\n";
  }
  out << "\nround  gateway ev/s  ack p50 ms  ack p99 ms  reference ev/s  "
         "ratio  sync p50 us  sync p99 us  bare sync p99 us  null ev/s\n";
}

void PrintRound(std::ostream& out, size_t round, const RoundResult& r) {
  char line[256];
  std::snprintf(line, sizeof line,
                "%5zu  %12.0f  %10.2f  %10.2f  %14.0f  %5.2f  %11.0f  %11.0f  "
                "%16.0f  %9.0f\n",
                round, r.events_per_s, r.ack.p50_us / 1000, r.ack.p99_us / 1000,
                r.reference_events_per_s, r.Ratio(), r.sync_ack.p50_us,
                r.sync_ack.p99_us, r.reference_sync_ack.p99_us,
                r.null_events_per_s);
  out << line << std::flush;
}

void PrintSummary(std::ostream& out, const BenchOptions& o,
                  const Environment& env,
                  const std::vector<RoundResult>& rounds) {
  auto med = [&](const std::function<double(const RoundResult&)>& get) {
    return MedianOf(rounds, get);
  };
  const double ours = med([](const RoundResult& r) { return r.events_per_s; });
  const double ref =
      med([](const RoundResult& r) { return r.reference_events_per_s; });
  const double ratio = med([](const RoundResult& r) { return r.Ratio(); });
  const double ack_p50 = med([](const RoundResult& r) { return r.ack.p50_us; });
  const double ack_p99 = med([](const RoundResult& r) { return r.ack.p99_us; });
  const double ack_max = med([](const RoundResult& r) { return r.ack.max_us; });
  const double sync_p50 =
      med([](const RoundResult& r) { return r.sync_ack.p50_us; });
  const double sync_p99 =
      med([](const RoundResult& r) { return r.sync_ack.p99_us; });
  const double sync_max =
      med([](const RoundResult& r) { return r.sync_ack.max_us; });
  const double rtt_p50 =
      med([](const RoundResult& r) { return r.reference_sync_ack.p50_us; });
  const double rtt_p99 =
      med([](const RoundResult& r) { return r.reference_sync_ack.p99_us; });
  const double rtt_max =
      med([](const RoundResult& r) { return r.reference_sync_ack.max_us; });
  const double commit_p50 =
      med([](const RoundResult& r) { return r.reference_commit.p50_us; });
  const double commit_p99 =
      med([](const RoundResult& r) { return r.reference_commit.p99_us; });
  const double commit_max =
      med([](const RoundResult& r) { return r.reference_commit.max_us; });
  const double first_half =
      med([](const RoundResult& r) { return r.first_half_events_per_s; });
  const double second_half =
      med([](const RoundResult& r) { return r.second_half_events_per_s; });
  const double cpu =
      med([](const RoundResult& r) { return r.gateway_cpu_us_per_event; });
  const double main_cpu = med([](const RoundResult& r) {
    return r.gateway_main_thread_cpu_us_per_event;
  });
  const double client_cpu =
      med([](const RoundResult& r) { return r.client_cpu_us_per_event; });
  const double io_cpu = med(
      [](const RoundResult& r) { return r.gateway_zmq_io_cpu_us_per_event; });
  const double client_io_cpu = med(
      [](const RoundResult& r) { return r.client_zmq_io_cpu_us_per_event; });
  const double wbytes =
      med([](const RoundResult& r) { return r.gateway_write_bytes_per_event; });
  const double ref_wbytes = med(
      [](const RoundResult& r) { return r.reference_write_bytes_per_event; });
  const double batch = med([](const RoundResult& r) { return r.mean_batch; });
  const double commit_mean =
      med([](const RoundResult& r) { return r.commit_mean_us; });
  const double sync_commit_mean =
      med([](const RoundResult& r) { return r.sync_commit_mean_us; });
  const double ref_batch =
      med([](const RoundResult& r) { return r.reference_mean_batch; });
  const double null_rate =
      med([](const RoundResult& r) { return r.null_events_per_s; });
  const double null_ratio =
      med([](const RoundResult& r) { return r.NullRatio(); });
  const double null_sync_p50 =
      med([](const RoundResult& r) { return r.null_sync_ack.p50_us; });
  const double null_sync_p99 =
      med([](const RoundResult& r) { return r.null_sync_ack.p99_us; });
  const bool ratio_met = ratio >= kTargetRatio;
  const bool sync_met = sync_p99 < kTargetSyncP99Us;

  out << "\nmedian of " << rounds.size() << " rounds\n"
      << "  throughput      gateway " << Fmt("%.0f", ours)
      << " ev/s, reference " << Fmt("%.0f", ref) << " ev/s, ratio "
      << Fmt("%.2f", ratio) << " (target >= " << Fmt("%.1f", kTargetRatio)
      << ": " << (ratio_met ? "met" : "NOT met") << ")\n"
      << "  per publisher  " << PerPublisher(rounds) << " ev/s\n"
      << "  gateway halves  " << Fmt("%.0f", first_half)
      << " ev/s over the first half of the acks, " << Fmt("%.0f", second_half)
      << " ev/s over the second\n"
      << "  pipelined ack   p50 " << Fmt("%.2f", ack_p50 / 1000) << " ms, p99 "
      << Fmt("%.2f", ack_p99 / 1000) << " ms, max "
      << Fmt("%.2f", ack_max / 1000) << " ms\n"
      << "  sync ack        p50 " << Fmt("%.0f", sync_p50) << " us, p99 "
      << Fmt("%.0f", sync_p99) << " us, max " << Fmt("%.0f", sync_max)
      << " us (target p99 < " << Fmt("%.0f", kTargetSyncP99Us)
      << " us: " << (sync_met ? "met" : "NOT met") << ")\n"
      << "  bare commit     p50 " << Fmt("%.0f", commit_p50) << " us, p99 "
      << Fmt("%.0f", commit_p99) << " us, max " << Fmt("%.0f", commit_max)
      << " us (one-row SQLite transaction, synchronous="
      << SyncName(o.reference_sync) << ")\n"
      << "  bare sync ack   p50 " << Fmt("%.0f", rtt_p50) << " us, p99 "
      << Fmt("%.0f", rtt_p99) << " us, max " << Fmt("%.0f", rtt_max)
      << " us (DEALER -> ROUTER without CURVE, that commit, reply)\n"
      << "  gateway process " << Fmt("%.1f", cpu) << " us CPU/event ("
      << Fmt("%.1f", main_cpu) << " pipeline thread, " << Fmt("%.1f", io_cpu)
      << " ZeroMQ I/O thread), " << Fmt("%.0f", wbytes)
      << " bytes written/event, " << Fmt("%.0f", batch) << " events/commit\n"
      << "  gateway commit  mean " << Fmt("%.0f", commit_mean)
      << " us in the throughput phase, " << Fmt("%.0f", sync_commit_mean)
      << " us in the sync phase (one transaction and its flush; the rest of "
         "an ack is transport, queue and stages)\n"
      << "  reference       " << Fmt("%.0f", ref_wbytes)
      << " bytes written/event, " << Fmt("%.0f", ref_batch)
      << " events/commit\n"
      << "  load generator  " << Fmt("%.1f", client_cpu) << " us CPU/event ("
      << Fmt("%.1f", client_io_cpu)
      << " of it its ZeroMQ I/O thread; it shares the CPUs with the "
         "gateway)\n"
      << "  null gateway    " << Fmt("%.0f", null_rate) << " ev/s, "
      << Fmt("%.2f", null_ratio) << " of the reference; sync ack p50 "
      << Fmt("%.0f", null_sync_p50) << " us, p99 " << Fmt("%.0f", null_sync_p99)
      << " us (CURVE, answers at once, stores nothing: the transport's "
         "ceiling)\n";

  out << "JSON {\"publishers\":" << o.publishers << ",\"window\":" << o.window
      << ",\"events\":" << o.events << ",\"sync_events\":" << o.sync_events
      << ",\"rounds\":" << rounds.size()
      << ",\"reference_sync\":" << JsonString(SyncName(o.reference_sync))
      << ",\"cpus\":" << env.cpus
      << ",\"cpu_model\":" << JsonString(env.cpu_model)
      << ",\"filesystem\":" << JsonString(env.filesystem)
      << ",\"envelope_bytes\":" << Fmt("%.0f", env.envelope_bytes)
      << ",\"gateway_events_per_s\":" << Fmt("%.0f", ours)
      << ",\"reference_events_per_s\":" << Fmt("%.0f", ref)
      << ",\"ratio\":" << Fmt("%.3f", ratio)
      << ",\"ack_p50_us\":" << Fmt("%.0f", ack_p50)
      << ",\"ack_p99_us\":" << Fmt("%.0f", ack_p99)
      << ",\"ack_max_us\":" << Fmt("%.0f", ack_max)
      << ",\"sync_p50_us\":" << Fmt("%.1f", sync_p50)
      << ",\"sync_p99_us\":" << Fmt("%.1f", sync_p99)
      << ",\"sync_max_us\":" << Fmt("%.1f", sync_max)
      << ",\"bare_commit_p50_us\":" << Fmt("%.1f", commit_p50)
      << ",\"bare_commit_p99_us\":" << Fmt("%.1f", commit_p99)
      << ",\"bare_sync_p50_us\":" << Fmt("%.1f", rtt_p50)
      << ",\"bare_sync_p99_us\":" << Fmt("%.1f", rtt_p99)
      << ",\"null_events_per_s\":" << Fmt("%.0f", null_rate)
      << ",\"null_ratio\":" << Fmt("%.3f", null_ratio)
      << ",\"null_sync_p50_us\":" << Fmt("%.1f", null_sync_p50)
      << ",\"null_sync_p99_us\":" << Fmt("%.1f", null_sync_p99)
      << ",\"prefill\":" << o.prefill << ",\"event_ids\":"
      << JsonString(o.shape.time_ordered_ids ? "time-ordered" : "random")
      << ",\"participants\":" << o.shape.participants
      << ",\"gateway_first_half_events_per_s\":" << Fmt("%.0f", first_half)
      << ",\"gateway_second_half_events_per_s\":" << Fmt("%.0f", second_half)
      << ",\"gateway_cpu_us_per_event\":" << Fmt("%.2f", cpu)
      << ",\"gateway_main_thread_cpu_us_per_event\":" << Fmt("%.2f", main_cpu)
      << ",\"gateway_zmq_io_cpu_us_per_event\":" << Fmt("%.2f", io_cpu)
      << ",\"client_cpu_us_per_event\":" << Fmt("%.2f", client_cpu)
      << ",\"client_zmq_io_cpu_us_per_event\":" << Fmt("%.2f", client_io_cpu)
      << ",\"gateway_write_bytes_per_event\":" << Fmt("%.0f", wbytes)
      << ",\"reference_write_bytes_per_event\":" << Fmt("%.0f", ref_wbytes)
      << ",\"gateway_events_per_commit\":" << Fmt("%.1f", batch)
      << ",\"gateway_commit_mean_us\":" << Fmt("%.0f", commit_mean)
      << ",\"sync_commit_mean_us\":" << Fmt("%.0f", sync_commit_mean)
      << ",\"reference_events_per_commit\":" << Fmt("%.1f", ref_batch)
      << ",\"ratio_target_met\":" << (ratio_met ? "true" : "false")
      << ",\"sync_p99_target_met\":" << (sync_met ? "true" : "false")
      << ",\"per_round_gateway_events_per_s\":"
      << JsonArray(rounds, [](const RoundResult& r) { return r.events_per_s; })
      << ",\"per_round_reference_events_per_s\":"
      << JsonArray(
             rounds,
             [](const RoundResult& r) { return r.reference_events_per_s; })
      << ",\"per_round_sync_p99_us\":"
      << JsonArray(rounds,
                   [](const RoundResult& r) { return r.sync_ack.p99_us; })
      << "}\n";
}

}  // namespace samverkan::bench
