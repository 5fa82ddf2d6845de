// Parse, check, keep: nothing a line carried is dropped without a trace.
#include "services/agency/ingestor.h"

#include "services/agency/domain_check.h"

namespace samverkan::agency {

std::string RejectedLineJson(const std::string& source, uint64_t line_number,
                             std::string_view error, std::string_view text) {
  return "{\"source\":" + JsonQuote(source) +
         ",\"line\":" + std::to_string(line_number) +
         ",\"error\":" + JsonQuote(error) + ",\"text\":" + JsonQuote(text) +
         "}";
}

StatusOr<IngestCounts> Ingestor::Take(const std::string& source,
                                      const std::vector<InputLine>& lines) {
  IngestCounts counts;
  if (lines.empty()) return counts;
  LineDefaults defaults = defaults_;
  defaults.now_us = now_us_();
  std::vector<OutboxLine> queued;
  for (const InputLine& line : lines) {
    // Blank lines and comments are part of the input, not events.
    if (line.text.find_first_not_of(" \t\r") == std::string::npos ||
        line.text[0] == '#') {
      continue;
    }
    auto envelope = ParseEventLine(line.text, defaults);
    Status problem =
        envelope.ok() ? CheckDomain(*envelope, kind_) : envelope.status();
    if (!problem.ok()) {
      if (Status s = rejected_.Append(RejectedLineJson(
              source, line.after.line_number, problem.message(), line.text));
          !s.ok()) {
        return s;
      }
      ++counts.rejected;
      continue;
    }
    queued.push_back({line.after.line_number, envelope->event_id(),
                      envelope->SerializeAsString()});
  }
  if (counts.rejected > 0) {
    if (Status s = rejected_.Sync(); !s.ok()) return s;
  }
  if (Status s = outbox_.Add(source, queued, lines.back().after); !s.ok()) {
    return s;
  }
  counts.queued = queued.size();
  return counts;
}

}  // namespace samverkan::agency
