// Envelope validation. Every rejection says which field is wrong and why, so
// the agency system can fix the event rather than guess.
#include "gateway/stages/validate_stage.h"

#include <algorithm>
#include <cctype>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "common/civil_date.h"
#include "samverkan/dates.h"
#include "samverkan/payload_type.h"
#include "samverkan/v1/options.pb.h"

namespace samverkan::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// For each message type that an envelope can hold: its message fields
// through which a Date, YearMonth or Period can be reached, in field-number
// order (ListFields' order, so the first bad date found is the same as a walk
// over every set field would find). Computed once from the schema, so that
// validating an event visits only the fields that can hold a date.
using DateFields =
    std::unordered_map<const Descriptor*, std::vector<const FieldDescriptor*>>;

const DateFields& DateFieldsByType() {
  static const DateFields* const by_type = [] {
    std::vector<const Descriptor*> types;
    std::unordered_set<const Descriptor*> seen;
    std::vector<const Descriptor*> todo = {v1::Envelope::descriptor()};
    while (!todo.empty()) {
      const Descriptor* type = todo.back();
      todo.pop_back();
      if (!seen.insert(type).second) continue;
      types.push_back(type);
      for (int i = 0; i < type->field_count(); ++i) {
        if (const Descriptor* sub = type->field(i)->message_type()) {
          todo.push_back(sub);
        }
      }
    }
    // Fixed point, because types may nest each other.
    std::unordered_set<const Descriptor*> holds_date = {
        v1::Date::descriptor(), v1::YearMonth::descriptor(),
        v1::Period::descriptor()};
    for (bool grew = true; grew;) {
      grew = false;
      for (const Descriptor* type : types) {
        if (holds_date.contains(type)) continue;
        for (int i = 0; i < type->field_count(); ++i) {
          const Descriptor* sub = type->field(i)->message_type();
          if (sub != nullptr && holds_date.contains(sub)) {
            holds_date.insert(type);
            grew = true;
            break;
          }
        }
      }
    }
    auto* out = new DateFields;
    for (const Descriptor* type : types) {
      std::vector<const FieldDescriptor*>& fields = (*out)[type];
      for (int i = 0; i < type->field_count(); ++i) {
        const FieldDescriptor* f = type->field(i);
        if (f->message_type() != nullptr &&
            holds_date.contains(f->message_type())) {
          fields.push_back(f);
        }
      }
      std::sort(fields.begin(), fields.end(),
                [](const FieldDescriptor* a, const FieldDescriptor* b) {
                  return a->number() < b->number();
                });
    }
    return out;
  }();
  return *by_type;
}

// Walks every set Date, YearMonth and Period inside `m`. For the first
// invalid one, returns true with `path` set to where it is below `m` (".a.b")
// and `what` to the rest of the sentence. The path is only built for a bad
// date, as valid events are the rule.
bool FindBadDate(const Message& m, std::string* path, std::string* what) {
  const Descriptor* type = m.GetDescriptor();
  if (type == v1::Date::descriptor() || type == v1::YearMonth::descriptor()) {
    const CivilDate date = type == v1::Date::descriptor()
                               ? ToCivil(static_cast<const v1::Date&>(m))
                               : ToCivil(static_cast<const v1::YearMonth&>(m));
    if (IsValidCivilDate(date)) return false;
    *what = " is not a valid date (" + std::to_string(date.year) + "-" +
            std::to_string(date.month) + "-" + std::to_string(date.day) + ")";
    return true;
  }
  if (type == v1::Period::descriptor()) {
    const auto& p = static_cast<const v1::Period&>(m);
    if (p.has_start() && p.has_end()) {
      if (FindBadDate(p.start(), path, what)) {
        path->insert(0, ".start");
        return true;
      }
      if (FindBadDate(p.end(), path, what)) {
        path->insert(0, ".end");
        return true;
      }
      if (ToCivil(p.end()) < ToCivil(p.start())) {
        *what = " ends before it starts";
        return true;
      }
      return false;
    }
  }
  const DateFields& by_type = DateFieldsByType();
  auto it = by_type.find(type);
  if (it == by_type.end()) return false;  // not reachable from an envelope
  const Reflection* r = m.GetReflection();
  for (const FieldDescriptor* f : it->second) {
    if (f->is_repeated()) {
      const int n = r->FieldSize(m, f);
      for (int i = 0; i < n; ++i) {
        if (FindBadDate(r->GetRepeatedMessage(m, f, i), path, what)) {
          path->insert(0, "." + f->name() + "[" + std::to_string(i) + "]");
          return true;
        }
      }
    } else if (r->HasField(m, f)) {
      if (FindBadDate(r->GetMessage(m, f), path, what)) {
        path->insert(0, "." + f->name());
        return true;
      }
    }
  }
  return false;
}

Verdict Malformed(std::string sentence) {
  return Verdict::Reject(v1::MALFORMED, std::move(sentence));
}

}  // namespace

bool IsUuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !std::isxdigit(static_cast<unsigned char>(s[i]))) {
      return false;
    }
  }
  return true;
}

bool LooksLikePersonnummer(std::string_view s) {
  int digits = 0;
  for (char c : s) {
    if (std::isdigit(static_cast<unsigned char>(c))) {
      ++digits;
    } else if (c != '-' && c != '+') {
      return false;
    }
  }
  return digits == 10 || digits == 12;
}

bool IsPseudonym(std::string_view s) {
  if (s.empty() || s.size() > 64 || LooksLikePersonnummer(s)) return false;
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' &&
        c != '-') {
      return false;
    }
  }
  return true;
}

Verdict ValidateStage::Process(Submission& s, BatchContext&) {
  if (s.bytes.size() > config_.max_event_bytes) {
    return Verdict::Reject(v1::TOO_LARGE,
                           "the envelope is " + std::to_string(s.bytes.size()) +
                               " bytes; this gateway accepts at most " +
                               std::to_string(config_.max_event_bytes));
  }
  if (!s.envelope.ParseFromString(s.bytes)) {
    return Malformed("the bytes are not a samverkan.v1.Envelope");
  }
  const v1::Envelope& e = s.envelope;
  if (!IsUuid(e.event_id())) {
    return Malformed("event_id must be a UUID (8-4-4-4-12 hex digits)");
  }
  if (LooksLikePersonnummer(e.participant_id())) {
    return Malformed(
        "participant_id looks like a personnummer; only pseudonyms may enter "
        "the log");
  }
  if (!IsPseudonym(e.participant_id())) {
    return Malformed(
        "participant_id must be a pseudonym of 1-64 letters, digits, '.', '_' "
        "or '-'");
  }
  if (e.source_organisation().empty()) {
    return Malformed("source_organisation is missing");
  }
  if (!e.has_occurred_at() || e.occurred_at().seconds() <= 0 ||
      e.occurred_at().nanos() < 0 || e.occurred_at().nanos() >= 1000000000) {
    return Malformed("occurred_at is missing or not a valid timestamp");
  }
  if (e.schema_version() != config_.schema_version) {
    return Malformed("schema_version " + std::to_string(e.schema_version()) +
                     " is not supported; this gateway speaks version " +
                     std::to_string(config_.schema_version));
  }
  s.payload_type = PayloadTypeName(e);
  if (s.payload_type.empty()) {
    return Malformed(
        "the envelope carries no payload this gateway knows (exactly one is "
        "required)");
  }
  std::string path;
  std::string what;
  if (FindBadDate(e, &path, &what)) {
    return Malformed("envelope" + path + what);
  }
  return Verdict::Continue();
}

}  // namespace samverkan::gateway
