// CURVE key generation, validation and key files (see curve_keys.h).
#include "common/transport/curve_keys.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <toml++/toml.h>
#include <unistd.h>
#include <zmq.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

namespace samverkan::transport {
namespace {

std::string ErrnoText(int err) { return std::strerror(err); }

// Every line of `comment` as a TOML comment, so a multi-line comment cannot
// inject keys into the file.
std::string CommentLines(std::string_view comment) {
  std::string out;
  size_t start = 0;
  while (start < comment.size()) {
    size_t end = comment.find('\n', start);
    if (end == std::string_view::npos) end = comment.size();
    std::string_view line = comment.substr(start, end - start);
    out += "# ";
    for (char c : line) out += (c == '\r') ? ' ' : c;
    out += '\n';
    start = end + 1;
  }
  return out;
}

Status WriteFileWithMode(const std::string& path, const std::string& content,
                         mode_t mode) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) {
    return Status(errno == EACCES ? StatusCode::kPermissionDenied
                                  : StatusCode::kUnavailable,
                  "cannot write " + path + ": " + ErrnoText(errno));
  }
  // The file may have existed with a wider mode; open() only sets it on
  // creation. Narrow it before any secret is written.
  if (::fchmod(fd, mode) != 0) {
    int err = errno;
    ::close(fd);
    return UnavailableError("cannot chmod " + path + ": " + ErrnoText(err));
  }
  size_t written = 0;
  while (written < content.size()) {
    ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      return UnavailableError("cannot write " + path + ": " + ErrnoText(err));
    }
    written += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    int err = errno;
    ::close(fd);
    return UnavailableError("cannot sync " + path + ": " + ErrnoText(err));
  }
  if (::close(fd) != 0) {
    return UnavailableError("cannot close " + path + ": " + ErrnoText(errno));
  }
  return OkStatus();
}

// Parses a key file, checking that it holds exactly the keys in `allowed`.
StatusOr<toml::table> ParseKeyFile(const std::string& path,
                                   const std::set<std::string>& allowed) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0 && errno == ENOENT) {
      return NotFoundError("key file " + path + " does not exist");
    }
    return UnavailableError("cannot read key file " + path);
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  toml::table table;
  try {
    table = toml::parse(buf.str(), path);
  } catch (const toml::parse_error& e) {
    return InvalidArgumentError("key file " + path +
                                " is not valid TOML (line " +
                                std::to_string(e.source().begin.line) +
                                "): " + std::string(e.description()));
  }
  for (const auto& [key, node] : table) {
    if (!allowed.count(std::string(key.str()))) {
      return InvalidArgumentError("key file " + path + " line " +
                                  std::to_string(key.source().begin.line) +
                                  ": unexpected key \"" +
                                  std::string(key.str()) + "\"");
    }
    if (!node.is_string()) {
      return InvalidArgumentError("key file " + path + ": \"" +
                                  std::string(key.str()) +
                                  "\" must be a quoted string");
    }
  }
  return table;
}

StatusOr<std::string> RequiredKey(const toml::table& table,
                                  const std::string& path,
                                  std::string_view field) {
  std::optional<std::string> value = table[field].value<std::string>();
  if (!value) {
    return InvalidArgumentError("key file " + path + " has no \"" +
                                std::string(field) + "\" key");
  }
  Status st = ValidateZ85Key(*value, std::string(field) + " key in " + path);
  if (!st.ok()) return st;
  return *value;
}

}  // namespace

StatusOr<CurveKeypair> GenerateCurveKeypair() {
  char public_key[kZ85KeyLength + 1];
  char secret_key[kZ85KeyLength + 1];
  if (zmq_curve_keypair(public_key, secret_key) != 0) {
    return FailedPreconditionError(
        "libzmq cannot generate CURVE keys (built without CURVE support?)");
  }
  return CurveKeypair{std::string(public_key, kZ85KeyLength),
                      std::string(secret_key, kZ85KeyLength)};
}

