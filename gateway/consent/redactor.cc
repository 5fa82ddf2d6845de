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

namespace {

// How `in` divides under `allowed`: the masks, whether a set field is to be
// dropped, and the rules and payload field that decided it.
struct Classified {
  RedactionMasks masks;
  bool any_dropped = false;
  const FieldDescriptor* payload_field = nullptr;
  const Rules* rules = nullptr;
  // Holds the rules of a payload type missing from the cache.
  Rules uncached;
};

void Classify(const v1::Envelope& in, CategoryMask allowed, Classified* c) {
  static const auto* const payload_oneof =
      v1::Envelope::descriptor()->FindOneofByName("payload");
  const Reflection* envelope_reflection = in.GetReflection();
  c->payload_field =
      envelope_reflection->GetOneofFieldDescriptor(in, payload_oneof);
  if (c->payload_field == nullptr) return;
  const Descriptor* type = c->payload_field->message_type();
  const auto& cache = RuleCache();
  auto it = cache.find(type);
  // Every payload type is in the cache; this only guards a schema mismatch.
  if (it == cache.end()) c->uncached = BuildRules(type);
  c->rules = it == cache.end() ? &c->uncached : &it->second;

  const Message& src = envelope_reflection->GetMessage(in, c->payload_field);
  const Reflection* r = src.GetReflection();
  for (const FieldRule& rule : *c->rules) {
    if (!IsSet(r, src, rule.field)) continue;
    if (rule.disclosable && (rule.required & ~allowed) == 0) {
      c->masks.any_payload_field = true;
      c->masks.disclosed |= rule.declared;
    } else {
      c->any_dropped = true;
      c->masks.withheld |= rule.declared;
    }
  }
}

// Whether the envelope has only the header fields Redact copies, so that a
// redaction that drops nothing equals the envelope itself.
bool EnvelopeIsHeaderAndPayload() {
  static const bool only = [] {
    const Descriptor* d = v1::Envelope::descriptor();
    for (int i = 0; i < d->field_count(); ++i) {
      const FieldDescriptor* f = d->field(i);
      if (f->containing_oneof() != nullptr &&
          f->containing_oneof()->name() == "payload") {
        continue;
      }
      if (f->number() < v1::Envelope::kEventIdFieldNumber ||
          f->number() > v1::Envelope::kSchemaVersionFieldNumber) {
        return false;
      }
    }
    return d->field_count() > 0;
  }();
  return only;
}

// Whether `m` or any message inside it has unknown fields (which redaction
// drops) or a map (whose serialised order a copy need not keep).
bool HasUnknownFieldsOrMaps(const Message& m) {
  const Reflection* r = m.GetReflection();
  if (!r->GetUnknownFields(m).empty()) return true;
  const Descriptor* d = m.GetDescriptor();
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    if (f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) continue;
    if (f->is_map()) {
      if (r->FieldSize(m, f) > 0) return true;
    } else if (f->is_repeated()) {
      const int n = r->FieldSize(m, f);
      for (int k = 0; k < n; ++k) {
        if (HasUnknownFieldsOrMaps(r->GetRepeatedMessage(m, f, k))) {
          return true;
        }
      }
    } else if (r->HasField(m, f) &&
               HasUnknownFieldsOrMaps(r->GetMessage(m, f))) {
      return true;
    }
  }
  return false;
}

}  // namespace

RedactionMasks RedactByMask(const v1::Envelope& in, CategoryMask allowed,
                            v1::Envelope* out) {
  assert(out != &in);
  out->Clear();
  // The header is copied field by field, not by reflection: a header field
  // added to the envelope later stays undisclosed until someone decides.
  out->set_event_id(in.event_id());
  out->set_participant_id(in.participant_id());
  out->set_source_organisation(in.source_organisation());
  if (in.has_occurred_at()) *out->mutable_occurred_at() = in.occurred_at();
  out->set_schema_version(in.schema_version());

  Classified c;
  Classify(in, allowed, &c);
  if (c.payload_field == nullptr) return c.masks;
  const Reflection* envelope_reflection = in.GetReflection();
  const Message& src = envelope_reflection->GetMessage(in, c.payload_field);
  Message* dst = envelope_reflection->MutableMessage(out, c.payload_field);

  // Copy whole and clear what is not allowed: cheaper than copying field by
  // field when most of an event is permitted, which is the common case.
  if (c.masks.any_payload_field) {
    dst->CopyFrom(src);
    if (c.any_dropped) {
      const Reflection* r = src.GetReflection();
      for (const FieldRule& rule : *c.rules) {
        if (rule.disclosable && (rule.required & ~allowed) == 0) continue;
        r->ClearField(dst, rule.field);
      }
    }
    dst->DiscardUnknownFields();
  }
  return c.masks;
}

RedactionMasks RedactToBytes(const v1::Envelope& in, CategoryMask permitted,
                             v1::Envelope* scratch, std::string* bytes) {
  Classified c;
  Classify(in, permitted, &c);
  if (c.payload_field != nullptr && c.masks.any_payload_field &&
      !c.any_dropped && EnvelopeIsHeaderAndPayload() &&
      in.GetReflection()->GetUnknownFields(in).empty() &&
      !HasUnknownFieldsOrMaps(
          in.GetReflection()->GetMessage(in, c.payload_field))) {
    // The redaction would be a copy of `in`: serialise `in` itself.
    in.SerializeToString(bytes);
    return c.masks;
  }
  const RedactionMasks masks = RedactByMask(in, permitted, scratch);
  scratch->SerializeToString(bytes);
  return masks;
}

}  // namespace samverkan::gateway
