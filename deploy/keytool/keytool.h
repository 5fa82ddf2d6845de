// What samverkan-keytool does, as functions (main.cc only parses arguments):
// make a process's keypair files, and turn a .pub file into a registry entry
// that the gateway's KeyRegistry is guaranteed to accept.
#ifndef SAMVERKAN_DEPLOY_KEYTOOL_KEYTOOL_H_
#define SAMVERKAN_DEPLOY_KEYTOOL_KEYTOOL_H_

#include <string>
#include <vector>

#include "common/status.h"

namespace samverkan::deploy {

struct GeneratedKeyFiles {
  std::string key_path;  // DIR/NAME.key, mode 0600, public + secret
  std::string pub_path;  // DIR/NAME.pub, mode 0644, public only
  std::string public_key;
};

// Creates `out_dir` if needed and writes a fresh keypair. An existing
// NAME.key or NAME.pub is AlreadyExists unless `overwrite`: replacing a
// secret by accident would lock that party out.
StatusOr<GeneratedKeyFiles> GenerateKeyFiles(const std::string& out_dir,
                                             const std::string& name,
                                             bool overwrite);

struct RegistryEntryRequest {
  std::string pub_file;
  std::string organisation;
  std::string kind;  // MUNICIPALITY, ..., or NONE
  std::vector<std::string> roles;
  std::string name;  // optional
};

// A `[[party]]` entry, already parsed back through KeyRegistry.
StatusOr<std::string> MakeRegistryEntry(const RegistryEntryRequest& request);

// Appends `entry` to the registry file (created if missing), but only if the
// whole file still loads afterwards (e.g. the key is not there already).
Status AppendRegistryEntry(const std::string& registry_path,
                           const std::string& entry);

}  // namespace samverkan::deploy

#endif  // SAMVERKAN_DEPLOY_KEYTOOL_KEYTOOL_H_
