// A seeded property test of ConsentBook + Redact against an oracle: a plain,
// brute-force reading of DESIGN §5 over the raw list of granted and withdrawn
// consents. Random organisations, participants, consents, withdrawals and
// events of every type; for each event and each recipient the engine must
// disclose exactly the fields the oracle allows: never more (the safety
// property), never fewer (so it is not merely over-restrictive).
//
// Reproduce a failure with SAMVERKAN_CONSENT_SEED=<seed printed>; explore with
// other seeds and SAMVERKAN_CONSENT_STEPS=<n>.
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "gateway/consent/consent_book.h"
#include "gateway/consent/redactor.h"
#include "gateway/testing/category_names.h"
#include "samverkan/dates.h"

namespace samverkan::gateway {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;
using google::protobuf::util::MessageDifferencer;
using Categories = std::set<v1::DataCategory>;
using testing::CategoryNames;
using Rng = std::mt19937_64;

constexpr uint64_t kDefaultSeed = 20260310;
constexpr int kDefaultSteps = 10000;
const std::vector<std::string> kOrganisations = {
    "kommun-orebro", "region-orebro", "af", "fk", "kommun-lindesberg"};
constexpr int kParticipants = 20;
const std::vector<v1::Purpose> kPurposes = {
    v1::COORDINATION, v1::BENEFIT_ASSESSMENT, v1::FOLLOW_UP};

uint64_t EnvOr(const char* name, uint64_t fallback) {
  const char* v = std::getenv(name);
  return v == nullptr ? fallback : std::strtoull(v, nullptr, 0);
}

bool Chance(Rng& rng, double p) { return std::bernoulli_distribution(p)(rng); }
int Uniform(Rng& rng, int lo, int hi) {
  return std::uniform_int_distribution<int>(lo, hi)(rng);
}
template <typename T>
const T& Pick(Rng& rng, const std::vector<T>& v) {
  return v[Uniform(rng, 0, static_cast<int>(v.size()) - 1)];
}
template <typename T>
std::vector<T> Subset(Rng& rng, const std::vector<T>& v) {
  std::vector<T> out;
  for (const T& x : v) {
    if (Chance(rng, 0.4)) out.push_back(x);
  }
  if (out.empty()) out.push_back(Pick(rng, v));
  return out;
}

// ---------------------------------------------------------------- the oracle

// Written from the rule's wording, deliberately naive: no masks, no
// precomputation, nothing shared with ConsentBook.
class Oracle {
 public:
  struct Entry {
    std::string participant;
    v1::ConsentGranted grant;
    bool withdrawn = false;
  };

  std::vector<Entry> entries;

  Entry* Find(const std::string& participant, const std::string& id) {
    for (Entry& e : entries) {
      if (e.participant == participant && e.grant.consent_id() == id) {
        return &e;
      }
    }
    return nullptr;
  }

  static bool Active(const Entry& e, const CivilDate& today) {
    if (e.withdrawn) return false;
    const v1::Period& v = e.grant.validity();
    if (v.has_start() && today < ToCivil(v.start())) return false;
    if (v.has_end() && ToCivil(v.end()) < today) return false;
    return true;
  }

  static bool Matches(const v1::Provision& p, const std::string& source,
                      const std::string& recipient, v1::DataCategory c,
                      v1::Purpose purpose) {
    auto listed = [](const auto& list, const auto& x) {
      if (list.empty()) return true;
      for (const auto& y : list) {
        if (y == x) return true;
      }
      return false;
    };
    return listed(p.source_organisations(), source) &&
           listed(p.recipient_organisations(), recipient) &&
           listed(p.categories(), c) && listed(p.purposes(), purpose);
  }

  // Whether `e` alone, if it were active, has a matching provision of `type`.
  static bool Says(const Entry& e, v1::ProvisionType type,
                   const std::string& source, const std::string& recipient,
                   v1::DataCategory c, v1::Purpose purpose) {
    for (const v1::Provision& p : e.grant.provisions()) {
      if (p.type() == type && Matches(p, source, recipient, c, purpose)) {
        return true;
      }
    }
    return false;
  }

  bool Permitted(const std::string& participant, const std::string& source,
                 const std::string& recipient, v1::DataCategory c,
                 v1::Purpose purpose, const CivilDate& today) const {
    if (c == v1::DATA_CATEGORY_UNSPECIFIED) return false;
    bool permit = false;
    for (const Entry& e : entries) {
      if (e.participant != participant || !Active(e, today)) continue;
      if (Says(e, v1::DENY, source, recipient, c, purpose)) return false;
      if (Says(e, v1::PERMIT, source, recipient, c, purpose)) permit = true;
    }
    return permit;
  }

