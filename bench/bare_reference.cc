// Deliberately plain code: raw libzmq and sqlite3 calls, nothing from the
// gateway. The pragmas mirror the gateway's log (WAL, the chosen
// synchronous level, the same checkpoint interval) so that the difference
// measured is the gateway's work, not a different durability contract.
#include "bench/bare_reference.h"

#include <sqlite3.h>

#include <atomic>
#include <barrier>
#include <chrono>
#include <latch>
#include <memory>
#include <thread>
#include <zmq.hpp>

#include "bench/gateway_process.h"
#include "bench/stats.h"

namespace samverkan::bench {
namespace {

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct StmtFinalizer {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using Db = std::unique_ptr<sqlite3, DbCloser>;
using Stmt = std::unique_ptr<sqlite3_stmt, StmtFinalizer>;

Status SqlError(sqlite3* db, const std::string& what) {
  return UnavailableError(what + ": " + sqlite3_errmsg(db));
}

// Opens `path` with the reference table and the gateway's pragmas.
StatusOr<Db> OpenReferenceDb(const std::string& path, ReferenceSync sync) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(
      path.c_str(), &raw,
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
      nullptr);
  Db db(raw);
  if (rc != SQLITE_OK) return SqlError(raw, "opening " + path);
  const std::string pragmas =
      std::string("PRAGMA journal_mode = WAL;") +
      (sync == ReferenceSync::kFull ? "PRAGMA synchronous = FULL;"
                                    : "PRAGMA synchronous = NORMAL;") +
      "PRAGMA wal_autocheckpoint = 4096;"
      "PRAGMA journal_size_limit = 67108864;"
      "PRAGMA cache_size = -32768;"
      "CREATE TABLE IF NOT EXISTS events("
      "seq INTEGER PRIMARY KEY, body BLOB NOT NULL);";
  if (sqlite3_exec(db.get(), pragmas.c_str(), nullptr, nullptr, nullptr) !=
      SQLITE_OK) {
    return SqlError(db.get(), "configuring " + path);
  }
  return db;
}

struct Statements {
  Stmt begin, insert, commit;
};

StatusOr<Statements> Prepare(sqlite3* db) {
  Statements s;
  sqlite3_stmt* raw = nullptr;
  for (auto [sql, out] :
       {std::pair<const char*, Stmt*>{"BEGIN", &s.begin},
        {"INSERT INTO events(seq, body) VALUES (?1, ?2)", &s.insert},
        {"COMMIT", &s.commit}}) {
    if (sqlite3_prepare_v2(db, sql, -1, &raw, nullptr) != SQLITE_OK) {
      return SqlError(db, sql);
    }
    out->reset(raw);
  }
  return s;
}

Status StepOnce(sqlite3* db, sqlite3_stmt* stmt, const char* what) {
  const int rc = sqlite3_step(stmt);
  sqlite3_reset(stmt);
  if (rc != SQLITE_DONE) return SqlError(db, what);
  return OkStatus();
}

// One transaction holding `bodies`, numbered from *seq + 1.
Status InsertBatch(sqlite3* db, Statements& s,
                   const std::vector<zmq::message_t>& bodies, int64_t* seq) {
  if (Status st = StepOnce(db, s.begin.get(), "BEGIN"); !st.ok()) return st;
  for (const zmq::message_t& body : bodies) {
    sqlite3_bind_int64(s.insert.get(), 1, ++*seq);
    sqlite3_bind_blob64(s.insert.get(), 2, body.data(), body.size(),
                        SQLITE_STATIC);
    if (Status st = StepOnce(db, s.insert.get(), "INSERT"); !st.ok()) {
      return st;
    }
  }
  return StepOnce(db, s.commit.get(), "COMMIT");
}

// One transaction per body, timed; on the connection that just ran the
// throughput phase, so the WAL file is in place and being overwritten, as
// in a gateway that has been running for a while. (A fresh connection
// would start a new, growing WAL file: on ext4 every fsync then also
// commits the file system journal, several times slower.)
Status TimeSingleCommits(sqlite3* db, Statements& s,
                         const std::vector<std::string>& bodies, int64_t* seq,
                         std::vector<int64_t>* latencies_ns) {
  latencies_ns->reserve(bodies.size());
  std::vector<zmq::message_t> one(1);
  for (const std::string& body : bodies) {
    one[0].rebuild(body.data(), body.size());
    const int64_t t0 = NowNs();
    if (Status st = InsertBatch(db, s, one, seq); !st.ok()) return st;
    latencies_ns->push_back(NowNs() - t0);
  }
  return OkStatus();
}

// The synchronous counterpart of the reference: a DEALER sends one body at
// a time to a ROUTER thread (plain TCP, no CURVE, each side with its own
// context and I/O thread, as two processes would have), which stores it in
// its own transaction and answers; the DEALER times each round trip.
Status TimeRoundTrips(sqlite3* db, Statements& s,
                      const std::vector<std::string>& bodies, int64_t* seq,
                      std::vector<int64_t>* latencies_ns) {
  zmq::context_t server_context(1);
  zmq::context_t client_context(1);
  zmq::socket_t router(server_context, zmq::socket_type::router);
  router.set(zmq::sockopt::linger, 0);
  router.set(zmq::sockopt::rcvtimeo, 30000);
  router.bind("tcp://127.0.0.1:0");
  const std::string endpoint = router.get(zmq::sockopt::last_endpoint);

  Status server_status;
  std::thread server([&] {
    std::vector<zmq::message_t> one(1);
    for (size_t i = 0; i < bodies.size(); ++i) {
      zmq::message_t peer;
      if (!router.recv(peer) || !router.recv(one[0])) {
        server_status = UnavailableError("the reference server got nothing");
        return;
      }
      server_status = InsertBatch(db, s, one, seq);
      if (!server_status.ok()) return;
      router.send(peer, zmq::send_flags::sndmore);
      router.send(zmq::str_buffer("ok"), zmq::send_flags::none);
    }
  });

  zmq::socket_t dealer(client_context, zmq::socket_type::dealer);
  dealer.set(zmq::sockopt::linger, 0);
  dealer.set(zmq::sockopt::rcvtimeo, 30000);
  dealer.connect(endpoint);
  latencies_ns->reserve(bodies.size());
  Status status;
  for (const std::string& body : bodies) {
    const int64_t t0 = NowNs();
    dealer.send(zmq::buffer(body), zmq::send_flags::none);
    zmq::message_t reply;
    if (!dealer.recv(reply)) {
      status = Status(StatusCode::kDeadlineExceeded,
                      "the reference server did not answer in 30 s");
      break;
    }
    latencies_ns->push_back(NowNs() - t0);
  }
  server.join();
  if (!server_status.ok()) return server_status;
  return status;
}

}  // namespace

StatusOr<ReferenceResult> RunBareReference(
    const std::vector<const std::vector<std::string>*>& senders,
    const ReferenceOptions& options) {
  auto db = OpenReferenceDb(options.db_path, options.sync);
  if (!db.ok()) return db.status();
  auto statements = Prepare(db->get());
  if (!statements.ok()) return statements.status();

  int64_t seq = 0;
  {
    std::vector<zmq::message_t> batch;
    for (const auto* bodies : options.prefill) {
      for (const std::string& body : *bodies) {
        batch.emplace_back(body.data(), body.size());
        if (batch.size() < options.max_batch) continue;
        if (Status s = InsertBatch(db->get(), *statements, batch, &seq);
            !s.ok()) {
          return s;
        }
        batch.clear();
      }
    }
    if (!batch.empty()) {
      if (Status s = InsertBatch(db->get(), *statements, batch, &seq);
          !s.ok()) {
        return s;
      }
    }
  }

  uint64_t total = 0;
  for (const auto* s : senders) total += s->size();

  // Two contexts, as two processes would have: each side its own I/O thread.
  zmq::context_t pull_context(1);
  zmq::context_t push_context(1);
  zmq::socket_t pull(pull_context, zmq::socket_type::pull);
  pull.set(zmq::sockopt::rcvhwm, 10000);
  pull.set(zmq::sockopt::rcvtimeo, 30000);
  pull.set(zmq::sockopt::linger, 0);
  pull.bind("tcp://127.0.0.1:0");
  const std::string endpoint = pull.get(zmq::sockopt::last_endpoint);

  // Every sender sends one untimed message; the receiver's barrier
  // completion, after all of them arrived, starts the clock.
  std::atomic<int64_t> start_ns{0};
  std::barrier start(static_cast<std::ptrdiff_t>(senders.size() + 1),
                     [&]() noexcept { start_ns = NowNs(); });
  std::vector<std::thread> threads;
  std::atomic<bool> send_failed{false};
  // Senders keep their sockets open until everything has been received, so
  // no queued message is lost to a closing socket.
  std::latch received_all(1);
  for (const auto* bodies : senders) {
    threads.emplace_back([&, bodies] {
      zmq::socket_t push(push_context, zmq::socket_type::push);
      push.set(zmq::sockopt::sndhwm, 10000);
      push.set(zmq::sockopt::sndtimeo, 30000);
      push.set(zmq::sockopt::linger, 0);
      push.connect(endpoint);
      push.send(zmq::str_buffer("warm-up"));
      start.arrive_and_wait();
      for (const std::string& body : *bodies) {
        if (!push.send(zmq::buffer(body))) {
          send_failed = true;
          break;
        }
      }
      received_all.wait();
    });
  }

  const ProcessCounters before = ReadProcessCounters("self");
  Status status;
  ReferenceResult result;
  zmq::message_t warmup;
  for (size_t i = 0; i < senders.size() && status.ok(); ++i) {
    if (!pull.recv(warmup)) status = UnavailableError("no warm-up message");
  }
  start.arrive_and_wait();
  std::vector<zmq::message_t> batch;
  batch.reserve(options.max_batch);
  while (status.ok() && result.events < total) {
    zmq::message_t first;
    if (!pull.recv(first)) {
      status = Status(StatusCode::kDeadlineExceeded,
                      "the reference receiver waited 30 s for a message");
      break;
    }
    batch.push_back(std::move(first));
    while (batch.size() < options.max_batch) {
      zmq::message_t next;
      if (!pull.recv(next, zmq::recv_flags::dontwait)) break;
      batch.push_back(std::move(next));
    }
    status = InsertBatch(db->get(), *statements, batch, &seq);
    result.events += batch.size();
    ++result.transactions;
    batch.clear();
  }
  const int64_t end_ns = NowNs();
  received_all.count_down();
  result.write_bytes =
      ReadProcessCounters("self").write_bytes - before.write_bytes;
  for (std::thread& t : threads) t.join();
  if (!status.ok()) return status;
  if (send_failed) return InternalError("a reference sender could not send");
  result.seconds = static_cast<double>(end_ns - start_ns.load()) / 1e9;
  if (options.single_commits != nullptr) {
    if (Status s =
            TimeSingleCommits(db->get(), *statements, *options.single_commits,
                              &seq, &result.commit_latencies_ns);
        !s.ok()) {
      return s;
    }
    if (Status s =
            TimeRoundTrips(db->get(), *statements, *options.single_commits,
                           &seq, &result.round_trip_latencies_ns);
        !s.ok()) {
      return s;
    }
  }
  return result;
}

}  // namespace samverkan::bench
