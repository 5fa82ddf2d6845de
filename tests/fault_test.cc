// The fault-injection suite (issue #6): the whole system under a seeded,
// realistic workload while its processes are killed. Four publishers (the
// agency services, fed through their input files) and five subscribers (the
// services' own event streams and the municipality's coordinator client).
// The coordinator is slow: SIGSTOP/SIGCONT cycles leave it behind its stream
// (past what the sockets buffer, the gateway drops pushes and it must
// backfill; every gateway restart drops them for everyone). The
// Arbetsförmedlingen service is offline across the withdrawals of consent
// and comes back afterwards. The gateway is SIGKILLed four times mid-stream
// and every service and the coordinator at least once. At the end: every
// line handed over is in the log exactly once; every subscriber holds
// exactly the deliveries the gateway decided, 1..N in order; nothing with
// content reached anyone about a participant after the withdrawal; the
// chain verifies; the gateway's peak memory stays bounded.
//
// Size and seed come from the environment (SAMVERKAN_FAULT_PARTICIPANTS or
// SAMVERKAN_FAULT_EVENTS, SAMVERKAN_FAULT_SEED); bench/fault_suite.sh runs
// this binary at a million events. docs/faults.md describes the suite.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <unordered_map>

#include "common/proc_status.h"
#include "services/agency/json_events.h"
#include "services/inbox/inbox_file.h"
#include "tests/support/agency_system.h"
#include "tests/support/child_process.h"
#include "tests/support/fault_workload.h"
#include "tests/support/gateway_fixture.h"
#include "tests/support/log_reader.h"
#include "tests/support/wait.h"

namespace samverkan::testing {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr char kAlertStream[] = "kommun-orebro/alerts";
// The slow subscriber's cycle: stopped for most of it, so it falls behind
// its stream and the gateway drops what the sockets between them cannot
// buffer.
constexpr milliseconds kSlowStopped(1500);
constexpr milliseconds kSlowRunning(500);
// A bound on the gateway's peak resident memory (VmHWM) over every
// incarnation, not a performance figure: it catches a queue or cache that
// grows with the stream.
constexpr uint64_t kPeakMemoryBoundKib = 512 * 1024;
constexpr int kDefaultParticipants = 2000;

uint64_t EnvNumber(const char* name, uint64_t fallback) {
  const char* v = std::getenv(name);
  return v == nullptr || *v == '\0' ? fallback : std::strtoull(v, nullptr, 10);
}

// The text after `key` up to the next '"' (for "key":"value" in the
// services' compact JSON); "" when absent.
std::string StringAfter(const std::string& line, const std::string& key) {
  const size_t at = line.find(key);
  if (at == std::string::npos) return "";
  const size_t from = at + key.size();
  return line.substr(from, line.find('"', from) - from);
}

// Which input lines a service has answered, from replies.jsonl and
// rejected.jsonl, read incrementally because the bench run polls files of a
// million lines. Distinct line numbers, not file lines: a service killed
// between writing an answer and marking it done writes it again.
class AnswerTracker {
 public:
  explicit AnswerTracker(std::string dir) : dir_(std::move(dir)) {}

  size_t Answered() {
    Scan(dir_ + "/replies.jsonl", &replies_offset_);
    Scan(dir_ + "/rejected.jsonl", &rejected_offset_);
    return answered_.size();
  }

 private:
  void Scan(const std::string& path, std::streamoff* offset) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return;
    in.seekg(*offset);
    std::string line;
    // Only whole lines: the offset stays before a line still being written
    // (or cut short by a kill and later removed by the service).
    while (std::getline(in, line) && !in.eof()) {
      *offset += static_cast<std::streamoff>(line.size()) + 1;
      const size_t at = line.find("\"line\":");
      if (at != std::string::npos) {
        answered_.insert(std::strtoull(line.c_str() + at + 7, nullptr, 10));
      }
    }
  }

