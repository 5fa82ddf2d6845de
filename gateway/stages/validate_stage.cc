// Envelope validation. Every rejection says which field is wrong and why, so
// the agency system can fix the event rather than guess.
#include "gateway/stages/validate_stage.h"

#include <cctype>
#include <string>

#include "common/civil_date.h"
#include "samverkan/payload_type.h"
#include "samverkan/v1/options.pb.h"

namespace samverkan::gateway {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

CivilDate ToCivil(const Message& m) {
  const auto* r = m.GetReflection();
  const auto* d = m.GetDescriptor();
  auto get = [&](const char* name) {
    const FieldDescriptor* f = d->FindFieldByName(name);
    return f ? r->GetInt32(m, f) : 1;
  };
  return {get("year"), get("month"), get("day")};
}

// Walks every set Date, YearMonth and Period inside `m`; returns a sentence
// for the first invalid one, or "".
std::string FindBadDate(const Message& m, const std::string& path) {
  const auto* type = m.GetDescriptor();
  if (type == v1::Date::descriptor() || type == v1::YearMonth::descriptor()) {
    CivilDate date = ToCivil(m);
    if (!IsValidCivilDate(date)) {
      return path + " is not a valid date (" + std::to_string(date.year) + "-" +
             std::to_string(date.month) + "-" + std::to_string(date.day) + ")";
    }
    return "";
  }
  const auto* r = m.GetReflection();
  if (type == v1::Period::descriptor()) {
    const auto& p = static_cast<const v1::Period&>(m);
    if (p.has_start() && p.has_end()) {
      std::string bad = FindBadDate(p.start(), path + ".start");
      if (bad.empty()) bad = FindBadDate(p.end(), path + ".end");
      if (!bad.empty()) return bad;
      if (ToCivil(p.end()) < ToCivil(p.start())) {
        return path + " ends before it starts";
      }
      return "";
    }
  }
  std::vector<const FieldDescriptor*> fields;
  r->ListFields(m, &fields);
  for (const FieldDescriptor* f : fields) {
    if (f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) continue;
    if (f->is_repeated()) {
      for (int i = 0; i < r->FieldSize(m, f); ++i) {
        std::string bad =
            FindBadDate(r->GetRepeatedMessage(m, f, i),
                        path + "." + f->name() + "[" + std::to_string(i) + "]");
        if (!bad.empty()) return bad;
      }
    } else {
      std::string bad =
          FindBadDate(r->GetMessage(m, f), path + "." + f->name());
      if (!bad.empty()) return bad;
    }
  }
  return "";
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
  std::string bad_date = FindBadDate(e, "envelope");
  if (!bad_date.empty()) return Malformed(bad_date);
  return Verdict::Continue();
}

}  // namespace samverkan::gateway
