// tail / stats / verify / report / timeline / handovers, printed for people
// or as JSON lines for tools.
#include "services/operator/operator_commands.h"

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>

#include <chrono>
#include <iomanip>
#include <thread>

#include "services/coordinator/handover_table.h"

namespace samverkan::operator_cli {
namespace {

using google::protobuf::util::TimeUtil;
constexpr auto kTimeout = std::chrono::seconds(10);
// How often `tail --follow` asks for new records.
constexpr auto kFollowInterval = std::chrono::milliseconds(300);

std::string Json(const google::protobuf::Message& m) {
  std::string out;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(m, &out, options);
  return out;
}

void PrintRecord(const v1::RecordMetadata& r, const OutputOptions& options,
                 std::ostream& out) {
  if (options.json) {
    out << Json(r) << "\n";
    return;
  }
  out << std::setw(8) << r.sequence() << "  "
      << TimeUtil::ToString(r.recorded_at()) << "  " << std::left
      << std::setw(20) << r.source_organisation() << " " << std::setw(36)
      << r.payload_type() << " " << std::setw(12) << r.participant_id()
      << std::right << " " << r.event_id() << "  " << r.hash_hex().substr(0, 12)
      << "\n";
}

// Prints the error (or a missing reply) and says whether to stop.
bool Failed(const StatusOr<v1::QueryReply>& reply, std::ostream& out) {
  if (!reply.ok()) {
    out << "error: " << reply.status().message() << "\n";
    return true;
  }
  if (reply->has_error()) {
    out << "error: " << v1::RejectionCode_Name(reply->error().code()) << ": "
        << reply->error().message() << "\n";
    return true;
  }
  return false;
}

}  // namespace

int Tail(client::QueryClient& client, uint64_t from_sequence, bool follow,
         const std::atomic<bool>& stop, const OutputOptions& options,
         std::ostream& out) {
  uint64_t next = std::max<uint64_t>(from_sequence, 1);
  while (!stop.load()) {
    v1::QueryRequest request;
    request.mutable_tail()->set_from_sequence(next);
    request.mutable_tail()->set_limit(1000);
    auto reply = client.Query(request, kTimeout);
    if (Failed(reply, out)) return 2;
    for (const auto& r : reply->tail().records()) {
      PrintRecord(r, options, out);
      next = r.sequence() + 1;
    }
    out.flush();
    if (reply->tail().records_size() > 0) continue;
    if (!follow) break;
    std::this_thread::sleep_for(kFollowInterval);
  }
  return 0;
}

int Stats(client::QueryClient& client, const OutputOptions& options,
          std::ostream& out) {
  v1::QueryRequest request;
  request.mutable_stats();
  auto reply = client.Query(request, kTimeout);
  if (Failed(reply, out)) return 2;
  const v1::StatsReply& s = reply->stats();
  if (options.json) {
    out << Json(s) << "\n";
    return 0;
  }
  out << "log head:          " << s.head_sequence() << "\n"
      << "head hash:         " << s.head_hash_hex() << "\n"
      << "batches committed: " << s.batches_committed() << " (mean "
      << std::fixed << std::setprecision(1) << s.mean_batch_size()
      << " records, " << std::setprecision(2)
      << (s.batches_committed() ? s.commit_seconds_total() * 1e3 /
                                      static_cast<double>(s.batches_committed())
                                : 0.0)
      << " ms each) since start\n";
  if (s.has_last_commit_at()) {
    out << "last commit:       " << TimeUtil::ToString(s.last_commit_at())
        << "\n";
  }
  out << "rejections:\n";
  if (s.rejections_size() == 0) out << "  none\n";
  for (const auto& r : s.rejections()) {
    out << "  " << std::left << std::setw(20)
        << v1::RejectionCode_Name(r.code()) << std::right << r.count() << "\n";
  }
  return 0;
}

int Verify(client::QueryClient& client, const OutputOptions& options,
           std::ostream& out) {
  uint64_t from = 1;
  uint64_t head = 0;
  while (true) {
    v1::QueryRequest request;
    request.mutable_verify()->set_from_sequence(from);
    request.mutable_verify()->set_limit(100000);
    auto reply = client.Query(request, std::chrono::seconds(60));
    if (Failed(reply, out)) return 2;
    const v1::VerifyReply& v = reply->verify();
    head = std::max(head, v.head_sequence());
    if (!v.ok()) {
      if (options.progress) *options.progress << "\n";
      if (options.json) {
        out << Json(v) << "\n";
      } else {
        out << "chain BROKEN at sequence " << v.first_bad_sequence() << ": "
            << v.message() << "\n";
      }
      return 1;
    }
    if (options.progress && head > 0) {
      const int width = 40;
      const int filled = static_cast<int>(width * v.verified_through() / head);
      *options.progress << "\rverifying [" << std::string(filled, '#')
                        << std::string(width - filled, '.') << "] "
                        << v.verified_through() << "/" << head << std::flush;
    }
    if (v.verified_through() < from || v.verified_through() >= head) {
      if (options.progress) *options.progress << "\n";
      if (options.json) {
        out << Json(v) << "\n";
      } else {
        out << "chain intact: " << v.verified_through()
            << " records verified\n";
      }
      return 0;
    }
    from = v.verified_through() + 1;
  }
}

int DisclosureReport(client::QueryClient& client,
                     const std::string& participant,
                     const OutputOptions& options, std::ostream& out) {
  uint64_t after = 0;
  size_t shown = 0;
  while (true) {
    v1::QueryRequest request;
    request.mutable_disclosure_report()->set_participant_id(participant);
    request.mutable_disclosure_report()->set_after_id(after);
    auto reply = client.Query(request, kTimeout);
    if (Failed(reply, out)) return 2;
    const auto& entries = reply->disclosure_report().entries();
    for (const v1::DisclosureEntry& e : entries) {
      after = e.id();
      ++shown;
      if (options.json) {
        out << Json(e) << "\n";
        continue;
      }
      auto join = [](const auto& list) {
        std::string s;
        for (const auto& item : list) s += (s.empty() ? "" : ",") + item;
        return s.empty() ? std::string("-") : s;
      };
      out << TimeUtil::ToString(e.decided_at()) << "  #" << e.log_sequence()
          << " " << e.payload_type() << " from " << e.source_organisation()
          << " -> " << e.recipient() << ": "
          << (e.delivered() ? "DELIVERED" : "WITHHELD") << "  categories "
          << join(e.categories()) << "  withheld "
          << join(e.withheld_categories()) << "  consent "
          << join(e.consent_ids()) << "  (" << e.reason() << ")\n";
    }
    if (entries.empty()) break;
  }
  if (!options.json && shown == 0) {
    out << "no disclosure decisions about " << participant << "\n";
  }
  return 0;
}

int Timeline(client::QueryClient& client, const std::string& participant,
             const OutputOptions& options, std::ostream& out) {
  uint64_t next = 1;
  size_t shown = 0;
  while (true) {
    v1::QueryRequest request;
    request.mutable_timeline()->set_participant_id(participant);
    request.mutable_timeline()->set_from_sequence(next);
    auto reply = client.Query(request, kTimeout);
    if (Failed(reply, out)) return 2;
    const auto& records = reply->timeline().records();
    for (const v1::RecordMetadata& r : records) {
      next = r.sequence() + 1;
      ++shown;
      if (options.json) {
        out << Json(r) << "\n";
        continue;
      }
      out << std::setw(8) << r.sequence() << "  "
          << TimeUtil::ToString(r.recorded_at()) << "  " << std::left
          << std::setw(13) << v1::RecordKind_Name(r.kind()) << " "
          << std::setw(20) << r.source_organisation() << " " << r.payload_type()
          << std::right << "\n";
    }
    if (records.empty()) break;
  }
  if (!options.json && shown == 0) {
    out << "no records about " << participant << "\n";
  }
  return 0;
}

int Handovers(client::QueryClient& client, bool escalated_only,
              const OutputOptions& options, std::ostream& out) {
  std::vector<v1::HandoverSummary> all;
  std::string after;
  do {
    v1::QueryRequest request;
    request.mutable_handovers()->set_escalated_only(escalated_only);
    request.mutable_handovers()->set_after_participant_id(after);
    auto reply = client.Query(request, kTimeout);
    if (Failed(reply, out)) return 2;
    for (const auto& h : reply->handovers().handovers()) all.push_back(h);
    after = reply->handovers().next_after_participant_id();
  } while (!after.empty());
  coordinator::SortByDeadline(&all);
  out << coordinator::FormatHandovers(all, options.json);
  return 0;
}

}  // namespace samverkan::operator_cli
