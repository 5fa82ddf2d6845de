// Builds the restart bench's log (see restart_log.h).
#include "bench/restart_log.h"

#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "bench/envelope_corpus.h"
#include "bench/gateway_load.h"
#include "bench/gateway_process.h"
#include "common/transport/context.h"
#include "gateway/log/key_runs.h"
#include "gateway/log/sqlite_log_store.h"
#include "gateway/log/sqlite_util.h"
#include "samverkan/v1/envelope.pb.h"

namespace samverkan::bench {
namespace {

using gateway::Batch;
using gateway::Disclosure;
using gateway::SqliteLogStore;
using gateway::StoredDisclosure;
using gateway::StoredRecord;

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void ReplaceAll(std::string& s, const std::string& from,
                const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos;
       at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
}

// Consent and plan for every participant, then one event per participant,
// through the real gateway: the ledgers, the disclosures and the replayed
// records are the gateway's own.
Status SeedThroughGateway(const Workspace& workspace,
                          const std::string& data_dir,
                          const RestartLogOptions& options) {
  const auto& publishers = workspace.publishers();
  std::vector<std::string> organisations;
  for (const auto& p : publishers) organisations.push_back(p.organisation);
  const std::vector<std::string> setup =
      BuildParticipantSetup(organisations, options.participants);
  const std::vector<std::string> setup_rest(setup.begin() + 1, setup.end());
  std::vector<std::vector<std::string>> events;
  for (size_t i = 0; i < publishers.size(); ++i) {
    events.push_back(BuildEnvelopes(
        publishers[i].organisation, options.participants / publishers.size(),
        500 + i, CorpusShape{false, options.participants}, 0));
  }
  auto gateway =
      GatewayProcess::Start(options.gateway_binary, workspace.config_file(),
                            data_dir, std::chrono::seconds(60));
  if (!gateway.ok()) return gateway.status();
  transport::TransportContext context;
  const auto timeout = std::chrono::seconds(60);
  PublisherLoad first;
  first.keypair = publishers.front().keypair;
  first.warmup_envelope = setup.front();
  first.envelopes = &setup_rest;
  auto done =
      RunGatewayLoad(context, (*gateway)->address(), {first}, 1000, timeout);
  if (!done.ok()) return done.status();
  std::vector<PublisherLoad> loads;
  for (size_t i = 0; i < publishers.size(); ++i) {
    PublisherLoad& l = loads.emplace_back();
    l.keypair = publishers[i].keypair;
    l.warmup_envelope = events[i].back();
    l.envelopes = &events[i];
    events[i].pop_back();
  }
  done = RunGatewayLoad(context, (*gateway)->address(), loads, 1000, timeout);
  if (!done.ok()) return done.status();
  return (*gateway)->Stop();
}

}  // namespace

Status BuildRestartLog(const Workspace& workspace, const std::string& data_dir,
                       const RestartLogOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  if (Status s = SeedThroughGateway(workspace, data_dir, options); !s.ok()) {
    return s;
  }
  SqliteLogStore::Options store_options;
  // Same file format; a crash while building only costs a rebuild.
  store_options.synchronous = SqliteLogStore::Synchronous::kNormal;
  auto store = SqliteLogStore::Open(data_dir + "/log.sqlite", store_options);
  if (!store.ok()) return store.status();
  auto head = (*store)->Head();
  if (!head.ok()) return head.status();

  // A gateway-written event and one of its disclosures are the templates.
  std::vector<StoredRecord> last;
  if (Status s = (*store)->Read(head->sequence, 1, &last); !s.ok()) return s;
  if (last.empty()) return InternalError("the seeded log is empty");
  const StoredRecord model = last.front();
  std::vector<StoredDisclosure> disclosed;
  if (Status s =
          (*store)->ReadDisclosures(model.participant_id, 0, 1000, &disclosed);
      !s.ok()) {
    return s;
  }
  const StoredDisclosure* template_disclosure = nullptr;
  for (const StoredDisclosure& d : disclosed) {
    if (d.log_sequence == model.sequence && d.delivered) {
      template_disclosure = &d;
    }
  }
  if (template_disclosure == nullptr) {
    return InternalError("the gateway disclosed nothing of record " +
                         std::to_string(model.sequence));
  }

  const auto& publishers = workspace.publishers();
  uint64_t have = head->sequence;
  std::fprintf(stderr, "seeded %llu records through the gateway\n",
               static_cast<unsigned long long>(have));
  v1::Envelope e;
  for (uint64_t chunk = 0; have < options.events; ++chunk) {
    const size_t count = static_cast<size_t>(
        std::min<uint64_t>(options.batch, options.events - have));
    const size_t source = chunk % publishers.size();
    // Time-ordered ids: appending them touches only the index's last page,
    // so the build is fast; the restart path never reads that index.
    const std::vector<std::string> bodies =
        BuildEnvelopes(publishers[source].organisation, count, 100000 + chunk,
                       CorpusShape{true, options.participants},
                       (uint64_t{1} << 40) + chunk * options.batch);
    Batch batch;
    batch.records.reserve(count);
    for (size_t i = 0; i < count; ++i) {
      if (!e.ParseFromString(bodies[i])) {
        return InternalError("cannot parse a bench envelope");
      }
      gateway::NewRecord& r = batch.records.emplace_back();
      r.kind = model.kind;
      r.event_id = e.event_id();
      r.participant_id = e.participant_id();
      r.source_organisation = e.source_organisation();
      r.payload_type = model.payload_type;
      r.body = bodies[i];
      if ((have + i) % options.disclosure_every != 0) continue;
      for (size_t p = 0; p < publishers.size(); ++p) {
        if (p == source) continue;
        Disclosure& d = batch.disclosures.emplace_back();
        d.record_index = i;
        d.recipient = publishers[p].organisation;
        d.delivered = true;
        d.categories = template_disclosure->categories;
        d.withheld_categories = template_disclosure->withheld_categories;
        d.consent_ids = template_disclosure->consent_ids;
        d.reason = template_disclosure->reason;
        ReplaceAll(d.consent_ids, model.participant_id, r.participant_id);
        ReplaceAll(d.reason, model.participant_id, r.participant_id);
        d.body = template_disclosure->body;
      }
    }
    auto appended = (*store)->Append(batch, NowMicros());
    if (!appended.ok()) return appended.status();
    // The index passes a gateway would run after answering the batch, so
    // that the log is indexed as the gateway leaves it.
    if (Status s = (*store)->RunDueWork(); !s.ok()) return s;
    const uint64_t before = have;
    have = appended->sequence;
    if (have / 1000000 != before / 1000000 || have >= options.events) {
      std::fprintf(stderr, "%llu records, %.0f s\n",
                   static_cast<unsigned long long>(have),
                   std::chrono::duration<double>(
                       std::chrono::steady_clock::now() - start)
                       .count());
    }
  }
  return OkStatus();
}

Status UnindexTail(const std::string& log_path, uint64_t records) {
  sqlite3* raw = nullptr;
  const int rc =
      sqlite3_open_v2(log_path.c_str(), &raw, SQLITE_OPEN_READWRITE, nullptr);
  std::unique_ptr<sqlite3, int (*)(sqlite3*)> db(raw, sqlite3_close);
  if (rc != SQLITE_OK)
    return gateway::sqlite::FromSqlite(raw, rc, "opening the log");
  const std::string from =
      "(SELECT max(sequence) - " + std::to_string(records) + " FROM records)";
  std::vector<std::string> statements;
  for (const auto& [index, runs] :
       {gateway::KeyRuns::kEvents, gateway::KeyRuns::kParticipants}) {
    const std::string i(index);
    const std::string r(runs);
    statements.push_back("DELETE FROM " + i + " WHERE sequence > " + from);
    // The runs table lists the runs with entries, each with its count.
    statements.push_back("UPDATE " + r +
                         " SET entries = (SELECT count(*) FROM " + i +
                         " e WHERE e.run = " + r + ".run)");
    statements.push_back("DELETE FROM " + r +
                         " WHERE entries = 0 AND merging_into IS NULL AND run "
                         "NOT IN (SELECT merging_into FROM " +
                         r + " WHERE merging_into IS NOT NULL)");
  }
  statements.push_back("UPDATE meta SET value = max(0, " + from +
                       ") WHERE key = 'indexed_through'");
  return gateway::sqlite::InTransaction(db.get(), [&]() -> Status {
    for (const std::string& sql : statements) {
      if (Status s = gateway::sqlite::Exec(db.get(), sql); !s.ok()) return s;
    }
    return OkStatus();
  });
}

}  // namespace samverkan::bench