  std::string dir_;
  std::streamoff replies_offset_ = 0, rejected_offset_ = 0;
  std::set<uint64_t> answered_;
};

// Lines in a file that only grows (an inbox), counted incrementally.
class LineCounter {
 public:
  explicit LineCounter(std::string path) : path_(std::move(path)) {}
  size_t Count() {
    std::ifstream in(path_, std::ios::binary);
    if (!in) return lines_;
    in.seekg(offset_);
    std::string line;
    while (std::getline(in, line) && !in.eof()) {
      offset_ += static_cast<std::streamoff>(line.size()) + 1;
      ++lines_;
    }
    return lines_;
  }

 private:
  std::string path_;
  std::streamoff offset_ = 0;
  size_t lines_ = 0;
};

// One subscriber as the checks see it: whose deliveries, in which file.
struct Subscriber {
  std::string name;
  std::string recipient;  // the disclosures' recipient key
  std::string inbox;
};

// A fault fired when a phase's answers reach a share of its lines.
struct Fault {
  double at = 0;
  std::string name;
  std::function<void()> fire;
};

class FaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    seed_ = EnvNumber("SAMVERKAN_FAULT_SEED", std::random_device{}());
    uint64_t participants =
        EnvNumber("SAMVERKAN_FAULT_PARTICIPANTS", kDefaultParticipants);
    if (std::getenv("SAMVERKAN_FAULT_PARTICIPANTS") == nullptr &&
        std::getenv("SAMVERKAN_FAULT_EVENTS") != nullptr) {
      participants = FaultWorkload::ParticipantsFor(
          EnvNumber("SAMVERKAN_FAULT_EVENTS", 0));
    }
    workload_ = std::make_unique<FaultWorkload>(seed_, participants);
    std::cout << "fault suite: seed " << seed_
              << " (SAMVERKAN_FAULT_SEED=" << seed_ << " replays it), "
              << participants << " participants" << std::endl;
    RecordProperty("seed", std::to_string(seed_));

    // Before every event's dates, so no handover deadline passes during the
    // run and the streams' heads move only with what the agencies publish.
    // The log's indexes take records in every 1,000, so kills also land
    // between appends and the index passes after them.
    auto fixture = StartSystemGateway("2026-08-01", 1000);
    ASSERT_TRUE(fixture.ok()) << fixture.status().ToString();
    gateway_ = std::move(*fixture);
    agencies_ = std::make_unique<AgencySystem>(*gateway_);
    ASSERT_TRUE(agencies_->StartAll().ok());
    for (const auto& [org, name] : AgencyServiceNames()) {
      trackers_.emplace(org, AnswerTracker(agencies_->DataDir(org)));
      inputs_.emplace(org, std::ofstream(agencies_->Input(org),
                                         std::ios::app | std::ios::binary));
    }
    slow_inbox_ = LineCounter(agencies_->AlertFile());
    started_ = Clock::now();
  }

  // Every poll: sample the gateway's memory and drive the slow subscriber.
  void Tick() {
    SampleMemory();
    ChildProcess* slow = agencies_->coordinator();
    if (!slow_cycle_ || slow == nullptr) return;
    const auto now = Clock::now();
    if (slow_stopped_) MeasureSlowLag(now);
    if (slow_stopped_ && now - slow_since_ >= kSlowStopped) {
      slow->Kill(SIGCONT);
      slow_stopped_ = false;
      slow_since_ = now;
    } else if (!slow_stopped_ && now - slow_since_ >= kSlowRunning) {
      slow->Kill(SIGSTOP);
      slow_stopped_ = true;
      slow_since_ = now;
      ++slow_stops_;
    }
  }

  // How far the stopped subscriber is behind its stream: beyond what the
  // sockets between it and the gateway buffer, pushes were dropped and it
  // must backfill.
  void MeasureSlowLag(Clock::time_point now) {
    if (now - lag_measured_ < milliseconds(200)) return;
    lag_measured_ = now;
    if (!lag_log_) {
      auto log = OpenLogReadOnly(gateway_->LogPath());
      if (!log.ok()) return;
      lag_log_ = std::move(*log);
    }
    auto head = lag_log_->RecipientHead(kAlertStream);
    const uint64_t held = slow_inbox_.Count();
    if (head.ok() && *head > held) {
      max_slow_lag_ = std::max<uint64_t>(max_slow_lag_, *head - held);
    }
  }

  void SetSlowCycle(bool on) {
    slow_cycle_ = on;
    if (!on && slow_stopped_) {
      agencies_->coordinator()->Kill(SIGCONT);
      slow_stopped_ = false;
    }
    slow_since_ = Clock::now();
  }

  bool Await(const std::function<bool()>& condition, milliseconds bound) {
    return WaitUntil(
        [&] {
          Tick();
          return condition();
        },
        bound);
  }

  void SampleMemory() {
    if (!gateway_->Running()) return;
    const pid_t pid = gateway_->process()->pid();
    peak_hwm_kib_ =
        std::max(peak_hwm_kib_, ProcStatusKib(std::to_string(pid), "VmHWM"));
    peak_rss_kib_ =
        std::max(peak_rss_kib_, ProcStatusKib(std::to_string(pid), "VmRSS"));
  }

  void KillGateway() {
    SampleMemory();  // the incarnation's peak, just before it dies
    ASSERT_TRUE(gateway_->KillHard().ok());
    ++gateway_kills_;
    // Every follower, the coordinator included, must find the gateway on its
    // new ports by itself.
    ASSERT_TRUE(gateway_->Restart().ok());
  }

  void KillService(const std::string& org) {
    ChildProcess* service = agencies_->service(org);
    ASSERT_TRUE(service->Kill(SIGKILL));
    ASSERT_TRUE(service->Wait(milliseconds(10000)).has_value());
    ++service_kills_[org];
  }

  void KillAndRestartService(const std::string& org) {
    KillService(org);
    ASSERT_TRUE(agencies_->StartService(org).ok());
  }

  void KillAndRestartCoordinator() {
    ASSERT_TRUE(agencies_->coordinator()->Kill(SIGKILL));
    ASSERT_TRUE(agencies_->coordinator()->Wait(milliseconds(10000)));
    ++coordinator_kills_;
    slow_stopped_ = false;
    slow_since_ = Clock::now();
    ASSERT_TRUE(agencies_->StartCoordinator().ok());
  }

  // What the agencies' own systems do: append the phase's lines to the files
  // their services follow.
  size_t HandOver(const std::vector<FaultLine>& lines) {
    for (const FaultLine& line : lines) {
      inputs_.at(line.organisation) << line.text << "\n";
      auto e = agency::ParseEventLine(line.text, {line.organisation, 0, 1});
      EXPECT_TRUE(e.ok()) << line.text;
      handed_[line.organisation].push_back(e.ok() ? e->event_id() : "");
    }
    for (auto& [org, input] : inputs_) input.flush();
    return lines.size();
  }

  size_t Answered(const std::string& org) {
    return trackers_.at(org).Answered();
  }

  // Hands the phase over and waits for every service not in `away` to have
  // answered all it was given, firing each fault once the answers reach its
  // share of the phase (late, if the phase ran past it between two polls).
  void RunPhase(int phase, std::vector<Fault> faults,
                const std::set<std::string>& away = {}) {
    const auto begun = Clock::now();
    std::map<std::string, size_t> before;
    for (const auto& [org, name] : AgencyServiceNames()) {
      if (!away.contains(org)) before[org] = Answered(org);
    }
    const std::vector<FaultLine> lines = workload_->Phase(phase);
    size_t expected = 0;
    for (const FaultLine& line : lines) {
      if (!away.contains(line.organisation)) ++expected;
    }
    HandOver(lines);
    std::sort(faults.begin(), faults.end(),
              [](const Fault& a, const Fault& b) { return a.at < b.at; });
    size_t next_fault = 0;
    auto progress = [&] {
      size_t done = 0;
      for (const auto& [org, start] : before) done += Answered(org) - start;
      return expected == 0 ? 1.0 : static_cast<double>(done) / expected;
    };
    auto all_answered = [&] {
      for (const auto& [org, start] : before) {
        if (Answered(org) < handed_[org].size()) return false;
      }
      return true;
    };
    const milliseconds bound(300000 + 10 * lines.size());
    ASSERT_TRUE(Await(
        [&] {
          const double p = progress();
          while (next_fault < faults.size() && p >= faults[next_fault].at) {
            fault_log_ << "  phase " << phase << ": " << faults[next_fault].name
                       << " at " << static_cast<int>(p * 100) << "% answered\n";
            faults[next_fault++].fire();
          }
          return next_fault == faults.size() && all_answered();
        },
        bound))
        << "phase " << phase << ": " << progress() * 100 << "% of " << expected
        << " lines answered";
    const double seconds =
        std::chrono::duration<double>(Clock::now() - begun).count();
    std::ostringstream done;
    done << "  phase " << phase << ": " << lines.size() << " lines in "
         << seconds << " s\n";
    phase_log_ << done.str();
    // As it happens too: a bench run takes long enough to want progress.
    std::cout << done.str() << std::flush;
  }

  // A seeded share of a phase, away from its very start and end.
  double SeededShare() { return 0.15 + 0.7 * (rng_->Below(1000) / 1000.0); }

  // The recipient's deliveries in `inbox` against the gateway's decisions:
  // 1..N once each, in order, the same log sequences; content only while the
  // participant's consent stood. `after_withdrawal_from`: deliveries with a
  // recipient sequence above it were handed out after every withdrawal, so
  // those about a withdrawn participant must be content-free.
  void CheckSubscriber(gateway::SqliteLogStore& log, const Subscriber& s,
                       uint64_t after_withdrawal_from = UINT64_MAX) {
    SCOPED_TRACE(s.name);
    auto head = log.RecipientHead(s.recipient);
    ASSERT_TRUE(head.ok());
    LineCounter lines(s.inbox);
    ASSERT_TRUE(Await([&] { return lines.Count() >= *head; },
                      milliseconds(300000 + *head)))
        << lines.Count() << " of " << *head << " deliveries";
    std::ifstream in(s.inbox);
    std::string line;
    std::vector<gateway::StoredDisclosure> decided;
    size_t next = 0, n = 0, tombstones = 0, redacted_checked = 0;
    while (std::getline(in, line)) {
      if (next == decided.size()) {
        decided.clear();
        next = 0;
        ASSERT_TRUE(log.ReadDeliveries(s.recipient, n, 10000, &decided).ok());
        ASSERT_FALSE(decided.empty())
            << "more deliveries than decided: " << line;
      }
      const gateway::StoredDisclosure& want = decided[next++];
      auto d = inbox::DeliveryFromJsonLine(line);
      ASSERT_TRUE(d.ok()) << line;
      ++n;
      ASSERT_EQ(d->recipient_sequence(), n) << line;
      ASSERT_EQ(d->log_sequence(), want.log_sequence) << line;
      const std::string& participant = want.participant_id;
      auto withdrawn = withdrawn_at_.find(participant);
      if (!d->has_envelope()) {
        ++tombstones;
        continue;
      }
      EXPECT_EQ(d->envelope().participant_id(), participant) << line;
      if (withdrawn != withdrawn_at_.end()) {
        EXPECT_LT(d->log_sequence(), withdrawn->second) << line;
        EXPECT_LE(n, after_withdrawal_from)
            << "content about " << participant
            << " handed out after the withdrawal: " << line;
      }
      redacted_checked += CheckRedaction(s.recipient, *d);
    }
    EXPECT_EQ(n, *head);
    delivery_log_ << "  " << s.name << ": " << n << " deliveries ("
                  << tombstones << " content-free), " << redacted_checked
                  << " checked against narrowed consent\n";
    RecordProperty(s.name + "_deliveries", std::to_string(n));
  }

  // A narrowed consent leaves out the denied categories: 1 when `d` is about
  // such a participant and was checked.
  int CheckRedaction(const std::string& recipient, const v1::Delivery& d) {
    const v1::Envelope& e = d.envelope();
    const int index = ParticipantIndex(e.participant_id());
    if (index < 0) return 0;
    const ConsentShape shape = workload_->Consent(index);
    if (recipient == kArbetsformedlingen &&
        shape == ConsentShape::kNoHealthToAf) {
      EXPECT_TRUE(e.health_deteriorated().diagnosis_code().empty() &&
                  e.health_deteriorated().clinical_note().empty() &&
                  !e.health_deteriorated().work_capacity_affected() &&
                  e.sick_certificate_issued().capacity_reduction_percent() ==
                      0 &&
                  e.inpatient_admitted().ward().empty())
          << e.ShortDebugString();
      return 1;
    }
    if (recipient == kFk && shape == ConsentShape::kNoSocialServicesToFk) {
      EXPECT_TRUE(!e.forsorjningsstod_granted().has_period() &&
                  !e.sysselsattning_decided().has_period() &&
                  e.sysselsattning_attendance_reported().hours() == 0)
          << e.ShortDebugString();
      return 1;
    }
    return 0;
  }

  static int ParticipantIndex(const std::string& id) {
    if (!id.starts_with("p-f")) return -1;
    return std::atoi(id.c_str() + 3);
  }

  uint64_t seed_ = 0;
  std::unique_ptr<FaultWorkload> workload_;
  std::unique_ptr<FaultRng> rng_;
  std::unique_ptr<GatewayFixture> gateway_;
  std::unique_ptr<AgencySystem> agencies_;
  std::map<std::string, AnswerTracker> trackers_;
  std::map<std::string, std::ofstream> inputs_;
  // Per organisation, the event id of each line handed over, in line order.
  std::map<std::string, std::vector<std::string>> handed_;
  std::unordered_map<std::string, uint64_t> withdrawn_at_;
  Clock::time_point started_;
  bool slow_cycle_ = false, slow_stopped_ = false;
  Clock::time_point slow_since_;
  int slow_stops_ = 0;
  std::unique_ptr<gateway::SqliteLogStore> lag_log_;
  LineCounter slow_inbox_{""};
  Clock::time_point lag_measured_;
  uint64_t max_slow_lag_ = 0;
  int gateway_kills_ = 0, coordinator_kills_ = 0;
  std::map<std::string, int> service_kills_;
  uint64_t peak_hwm_kib_ = 0, peak_rss_kib_ = 0;
  std::ostringstream fault_log_, phase_log_, delivery_log_;
};

