// What the metrics port answers: the Prometheus text exposition of a metrics
// snapshot, and the health page. Pure functions of their inputs, so the
// format is tested without a gateway or a socket.
#ifndef SAMVERKAN_GATEWAY_METRICS_PAGES_H_
#define SAMVERKAN_GATEWAY_METRICS_PAGES_H_

#include <string>

#include "common/status.h"
#include "gateway/http_responder.h"
#include "gateway/log/log_store.h"
#include "gateway/metrics.h"

namespace samverkan::gateway {

inline constexpr char kPrometheusContentType[] =
    "text/plain; version=0.0.4; charset=utf-8";

// Prometheus text format 0.0.4: HELP and TYPE for every family, then samples;
// label values escaped. Families with no samples yet still get their TYPE
// line, so a dashboard finds them from the first scrape.
std::string FormatPrometheusText(const MetricsSnapshot& snapshot);

// 200 "ok" when the store answered `head` and the latest commit did not
// fail; 503 naming the reason otherwise. Both list the head and the commit
// age, as key=value lines.
HttpResponse HealthPage(const StatusOr<LogHead>& head, bool last_commit_failed,
                        double last_commit_age_seconds);

}  // namespace samverkan::gateway

#endif  // SAMVERKAN_GATEWAY_METRICS_PAGES_H_
