// The in-memory projection of every participant's consents (DESIGN §5), built
// by applying consent events in log order. The gateway rebuilds it at start-up
// by replaying those events, so it has no storage of its own; the consent
// stage asks it, per event and recipient, which data categories may flow.
#ifndef SAMVERKAN_GATEWAY_CONSENT_CONSENT_BOOK_H_
#define SAMVERKAN_GATEWAY_CONSENT_CONSENT_BOOK_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/civil_date.h"
#include "common/status.h"
#include "common/string_map.h"
#include "gateway/consent/category_mask.h"
#include "samverkan/v1/envelope.pb.h"

namespace samverkan::gateway {

// What one (participant, source, recipient, purpose) may see today.
struct Permission {
  std::set<v1::DataCategory> categories;
  // The active consents whose PERMIT provisions contributed at least one of
  // `categories`, in the order they were granted: the "under which consent"
  // of a disclosure decision.
  std::vector<std::string> consent_ids;
};

enum class ConsentStatus {
  kActive,
  // Its validity period starts after the date asked about.
  kNotYetValid,
  // Its validity period ended before the date asked about.
  kExpired,
  kWithdrawn,
};

// "active", "not yet valid", "expired", "withdrawn".
std::string_view ConsentStatusName(ConsentStatus status);

// One consent as the disclosure report shows it.
struct ConsentView {
  std::string consent_id;
  ConsentStatus status = ConsentStatus::kActive;
  std::string recorded_by;
  v1::LegalBasis legal_basis = v1::LEGAL_BASIS_UNSPECIFIED;
  std::string evidence_reference;
  // Unset: valid from the beginning / open-ended.
  std::optional<CivilDate> valid_from;
  std::optional<CivilDate> valid_until;
  size_t provision_count = 0;
  uint64_t granted_sequence = 0;
  std::optional<uint64_t> withdrawn_sequence;
  std::string withdrawn_by;
  std::string withdrawal_reason;
};

// Not synchronised: one writer (the pipeline) applies events; const methods
// may run concurrently with each other but not with Apply.
class ConsentBook {
 public:
  // Whether Apply(e, ...) would succeed, without changing anything, so the
  // ingress stage can reject before the event is committed. Non-consent
  // payloads are always applicable.
  Status CheckApplicable(const v1::Envelope& e) const;

  // consent_granted records a consent; consent_withdrawn marks one withdrawn
  // at `sequence`; other payloads are ignored. On failure nothing changes.
  //   InvalidArgument: no consent_id, or a provision neither PERMIT nor DENY.
  //   FailedPrecondition: the consent id is taken (ids are never reused, so
  //     a disclosure decision's consent id names exactly one consent), or
  //     the consent to withdraw does not exist or is already withdrawn.
  Status Apply(const v1::Envelope& e, uint64_t sequence);

  // Whether `participant` has at least one consent that is active on `today`
  // (not withdrawn, inside its inclusive validity period).
  bool HasActiveConsent(std::string_view participant,
                        const CivilDate& today) const;

  // Default deny; a category is permitted iff some active consent's PERMIT
  // provision matches (source, recipient, category, purpose) and no active
  // consent's DENY provision does. Empty lists in a provision match anything.
  Permission Permitted(std::string_view participant,
                       std::string_view source_org,
                       std::string_view recipient_org, v1::Purpose purpose,
                       const CivilDate& today) const;
  // Permitted's two halves, for the ingest path, which needs the consent ids
  // only when something is delivered and no std::set at all: the permitted
  // categories as a mask, and the consents that contributed to `granted` (a
  // PermittedMask result), in grant order.
  CategoryMask PermittedMask(std::string_view participant,
                             std::string_view source_org,
                             std::string_view recipient_org,
                             v1::Purpose purpose, const CivilDate& today) const;
  std::vector<std::string> CitedConsents(std::string_view participant,
                                         std::string_view source_org,
                                         std::string_view recipient_org,
                                         v1::Purpose purpose,
                                         const CivilDate& today,
                                         CategoryMask granted) const;

  // Every consent ever granted for `participant`, in grant order, with its
  // status as of `today`.
  std::vector<ConsentView> Consents(std::string_view participant,
                                    const CivilDate& today) const;

  // Consents recorded across all participants, whatever their status.
  size_t size() const { return consent_count_; }
  size_t participant_count() const { return participants_.size(); }

 private:
  // A provision reduced to what matching needs; sources and recipients are
  // sorted so a lookup is a binary search, and empty means "any".
  struct CompiledProvision {
    bool deny = false;
    std::vector<std::string> sources;
    std::vector<std::string> recipients;
    CategoryMask categories = 0;
    // Bit per Purpose value; all ones when the provision lists none.
    uint32_t purposes = 0;

    bool Matches(std::string_view source, std::string_view recipient,
                 uint32_t purpose_bit) const;
  };

  struct Consent {
    std::string id;
    std::string recorded_by;
    v1::LegalBasis legal_basis = v1::LEGAL_BASIS_UNSPECIFIED;
    std::string evidence_reference;
    std::optional<CivilDate> valid_from;
    std::optional<CivilDate> valid_until;
    std::vector<CompiledProvision> provisions;
    uint64_t granted_sequence = 0;
    std::optional<uint64_t> withdrawn_sequence;
    std::string withdrawn_by;
    std::string withdrawal_reason;

    ConsentStatus StatusOn(const CivilDate& today) const;
    bool ActiveOn(const CivilDate& today) const {
      return StatusOn(today) == ConsentStatus::kActive;
    }
  };

  // A participant's consents in grant order; there are few per participant,
  // so a vector beats a nested map for both lookup and iteration.
  using ConsentList = std::vector<Consent>;

  const ConsentList* Find(std::string_view participant) const;
  const Consent* FindConsent(std::string_view participant,
                             std::string_view consent_id) const;
  Status CheckGrant(std::string_view participant,
                    const v1::ConsentGranted& grant) const;
  Status CheckWithdrawal(std::string_view participant,
                         const v1::ConsentWithdrawn& withdrawal) const;

  StringMap<ConsentList> participants_;
  size_t consent_count_ = 0;
};

}  // namespace samverkan::gateway

#endif  // SAMVERKAN_GATEWAY_CONSENT_CONSENT_BOOK_H_
