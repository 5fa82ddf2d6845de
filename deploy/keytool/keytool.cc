// samverkan-keytool's logic (see keytool.h).
#include "deploy/keytool/keytool.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/transport/curve_keys.h"
#include "gateway/auth/key_registry.h"

namespace samverkan::deploy {
namespace {

namespace fs = std::filesystem;

bool IsFileName(const std::string& name) {
  return !name.empty() && name[0] != '.' &&
         std::all_of(name.begin(), name.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                  (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
         });
}

}  // namespace

StatusOr<GeneratedKeyFiles> GenerateKeyFiles(const std::string& out_dir,
                                             const std::string& name,
                                             bool overwrite) {
  if (!IsFileName(name)) {
    return InvalidArgumentError("name \"" + name +
                                "\" must be letters, digits, '-', '_' or '.' "
                                "and not start with '.'");
  }
  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (ec) {
    return UnavailableError("cannot create " + out_dir + ": " + ec.message());
  }
  GeneratedKeyFiles files;
  files.key_path = (fs::path(out_dir) / (name + ".key")).string();
  files.pub_path = (fs::path(out_dir) / (name + ".pub")).string();
  if (!overwrite) {
    for (const std::string& path : {files.key_path, files.pub_path}) {
      if (fs::exists(path, ec)) {
        return Status(StatusCode::kAlreadyExists,
                      path + " already exists; pass --force to replace it");
      }
    }
  }
  auto keypair = transport::GenerateCurveKeypair();
  if (!keypair.ok()) return keypair.status();
  Status st = transport::SaveKeypairFile(files.key_path, *keypair,
                                         "samverkan-keytool: " + name);
  if (!st.ok()) return st;
  st = transport::SavePublicKeyFile(files.pub_path, keypair->public_key,
                                    "samverkan-keytool: " + name);
  if (!st.ok()) return st;
  files.public_key = keypair->public_key;
  return files;
}

StatusOr<std::string> MakeRegistryEntry(const RegistryEntryRequest& request) {
  auto public_key = transport::LoadPublicKeyFile(request.pub_file);
  if (!public_key.ok()) return public_key.status();
  gateway::Party party;
  party.public_key = *public_key;
  party.organisation = request.organisation;
  party.name = request.name;
  auto kind = gateway::ParsePartyKind(request.kind);
  if (!kind.ok()) return kind.status();
  party.kind = *kind;
  for (const std::string& text : request.roles) {
    auto role = gateway::ParseRole(text);
    if (!role.ok()) return role.status();
    party.roles.push_back(*role);
  }
  std::string entry = gateway::FormatPartyEntry(party);
  // The gateway's own parser has the last word, so the two cannot drift.
  auto check = gateway::KeyRegistry::FromToml(entry, "new entry");
  if (!check.ok()) return check.status();
  return entry;
}

Status AppendRegistryEntry(const std::string& registry_path,
                           const std::string& entry) {
  std::string existing;
  if (std::ifstream in(registry_path, std::ios::binary); in) {
    std::ostringstream text;
    text << in.rdbuf();
    existing = text.str();
  }
  std::string separator;
  if (!existing.empty()) separator = existing.back() == '\n' ? "\n" : "\n\n";
  auto check = gateway::KeyRegistry::FromToml(existing + separator + entry,
                                              registry_path);
  if (!check.ok()) return check.status();

  std::string addition = separator + entry;
  int fd = ::open(registry_path.c_str(),
                  O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    return UnavailableError("cannot open " + registry_path + ": " +
                            std::strerror(errno));
  }
  // One write: O_APPEND keeps a concurrent appender from interleaving.
  ssize_t n = ::write(fd, addition.data(), addition.size());
  int err = errno;
  ::close(fd);
  if (n != static_cast<ssize_t>(addition.size())) {
    return UnavailableError("cannot append to " + registry_path + ": " +
                            std::strerror(n < 0 ? err : EIO));
  }
  return OkStatus();
}

}  // namespace samverkan::deploy
