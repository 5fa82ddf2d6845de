// Start-up order matters: the ZAP handler runs before any socket binds, so no
// connection is ever accepted unauthenticated; the ready file is written last,
// so whoever waits for it can connect at once.
#include "gateway/gateway.h"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>

#include "common/proc_status.h"
#include "common/transport/curve_keys.h"
#include "common/transport/poller.h"
#include "gateway/chain.h"
#include "gateway/log/sqlite_log_store.h"
#include "gateway/metrics_pages.h"

namespace samverkan::gateway {
namespace {

constexpr char kIngressDomain[] = "ingress";
constexpr char kQueryDomain[] = "query";
constexpr char kDeliveryDomain[] = "delivery";

StatusOr<transport::CurveRouter> BindRouter(transport::TransportContext& ctx,
                                            const GatewayConfig& config,
                                            const std::string& secret_key,
                                            const char* domain,
                                            const std::string& endpoint,
                                            std::string* bound,
                                            bool report_unsendable = false) {
  transport::CurveRouterOptions options;
  options.report_unsendable = report_unsendable;
  options.secret_key = secret_key;
  options.zap_domain = domain;
  options.max_message_bytes = config.max_message_bytes;
  auto router = transport::CurveRouter::Create(ctx, options);
  if (!router.ok()) return router.status();
  auto actual = router->Bind(endpoint);
  if (!actual.ok()) return actual.status();
  *bound = *actual;
  return std::move(*router);
}

void WarnIfFailed(const Status& log_work) {
  if (log_work.ok()) return;
  spdlog::warn(
      "indexing the latest records or folding the latest ledger changes "
      "failed, will retry: {}",
      log_work.ToString());
}

}  // namespace

StatusOr<std::unique_ptr<Gateway>> Gateway::Start(GatewayConfig config,
                                                  const Clock* clock) {
  std::unique_ptr<Gateway> g(new Gateway);
  g->config_ = std::move(config);
  const GatewayConfig& c = g->config_;

  auto registry = KeyRegistry::LoadFile(c.registry_file);
  if (!registry.ok()) return registry.status();
  g->registry_ = std::move(*registry);
  auto keypair = transport::LoadKeypairFile(c.server_key_file);
  if (!keypair.ok()) return keypair.status();
  g->public_key_ = keypair->public_key;

  std::error_code ec;
  std::filesystem::create_directories(c.data_dir, ec);
  if (ec) {
    return FailedPreconditionError("cannot create data_dir " + c.data_dir +
                                   ": " + ec.message());
  }
  SqliteLogStore::Options writer_options;
  writer_options.index_lag = c.index_lag;
  writer_options.before_upgrade = [&c](int64_t from, int64_t to) {
    spdlog::warn(
        "upgrading the event log {} from schema version {} to {} in place; "
        "on a large log this takes minutes, and the gateway serves once it "
        "is done (an interrupted upgrade leaves the file as it was)",
        c.LogPath(), from, to);
  };
  auto writer = SqliteLogStore::Open(c.LogPath(), writer_options);
  if (!writer.ok()) return writer.status();
  g->writer_ = std::move(*writer);
  SqliteLogStore::Options read_only;
  read_only.read_only = true;
  auto reader = SqliteLogStore::Open(c.LogPath(), read_only);
  if (!reader.ok()) return reader.status();

  g->context_ = std::make_unique<transport::TransportContext>();
  const KeyRegistry* reg = &g->registry_;
  g->zap_ = std::make_unique<transport::ZapHandler>(
      *g->context_, [reg](std::string_view domain, std::string_view key) {
        const Party* party = reg->FindByKey(key);
        if (party == nullptr) return false;
        // Operators' queries get their own door; nobody else finds it open.
        if (domain == kQueryDomain) return party->HasRole(v1::OPERATOR);
        return domain == kIngressDomain || domain == kDeliveryDomain;
      });
  if (Status s = g->zap_->Start(); !s.ok()) return s;

  auto ingress =
      BindRouter(*g->context_, c, keypair->secret_key, kIngressDomain,
                 c.ingress_endpoint, &g->ingress_endpoint_);
  if (!ingress.ok()) return ingress.status();
  g->ingress_ = std::make_unique<transport::CurveRouter>(std::move(*ingress));
  auto query = BindRouter(*g->context_, c, keypair->secret_key, kQueryDomain,
                          c.query_endpoint, &g->query_endpoint_);
  if (!query.ok()) return query.status();
  auto delivery =
      BindRouter(*g->context_, c, keypair->secret_key, kDeliveryDomain,
                 c.delivery_endpoint, &g->delivery_endpoint_,
                 /*report_unsendable=*/true);
  if (!delivery.ok()) return delivery.status();

  auto enforced = LoadRuleSet(c.rule_set_file);
  if (!enforced.ok()) return enforced.status();
  std::shared_ptr<const RuleSet> shadow;
  if (!c.shadow_rule_set_file.empty()) {
    auto loaded = LoadRuleSet(c.shadow_rule_set_file);
    if (!loaded.ok()) return loaded.status();
    shadow = std::make_shared<const RuleSet>(std::move(*loaded));
    spdlog::info("shadow rule set {} evaluated beside the enforced one",
                 shadow->version);
  }
  g->engine_ = std::make_unique<TransitionEngine>(
      std::make_shared<const RuleSet>(std::move(*enforced)), std::move(shadow));

  g->state_ = std::make_unique<ParticipantState>(clock);
  if (Status s = g->state_->Rebuild(*g->writer_); !s.ok()) return s;
  g->pipeline_ = std::make_unique<Pipeline>(
      BuildIngressChain(c, g->writer_.get(), g->state_.get(), g->engine_.get()),
      g->writer_.get(), g->state_.get(), g->engine_.get(), clock, &g->metrics_);
  g->delivery_server_ = std::make_unique<DeliveryServer>(
      std::move(*delivery), &g->registry_, g->writer_.get(), g->state_.get(),
      &g->metrics_.delivery_pushes_dropped);
  IngressAdmission::Limits queue_limits;
  queue_limits.max_submissions = c.max_queue;
  queue_limits.max_bytes = c.max_queue_bytes;
  g->ingress_loop_ = std::make_unique<IngressLoop>(
      g->ingress_.get(), &g->registry_, g->pipeline_.get(), c.max_batch,
      queue_limits, std::chrono::microseconds(c.commit_gather_us),
      &g->metrics_);
  g->query_server_ = std::make_unique<QueryServer>(
      std::move(*query), std::move(*reader), &g->metrics_);
  Gateway* raw = g.get();
  g->query_thread_ =
      std::thread([raw] { raw->query_server_->Serve(raw->query_stop_); });

  if (Status s = g->StartMetrics(clock); !s.ok()) return s;
  if (Status s = g->WriteReadyFile(); !s.ok()) return s;
  auto head = g->writer_->Head();
  spdlog::info(
      "gateway serving: ingress {} query {} delivery {}; log head {}; {} keys; "
      "rule set {}; {} ledgers",
      g->ingress_endpoint_, g->query_endpoint_, g->delivery_endpoint_,
      head.ok() ? head->sequence : 0, g->registry_.size(),
      g->engine_->enforced().version, g->state_->ledgers().size());
  return g;
}

Gateway::~Gateway() {
  query_stop_ = true;
  if (query_thread_.joinable()) query_thread_.join();
  if (zap_) zap_->Stop();
}

void Gateway::Run(const std::atomic<bool>& stop) {
  transport::Poller poller;
  const size_t ingress = poller.Add(*ingress_);
  const size_t delivery = poller.Add(delivery_server_->socket());
  const auto heartbeat =
      std::chrono::milliseconds(config_.heartbeat_interval_ms);
  while (!stop.load()) {
    // Submissions already taken in go on without waiting for the socket.
    const bool queued = ingress_loop_->pending();
    auto ready = poller.Wait(std::chrono::milliseconds(queued ? 0 : 100));
    if (queued || (ready.ok() && *ready > 0)) {
      if (ready.ok() && poller.IsReadable(delivery)) {
        delivery_server_->HandleRequests();
      }
      if (queued || (ready.ok() && poller.IsReadable(ingress))) {
        ingress_loop_->ServeOnce(std::chrono::milliseconds(0));
        delivery_server_->Push(pipeline_->TakeDeliveries());
        // After the answers and deliveries: on a long log an index pass
        // takes a second, and no acknowledgement should wait for it.
        WarnIfFailed(writer_->RunDueWork());
      }
    } else {
      // Idle: deadlines still fire on time without an event to carry them.
      pipeline_->Tick();
      delivery_server_->Push(pipeline_->TakeDeliveries());
      // The index pass and the fold are done while nobody waits for an
      // acknowledgement, a bounded step per 100 ms of silence: a
      // submission arriving meanwhile waits for one step.
      WarnIfFailed(writer_->RunIdleStep());
      pipeline_->NoteLogBacklog();
    }
    delivery_server_->MaybeHeartbeat(std::chrono::steady_clock::now(),
                                     heartbeat);
  }
}

Status Gateway::StartMetrics(const Clock* clock) {
  metrics_.started_us = clock->NowMicros();
  if (config_.metrics_listen.empty()) return OkStatus();
  SqliteLogStore::Options read_only;
  read_only.read_only = true;
  auto reader = SqliteLogStore::Open(config_.LogPath(), read_only);
  if (!reader.ok()) return reader.status();
  health_reader_ = std::move(*reader);
  HttpRoutes routes;
  routes["/metrics"] = [this, clock] {
    MetricsSnapshot snapshot = metrics_.Snapshot(clock->NowMicros());
    snapshot.resident_bytes = ProcStatusKib("self", "VmRSS") * 1024;
    snapshot.sqlite_memory_bytes = SqliteLogStore::MemoryInUse();
    return HttpResponse{200, kPrometheusContentType,
                        FormatPrometheusText(snapshot)};
  };
  routes["/healthz"] = [this, clock] {
    // A read of the head: cheap, and it fails when the file is gone or
    // unreadable.
    return HealthPage(
        health_reader_->Head(), metrics_.last_commit_failed.load(),
        metrics_.Snapshot(clock->NowMicros()).last_commit_age_seconds);
  };
  auto responder =
      HttpResponder::Start(config_.metrics_listen, std::move(routes));
  if (!responder.ok()) {
    return Status(responder.status().code(),
                  "gateway.metrics_listen: " + responder.status().message());
  }
  metrics_responder_ = std::move(*responder);
  metrics_url_ = metrics_responder_->url();
  spdlog::info("metrics and health on {}", metrics_url_);
  return OkStatus();
}

Status Gateway::WriteReadyFile() const {
  if (config_.ready_file.empty()) return OkStatus();
  // Written whole under a temporary name and renamed, so a reader never sees
  // half a file.
  const std::string tmp = config_.ready_file + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << "# Written by samverkan-gateway once it serves.\n"
        << "ingress = \"" << ingress_endpoint_ << "\"\n"
        << "query = \"" << query_endpoint_ << "\"\n"
        << "delivery = \"" << delivery_endpoint_ << "\"\n"
        << "server_public_key = \"" << public_key_ << "\"\n";
    if (!metrics_url_.empty()) {
      out << "metrics = \"" << metrics_url_ << "\"\n";
    }
    if (!out) return FailedPreconditionError("cannot write " + tmp);
  }
  std::error_code ec;
  std::filesystem::rename(tmp, config_.ready_file, ec);
  if (ec) {
    return FailedPreconditionError("cannot write " + config_.ready_file + ": " +
                                   ec.message());
  }
  return OkStatus();
}

}  // namespace samverkan::gateway
