// Alerts and handovers get their own wording; any other record is named by
// its payload type, since its content is for the agency's own systems.
#include "services/inbox/delivery_text.h"

#include <cstdio>

#include "samverkan/payload_type.h"

namespace samverkan::inbox {
namespace {

std::string FormatDate(const v1::Date& d) {
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02d-%02d", d.year() % 10000,
                d.month() % 100, d.day() % 100);
  return text;
}

std::string ByDeadline(bool has_deadline, const v1::Date& d) {
  return has_deadline && d.year() != 0 ? ", by " + FormatDate(d) : "";
}

std::string Describe(const v1::Envelope& e) {
  switch (e.payload_case()) {
    case v1::Envelope::kAlert: {
      const v1::Alert& a = e.alert();
      return v1::Severity_Name(a.severity()) + " " + a.rule_id() + " (rules " +
             a.rule_set_version() + ")" +
             ByDeadline(a.has_deadline(), a.deadline()) + ": " + a.sentence();
    }
    case v1::Envelope::kHandoverOpened: {
      const v1::HandoverOpened& h = e.handover_opened();
      return "handover " + h.handover_id() + " opened to " +
             h.to_organisation() + ByDeadline(h.has_deadline(), h.deadline()) +
             " (" + h.rule_id() + ")";
    }
    case v1::Envelope::kHandoverEscalated: {
      const v1::HandoverEscalated& h = e.handover_escalated();
      // The alert raised with it carries the whole sentence; the line says
      // who let which deadline pass. Older records have the sentence only.
      if (h.rule_id().empty()) {
        return "handover " + h.handover_id() + " ESCALATED: " + h.sentence();
      }
      return "handover " + h.handover_id() +
             " ESCALATED: " + h.to_organisation() + " did not act by " +
             FormatDate(h.deadline()) + " (" + h.rule_id() + ")";
    }
    case v1::Envelope::kHandoverClosed:
      return "handover " + e.handover_closed().handover_id() +
             " closed by log record " +
             std::to_string(e.handover_closed().closed_by_sequence());
    default:
      return PayloadTypeName(e) + " from " + e.source_organisation();
  }
}

}  // namespace

std::string DescribeDelivery(const v1::Delivery& delivery) {
  std::string line = "#" + std::to_string(delivery.recipient_sequence()) + " ";
  if (delivery.withheld_after_withdrawal()) {
    return line + "(withheld: consent was withdrawn)";
  }
  line += delivery.envelope().participant_id() + " " +
          Describe(delivery.envelope());
  if (delivery.withheld_categories_size() > 0) {
    line += " [withheld:";
    for (int c : delivery.withheld_categories()) {
      line += " " + v1::DataCategory_Name(static_cast<v1::DataCategory>(c));
    }
    line += "]";
  }
  return line;
}

}  // namespace samverkan::inbox
