// Writes keys, registry and config the way an operator would (keypair files
// with mode 0600, registry entries in the gateway's own syntax).
#include "bench/workspace.h"

#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "gateway/auth/key_registry.h"

namespace samverkan::bench {
namespace {

std::string TomlQuoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

Status WriteText(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
  out.close();
  if (!out) return UnavailableError("cannot write " + path);
  return OkStatus();
}

}  // namespace

Workspace::~Workspace() {
  if (root_.empty() || keep_) return;
  std::error_code ec;
  std::filesystem::remove_all(root_, ec);
}

Workspace::Workspace(Workspace&& other) noexcept
    : root_(std::move(other.root_)),
      config_file_(std::move(other.config_file_)),
      publishers_(std::move(other.publishers_)),
      operator_(std::move(other.operator_)),
      gateway_(std::move(other.gateway_)),
      keep_(other.keep_) {
  other.root_.clear();
}

StatusOr<Workspace> Workspace::Create(const std::string& parent,
                                      size_t publishers,
                                      const std::string& extra_config) {
  std::error_code ec;
  const std::filesystem::path base =
      parent.empty() ? std::filesystem::temp_directory_path(ec)
                     : std::filesystem::path(parent);
  if (ec) return UnavailableError("no temp folder: " + ec.message());
  std::string pattern = (base / "samverkan-bench-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    return UnavailableError("cannot create a folder under " + base.string());
  }
  Workspace w;
  w.root_ = pattern;

  auto gateway_key = transport::GenerateCurveKeypair();
  if (!gateway_key.ok()) return gateway_key.status();
  const std::string gateway_key_file = w.root_ + "/gateway.key";
  if (Status s = transport::SaveKeypairFile(gateway_key_file, *gateway_key,
                                            "samverkan-bench gateway");
      !s.ok()) {
    return s;
  }
  w.gateway_ = *gateway_key;

  std::string registry;
  for (size_t i = 0; i < publishers; ++i) {
    auto keypair = transport::GenerateCurveKeypair();
    if (!keypair.ok()) return keypair.status();
    Publisher& p = w.publishers_.emplace_back();
    p.organisation = "region-bench-psykiatri-" + std::to_string(i + 1);
    p.keypair = std::move(*keypair);
    gateway::Party party;
    party.public_key = p.keypair.public_key;
    party.organisation = p.organisation;
    party.name = p.organisation;
    party.kind = v1::REGION_PSYCHIATRY;
    party.roles = {v1::PUBLISHER};
    registry += gateway::FormatPartyEntry(party) + "\n";
  }
  auto operator_key = transport::GenerateCurveKeypair();
  if (!operator_key.ok()) return operator_key.status();
  w.operator_ = std::move(*operator_key);
  gateway::Party op;
  op.public_key = w.operator_.public_key;
  op.organisation = "bench-operator";
  op.name = op.organisation;
  op.kind = v1::PARTY_KIND_UNSPECIFIED;
  op.roles = {v1::OPERATOR};
  registry += gateway::FormatPartyEntry(op);

  const std::string registry_file = w.root_ + "/registry.toml";
  if (Status s = WriteText(registry_file, registry); !s.ok()) return s;
  // Data folder and ready file are given per round on the command line.
  w.config_file_ = w.root_ + "/gateway.toml";
  if (Status s = WriteText(
          w.config_file_,
          "# samverkan-bench: a gateway with default limits on ephemeral "
          "ports.\n[gateway]\n"
          "ingress_endpoint = \"tcp://127.0.0.1:0\"\n"
          "query_endpoint = \"tcp://127.0.0.1:0\"\n"
          "server_key_file = " +
              TomlQuoted(gateway_key_file) +
              "\n"
              "registry_file = " +
              TomlQuoted(registry_file) +
              "\n"
              "rule_set_file = " +
              TomlQuoted(std::string(SAMVERKAN_RULES_DIR) +
                         "/rules-2026.1.toml") +
              "\n" + extra_config);
      !s.ok()) {
    return s;
  }
  return w;
}

StatusOr<std::string> Workspace::NewFolder(const std::string& name) const {
  const std::string path = root_ + "/" + name;
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
  if (!std::filesystem::create_directories(path, ec) || ec) {
    return UnavailableError("cannot create " + path);
  }
  return path;
}

void Workspace::RemoveFolder(const std::string& name) const {
  std::error_code ec;
  std::filesystem::remove_all(root_ + "/" + name, ec);
}

}  // namespace samverkan::bench
