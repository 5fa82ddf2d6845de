// Redaction by reflection. Each payload type's field categories are read from
// the schema once, at first use, and kept as bit masks; redacting is then a
// walk over the set fields and one AND per field.
#include "gateway/consent/redactor.h"

#include <cassert>
#include <unordered_map>
#include <vector>

#include "gateway/consent/category_mask.h"

namespace samverkan::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

struct FieldRule {
  const FieldDescriptor* field = nullptr;
  // Bits that must all be permitted.
  CategoryMask required = 0;
  // Every declared category, for the report (bit 0 included if declared).
  CategoryMask declared = 0;
  // False when the schema gives no usable category: such a field is never
  // disclosed, whatever is permitted.
  bool disclosable = false;
};

using Rules = std::vector<FieldRule>;

Rules BuildRules(const Descriptor* type) {
  Rules rules;
  rules.reserve(type->field_count());
  for (int i = 0; i < type->field_count(); ++i) {
    FieldRule r;
    r.field = type->field(i);
    const auto& options = r.field->options();
    const int n = options.ExtensionSize(v1::category);
    r.disclosable = n > 0;
    for (int k = 0; k < n; ++k) {
      const int c = options.GetExtension(v1::category, k);
      const CategoryMask bit = CategoryBit(c);
      if (bit == 0) r.disclosable = false;
      r.required |= bit;
      r.declared |= c >= 0 && c < 32 ? CategoryMask{1} << c : 0;
    }
    rules.push_back(r);
  }
  return rules;
}

// Built once for every payload type of the envelope; immutable afterwards, so
// concurrent readers need no lock.
const std::unordered_map<const Descriptor*, Rules>& RuleCache() {
  static const auto* cache = [] {
    auto* m = new std::unordered_map<const Descriptor*, Rules>;
    const auto* oneof = v1::Envelope::descriptor()->FindOneofByName("payload");
    for (int i = 0; i < oneof->field_count(); ++i) {
      const Descriptor* type = oneof->field(i)->message_type();
      m->emplace(type, BuildRules(type));
    }
    return m;
  }();
  return *cache;
}

bool IsSet(const Reflection* r, const Message& m, const FieldDescriptor* f) {
  return f->is_repeated() ? r->FieldSize(m, f) > 0 : r->HasField(m, f);
}

}  // namespace

RedactionResult Redact(const v1::Envelope& in,
                       const std::set<v1::DataCategory>& permitted,
                       v1::Envelope* out) {
  const RedactionMasks masks = RedactByMask(in, ToCategoryMask(permitted), out);
  RedactionResult result;
  result.any_payload_field = masks.any_payload_field;
  result.disclosed = FromCategoryMask(masks.disclosed);
  result.withheld = FromCategoryMask(masks.withheld);
  return result;
}

RedactionMasks RedactByMask(const v1::Envelope& in, CategoryMask allowed,
                            v1::Envelope* out) {
  assert(out != &in);
  RedactionMasks result;
  out->Clear();
  // The header is copied field by field, not by reflection: a header field
  // added to the envelope later stays undisclosed until someone decides.
  out->set_event_id(in.event_id());
  out->set_participant_id(in.participant_id());
  out->set_source_organisation(in.source_organisation());
  if (in.has_occurred_at()) *out->mutable_occurred_at() = in.occurred_at();
  out->set_schema_version(in.schema_version());

  static const auto* const payload_oneof =
      v1::Envelope::descriptor()->FindOneofByName("payload");
  const Reflection* envelope_reflection = in.GetReflection();
  const FieldDescriptor* payload_field =
      envelope_reflection->GetOneofFieldDescriptor(in, payload_oneof);
  if (payload_field == nullptr) return result;

  const Message& src = envelope_reflection->GetMessage(in, payload_field);
  Message* dst = envelope_reflection->MutableMessage(out, payload_field);

  const Descriptor* type = payload_field->message_type();
  const auto& cache = RuleCache();
  auto it = cache.find(type);
  // Every payload type is in the cache; this only guards a schema mismatch.
  Rules uncached;
  if (it == cache.end()) uncached = BuildRules(type);
  const Rules& rules = it == cache.end() ? uncached : it->second;

  const Reflection* r = src.GetReflection();
  bool any_dropped = false;
  for (const FieldRule& rule : rules) {
    if (!IsSet(r, src, rule.field)) continue;
    if (rule.disclosable && (rule.required & ~allowed) == 0) {
      result.any_payload_field = true;
      result.disclosed |= rule.declared;
    } else {
      any_dropped = true;
      result.withheld |= rule.declared;
    }
  }

  // Copy whole and clear what is not allowed: cheaper than copying field by
  // field when most of an event is permitted, which is the common case.
  if (result.any_payload_field) {
    dst->CopyFrom(src);
    if (any_dropped) {
      for (const FieldRule& rule : rules) {
        if (rule.disclosable && (rule.required & ~allowed) == 0) continue;
        r->ClearField(dst, rule.field);
      }
    }
    dst->DiscardUnknownFields();
  }
  return result;
}

}  // namespace samverkan::gateway
