// Tests for the key registry: one valid file, then one row per mistake an
// operator can make in it, each with the sentence that must point them to it.
#include "gateway/auth/key_registry.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/transport/curve_keys.h"

namespace samverkan::gateway {
namespace {

std::string NewKey() { return transport::GenerateCurveKeypair()->public_key; }

std::string Entry(const std::string& key, const std::string& body) {
  return "[[party]]\n" + body + "public_key = \"" + key + "\"\n";
}

TEST(KeyRegistryTest, LoadsAValidRegistry) {
  std::string kommun = NewKey(), region = NewKey(), ops = NewKey();
  std::string text = "# Parties of the Örebro pilot.\n" +
                     Entry(kommun,
                           "name = \"Örebro kommun, socialpsykiatri\"\n"
                           "organisation = \"kommun-orebro\"\n"
                           "kind = \"MUNICIPALITY\"\n"
                           "roles = [\"PUBLISHER\", \"COORDINATOR\"]\n") +
                     "\n" +
                     Entry(region,
                           "organisation = \"region-orebro\"\n"
                           "kind = \"REGION_PSYCHIATRY\"\n"
                           "roles = [\"PUBLISHER\"]\n") +
                     Entry(ops,
                           "organisation = \"drift\"\n"
                           "kind = \"NONE\"\n"
                           "roles = [\"OPERATOR\"]\n");
  auto registry = KeyRegistry::FromToml(text);
  ASSERT_TRUE(registry.ok()) << registry.status().ToString();
  EXPECT_EQ(registry->size(), 3u);

  const Party* p = registry->FindByKey(kommun);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->organisation, "kommun-orebro");
  EXPECT_EQ(p->name, "Örebro kommun, socialpsykiatri");
  EXPECT_EQ(p->kind, v1::MUNICIPALITY);
  EXPECT_TRUE(p->HasRole(v1::PUBLISHER));
  EXPECT_TRUE(p->HasRole(v1::COORDINATOR));
  EXPECT_FALSE(p->HasRole(v1::OPERATOR));

  const Party* r = registry->FindByKey(region);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->name, "region-orebro");  // defaults to the organisation
  EXPECT_EQ(r->kind, v1::REGION_PSYCHIATRY);

  const Party* o = registry->FindByKey(ops);
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->kind, v1::PARTY_KIND_UNSPECIFIED);
  EXPECT_TRUE(o->HasRole(v1::OPERATOR));

  EXPECT_EQ(registry->FindByKey(NewKey()), nullptr);
  EXPECT_EQ(registry->FindByKey(""), nullptr);

  // Lookups survive a move of the registry.
  KeyRegistry moved = std::move(*registry);
  EXPECT_EQ(moved.FindByKey(kommun)->organisation, "kommun-orebro");
}

TEST(KeyRegistryTest, EmptyRegistryHasNoParties) {
  auto registry = KeyRegistry::FromToml("# nobody yet\n");
  ASSERT_TRUE(registry.ok());
  EXPECT_EQ(registry->size(), 0u);
}

struct ErrorCase {
  std::string name;
  std::string text;
  std::string message_part;
};