  Categories PermittedSet(const std::string& participant,
                          const std::string& source,
                          const std::string& recipient, v1::Purpose purpose,
                          const CivilDate& today) const {
    Categories out;
    for (int c = 0; c <= v1::DataCategory_MAX; ++c) {
      auto cat = static_cast<v1::DataCategory>(c);
      if (Permitted(participant, source, recipient, cat, purpose, today)) {
        out.insert(cat);
      }
    }
    return out;
  }

  std::vector<std::string> Cited(const std::string& participant,
                                 const std::string& source,
                                 const std::string& recipient,
                                 v1::Purpose purpose, const CivilDate& today,
                                 const Categories& permitted) const {
    std::vector<std::string> out;
    for (const Entry& e : entries) {
      if (e.participant != participant || !Active(e, today)) continue;
      for (v1::DataCategory c : permitted) {
        if (Says(e, v1::PERMIT, source, recipient, c, purpose)) {
          out.push_back(e.grant.consent_id());
          break;
        }
      }
    }
    return out;
  }

  bool HasActive(const std::string& participant, const CivilDate& today) const {
    for (const Entry& e : entries) {
      if (e.participant == participant && Active(e, today)) return true;
    }
    return false;
  }
};

std::vector<v1::DataCategory> DeclaredCategories(const FieldDescriptor* f) {
  std::vector<v1::DataCategory> out;
  for (int k = 0; k < f->options().ExtensionSize(v1::category); ++k) {
    out.push_back(f->options().GetExtension(v1::category, k));
  }
  return out;
}

bool IsSet(const Message& m, const FieldDescriptor* f) {
  const Reflection* r = m.GetReflection();
  return f->is_repeated() ? r->FieldSize(m, f) > 0 : r->HasField(m, f);
}

// ---------------------------------------------------------------- generators

v1::Provision RandomProvision(Rng& rng) {
  v1::Provision p;
  const bool deny = Chance(rng, 0.25);
  p.set_type(deny ? v1::DENY : v1::PERMIT);
  if (Chance(rng, 0.5)) {
    for (const auto& o : Subset(rng, kOrganisations)) {
      p.add_source_organisations(o);
    }
  }
  if (Chance(rng, 0.5)) {
    for (const auto& o : Subset(rng, kOrganisations)) {
      p.add_recipient_organisations(o);
    }
  }
  // A deny of everything would silence most runs; denies are usually narrow.
  if (Chance(rng, deny ? 0.95 : 0.7)) {
    std::vector<v1::DataCategory> all;
    for (int c = 1; c <= v1::DataCategory_MAX; ++c) {
      all.push_back(static_cast<v1::DataCategory>(c));
    }
    for (auto c : Subset(rng, all)) p.add_categories(c);
    if (Chance(rng, 0.05)) p.add_categories(v1::DATA_CATEGORY_UNSPECIFIED);
  }
  if (Chance(rng, 0.5)) {
    for (auto u : Subset(rng, kPurposes)) p.add_purposes(u);
  }
  return p;
}

void RandomValidity(Rng& rng, int64_t today, v1::Period* period) {
  int64_t base = today - 10;
  if (Chance(rng, 0.6)) {
    base = today + Uniform(rng, -20, 10);
    *period->mutable_start() = ToDate(CivilFromDays(base));
  }
  if (Chance(rng, 0.6)) {
    *period->mutable_end() = ToDate(CivilFromDays(base + Uniform(rng, 0, 40)));
  }
}

// Random values, sometimes a type's default so that "set to the default"
// (which proto3 cannot tell from unset) is exercised too.
void FillRandomly(Message* m, Rng& rng, int depth) {
  const auto* d = m->GetDescriptor();
  const Reflection* r = m->GetReflection();
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    if (!Chance(rng, 0.7)) continue;
    const int n = f->is_repeated() ? Uniform(rng, 1, 2) : 1;
    for (int k = 0; k < n; ++k) {
      const bool zero = Chance(rng, 0.1);
      const int v = zero ? 0 : Uniform(rng, 1, 3000);
      const bool rep = f->is_repeated();
      switch (f->cpp_type()) {
        case FieldDescriptor::CPPTYPE_STRING: {
          std::string s = zero ? "" : "v" + std::to_string(v);
          rep ? r->AddString(m, f, s) : r->SetString(m, f, s);
          break;
        }
        case FieldDescriptor::CPPTYPE_INT32:
          rep ? r->AddInt32(m, f, v) : r->SetInt32(m, f, v);
          break;
        case FieldDescriptor::CPPTYPE_INT64:
          rep ? r->AddInt64(m, f, v) : r->SetInt64(m, f, v);
          break;
        case FieldDescriptor::CPPTYPE_UINT32:
          rep ? r->AddUInt32(m, f, v) : r->SetUInt32(m, f, v);
          break;
        case FieldDescriptor::CPPTYPE_UINT64:
          rep ? r->AddUInt64(m, f, v) : r->SetUInt64(m, f, v);
          break;
        case FieldDescriptor::CPPTYPE_BOOL:
          rep ? r->AddBool(m, f, !zero) : r->SetBool(m, f, !zero);
          break;
        case FieldDescriptor::CPPTYPE_ENUM: {
          const auto* e = f->enum_type();
          const auto* value = e->value(Uniform(rng, 0, e->value_count() - 1));
          rep ? r->AddEnum(m, f, value) : r->SetEnum(m, f, value);
          break;
        }
        case FieldDescriptor::CPPTYPE_MESSAGE:
          if (depth < 3) {
            FillRandomly(rep ? r->AddMessage(m, f) : r->MutableMessage(m, f),
                         rng, depth + 1);
          }
          break;
        default:
          ADD_FAILURE() << "no generator for " << f->full_name();
      }
    }
  }
}

