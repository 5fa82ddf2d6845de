// Text building only; the numbers come from PipelineMetrics::Snapshot.
#include "gateway/metrics_pages.h"

#include <charconv>
#include <map>

namespace samverkan::gateway {
namespace {

// Shortest text that reads back as the same double, in the given format
// (none: whichever is shorter).
template <typename... Format>
std::string Chars(double v, Format... format) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, format...);
  return ec == std::errc() ? std::string(buf, end) : "NaN";
}

// A sample's value: "1", "0.25", "1e-05".
std::string Number(double v) { return Chars(v); }

// A bucket's bound as Prometheus' own clients write it: "0.0005", not the
// shorter "5e-04", so that the label reads as the number on a dashboard.
std::string Bound(double v) { return Chars(v, std::chars_format::general); }

std::string EscapeLabel(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

class Writer {
 public:
  void Family(const std::string& name, const char* type, const char* help) {
    out_ +=
        "# HELP " + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
  }
  void Sample(const std::string& name, const std::string& labels,
              const std::string& value) {
    out_ += name;
    if (!labels.empty()) out_ += "{" + labels + "}";
    out_ += " " + value + "\n";
  }
  void Sample(const std::string& name, const std::string& labels, double v) {
    Sample(name, labels, Number(v));
  }
  void Counter(const std::string& name, const char* help, uint64_t value) {
    Family(name, "counter", help);
    Sample(name, "", std::to_string(value));
  }
  void Gauge(const std::string& name, const char* help, double value) {
    Family(name, "gauge", help);
    Sample(name, "", value);
  }
  // One sample per key: name{label="key"[,extra]} count.
  void Labelled(const std::string& name, const char* label,
                const std::map<std::string, uint64_t>& counts,
                const std::string& extra = "") {
    for (const auto& [key, n] : counts) {
      Sample(name,
             std::string(label) + "=\"" + EscapeLabel(key) + "\"" +
                 (extra.empty() ? "" : "," + extra),
             std::to_string(n));
    }
  }
  void Histogram(const std::string& name, const char* help,
                 const HistogramSnapshot& h) {
    Family(name, "histogram", help);
    for (size_t i = 0; i < h.bounds.size(); ++i) {
      Sample(name + "_bucket", "le=\"" + Bound(h.bounds[i]) + "\"",
             std::to_string(h.cumulative[i]));
    }
    Sample(name + "_bucket", "le=\"+Inf\"", std::to_string(h.count));
    Sample(name + "_sum", "", h.sum);
    Sample(name + "_count", "", std::to_string(h.count));
  }
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

// One family per figure of LogStore::RunStats, a sample per index.
void IndexRuns(Writer& w, const LogStore::IndexRuns& runs) {
  struct Figure {
    const char* name;
    const char* type;
    const char* help;
    uint64_t LogStore::RunStats::*value;
  };
  static constexpr Figure kFigures[] = {
      {"samverkan_log_index_runs", "gauge",
       "Sorted runs the log's index is kept in; merges keep them few.",
       &LogStore::RunStats::runs},
      {"samverkan_log_index_merges", "gauge",
       "Merges of the index's runs under way.", &LogStore::RunStats::merges},
      {"samverkan_log_index_appended_entries_total", "counter",
       "Entries the index passes appended to the index since the gateway "
       "started.",
       &LogStore::RunStats::appended},
      {"samverkan_log_index_merged_entries_total", "counter",
       "Entries the index's merges rewrote since the gateway started; over "
       "the appended entries, how often an entry is rewritten.",
       &LogStore::RunStats::merged},
  };
  for (const Figure& f : kFigures) {
    w.Family(f.name, f.type, f.help);
    w.Labelled(f.name, "index",
               {{"events", runs.events.*f.value},
                {"participants", runs.participants.*f.value}});
  }
}

}  // namespace

std::string FormatPrometheusText(const MetricsSnapshot& s) {
  Writer w;
  w.Counter("samverkan_events_accepted_total",
            "Events accepted and committed to the log (duplicates excluded).",
            s.accepted);
  w.Counter("samverkan_events_duplicate_total",
            "Submissions answered as duplicates of an accepted event.",
            s.duplicates);
  w.Family("samverkan_events_rejected_total", "counter",
           "Submissions rejected, by rejection code.");
  w.Labelled("samverkan_events_rejected_total", "code", s.rejected);
  w.Family("samverkan_deliveries_total", "counter",
           "Disclosure decisions committed, by recipient stream and outcome.");
  w.Labelled("samverkan_deliveries_total", "recipient", s.delivered,
             "outcome=\"delivered\"");
  w.Labelled("samverkan_deliveries_total", "recipient", s.withheld,
             "outcome=\"withheld\"");
  w.Family("samverkan_alerts_total", "counter",
           "Alerts raised and committed, by rule id.");
  w.Labelled("samverkan_alerts_total", "rule", s.alerts);
  w.Counter("samverkan_commit_failures_total",
            "Group commits the log store refused.", s.commit_failures);
  w.Gauge("samverkan_handovers_open", "Handovers open across all participants.",
          static_cast<double>(s.handovers_open));
  w.Gauge("samverkan_handovers_escalated",
          "Open handovers escalated past their deadline.",
          static_cast<double>(s.handovers_escalated));
  w.Gauge("samverkan_log_unindexed_records",
          "Committed records not yet in the log's event-id and participant "
          "indexes; the next index pass adds them.",
          static_cast<double>(s.log_unindexed_records));
  w.Gauge("samverkan_log_unfolded_projection_changes",
          "Committed ledger changes not yet folded into the log's projections "
          "table; the next fold moves them.",
          static_cast<double>(s.log_unfolded_projection_changes));
  w.Counter("samverkan_log_event_lookups_total",
            "Lookups of event ids not among the records awaiting the index: "
            "the idempotency stage's, and the append's for ids not looked up "
            "before.",
            s.log_event_lookups);
  w.Counter("samverkan_log_event_index_searches_total",
            "Of those lookups, the ones that searched the log's event index; "
            "the event key filter answered the rest from memory.",
            s.log_event_index_searches);
  w.Gauge("samverkan_log_event_key_filter_bytes",
          "Memory of the event key filter; 0 until it is built.",
          static_cast<double>(s.log_event_key_filter_bytes));
  IndexRuns(w, s.log_index_runs);
  w.Histogram("samverkan_commit_batch_size",
              "Log records written per successful group commit.",
              s.commit_batch_size);
  w.Histogram("samverkan_commit_seconds",
              "Wall time of each successful group commit: the transaction "
              "that writes the batch and its flush to disk.",
              s.commit_seconds);
  w.Histogram("samverkan_ack_latency_seconds",
              "From taking a submission off the socket to handing its reply "
              "back.",
              s.ack_latency_seconds);
  w.Gauge("samverkan_ingress_queue_depth",
          "Submissions taken in and waiting for the log as the latest batch "
          "was cut.",
          static_cast<double>(s.ingress_queue_depth));
  w.Counter("samverkan_ingress_refused_total",
            "Submissions answered RETRY_LATER because the ingress queue was "
            "full.",
            s.ingress_refused);
  w.Counter("samverkan_commit_gather_holds_total",
            "Batches held for the connections due back, so that "
            "synchronous publishers share a commit.",
            s.commit_gather_holds);
  w.Counter("samverkan_commit_gather_joined_total",
            "Submissions taken in while a batch was held.",
            s.commit_gather_joined);
  w.Counter("samverkan_delivery_pushes_dropped_total",
            "Deliveries and heartbeats a subscriber's full or vanished "
            "connection could not take (it backfills them).",
            s.delivery_pushes_dropped);
  w.Gauge("process_resident_memory_bytes",
          "Resident memory of the gateway process (VmRSS).",
          static_cast<double>(s.resident_bytes));
  w.Gauge("samverkan_sqlite_memory_bytes",
          "Memory SQLite holds in the gateway: every connection's page cache "
          "(32 MiB at most each), schemas and statements.",
          static_cast<double>(s.sqlite_memory_bytes));
  w.Gauge("samverkan_last_commit_age_seconds",
          "Seconds since the last successful commit (since start before the "
          "first).",
          s.last_commit_age_seconds);
  return w.Take();
}

HttpResponse HealthPage(const StatusOr<LogHead>& head, bool last_commit_failed,
                        double last_commit_age_seconds) {
  HttpResponse r;
  std::string details;
  if (head.ok()) {
    details += "log_head=" + std::to_string(head->sequence) + "\n";
  }
  details +=
      "last_commit_age_seconds=" + Number(last_commit_age_seconds) + "\n";
  if (!head.ok()) {
    r.status = 503;
    r.body = "unavailable: the log store does not answer: " +
             head.status().ToString() + "\n" + details;
  } else if (last_commit_failed) {
    r.status = 503;
    r.body = "unavailable: the latest commit to the log failed\n" + details;
  } else {
    r.body = "ok\n" + details;
  }
  return r;
}

}  // namespace samverkan::gateway
