// Cuts an event down to the fields a recipient's permission covers (DESIGN
// §5), driven only by the (samverkan.v1.category) options in the schema, so
// a new event type is redacted correctly without touching this code.
#ifndef SAMVERKAN_GATEWAY_CONSENT_REDACTOR_H_
#define SAMVERKAN_GATEWAY_CONSENT_REDACTOR_H_

#include <set>
#include <string>

#include "gateway/consent/category_mask.h"
#include "samverkan/v1/envelope.pb.h"
#include "samverkan/v1/options.pb.h"

namespace samverkan::gateway {

struct RedactionResult {
  // Whether any field that was set in the payload survived; false means the
  // event is to be withheld from this recipient.
  bool any_payload_field = false;
  // Every category of every set field that was kept / dropped. A dropped
  // field counts all its categories, even those that were permitted.
  std::set<v1::DataCategory> disclosed;
  std::set<v1::DataCategory> withheld;
};

// RedactionResult with the categories as masks (bit 0 for an UNSPECIFIED
// declaration, as in FromCategoryMask): what the ingest path uses, so that
// no std::set is built per event and recipient.
struct RedactionMasks {
  bool any_payload_field = false;
  CategoryMask disclosed = 0;
  CategoryMask withheld = 0;
};

// Writes into `out` (cleared first; must not be `in`) the envelope header
// (event_id, participant_id, source_organisation, occurred_at,
// schema_version) and the payload with only the fields whose every declared
// category is in `permitted`. The payload message is always set, possibly
// empty, so the recipient sees the event type. A field with no category, or
// with DATA_CATEGORY_UNSPECIFIED, is never disclosed; unknown fields are
// dropped because nobody declared their category. Thread-safe.
RedactionResult Redact(const v1::Envelope& in,
                       const std::set<v1::DataCategory>& permitted,
                       v1::Envelope* out);
// The same redaction, with the permission and the result as masks.
RedactionMasks RedactByMask(const v1::Envelope& in, CategoryMask permitted,
                            v1::Envelope* out);
// RedactByMask, then `out` serialised into *bytes (`scratch` stands for
// `out`). When the redaction would drop nothing, not even unknown fields, it
// serialises `in` itself: the same bytes without copying the event, which is
// the common case on the ingest path.
RedactionMasks RedactToBytes(const v1::Envelope& in, CategoryMask permitted,
                             v1::Envelope* scratch, std::string* bytes);

}  // namespace samverkan::gateway

#endif  // SAMVERKAN_GATEWAY_CONSENT_REDACTOR_H_
