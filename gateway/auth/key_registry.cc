// KeyRegistry: parsing and validating the registry TOML (see key_registry.h).
#include "gateway/auth/key_registry.h"

#include <toml++/toml.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "common/transport/curve_keys.h"

namespace samverkan::gateway {
namespace {

constexpr std::string_view kNoKind = "NONE";
const std::set<std::string, std::less<>> kFields = {
    "public_key", "organisation", "kind", "roles", "name"};

// Every party kind the schema knows, in schema order, plus NONE: the list an
// error message offers, so it follows the proto without an edit here.
std::string KindChoices() {
  std::string out;
  const auto* d = v1::PartyKind_descriptor();
  for (int i = 0; i < d->value_count(); ++i) {
    if (d->value(i)->number() == v1::PARTY_KIND_UNSPECIFIED) continue;
    out += d->value(i)->name() + ", ";
  }
  return out + std::string(kNoKind);
}

std::string RoleChoices() {
  std::string out;
  const auto* d = v1::Role_descriptor();
  for (int i = 0; i < d->value_count(); ++i) {
    if (d->value(i)->number() == v1::ROLE_UNSPECIFIED) continue;
    if (!out.empty()) out += ", ";
    out += d->value(i)->name();
  }
  return out;
}

// Organisation ids travel in envelopes and logs; a narrow alphabet keeps them
// unambiguous (no look-alike whitespace or case games beyond ASCII).
bool IsOrganisationId(std::string_view id) {
  return !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
  });
}