std::vector<const FieldDescriptor*> EventPayloads() {
  std::vector<const FieldDescriptor*> out;
  const auto* oneof = v1::Envelope::descriptor()->FindOneofByName("payload");
  for (int i = 0; i < oneof->field_count(); ++i) {
    const FieldDescriptor* f = oneof->field(i);
    if (f->message_type() == v1::ConsentGranted::descriptor() ||
        f->message_type() == v1::ConsentWithdrawn::descriptor()) {
      continue;  // consent events are generated as consents, not as noise
    }
    out.push_back(f);
  }
  return out;
}

// ---------------------------------------------------------------- the test

struct Stats {
  int grants = 0, withdrawals = 0, rejected = 0, events = 0;
  int full = 0, partial = 0, withheld = 0;
};

class ConsentPropertyTest : public ::testing::Test {
 protected:
  // Checks one (event, recipient); returns false on the first mismatch so
  // the run stops there instead of burying it under its consequences.
  bool CheckDelivery(const v1::Envelope& in, const std::string& recipient,
                     v1::Purpose purpose, const CivilDate& today, Stats& stats);

  ConsentBook book_;
  Oracle oracle_;
};

bool ConsentPropertyTest::CheckDelivery(const v1::Envelope& in,
                                        const std::string& recipient,
                                        v1::Purpose purpose,
                                        const CivilDate& today, Stats& stats) {
  const std::string& participant = in.participant_id();
  const std::string& source = in.source_organisation();
  SCOPED_TRACE(source + " -> " + recipient + " about " + participant + " for " +
               v1::Purpose_Name(purpose) + " on " + FormatCivilDate(today));

  const Permission permission =
      book_.Permitted(participant, source, recipient, purpose, today);
  const Categories expected_categories =
      oracle_.PermittedSet(participant, source, recipient, purpose, today);
  EXPECT_EQ(CategoryNames(permission.categories),
            CategoryNames(expected_categories));
  EXPECT_EQ(permission.consent_ids,
            oracle_.Cited(participant, source, recipient, purpose, today,
                          expected_categories));

  v1::Envelope out;
  const RedactionResult result = Redact(in, permission.categories, &out);

  // Build the oracle's view of what this recipient should get.
  const auto* oneof = v1::Envelope::descriptor()->FindOneofByName("payload");
  const FieldDescriptor* payload =
      in.GetReflection()->GetOneofFieldDescriptor(in, oneof);
  const Message& src = in.GetReflection()->GetMessage(in, payload);
  std::unique_ptr<Message> expected(src.New());
  expected->CopyFrom(src);
  bool any = false;
  bool any_dropped = false;
  Categories disclosed, withheld;
  const auto* type = src.GetDescriptor();
  for (int i = 0; i < type->field_count(); ++i) {
    const FieldDescriptor* f = type->field(i);
    if (!IsSet(src, f)) continue;
    const auto declared = DeclaredCategories(f);
    bool allowed = !declared.empty();
    for (v1::DataCategory c : declared) {
      allowed = allowed && oracle_.Permitted(participant, source, recipient, c,
                                             purpose, today);
    }
    (allowed ? any : any_dropped) = true;
    (allowed ? disclosed : withheld).insert(declared.begin(), declared.end());
    if (!allowed) expected->GetReflection()->ClearField(expected.get(), f);

    // Safety, stated on its own: a field the oracle does not allow must not
    // reach the recipient, whatever else is wrong.
    const Message& got = out.GetReflection()->GetMessage(out, payload);
    if (!allowed) {
      EXPECT_FALSE(IsSet(got, f))
          << "disclosed " << f->full_name() << " without permission";
    }
  }

  // Withdrawal: what only a withdrawn consent would permit is not disclosed.
  for (const Oracle::Entry& e : oracle_.entries) {
    if (e.participant != participant || !e.withdrawn) continue;
    for (v1::DataCategory c : result.disclosed) {
      if (!Oracle::Says(e, v1::PERMIT, source, recipient, c, purpose)) {
        continue;
      }
      bool someone_else = false;
      for (const Oracle::Entry& other : oracle_.entries) {
        someone_else |=
            &other != &e && other.participant == participant &&
            Oracle::Active(other, today) &&
            Oracle::Says(other, v1::PERMIT, source, recipient, c, purpose);
      }
      EXPECT_TRUE(someone_else)
          << v1::DataCategory_Name(c) << " disclosed on the strength of "
          << "withdrawn consent " << e.grant.consent_id() << " alone";
    }
    EXPECT_EQ(std::count(permission.consent_ids.begin(),
                         permission.consent_ids.end(), e.grant.consent_id()),
              0)
        << "withdrawn consent " << e.grant.consent_id() << " cited";
  }

  EXPECT_EQ(result.any_payload_field, any);
  EXPECT_EQ(CategoryNames(result.disclosed), CategoryNames(disclosed));
  EXPECT_EQ(CategoryNames(result.withheld), CategoryNames(withheld));
  EXPECT_EQ(out.payload_case(), in.payload_case());
  EXPECT_TRUE(MessageDifferencer::Equals(
      out.GetReflection()->GetMessage(out, payload), *expected))
      << "expected " << expected->ShortDebugString() << "\ngot "
      << out.GetReflection()->GetMessage(out, payload).ShortDebugString();
  EXPECT_EQ(out.event_id(), in.event_id());
  EXPECT_EQ(out.participant_id(), in.participant_id());
  EXPECT_EQ(out.source_organisation(), in.source_organisation());

  if (!any) {
    ++stats.withheld;
  } else if (any_dropped) {
    ++stats.partial;
  } else {
    ++stats.full;
  }
  return !HasFailure();
}

