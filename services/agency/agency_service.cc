// The wiring of the pieces and the single-threaded loop that drives them;
// each piece bounds how long it waits, so none starves the others.
#include "services/agency/agency_service.h"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <thread>

#include "common/clock.h"
#include "common/file_clock.h"
#include "common/transport/curve_keys.h"
#include "services/agency/caseworker_file.h"
#include "services/agency/inbox_stream.h"
#include "services/agency/ingestor.h"
#include "services/agency/line_reader.h"
#include "services/agency/outbox.h"
#include "services/agency/plan_projection.h"
#include "services/agency/sender.h"
#include "services/agency/sqlite_db.h"
#include "services/client/gateway_address.h"

namespace samverkan::agency {
namespace {

constexpr size_t kLinesPerTake = 512;
// Deliveries taken per stream per turn; between slices the sender gets a
// turn, so a long backlog does not hold back what the agency publishes.
constexpr size_t kDeliveriesPerTurn = 512;

// Where a line's occurred_at comes from when it has none.
StatusOr<std::function<int64_t()>> NowSource(const std::string& clock_file) {
  if (clock_file.empty()) {
    return std::function<int64_t()>([] { return SystemClock().NowMicros(); });
  }
  auto clock = FileClock::Open(clock_file);
  if (!clock.ok()) return clock.status();
  std::shared_ptr<FileClock> shared(std::move(*clock));
  return std::function<int64_t()>([shared] { return shared->NowMicros(); });
}

}  // namespace

DataFiles::DataFiles(const std::string& dir)
    : database(dir + "/agency.sqlite"),
      replies(dir + "/replies.jsonl"),
      rejected(dir + "/rejected.jsonl"),
      caseworker(dir + "/caseworker.jsonl"),
      events_inbox(dir + "/inbox-events.jsonl"),
      alerts_inbox(dir + "/inbox-alerts.jsonl") {}

StatusOr<std::string> DescribePlans(const std::string& data_dir) {
  const std::string path = DataFiles(data_dir).database;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return "no plans yet: " + path + " does not exist\n";
  }
  auto db = SqliteDb::Open(path);
  if (!db.ok()) return db.status();
  auto plans = PlanProjection::Open(**db);
  if (!plans.ok()) return plans.status();
  auto rows = (*plans)->List();
  if (!rows.ok()) return rows.status();
  std::string out;
  for (const PlanRow& row : *rows) out += DescribePlan(row) + "\n";
  return out;
}

Status RunAgencyService(const ServiceOptions& options,
                        const std::atomic<bool>& stop) {
  std::error_code ec;
  std::filesystem::create_directories(options.data_dir, ec);
  const DataFiles files(options.data_dir);
  auto keypair = transport::LoadKeypairFile(options.key_file);
  if (!keypair.ok()) return keypair.status();
  auto now = NowSource(options.clock_file);
  if (!now.ok()) return now.status();
  auto db = SqliteDb::Open(files.database);
  if (!db.ok()) return db.status();
  auto outbox = Outbox::Open(**db);
  if (!outbox.ok()) return outbox.status();
  auto plans = PlanProjection::Open(**db);
  if (!plans.ok()) return plans.status();
  auto replies = JsonLinesFile::Open(files.replies);
  if (!replies.ok()) return replies.status();
  auto rejected = JsonLinesFile::Open(files.rejected);
  if (!rejected.ok()) return rejected.status();
  auto caseworker = CaseworkerFile::Open(files.caseworker);
  if (!caseworker.ok()) return caseworker.status();

  transport::TransportContext context;
  Ingestor ingestor(**outbox, **rejected, options.kind,
                    LineDefaults{options.organisation, 0, 1}, *now);
  Sender sender(
      **outbox, **replies,
      [&]() -> StatusOr<std::unique_ptr<SubmitChannel>> {
        auto address = client::LoadGatewayAddress(options.ready_file);
        if (!address.ok()) return address.status();
        auto client = client::GatewayClient::Connect(
            context, address->ingress, address->server_public_key, *keypair);
        if (!client.ok()) return client.status();
        return WrapGatewayClient(std::move(*client));
      },
      SenderOptions{.reply_timeout = options.reply_timeout});

  // stdin cannot be rewound, so its position only matters within a run.
  const std::string source = options.input == "-" ? "stdin" : options.input;
  std::unique_ptr<LineReader> reader;
  if (!options.input.empty()) {
    InputPosition from;
    if (options.input != "-") {
      auto position = (*outbox)->Position(source);
      if (!position.ok()) return position.status();
      from = *position;
    }
    spdlog::info("{}: reading {} from line {}", options.organisation, source,
                 from.line_number + 1);
    reader = LineReader::Open(options.input, from);
  }

  auto handle = [&](v1::DeliveryStream stream,
                    const v1::Delivery& delivery) -> Status {
    if (Status s = (*plans)->Apply(delivery); !s.ok()) return s;
    const std::string action =
        options.actions && !delivery.withheld_after_withdrawal()
            ? options.actions(delivery.envelope(), options.organisation)
            : "";
    return (*caseworker)->Append(stream, delivery, action);
  };
  std::vector<std::unique_ptr<InboxStream>> streams;
  if (options.inbox) {
    for (auto [stream, path] :
         {std::pair{v1::DELIVERY_STREAM_EVENTS, files.events_inbox},
          std::pair{v1::DELIVERY_STREAM_ALERTS, files.alerts_inbox}}) {
      auto s = InboxStream::Open(path, stream, context, options.ready_file,
                                 *keypair, handle);
      if (!s.ok()) return s.status();
      streams.push_back(std::move(*s));
    }
  }

  // Set while a stream had a full slice waiting: no pause before the next.
  bool behind = false;
  while (!stop.load()) {
    bool busy = behind;
    if (reader) {
      auto lines = reader->ReadAvailable(kLinesPerTake);
      if (!lines.ok()) return lines.status();
      if (!lines->empty()) {
        auto counts = ingestor.Take(source, *lines);
        if (!counts.ok()) return counts.status();
        if (counts->rejected > 0) {
          spdlog::warn("{} line(s) not sent: see {}", counts->rejected,
                       files.rejected);
        }
        busy = true;
      }
    }
    const auto wait = std::chrono::milliseconds(busy ? 0 : 20);
    if (Status s = sender.Step(wait); !s.ok()) return s;
    behind = false;
    for (auto& stream : streams) {
      auto taken = stream->Poll(wait, kDeliveriesPerTurn);
      if (!taken.ok()) return taken.status();
      if (*taken == kDeliveriesPerTurn) behind = true;
    }
    if (options.once && (!reader || reader->drained()) && sender.idle()) {
      auto pending = (*outbox)->PendingCount();
      if (!pending.ok()) return pending.status();
      if (*pending == 0) {
        if (reader && reader->partial()) {
          spdlog::warn("{}: the last line has no newline; not taken", source);
        }
        break;
      }
    }
    if (streams.empty() && !busy && sender.idle()) {
      // Nothing to wait on: do not spin.
      std::this_thread::sleep_for(wait);
    }
  }
  return OkStatus();
}

}  // namespace samverkan::agency
