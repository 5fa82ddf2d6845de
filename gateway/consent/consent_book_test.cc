// The consent rules of DESIGN §5, one table row per rule: a small scenario of
// grants, withdrawals and questions, each question with the categories it
// must be answered with. The rest of the file covers what a table row cannot
// say well: error sentences, CheckApplicable, and the disclosure listing.
#include "gateway/consent/consent_book.h"

#include <gtest/gtest.h>

#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "gateway/testing/category_names.h"
#include "samverkan/dates.h"

namespace samverkan::gateway {
namespace {

using Categories = std::set<v1::DataCategory>;
using testing::CategoryNames;

constexpr CivilDate kToday{2026, 3, 10};
const Categories kAll = {
    v1::PLAN,   v1::IDENTITY,        v1::EMPLOYMENT,    v1::BENEFIT_DECISION,
    v1::INCOME, v1::SOCIAL_SERVICES, v1::HEALTH_STATUS, v1::HEALTH_DETAILS};

struct ProvisionSpec {
  std::vector<std::string> sources = {};
  std::vector<std::string> recipients = {};
  std::vector<v1::DataCategory> categories = {};
  std::vector<v1::Purpose> purposes = {};
};

v1::Provision Make(v1::ProvisionType type, const ProvisionSpec& s) {
  v1::Provision p;
  p.set_type(type);
  for (const auto& o : s.sources) p.add_source_organisations(o);
  for (const auto& o : s.recipients) p.add_recipient_organisations(o);
  for (auto c : s.categories) p.add_categories(c);
  for (auto u : s.purposes) p.add_purposes(u);
  return p;
}
v1::Provision Permit(const ProvisionSpec& s = {}) {
  return Make(v1::PERMIT, s);
}
v1::Provision Deny(const ProvisionSpec& s = {}) { return Make(v1::DENY, s); }

struct Grant {
  std::string id = {};
  std::vector<v1::Provision> provisions = {};
  std::optional<CivilDate> from = {};
  std::optional<CivilDate> until = {};
  std::string participant = "p-1";
  StatusCode expect = StatusCode::kOk;
};

struct Withdraw {
  std::string id = {};
  std::string participant = "p-1";
  StatusCode expect = StatusCode::kOk;
};

// "What may `recipient` see from `source` for `purpose` on `today`?"
struct Ask {
  Categories expect = {};
  std::vector<std::string> expect_consents = {};
  CivilDate today = kToday;
  std::string source = "kommun";
  std::string recipient = "af";
  v1::Purpose purpose = v1::COORDINATION;
  std::string participant = "p-1";
};

using Step = std::variant<Grant, Withdraw, Ask>;

struct Row {
  std::string name;
  std::vector<Step> steps;
};

v1::Envelope GrantEnvelope(const Grant& g) {
  v1::Envelope e;
  e.set_event_id("e-" + g.id);
  e.set_participant_id(g.participant);
  e.set_source_organisation("kommun");
  auto* c = e.mutable_consent_granted();
  c->set_consent_id(g.id);
  c->set_recorded_by("handläggare 17");
  c->set_legal_basis(v1::SIP_CONSENT);
  if (g.from) *c->mutable_validity()->mutable_start() = ToDate(*g.from);
  if (g.until) *c->mutable_validity()->mutable_end() = ToDate(*g.until);
  for (const auto& p : g.provisions) *c->add_provisions() = p;
  return e;
}

v1::Envelope WithdrawEnvelope(const std::string& participant,
                              const std::string& id) {
  v1::Envelope e;
  e.set_participant_id(participant);
  e.set_source_organisation("kommun");
  e.mutable_consent_withdrawn()->set_consent_id(id);
  e.mutable_consent_withdrawn()->set_recorded_by("handläggare 17");
  e.mutable_consent_withdrawn()->set_reason("participant asked");
  return e;
}

// The row's name, not its bytes, when gtest reports a failing row.
void PrintTo(const Row& row, std::ostream* os) { *os << row.name; }

class ConsentRuleTest : public ::testing::TestWithParam<Row> {};

TEST_P(ConsentRuleTest, Holds) {
  ConsentBook book;
  uint64_t sequence = 0;
  int step_number = 0;
  for (const Step& step : GetParam().steps) {
    SCOPED_TRACE("step " + std::to_string(++step_number));
    ++sequence;
    if (const auto* g = std::get_if<Grant>(&step)) {
      const v1::Envelope e = GrantEnvelope(*g);
      EXPECT_EQ(book.CheckApplicable(e).code(), g->expect);
      EXPECT_EQ(book.Apply(e, sequence).code(), g->expect);
    } else if (const auto* w = std::get_if<Withdraw>(&step)) {
      const v1::Envelope e = WithdrawEnvelope(w->participant, w->id);
      EXPECT_EQ(book.CheckApplicable(e).code(), w->expect);
      EXPECT_EQ(book.Apply(e, sequence).code(), w->expect);
    } else {
      const Ask& a = std::get<Ask>(step);
      Permission p = book.Permitted(a.participant, a.source, a.recipient,
                                    a.purpose, a.today);
      EXPECT_EQ(CategoryNames(p.categories), CategoryNames(a.expect))
          << a.source << " -> " << a.recipient << " for "
          << v1::Purpose_Name(a.purpose) << " on " << FormatCivilDate(a.today);
      EXPECT_EQ(p.consent_ids, a.expect_consents);
    }
  }
}

// Dates around kToday (2026-03-10).
constexpr CivilDate kTomorrow{2026, 3, 11};
constexpr CivilDate kYesterday{2026, 3, 9};

const Row kRows[] = {
    {"DefaultDenyWithoutConsent", {Ask{.expect = {}}}},
    {"EmptyListsPermitEverything",
     {Grant{.id = "c-1", .provisions = {Permit()}},
      Ask{.expect = kAll, .expect_consents = {"c-1"}}}},
    {"CategoryRestriction",
     {Grant{.id = "c-1",
            .provisions = {Permit({.categories = {v1::PLAN, v1::EMPLOYMENT}})}},
      Ask{.expect = {v1::PLAN, v1::EMPLOYMENT}, .expect_consents = {"c-1"}}}},
    {"SourceRestriction",
     {Grant{.id = "c-1", .provisions = {Permit({.sources = {"region"}})}},
      Ask{.expect = {}, .source = "kommun"},
      Ask{.expect = kAll, .expect_consents = {"c-1"}, .source = "region"}}},
    {"RecipientRestriction",
     {Grant{.id = "c-1", .provisions = {Permit({.recipients = {"fk", "af"}})}},
      Ask{.expect = kAll, .expect_consents = {"c-1"}, .recipient = "af"},
      Ask{.expect = {}, .recipient = "region"}}},
    {"PurposeRestriction",
     {Grant{.id = "c-1", .provisions = {Permit({.purposes = {v1::FOLLOW_UP}})}},
      Ask{.expect = kAll, .expect_consents = {"c-1"}, .purpose = v1::FOLLOW_UP},
      Ask{.expect = {}, .purpose = v1::COORDINATION}}},
    {"DenyBeatsPermitWithinOneConsent",
     {Grant{.id = "c-1",
            .provisions = {Permit(), Deny({.categories = {v1::HEALTH_DETAILS,
                                                          v1::INCOME}})}},
      Ask{.expect = {v1::PLAN, v1::IDENTITY, v1::EMPLOYMENT,
                     v1::BENEFIT_DECISION, v1::SOCIAL_SERVICES,
                     v1::HEALTH_STATUS},
          .expect_consents = {"c-1"}}}},
    {"DenyInAnotherConsentBeatsPermit",
     {Grant{.id = "c-1",
            .provisions = {Permit(
                {.categories = {v1::PLAN, v1::HEALTH_STATUS}})}},
      Grant{.id = "c-2",
            .provisions = {Deny(
                {.recipients = {"af"}, .categories = {v1::HEALTH_STATUS}})}},
      Ask{.expect = {v1::PLAN}, .expect_consents = {"c-1"}},
      // The deny is scoped to af; fk still gets both.
      Ask{.expect = {v1::PLAN, v1::HEALTH_STATUS},
          .expect_consents = {"c-1"},
          .recipient = "fk"}}},
    {"DenyInAnEarlierConsentBeatsPermit",
     {Grant{.id = "c-1", .provisions = {Deny({.categories = {v1::INCOME}})}},
      Grant{.id = "c-2", .provisions = {Permit()}},
      Ask{.expect = {v1::PLAN, v1::IDENTITY, v1::EMPLOYMENT,
                     v1::BENEFIT_DECISION, v1::SOCIAL_SERVICES,
                     v1::HEALTH_STATUS, v1::HEALTH_DETAILS},
          .expect_consents = {"c-2"}}}},
    {"DenyOnlyConsentPermitsNothing",
     {Grant{.id = "c-1", .provisions = {Deny({.categories = {v1::INCOME}})}},
      Ask{.expect = {}}}},
    {"PeriodNotStartedYet",
     {Grant{.id = "c-1", .provisions = {Permit()}, .from = kTomorrow},
      Ask{.expect = {}},
      Ask{.expect = kAll, .expect_consents = {"c-1"}, .today = kTomorrow}}},
    {"PeriodEndIsInclusive",
     {Grant{.id = "c-1", .provisions = {Permit()}, .until = kToday},
      Ask{.expect = kAll, .expect_consents = {"c-1"}, .today = kToday},
      Ask{.expect = {}, .today = kTomorrow}}},
    {"PeriodStartIsInclusive",
     {Grant{.id = "c-1", .provisions = {Permit()}, .from = kToday},
      Ask{.expect = {}, .today = kYesterday},
      Ask{.expect = kAll, .expect_consents = {"c-1"}, .today = kToday}}},
    {"WithdrawalEndsPermission",
     {Grant{.id = "c-1", .provisions = {Permit()}},
      Ask{.expect = kAll, .expect_consents = {"c-1"}}, Withdraw{.id = "c-1"},
      Ask{.expect = {}}}},
    {"TwoActiveConsentsUnion",
     {Grant{.id = "c-1", .provisions = {Permit({.categories = {v1::PLAN}})}},
      Grant{.id = "c-2",
            .provisions = {Permit({.categories = {v1::EMPLOYMENT}})}},
      Ask{.expect = {v1::PLAN, v1::EMPLOYMENT},
          .expect_consents = {"c-1", "c-2"}}}},
    {"WithdrawingOneOfTwoKeepsTheOther",
     {Grant{.id = "c-1", .provisions = {Permit({.categories = {v1::PLAN}})}},
      Grant{.id = "c-2",
            .provisions = {Permit({.categories = {v1::PLAN, v1::EMPLOYMENT}})}},
      Withdraw{.id = "c-2"},
      Ask{.expect = {v1::PLAN}, .expect_consents = {"c-1"}}}},
    {"WithdrawnDenyNoLongerDenies",
     {Grant{.id = "c-1", .provisions = {Permit()}},
      Grant{.id = "c-2", .provisions = {Deny()}}, Ask{.expect = {}},
      Withdraw{.id = "c-2"}, Ask{.expect = kAll, .expect_consents = {"c-1"}}}},
    {"ExpiredDenyNoLongerDenies",
     {Grant{.id = "c-1", .provisions = {Permit()}},
      Grant{.id = "c-2", .provisions = {Deny()}, .until = kToday},
      Ask{.expect = {}},
      Ask{.expect = kAll, .expect_consents = {"c-1"}, .today = kTomorrow}}},
    {"DuplicateGrantRejected",
     {Grant{.id = "c-1", .provisions = {Permit({.categories = {v1::PLAN}})}},
      Grant{.id = "c-1",
            .provisions = {Permit()},
            .expect = StatusCode::kFailedPrecondition},
      // The rejected grant changed nothing.
      Ask{.expect = {v1::PLAN}, .expect_consents = {"c-1"}}}},
    {"RegrantOfWithdrawnIdRejected",
     {Grant{.id = "c-1", .provisions = {Permit()}}, Withdraw{.id = "c-1"},
      Grant{.id = "c-1",
            .provisions = {Permit()},
            .expect = StatusCode::kFailedPrecondition},
      Ask{.expect = {}}}},
    {"WithdrawingUnknownRejected",
     {Withdraw{.id = "c-9", .expect = StatusCode::kFailedPrecondition}}},
    {"WithdrawingTwiceRejected",
     {Grant{.id = "c-1", .provisions = {Permit()}}, Withdraw{.id = "c-1"},
      Withdraw{.id = "c-1", .expect = StatusCode::kFailedPrecondition}}},
    {"ConsentOfAnotherParticipantDoesNotApply",
     {Grant{.id = "c-1", .provisions = {Permit()}, .participant = "p-2"},
      Ask{.expect = {}},
      Ask{.expect = kAll, .expect_consents = {"c-1"}, .participant = "p-2"},
      // Ids are per participant: p-1 may have its own c-1.
      Grant{.id = "c-1", .provisions = {Permit({.categories = {v1::PLAN}})}},
      Ask{.expect = {v1::PLAN}, .expect_consents = {"c-1"}},
      Withdraw{.id = "c-1", .participant = "p-2"},
      Ask{.expect = {v1::PLAN}, .expect_consents = {"c-1"}}}},
    {"UnspecifiedCategoryIsNeverPermitted",
     {Grant{.id = "c-1",
            .provisions = {Permit(
                {.categories = {v1::DATA_CATEGORY_UNSPECIFIED}})}},
      Ask{.expect = {}}}},
    {"UnknownCategoryPermitsNothing",
     {Grant{.id = "c-1",
            .provisions = {Permit(
                {.categories = {static_cast<v1::DataCategory>(42)}})}},
      Ask{.expect = {}}}},
    {"ConsentCitedOnlyForSurvivingCategories",
     {Grant{.id = "c-1", .provisions = {Permit({.categories = {v1::INCOME}})}},
      Grant{.id = "c-2",
            .provisions = {Permit({.categories = {v1::PLAN}}),
                           Deny({.categories = {v1::INCOME}})}},
      Ask{.expect = {v1::PLAN}, .expect_consents = {"c-2"}}}},
};

INSTANTIATE_TEST_SUITE_P(Rules, ConsentRuleTest, ::testing::ValuesIn(kRows),
                         [](const auto& info) { return info.param.name; });

// ---------------------------------------------------------------- sentences

TEST(ConsentBookTest, RejectionsSaySentences) {
  ConsentBook book;
  Grant g{.id = "c-1", .provisions = {Permit()}};
  ASSERT_TRUE(book.Apply(GrantEnvelope(g), 3).ok());

  Status dup = book.Apply(GrantEnvelope(g), 4);
  EXPECT_EQ(dup.message(),
            "consent c-1 of participant p-1 already exists (granted at "
            "sequence 3); a consent id is never reused, record it under a new "
            "id");

  Status unknown = book.Apply(WithdrawEnvelope("p-1", "c-9"), 5);
  EXPECT_EQ(unknown.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(unknown.message(),
            "consent c-9 of participant p-1 does not exist; nothing to "
            "withdraw");

  ASSERT_TRUE(book.Apply(WithdrawEnvelope("p-1", "c-1"), 7).ok());
  Status twice = book.Apply(WithdrawEnvelope("p-1", "c-1"), 8);
  EXPECT_EQ(twice.message(),
            "consent c-1 of participant p-1 is not active (already withdrawn "
            "at sequence 7); nothing to withdraw");

  Status regrant = book.Apply(GrantEnvelope(g), 9);
  EXPECT_EQ(regrant.message(),
            "consent c-1 of participant p-1 already exists (granted at "
            "sequence 3, withdrawn at sequence 7); a consent id is never "
            "reused, record it under a new id");
}

TEST(ConsentBookTest, MalformedConsentEventsAreInvalidArguments) {
  ConsentBook book;
  Status no_id = book.Apply(GrantEnvelope(Grant{.id = ""}), 1);
  EXPECT_EQ(no_id.code(), StatusCode::kInvalidArgument);

  v1::Provision untyped = Permit();
  untyped.set_type(v1::PROVISION_TYPE_UNSPECIFIED);
  Status bad = book.Apply(
      GrantEnvelope(Grant{.id = "c-1", .provisions = {Permit(), untyped}}), 2);
  EXPECT_EQ(bad.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.message(),
            "provision 2 of consent c-1 of participant p-1 is neither PERMIT "
            "nor DENY");

  EXPECT_EQ(book.Apply(WithdrawEnvelope("p-1", ""), 3).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(book.size(), 0u);
}

TEST(ConsentBookTest, CheckApplicableChangesNothing) {
  ConsentBook book;
  const v1::Envelope grant =
      GrantEnvelope(Grant{.id = "c-1", .provisions = {Permit()}});
  EXPECT_TRUE(book.CheckApplicable(grant).ok());
  EXPECT_TRUE(book.CheckApplicable(grant).ok());
  EXPECT_EQ(book.size(), 0u);
  EXPECT_FALSE(book.HasActiveConsent("p-1", kToday));
  // Withdrawing what is only being checked, not applied, is still unknown.
  EXPECT_EQ(book.CheckApplicable(WithdrawEnvelope("p-1", "c-1")).code(),
            StatusCode::kFailedPrecondition);
}

TEST(ConsentBookTest, OtherPayloadsAreIgnored) {
  ConsentBook book;
  v1::Envelope e;
  e.set_participant_id("p-1");
  e.mutable_health_deteriorated()->set_work_capacity_affected(true);
  EXPECT_TRUE(book.CheckApplicable(e).ok());
  EXPECT_TRUE(book.Apply(e, 1).ok());
  EXPECT_EQ(book.size(), 0u);
  EXPECT_EQ(book.participant_count(), 0u);
}

// ---------------------------------------------------------------- listing

TEST(ConsentBookTest, HasActiveConsentFollowsValidityAndWithdrawal) {
  ConsentBook book;
  EXPECT_FALSE(book.HasActiveConsent("p-1", kToday));
  ASSERT_TRUE(book.Apply(GrantEnvelope(Grant{.id = "c-1",
                                             .provisions = {Permit()},
                                             .from = kToday,
                                             .until = kTomorrow}),
                         1)
                  .ok());
  EXPECT_FALSE(book.HasActiveConsent("p-1", kYesterday));
  EXPECT_TRUE(book.HasActiveConsent("p-1", kToday));
  EXPECT_TRUE(book.HasActiveConsent("p-1", kTomorrow));
  EXPECT_FALSE(book.HasActiveConsent("p-1", CivilDate{2026, 3, 12}));
  EXPECT_FALSE(book.HasActiveConsent("p-2", kToday));
  ASSERT_TRUE(book.Apply(WithdrawEnvelope("p-1", "c-1"), 2).ok());
  EXPECT_FALSE(book.HasActiveConsent("p-1", kToday));
}

TEST(ConsentBookTest, ConsentsListsEveryConsentWithItsStatus) {
  ConsentBook book;
  ASSERT_TRUE(book.Apply(GrantEnvelope(Grant{.id = "c-1",
                                             .provisions = {Permit(), Deny()},
                                             .from = CivilDate{2026, 1, 1},
                                             .until = kYesterday}),
                         10)
                  .ok());
  ASSERT_TRUE(
      book.Apply(GrantEnvelope(Grant{
                     .id = "c-2", .provisions = {Permit()}, .from = kTomorrow}),
                 11)
          .ok());
  ASSERT_TRUE(book.Apply(GrantEnvelope(Grant{.id = "c-3"}), 12).ok());
  ASSERT_TRUE(book.Apply(GrantEnvelope(Grant{.id = "c-4"}), 13).ok());
  ASSERT_TRUE(book.Apply(WithdrawEnvelope("p-1", "c-4"), 20).ok());
  ASSERT_TRUE(
      book.Apply(GrantEnvelope(Grant{.id = "c-1", .participant = "p-2"}), 21)
          .ok());
  EXPECT_EQ(book.size(), 5u);
  EXPECT_EQ(book.participant_count(), 2u);

  std::vector<ConsentView> views = book.Consents("p-1", kToday);
  ASSERT_EQ(views.size(), 4u);
  EXPECT_EQ(views[0].consent_id, "c-1");
  EXPECT_EQ(views[0].status, ConsentStatus::kExpired);
  EXPECT_EQ(views[0].recorded_by, "handläggare 17");
  EXPECT_EQ(views[0].legal_basis, v1::SIP_CONSENT);
  EXPECT_EQ(views[0].valid_from, (CivilDate{2026, 1, 1}));
  EXPECT_EQ(views[0].valid_until, kYesterday);
  EXPECT_EQ(views[0].provision_count, 2u);
  EXPECT_EQ(views[0].granted_sequence, 10u);
  EXPECT_FALSE(views[0].withdrawn_sequence.has_value());
  EXPECT_EQ(views[1].status, ConsentStatus::kNotYetValid);
  EXPECT_EQ(views[2].status, ConsentStatus::kActive);
  EXPECT_FALSE(views[2].valid_from.has_value());
  EXPECT_FALSE(views[2].valid_until.has_value());
  EXPECT_EQ(views[3].status, ConsentStatus::kWithdrawn);
  EXPECT_EQ(views[3].withdrawn_sequence, 20u);
  EXPECT_EQ(views[3].withdrawn_by, "handläggare 17");
  EXPECT_EQ(views[3].withdrawal_reason, "participant asked");
  EXPECT_EQ(ConsentStatusName(views[1].status), "not yet valid");

  // Status is relative to the date asked about.
  EXPECT_EQ(book.Consents("p-1", kTomorrow)[1].status, ConsentStatus::kActive);
  EXPECT_TRUE(book.Consents("p-3", kToday).empty());
}

}  // namespace
}  // namespace samverkan::gateway
