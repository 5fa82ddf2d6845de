// ConsentBook: consent events in, permissions out. Provisions are compiled at
// grant time so that Permitted, which runs per event × recipient, is a few
// comparisons and bit operations per provision.
#include "gateway/consent/consent_book.h"

#include <algorithm>
#include <utility>

#include "samverkan/dates.h"

namespace samverkan::gateway {
namespace {

constexpr uint32_t kAnyPurpose = ~uint32_t{0};

// A purpose outside the bit range can only be matched by "any purpose".
uint32_t PurposeBit(int purpose) {
  return purpose >= 0 && purpose < 32 ? uint32_t{1} << purpose : 0;
}

std::optional<CivilDate> CivilIf(bool has, const v1::Date& d) {
  if (!has) return std::nullopt;
  return ToCivil(d);
}

std::vector<std::string> SortedUnique(
    const google::protobuf::RepeatedPtrField<std::string>& in) {
  std::vector<std::string> out(in.begin(), in.end());
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

bool Contains(const std::vector<std::string>& sorted, std::string_view s) {
  return sorted.empty() ||
         std::binary_search(sorted.begin(), sorted.end(), s, std::less<>{});
}

std::string Describe(std::string_view consent_id,
                     std::string_view participant) {
  std::string out = "consent ";
  out += consent_id;
  out += " of participant ";
  out += participant;
  return out;
}

}  // namespace

std::string_view ConsentStatusName(ConsentStatus status) {
  switch (status) {
    case ConsentStatus::kActive:
      return "active";
    case ConsentStatus::kNotYetValid:
      return "not yet valid";
    case ConsentStatus::kExpired:
      return "expired";
    case ConsentStatus::kWithdrawn:
      return "withdrawn";
  }
  return "unknown";
}

bool ConsentBook::CompiledProvision::Matches(std::string_view source,
                                             std::string_view recipient,
                                             uint32_t purpose_bit) const {
  return (purposes & purpose_bit) != 0 && Contains(sources, source) &&
         Contains(recipients, recipient);
}

ConsentStatus ConsentBook::Consent::StatusOn(const CivilDate& today) const {
  if (withdrawn_sequence.has_value()) return ConsentStatus::kWithdrawn;
  if (valid_from.has_value() && today < *valid_from) {
    return ConsentStatus::kNotYetValid;
  }
  if (valid_until.has_value() && *valid_until < today) {
    return ConsentStatus::kExpired;
  }
  return ConsentStatus::kActive;
}

const ConsentBook::ConsentList* ConsentBook::Find(
    std::string_view participant) const {
  auto it = participants_.find(participant);
  return it == participants_.end() ? nullptr : &it->second;
}

const ConsentBook::Consent* ConsentBook::FindConsent(
    std::string_view participant, std::string_view consent_id) const {
  const ConsentList* consents = Find(participant);
  if (consents == nullptr) return nullptr;
  for (const Consent& c : *consents) {
    if (c.id == consent_id) return &c;
  }
  return nullptr;
}

Status ConsentBook::CheckGrant(std::string_view participant,
                               const v1::ConsentGranted& grant) const {
  if (grant.consent_id().empty()) {
    return InvalidArgumentError(
        "consent_granted has no consent_id; every consent needs one so that "
        "it can be withdrawn and cited");
  }
  for (int i = 0; i < grant.provisions_size(); ++i) {
    v1::ProvisionType type = grant.provisions(i).type();
    if (type != v1::PERMIT && type != v1::DENY) {
      return InvalidArgumentError("provision " + std::to_string(i + 1) +
                                  " of " +
                                  Describe(grant.consent_id(), participant) +
                                  " is neither PERMIT nor DENY");
    }
  }
  if (const Consent* existing = FindConsent(participant, grant.consent_id())) {
    std::string sentence = Describe(grant.consent_id(), participant) +
                           " already exists (granted at sequence " +
                           std::to_string(existing->granted_sequence);
    if (existing->withdrawn_sequence.has_value()) {
      sentence += ", withdrawn at sequence " +
                  std::to_string(*existing->withdrawn_sequence);
    }
    sentence += "); a consent id is never reused, record it under a new id";
    return FailedPreconditionError(std::move(sentence));
  }
  return OkStatus();
}

Status ConsentBook::CheckWithdrawal(
    std::string_view participant,
    const v1::ConsentWithdrawn& withdrawal) const {
  if (withdrawal.consent_id().empty()) {
    return InvalidArgumentError(
        "consent_withdrawn has no consent_id; say which consent ends");
  }
  const Consent* c = FindConsent(participant, withdrawal.consent_id());
  if (c == nullptr) {
    return FailedPreconditionError(
        Describe(withdrawal.consent_id(), participant) +
        " does not exist; nothing to withdraw");
  }
  if (c->withdrawn_sequence.has_value()) {
    return FailedPreconditionError(
        Describe(withdrawal.consent_id(), participant) +
        " is not active (already withdrawn at sequence " +
        std::to_string(*c->withdrawn_sequence) + "); nothing to withdraw");
  }
  return OkStatus();
}

Status ConsentBook::CheckApplicable(const v1::Envelope& e) const {
  switch (e.payload_case()) {
    case v1::Envelope::kConsentGranted:
      return CheckGrant(e.participant_id(), e.consent_granted());
    case v1::Envelope::kConsentWithdrawn:
      return CheckWithdrawal(e.participant_id(), e.consent_withdrawn());
    default:
      return OkStatus();
  }
}

Status ConsentBook::Apply(const v1::Envelope& e, uint64_t sequence) {
  Status check = CheckApplicable(e);
  if (!check.ok()) return check;

  if (e.has_consent_granted()) {
    const v1::ConsentGranted& g = e.consent_granted();
    Consent c;
    c.id = g.consent_id();
    c.recorded_by = g.recorded_by();
    c.legal_basis = g.legal_basis();
    c.evidence_reference = g.evidence_reference();
    c.valid_from = CivilIf(g.validity().has_start(), g.validity().start());
    c.valid_until = CivilIf(g.validity().has_end(), g.validity().end());
    c.granted_sequence = sequence;
    c.provisions.reserve(g.provisions_size());
    for (const v1::Provision& p : g.provisions()) {
      CompiledProvision cp;
      cp.deny = p.type() == v1::DENY;
      cp.sources = SortedUnique(p.source_organisations());
      cp.recipients = SortedUnique(p.recipient_organisations());
      // A listed category this build does not know adds no bit, so a PERMIT
      // naming only such categories permits nothing rather than everything.
      if (p.categories().empty()) {
        cp.categories = kAllCategories;
      } else {
        for (int cat : p.categories()) cp.categories |= CategoryBit(cat);
      }
      if (p.purposes().empty()) {
        cp.purposes = kAnyPurpose;
      } else {
        for (int purpose : p.purposes()) cp.purposes |= PurposeBit(purpose);
      }
      c.provisions.push_back(std::move(cp));
    }
    auto it = participants_.find(std::string_view(e.participant_id()));
    if (it == participants_.end()) {
      it = participants_.emplace(e.participant_id(), ConsentList{}).first;
    }
    it->second.push_back(std::move(c));
    ++consent_count_;
  } else if (e.has_consent_withdrawn()) {
    const v1::ConsentWithdrawn& w = e.consent_withdrawn();
    // CheckApplicable has established that it exists and is not withdrawn.
    ConsentList& consents =
        participants_.find(std::string_view(e.participant_id()))->second;
    for (Consent& c : consents) {
      if (c.id != w.consent_id()) continue;
      c.withdrawn_sequence = sequence;
      c.withdrawn_by = w.recorded_by();
      c.withdrawal_reason = w.reason();
      break;
    }
  }
  return OkStatus();
}

bool ConsentBook::HasActiveConsent(std::string_view participant,
                                   const CivilDate& today) const {
  const ConsentList* consents = Find(participant);
  if (consents == nullptr) return false;
  return std::any_of(consents->begin(), consents->end(),
                     [&](const Consent& c) { return c.ActiveOn(today); });
}

Permission ConsentBook::Permitted(std::string_view participant,
                                  std::string_view source_org,
                                  std::string_view recipient_org,
                                  v1::Purpose purpose,
                                  const CivilDate& today) const {
  Permission result;
  const CategoryMask granted =
      PermittedMask(participant, source_org, recipient_org, purpose, today);
  if (granted == 0) return result;
  result.categories = FromCategoryMask(granted);
  result.consent_ids = CitedConsents(participant, source_org, recipient_org,
                                     purpose, today, granted);
  return result;
}

CategoryMask ConsentBook::PermittedMask(std::string_view participant,
                                        std::string_view source_org,
                                        std::string_view recipient_org,
                                        v1::Purpose purpose,
                                        const CivilDate& today) const {
  const ConsentList* consents = Find(participant);
  if (consents == nullptr) return 0;
  const uint32_t purpose_bit = PurposeBit(purpose);
  CategoryMask permit = 0;
  CategoryMask deny = 0;
  for (const Consent& c : *consents) {
    if (!c.ActiveOn(today)) continue;
    for (const CompiledProvision& p : c.provisions) {
      if (!p.Matches(source_org, recipient_org, purpose_bit)) continue;
      (p.deny ? deny : permit) |= p.categories;
    }
  }
  return permit & ~deny & kAllCategories;
}

std::vector<std::string> ConsentBook::CitedConsents(
    std::string_view participant, std::string_view source_org,
    std::string_view recipient_org, v1::Purpose purpose, const CivilDate& today,
    CategoryMask granted) const {
  std::vector<std::string> ids;
  const ConsentList* consents = Find(participant);
  if (consents == nullptr || granted == 0) return ids;
  const uint32_t purpose_bit = PurposeBit(purpose);
  for (const Consent& c : *consents) {
    if (!c.ActiveOn(today)) continue;
    CategoryMask mine = 0;
    for (const CompiledProvision& p : c.provisions) {
      if (!p.deny && p.Matches(source_org, recipient_org, purpose_bit)) {
        mine |= p.categories;
      }
    }
    if ((mine & granted) != 0) ids.push_back(c.id);
  }
  return ids;
}

std::vector<ConsentView> ConsentBook::Consents(std::string_view participant,
                                               const CivilDate& today) const {
  std::vector<ConsentView> out;
  const ConsentList* consents = Find(participant);
  if (consents == nullptr) return out;
  out.reserve(consents->size());
  for (const Consent& c : *consents) {
    ConsentView v;
    v.consent_id = c.id;
    v.status = c.StatusOn(today);
    v.recorded_by = c.recorded_by;
    v.legal_basis = c.legal_basis;
    v.evidence_reference = c.evidence_reference;
    v.valid_from = c.valid_from;
    v.valid_until = c.valid_until;
    v.provision_count = c.provisions.size();
    v.granted_sequence = c.granted_sequence;
    v.withdrawn_sequence = c.withdrawn_sequence;
    v.withdrawn_by = c.withdrawn_by;
    v.withdrawal_reason = c.withdrawal_reason;
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace samverkan::gateway
