// The gateway's registry of who is who: each CURVE public key maps to one
// party (organisation, kind, roles). Identity comes from the key a connection
// authenticated with, never from a message (DESIGN §4). Loaded once at start,
// then shared read-only, so any thread may look up without locking.
#ifndef SAMVERKAN_GATEWAY_AUTH_KEY_REGISTRY_H_
#define SAMVERKAN_GATEWAY_AUTH_KEY_REGISTRY_H_

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "samverkan/v1/options.pb.h"

namespace samverkan::gateway {

struct Party {
  std::string public_key;  // Z85, 40 chars
  std::string organisation;
  std::string name;  // for people and logs; the organisation if not given
  // PARTY_KIND_UNSPECIFIED ("NONE") only for operator-only keys.
  v1::PartyKind kind = v1::PARTY_KIND_UNSPECIFIED;
  std::vector<v1::Role> roles;

  bool HasRole(v1::Role role) const;
};

// The spelling in registry files: the proto enum names, and "NONE" for a key
// that belongs to no party kind. Shared with samverkan-keytool so the tool
// can never write what the gateway will not read.
StatusOr<v1::PartyKind> ParsePartyKind(std::string_view text);
StatusOr<v1::Role> ParseRole(std::string_view text);
std::string PartyKindName(v1::PartyKind kind);
std::string RoleName(v1::Role role);

// One `[[party]]` table in registry syntax, ending in a newline.
std::string FormatPartyEntry(const Party& party);

class KeyRegistry {
 public:
  // Parses a registry file:
  //   [[party]]
  //   name = "Örebro kommun, socialpsykiatri"   # optional
  //   organisation = "kommun-orebro"
  //   kind = "MUNICIPALITY"
  //   roles = ["PUBLISHER", "COORDINATOR"]
  //   public_key = "<Z85>"
  // Every mistake (unknown or missing field, unknown kind or role, bad or
  // duplicate key, a kind-less key with a non-operator role) is an
  // InvalidArgument naming the entry and its line; a missing file NotFound.
  static StatusOr<KeyRegistry> LoadFile(const std::string& path);
  // `source` names the text in error messages.
  static StatusOr<KeyRegistry> FromToml(std::string_view toml_text,
                                        std::string_view source = "registry");

  // The party that owns `public_key_z85`, or nullptr. The pointer stays valid
  // for the registry's lifetime (moving the registry keeps it valid too).
  const Party* FindByKey(std::string_view public_key_z85) const;

  const std::vector<Party>& parties() const { return parties_; }
  size_t size() const { return parties_.size(); }

 private:
  std::vector<Party> parties_;
  std::map<std::string, size_t, std::less<>> by_key_;
};

}  // namespace samverkan::gateway

#endif  // SAMVERKAN_GATEWAY_AUTH_KEY_REGISTRY_H_