TEST_F(ConsentPropertyTest, EngineAgreesWithOracle) {
  const uint64_t seed = EnvOr("SAMVERKAN_CONSENT_SEED", kDefaultSeed);
  const int steps =
      static_cast<int>(EnvOr("SAMVERKAN_CONSENT_STEPS", kDefaultSteps));
  SCOPED_TRACE("seed " + std::to_string(seed) +
               " (rerun with SAMVERKAN_CONSENT_SEED=" + std::to_string(seed) +
               ")");
  Rng rng(seed);
  const auto payloads = EventPayloads();
  std::vector<std::string> participants;
  for (int i = 0; i < kParticipants; ++i) {
    participants.push_back("p-" + std::to_string(i));
  }

  int64_t day = DaysFromCivil({2026, 1, 1});
  uint64_t sequence = 0;
  std::map<std::string, int> granted;
  Stats stats;

  for (int step = 0; step < steps; ++step) {
    SCOPED_TRACE("step " + std::to_string(step));
    if (Chance(rng, 0.3)) day += Uniform(rng, 0, 2);
    const CivilDate today = CivilFromDays(day);
    const std::string& participant = Pick(rng, participants);
    const int action = Uniform(rng, 0, 99);

    v1::Envelope e;
    e.set_event_id("e-" + std::to_string(step));
    e.set_participant_id(participant);
    e.set_source_organisation(Pick(rng, kOrganisations));
    e.set_schema_version(1);

    bool accepted = false;
    // Ids are numbered per participant, so the same id string recurs across
    // participants and must not leak between them.
    int& granted_here = granted[participant];
    if (action < 25) {
      // A grant; now and then one that reuses an id of this participant.
      const bool reuse = granted_here > 0 && Chance(rng, 0.1);
      std::string id =
          "c-" + std::to_string(reuse ? Uniform(rng, 0, granted_here - 1)
                                      : granted_here);
      auto* g = e.mutable_consent_granted();
      g->set_consent_id(id);
      g->set_recorded_by("staff-" + std::to_string(Uniform(rng, 1, 9)));
      g->set_legal_basis(Chance(rng, 0.5) ? v1::SIP_CONSENT
                                          : v1::OSL_12_2_WAIVER);
      RandomValidity(rng, day, g->mutable_validity());
      const int n = Uniform(rng, 1, 3);
      for (int i = 0; i < n; ++i) *g->add_provisions() = RandomProvision(rng);
      const bool ok = oracle_.Find(participant, id) == nullptr;
      const StatusCode want =
          ok ? StatusCode::kOk : StatusCode::kFailedPrecondition;
      ASSERT_EQ(book_.CheckApplicable(e).code(), want);
      ASSERT_EQ(book_.Apply(e, sequence + 1).code(), want);
      if (ok) {
        ++sequence;
        ++stats.grants;
        ++granted_here;
        accepted = true;
        oracle_.entries.push_back({participant, *g, false});
      } else {
        ++stats.rejected;
      }
    } else if (action < 35) {
      // A withdrawal of one of this participant's ids, known or not.
      std::string id = "c-" + std::to_string(Uniform(rng, 0, granted_here));
      e.mutable_consent_withdrawn()->set_consent_id(id);
      Oracle::Entry* entry = oracle_.Find(participant, id);
      const bool ok = entry != nullptr && !entry->withdrawn;
      const StatusCode want =
          ok ? StatusCode::kOk : StatusCode::kFailedPrecondition;
      ASSERT_EQ(book_.CheckApplicable(e).code(), want);
      ASSERT_EQ(book_.Apply(e, sequence + 1).code(), want);
      if (ok) {
        ++sequence;
        ++stats.withdrawals;
        accepted = true;
        entry->withdrawn = true;
      } else {
        ++stats.rejected;
      }
    } else {
      const FieldDescriptor* payload = Pick(rng, payloads);
      FillRandomly(e.GetReflection()->MutableMessage(&e, payload), rng, 0);
      ASSERT_TRUE(book_.Apply(e, ++sequence).ok());  // ignored by the book
      ++stats.events;
      accepted = true;
    }

    ASSERT_EQ(book_.HasActiveConsent(participant, today),
              oracle_.HasActive(participant, today));
    // Every accepted event, consent events included, goes to every
    // organisation; a rejected one never reaches the log.
    if (!accepted) continue;
    const v1::Purpose purpose =
        Chance(rng, 0.02) ? v1::PURPOSE_UNSPECIFIED : Pick(rng, kPurposes);
    for (const std::string& recipient : kOrganisations) {
      ASSERT_TRUE(CheckDelivery(e, recipient, purpose, today, stats));
    }
  }

  // The book's listing agrees with the oracle's raw list at the end.
  const CivilDate today = CivilFromDays(day);
  size_t total = 0;
  for (const std::string& participant : participants) {
    std::vector<ConsentView> views = book_.Consents(participant, today);
    std::vector<const Oracle::Entry*> mine;
    for (const auto& e : oracle_.entries) {
      if (e.participant == participant) mine.push_back(&e);
    }
    ASSERT_EQ(views.size(), mine.size()) << participant;
    for (size_t i = 0; i < views.size(); ++i) {
      EXPECT_EQ(views[i].consent_id, mine[i]->grant.consent_id());
      EXPECT_EQ(views[i].status == ConsentStatus::kWithdrawn,
                mine[i]->withdrawn);
      EXPECT_EQ(views[i].status == ConsentStatus::kActive,
                Oracle::Active(*mine[i], today));
    }
    total += views.size();
  }
  EXPECT_EQ(book_.size(), total);

  std::printf(
      "seed %llu, %d steps: %d grants, %d withdrawals, %d rejected, %d "
      "events; deliveries: %d whole, %d redacted, %d withheld\n",
      static_cast<unsigned long long>(seed), steps, stats.grants,
      stats.withdrawals, stats.rejected, stats.events, stats.full,
      stats.partial, stats.withheld);
  // The run must have exercised every outcome, or it proves little.
  const int floor = steps / 100;
  EXPECT_GT(stats.withdrawals, floor);
  EXPECT_GT(stats.rejected, floor);
  EXPECT_GT(stats.full, floor);
  EXPECT_GT(stats.partial, floor);
  EXPECT_GT(stats.withheld, floor);
}

}  // namespace
}  // namespace samverkan::gateway