StatusOr<std::array<uint8_t, kBinaryKeyLength>> DecodeZ85Key(
    std::string_view key, std::string_view what) {
  if (key.size() != kZ85KeyLength) {
    return InvalidArgumentError(
        std::string(what) + " must be " + std::to_string(kZ85KeyLength) +
        " characters of Z85, got " + std::to_string(key.size()));
  }
  std::string text(key);  // zmq_z85_decode needs a terminated string
  std::array<uint8_t, kBinaryKeyLength> binary;
  if (zmq_z85_decode(binary.data(), text.c_str()) == nullptr) {
    return InvalidArgumentError(std::string(what) +
                                " is not valid Z85 (a character outside the "
                                "Z85 alphabet or an out-of-range group)");
  }
  return binary;
}

Status ValidateZ85Key(std::string_view key, std::string_view what) {
  auto decoded = DecodeZ85Key(key, what);
  return decoded.ok() ? OkStatus() : decoded.status();
}

StatusOr<std::string> DerivePublicKey(std::string_view secret_key) {
  Status st = ValidateZ85Key(secret_key, "secret key");
  if (!st.ok()) return st;
  std::string secret(secret_key);
  char public_key[kZ85KeyLength + 1];
  if (zmq_curve_public(public_key, secret.c_str()) != 0) {
    return FailedPreconditionError(
        "libzmq cannot derive CURVE keys (built without CURVE support?)");
  }
  return std::string(public_key, kZ85KeyLength);
}

StatusOr<CurveKeypair> LoadKeypairFile(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o",
                  static_cast<unsigned>(st.st_mode & 07777));
    return FailedPreconditionError(
        "key file " + path +
        " holds a secret key but is readable by group "
        "or others (mode " +
        mode + "); run chmod 600 on it");
  }
  auto table = ParseKeyFile(path, {"public", "secret"});
  if (!table.ok()) return table.status();
  auto public_key = RequiredKey(*table, path, "public");
  if (!public_key.ok()) return public_key.status();
  auto secret_key = RequiredKey(*table, path, "secret");
  if (!secret_key.ok()) return secret_key.status();
  auto derived = DerivePublicKey(*secret_key);
  if (!derived.ok()) return derived.status();
  if (*derived != *public_key) {
    return InvalidArgumentError("key file " + path +
                                ": the public key does not belong to the "
                                "secret key");
  }
  return CurveKeypair{std::move(*public_key), std::move(*secret_key)};
}

Status SaveKeypairFile(const std::string& path, const CurveKeypair& keypair,
                       std::string_view comment) {
  Status st = ValidateZ85Key(keypair.public_key, "public key");
  if (!st.ok()) return st;
  st = ValidateZ85Key(keypair.secret_key, "secret key");
  if (!st.ok()) return st;
  std::string content = CommentLines(comment) +
                        "# Samverkan CURVE keypair. Secret: keep mode 0600.\n"
                        "public = \"" +
                        keypair.public_key + "\"\n" + "secret = \"" +
                        keypair.secret_key + "\"\n";
  return WriteFileWithMode(path, content, 0600);
}

StatusOr<std::string> LoadPublicKeyFile(const std::string& path) {
  auto table = ParseKeyFile(path, {"public", "secret"});
  if (!table.ok()) return table.status();
  if (table->contains("secret")) {
    return InvalidArgumentError(
        "public key file " + path +
        " also holds a secret key; a .pub file must hold only \"public\"");
  }
  return RequiredKey(*table, path, "public");
}

Status SavePublicKeyFile(const std::string& path, std::string_view public_key,
                         std::string_view comment) {
  Status st = ValidateZ85Key(public_key, "public key");
  if (!st.ok()) return st;
  std::string content = CommentLines(comment) +
                        "# Samverkan CURVE public key.\n"
                        "public = \"" +
                        std::string(public_key) + "\"\n";
  return WriteFileWithMode(path, content, 0644);
}

}  // namespace samverkan::transport