// A TOML basic string: quotes, backslashes and control characters escaped,
// UTF-8 kept as it is.
std::string TomlString(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (u < 0x20 || u == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04X", u);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

class EntryError {
 public:
  EntryError(std::string_view source, size_t index, size_t line)
      : prefix_(std::string(source) + ": [[party]] #" +
                std::to_string(index + 1) + " (line " + std::to_string(line) +
                "): ") {}
  Status operator()(const std::string& what) const {
    return InvalidArgumentError(prefix_ + what);
  }

 private:
  std::string prefix_;
};

StatusOr<Party> ParseEntry(const toml::table& entry, const EntryError& error) {
  for (const auto& [key, node] : entry) {
    if (!kFields.count(key.str())) {
      return error("unknown field \"" + std::string(key.str()) +
                   "\"; expected public_key, organisation, kind, roles, name");
    }
  }
  auto required = [&](std::string_view field) -> StatusOr<std::string> {
    const toml::node* node = entry.get(field);
    if (node == nullptr) {
      return error("missing field \"" + std::string(field) + "\"");
    }
    if (!node->is_string()) {
      return error("\"" + std::string(field) + "\" must be a string");
    }
    return node->value<std::string>().value();
  };

  Party party;
  auto key = required("public_key");
  if (!key.ok()) return key.status();
  Status valid = transport::ValidateZ85Key(*key, "public_key");
  if (!valid.ok()) return error(valid.message());
  party.public_key = std::move(*key);

  auto organisation = required("organisation");
  if (!organisation.ok()) return organisation.status();
  if (!IsOrganisationId(*organisation)) {
    return error("organisation \"" + *organisation +
                 "\" must be a non-empty id of letters, digits, '-', '_', "
                 "'.'");
  }
  party.organisation = std::move(*organisation);

  auto kind_text = required("kind");
  if (!kind_text.ok()) return kind_text.status();
  auto kind = ParsePartyKind(*kind_text);
  if (!kind.ok()) return error(kind.status().message());
  party.kind = *kind;

  const toml::node* roles = entry.get("roles");
  if (roles == nullptr) return error("missing field \"roles\"");
  const toml::array* role_array = roles->as_array();
  if (role_array == nullptr || role_array->empty()) {
    return error("\"roles\" must be a non-empty array of strings (" +
                 RoleChoices() + ")");
  }
  for (const toml::node& r : *role_array) {
    std::optional<std::string> text = r.value<std::string>();
    if (!r.is_string() || !text) {
      return error("\"roles\" must hold only strings");
    }
    auto role = ParseRole(*text);
    if (!role.ok()) return error(role.status().message());
    if (party.HasRole(*role)) return error("role " + *text + " listed twice");
    party.roles.push_back(*role);
  }
  if (party.kind == v1::PARTY_KIND_UNSPECIFIED) {
    for (v1::Role role : party.roles) {
      if (role != v1::OPERATOR) {
        // Publishing and coordinating are what a party kind does; a key
        // without one could only ever be an operator.
        return error("kind NONE allows only the OPERATOR role, not " +
                     RoleName(role));
      }
    }
  }

  if (const toml::node* name = entry.get("name")) {
    std::optional<std::string> text = name->value<std::string>();
    if (!name->is_string() || !text || text->empty()) {
      return error("\"name\" must be a non-empty string when given");
    }
    party.name = std::move(*text);
  } else {
    party.name = party.organisation;
  }
  return party;
}

}  // namespace

bool Party::HasRole(v1::Role role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

StatusOr<v1::PartyKind> ParsePartyKind(std::string_view text) {
  if (text == kNoKind) return v1::PARTY_KIND_UNSPECIFIED;
  v1::PartyKind kind;
  if (!v1::PartyKind_Parse(std::string(text), &kind) ||
      kind == v1::PARTY_KIND_UNSPECIFIED) {
    return InvalidArgumentError("unknown kind \"" + std::string(text) +
                                "\"; expected one of " + KindChoices());
  }
  return kind;
}

StatusOr<v1::Role> ParseRole(std::string_view text) {
  v1::Role role;
  if (!v1::Role_Parse(std::string(text), &role) ||
      role == v1::ROLE_UNSPECIFIED) {
    return InvalidArgumentError("unknown role \"" + std::string(text) +
                                "\"; expected one of " + RoleChoices());
  }
  return role;
}

std::string PartyKindName(v1::PartyKind kind) {
  if (kind == v1::PARTY_KIND_UNSPECIFIED) return std::string(kNoKind);
  return v1::PartyKind_Name(kind);
}

std::string RoleName(v1::Role role) { return v1::Role_Name(role); }

std::string FormatPartyEntry(const Party& party) {
  std::string roles;
  for (v1::Role role : party.roles) {
    if (!roles.empty()) roles += ", ";
    roles += TomlString(RoleName(role));
  }
  std::string out = "[[party]]\n";
  if (!party.name.empty()) out += "name = " + TomlString(party.name) + "\n";
  out += "organisation = " + TomlString(party.organisation) + "\n";
  out += "kind = " + TomlString(PartyKindName(party.kind)) + "\n";
  out += "roles = [" + roles + "]\n";
  out += "public_key = " + TomlString(party.public_key) + "\n";
  return out;
}

StatusOr<KeyRegistry> KeyRegistry::LoadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError("cannot read registry file " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return FromToml(text.str(), path);
}

StatusOr<KeyRegistry> KeyRegistry::FromToml(std::string_view toml_text,
                                            std::string_view source) {
  toml::table root;
  try {
    root = toml::parse(toml_text, source);
  } catch (const toml::parse_error& e) {
    return InvalidArgumentError(std::string(source) +
                                ": not valid TOML (line " +
                                std::to_string(e.source().begin.line) +
                                "): " + std::string(e.description()));
  }
  for (const auto& [key, node] : root) {
    if (key.str() != "party") {
      return InvalidArgumentError(std::string(source) + " (line " +
                                  std::to_string(key.source().begin.line) +
                                  "): unknown top-level "
                                  "key \"" +
                                  std::string(key.str()) +
                                  "\"; expected [[party]] tables");
    }
  }
  KeyRegistry registry;
  const toml::node* parties = root.get("party");
  if (parties == nullptr) return registry;
  const toml::array* array = parties->as_array();
  if (array == nullptr || !array->is_array_of_tables()) {
    return InvalidArgumentError(
        std::string(source) + " (line " +
        std::to_string(parties->source().begin.line) +
        "): \"party\" must be an array of tables, written [[party]]");
  }
  for (size_t i = 0; i < array->size(); ++i) {
    const toml::table& entry = *array->get(i)->as_table();
    EntryError error(source, i, entry.source().begin.line);
    auto party = ParseEntry(entry, error);
    if (!party.ok()) return party.status();
    auto [it, inserted] =
        registry.by_key_.emplace(party->public_key, registry.parties_.size());
    if (!inserted) {
      return error("public_key already belongs to [[party]] #" +
                   std::to_string(it->second + 1) + " (" +
                   registry.parties_[it->second].organisation + ")");
    }
    registry.parties_.push_back(std::move(*party));
  }
  return registry;
}

const Party* KeyRegistry::FindByKey(std::string_view public_key_z85) const {
  auto it = by_key_.find(public_key_z85);
  return it == by_key_.end() ? nullptr : &parties_[it->second];
}

}  // namespace samverkan::gateway