TEST_F(FaultTest, KilledGatewayServicesAndSubscribersLoseAndRepeatNothing) {
  rng_ = std::make_unique<FaultRng>(seed_ ^ 0xFA017ull);
  auto kill_gateway = [&] {
    return Fault{SeededShare(), "gateway SIGKILL", [&] { KillGateway(); }};
  };
  auto kill_service = [&](const std::string& org) {
    return Fault{SeededShare(), org + " service SIGKILL",
                 [&, org] { KillAndRestartService(org); }};
  };

  // Consent, then the plans: the municipality alone.
  RunPhase(0, {});
  RunPhase(1, {kill_gateway(), kill_service(kKommun)});
  // The four agencies at once; the coordinator falls behind from here.
  SetSlowCycle(true);
  RunPhase(2, {kill_gateway(), kill_service(kRegion),
               Fault{SeededShare(), "coordinator SIGKILL",
                     [&] { KillAndRestartCoordinator(); }}});
  RunPhase(3, {kill_gateway(), kill_service(kFk)});
  // Arbetsförmedlingen goes offline with its lines in hand and stays away
  // across the endings and the withdrawals.
  KillService(kArbetsformedlingen);
  fault_log_ << "  phase 4: arbetsformedlingen service SIGKILL, offline\n";
  const uint64_t af_held = LineCounter(agencies_->DataDir(kArbetsformedlingen) +
                                       "/inbox-events.jsonl")
                               .Count();
  RunPhase(4, {kill_gateway()}, {kArbetsformedlingen});
  RunPhase(5, {}, {kArbetsformedlingen});
  ASSERT_TRUE(agencies_->StartService(kArbetsformedlingen).ok());
  fault_log_ << "  after phase 5: arbetsformedlingen back, holding " << af_held
             << " deliveries\n";
  ASSERT_TRUE(Await(
      [&] {
        return Answered(kArbetsformedlingen) >=
               handed_[kArbetsformedlingen].size();
      },
      milliseconds(300000 + 10 * handed_[kArbetsformedlingen].size())));
  SetSlowCycle(false);
  const double publish_seconds =
      std::chrono::duration<double>(Clock::now() - started_).count();
  ASSERT_GE(gateway_kills_, 3);

  // Every line handed over was answered ACCEPTED (nothing here is invalid,
  // faults or not), under the event id it was handed over with.
  size_t handed_total = 0;
  std::unordered_map<std::string, int> logged;
  for (const auto& [org, ids] : handed_) {
    SCOPED_TRACE(org);
    handed_total += ids.size();
    for (const std::string& id : ids) logged.emplace(id, 0);
    EXPECT_EQ(ReadFileOrEmpty(agencies_->DataDir(org) + "/rejected.jsonl"), "");
    std::ifstream replies(agencies_->DataDir(org) + "/replies.jsonl");
    std::string line;
    size_t rejected = 0;
    while (std::getline(replies, line)) {
      const uint64_t n =
          std::strtoull(line.c_str() + line.find("\"line\":") + 7, nullptr, 10);
      ASSERT_TRUE(n >= 1 && n <= ids.size()) << line;
      EXPECT_EQ(StringAfter(line, "\"event_id\":\""), ids[n - 1]) << line;
      if (StringAfter(line, "\"outcome\":\"") != "ACCEPTED") {
        ++rejected;
        ADD_FAILURE() << "rejected: " << line;
      }
      if (rejected > 10) break;
    }
  }

  // The log: each of them exactly once, and no event nobody handed over.
  auto log = OpenLogReadOnly(gateway_->LogPath());
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  uint64_t from = 1, records = 0, events = 0, unexpected = 0;
  for (;;) {
    std::vector<gateway::StoredRecord> chunk;
    ASSERT_TRUE((*log)->Read(from, 10000, &chunk).ok());
    if (chunk.empty()) break;
    for (const gateway::StoredRecord& r : chunk) {
      ++records;
      if (r.kind != v1::EVENT) continue;
      ++events;
      auto it = logged.find(r.event_id);
      if (it == logged.end()) {
        ++unexpected;
      } else {
        ++it->second;
      }
      if (r.payload_type == "consent_withdrawn") {
        withdrawn_at_[r.participant_id] = r.sequence;
      }
    }
    from = chunk.back().sequence + 1;
  }
  EXPECT_EQ(unexpected, 0u);
  size_t missing = 0, twice = 0;
  for (const auto& [id, count] : logged) {
    missing += count == 0;
    twice += count > 1;
  }
  EXPECT_EQ(missing, 0u) << "handed over but not in the log";
  EXPECT_EQ(twice, 0u) << "in the log more than once";
  EXPECT_EQ(events, handed_total);
  size_t withdrawals = 0;
  for (int i = 0; i < workload_->participants(); ++i) {
    withdrawals += workload_->Withdraws(i);
  }
  EXPECT_EQ(withdrawn_at_.size(), withdrawals);

  // Every subscriber: exactly what the gateway decided, in order.
  std::vector<Subscriber> subscribers;
  for (const auto& [org, name] : AgencyServiceNames()) {
    subscribers.push_back(
        {name, org, agencies_->DataDir(org) + "/inbox-events.jsonl"});
  }
  subscribers.push_back({"coordinator", kAlertStream, agencies_->AlertFile()});
  subscribers.push_back({"municipality_alerts", kAlertStream,
                         agencies_->DataDir(kKommun) + "/inbox-alerts.jsonl"});
  for (const Subscriber& s : subscribers) {
    CheckSubscriber(**log, s,
                    s.recipient == kArbetsformedlingen ? af_held : UINT64_MAX);
  }

  // The chain verifies.
  auto verify = gateway_->RunOperator(kOperator, {"verify"});
  ASSERT_TRUE(verify.ok()) << verify.status().ToString();
  EXPECT_TRUE(verify->exit.Succeeded()) << verify->out << verify->err;

  // Everything stops cleanly on SIGTERM.
  for (const auto& [org, name] : AgencyServiceNames()) {
    ASSERT_TRUE(agencies_->service(org)->Kill(SIGTERM));
    auto exit = agencies_->service(org)->Wait(milliseconds(30000));
    ASSERT_TRUE(exit.has_value()) << org;
    EXPECT_TRUE(exit->Succeeded()) << org << " " << exit->ToString();
  }
  ASSERT_TRUE(agencies_->coordinator()->Kill(SIGTERM));
  auto coordinator_exit = agencies_->coordinator()->Wait(milliseconds(30000));
  ASSERT_TRUE(coordinator_exit.has_value());
  EXPECT_TRUE(coordinator_exit->Succeeded()) << coordinator_exit->ToString();
  SampleMemory();
  EXPECT_TRUE(gateway_->Stop(milliseconds(30000)).ok());

  const double seconds =
      std::chrono::duration<double>(Clock::now() - started_).count();
  int service_kills = coordinator_kills_;
  for (const auto& [org, n] : service_kills_) service_kills += n;
  std::cout << "fault suite figures (seed " << seed_ << "):\n"
            << "  participants " << workload_->participants() << ", events "
            << handed_total << " (" << withdrawals << " withdrawals), log "
            << records << " records\n"
            << "  published and answered in " << publish_seconds
            << " s, whole run " << seconds << " s\n"
            << "  gateway SIGKILLs " << gateway_kills_ << ", service SIGKILLs "
            << service_kills << " (coordinator " << coordinator_kills_
            << "), slow subscriber stopped " << slow_stops_
            << " times, at most " << max_slow_lag_ << " deliveries behind\n"
            << "  gateway peak memory: VmHWM " << peak_hwm_kib_ / 1024
            << " MiB, VmRSS " << peak_rss_kib_ / 1024 << " MiB (bound "
            << kPeakMemoryBoundKib / 1024 << " MiB)\n"
            << "  invariants: missing " << missing << ", twice " << twice
            << ", not handed over " << unexpected << ", chain "
            << (verify->exit.Succeeded() ? "verified" : "FAILED") << "\n"
            << "faults:\n"
            << fault_log_.str() << "phases:\n"
            << phase_log_.str() << "subscribers:\n"
            << delivery_log_.str() << std::flush;
  RecordProperty("events", std::to_string(handed_total));
  RecordProperty("gateway_kills", std::to_string(gateway_kills_));
  RecordProperty("slow_subscriber_max_lag", std::to_string(max_slow_lag_));
  RecordProperty("gateway_peak_vmhwm_kib", std::to_string(peak_hwm_kib_));
  RecordProperty("elapsed_seconds", std::to_string(seconds));
  EXPECT_GT(peak_hwm_kib_, 0u) << "no memory sample was read";
  EXPECT_LT(peak_hwm_kib_, kPeakMemoryBoundKib);
}

}  // namespace
}  // namespace samverkan::testing
