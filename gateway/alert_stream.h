// The recipient key of an organisation's alert stream: alerts and handover
// records the gateway writes about a participant reach the plan's coordinator
// on their own per-recipient sequence, apart from its event deliveries, so a
// coordinator can follow alerts alone and resume them without gaps. The store
// numbers per recipient key, so a second key is all a second stream needs.
#ifndef SAMVERKAN_GATEWAY_ALERT_STREAM_H_
#define SAMVERKAN_GATEWAY_ALERT_STREAM_H_

#include <string>
#include <string_view>

namespace samverkan::gateway {

// '/' never occurs in an organisation id (KeyRegistry refuses it), so an
// alert-stream key can never be mistaken for an organisation's own key.
inline constexpr std::string_view kAlertStreamSuffix = "/alerts";

// "<org>/alerts": the recipient key of an organisation's alert stream.
inline std::string AlertStreamRecipient(std::string_view organisation) {
  std::string key(organisation);
  key += kAlertStreamSuffix;
  return key;
}

// Whether a recipient key names an alert stream.
inline bool IsAlertStream(std::string_view recipient) {
  return recipient.size() > kAlertStreamSuffix.size() &&
         recipient.ends_with(kAlertStreamSuffix);
}

}  // namespace samverkan::gateway

#endif  // SAMVERKAN_GATEWAY_ALERT_STREAM_H_