TEST(KeyRegistryTest, EachMistakeIsNamedWithItsEntryAndLine) {
  const std::string k1 = NewKey(), k2 = NewKey();
  const std::string ok_body =
      "organisation = \"af\"\nkind = \"ARBETSFORMEDLINGEN\"\n"
      "roles = [\"PUBLISHER\"]\n";
  const std::string first = Entry(k1, ok_body);  // 5 lines
  const std::vector<ErrorCase> cases = {
      {"not_toml", "[[party]\n", "registry: not valid TOML (line 1)"},
      {"duplicate_key", first + Entry(k1, ok_body),
       "[[party]] #2 (line 6): public_key already belongs to [[party]] #1 "
       "(af)"},
      {"unknown_kind",
       first + Entry(k2,
                     "organisation = \"x\"\nkind = \"MUNICIPALTY\"\n"
                     "roles = [\"PUBLISHER\"]\n"),
       "#2 (line 6): unknown kind \"MUNICIPALTY\"; expected one of "
       "MUNICIPALITY, REGION_PSYCHIATRY, ARBETSFORMEDLINGEN, "
       "FORSAKRINGSKASSAN, NONE"},
      {"unspecified_kind_spelled_out",
       Entry(k1,
             "organisation = \"x\"\nkind = \"PARTY_KIND_UNSPECIFIED\"\n"
             "roles = [\"OPERATOR\"]\n"),
       "unknown kind \"PARTY_KIND_UNSPECIFIED\""},
      {"unknown_role",
       Entry(k1,
             "organisation = \"x\"\nkind = \"MUNICIPALITY\"\n"
             "roles = [\"PUBLISHER\", \"ADMIN\"]\n"),
       "#1 (line 1): unknown role \"ADMIN\"; expected one of PUBLISHER, "
       "COORDINATOR, OPERATOR"},
      {"duplicate_role",
       Entry(k1,
             "organisation = \"x\"\nkind = \"MUNICIPALITY\"\n"
             "roles = [\"PUBLISHER\", \"PUBLISHER\"]\n"),
       "role PUBLISHER listed twice"},
      {"empty_roles",
       Entry(k1,
             "organisation = \"x\"\nkind = \"MUNICIPALITY\"\n"
             "roles = []\n"),
       "\"roles\" must be a non-empty array"},
      {"role_not_string",
       Entry(k1,
             "organisation = \"x\"\nkind = \"MUNICIPALITY\"\n"
             "roles = [1]\n"),
       "\"roles\" must hold only strings"},
      {"none_kind_publisher",
       Entry(k1,
             "organisation = \"x\"\nkind = \"NONE\"\n"
             "roles = [\"OPERATOR\", \"PUBLISHER\"]\n"),
       "kind NONE allows only the OPERATOR role, not PUBLISHER"},
      {"bad_key", Entry("tooshort", ok_body),
       "#1 (line 1): public_key must be 40 characters of Z85, got 8"},
      {"non_z85_key", Entry(std::string(40, '_'), ok_body),
       "public_key is not valid Z85"},
      {"missing_public_key", "[[party]]\n" + ok_body,
       "#1 (line 1): missing field \"public_key\""},
      {"missing_organisation",
       Entry(k1, "kind = \"MUNICIPALITY\"\nroles = [\"PUBLISHER\"]\n"),
       "missing field \"organisation\""},
      {"missing_kind",
       Entry(k1, "organisation = \"x\"\nroles = [\"PUBLISHER\"]\n"),
       "missing field \"kind\""},
      {"missing_roles",
       Entry(k1, "organisation = \"x\"\nkind = \"MUNICIPALITY\"\n"),
       "missing field \"roles\""},
      {"bad_organisation",
       Entry(k1,
             "organisation = \"kommun orebro\"\nkind = \"MUNICIPALITY\"\n"
             "roles = [\"PUBLISHER\"]\n"),
       "organisation \"kommun orebro\" must be a non-empty id"},
      {"kind_not_string",
       Entry(k1, "organisation = \"x\"\nkind = 1\nroles = [\"PUBLISHER\"]\n"),
       "\"kind\" must be a string"},
      {"empty_name", Entry(k1, "name = \"\"\n" + ok_body),
       "\"name\" must be a non-empty string when given"},
      {"unknown_field", Entry(k1, ok_body + "role = \"OPERATOR\"\n"),
       "unknown field \"role\""},
      {"unknown_top_level", "parties = 1\n",
       "(line 1): unknown top-level key \"parties\""},
      {"party_not_array", "[party]\norganisation = \"x\"\n",
       "\"party\" must be an array of tables, written [[party]]"},
  };
  for (const ErrorCase& c : cases) {
    SCOPED_TRACE(c.name);
    auto registry = KeyRegistry::FromToml(c.text);
    ASSERT_FALSE(registry.ok());
    EXPECT_EQ(registry.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(registry.status().message().find(c.message_part),
              std::string::npos)
        << registry.status().message();
  }
}

TEST(KeyRegistryTest, MissingFileIsNotFound) {
  auto registry = KeyRegistry::LoadFile("/nonexistent/registry.toml");
  EXPECT_EQ(registry.status().code(), StatusCode::kNotFound);
}

TEST(KeyRegistryTest, FormattedEntryParsesBackToTheSameParty) {
  Party party;
  party.public_key = NewKey();
  party.organisation = "fk";
  party.name = "Försäkringskassan \"Örebro\"\\ \t office";
  party.kind = v1::FORSAKRINGSKASSAN;
  party.roles = {v1::PUBLISHER, v1::COORDINATOR};
  auto registry = KeyRegistry::FromToml(FormatPartyEntry(party));
  ASSERT_TRUE(registry.ok()) << registry.status().ToString();
  const Party* back = registry->FindByKey(party.public_key);
  ASSERT_NE(back, nullptr);
  EXPECT_EQ(back->organisation, party.organisation);
  EXPECT_EQ(back->name, party.name);
  EXPECT_EQ(back->kind, party.kind);
  EXPECT_EQ(back->roles, party.roles);
}

TEST(KeyRegistryTest, KindAndRoleNamesRoundTrip) {
  for (v1::PartyKind kind :
       {v1::PARTY_KIND_UNSPECIFIED, v1::MUNICIPALITY, v1::REGION_PSYCHIATRY,
        v1::ARBETSFORMEDLINGEN, v1::FORSAKRINGSKASSAN}) {
    EXPECT_EQ(*ParsePartyKind(PartyKindName(kind)), kind);
  }
  for (v1::Role role : {v1::PUBLISHER, v1::COORDINATOR, v1::OPERATOR}) {
    EXPECT_EQ(*ParseRole(RoleName(role)), role);
  }
  EXPECT_FALSE(ParseRole("ROLE_UNSPECIFIED").ok());
  EXPECT_FALSE(ParsePartyKind("municipality").ok());
}

}  // namespace
}  // namespace samverkan::gateway
