// One delivery as a line a person reads on a terminal: a coordinator
// following the alert stream sees what is at risk, what to do and by when;
// on the event stream, which event arrived and what was withheld. The JSON
// lines stay the record; this is only the view.
#ifndef SAMVERKAN_SERVICES_INBOX_DELIVERY_TEXT_H_
#define SAMVERKAN_SERVICES_INBOX_DELIVERY_TEXT_H_

#include <string>

#include "samverkan/v1/delivery.pb.h"

namespace samverkan::inbox {

// E.g. "#3 p-anna CRITICAL illness_in_programme (rules 2026.1), by
// 2026-11-16: Health worsened ..." (no newline).
std::string DescribeDelivery(const v1::Delivery& delivery);

}  // namespace samverkan::inbox

#endif  // SAMVERKAN_SERVICES_INBOX_DELIVERY_TEXT_H_
