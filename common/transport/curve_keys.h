// CURVE keypairs and the small TOML files that hold them: `NAME.key` (public
// and secret, mode 0600) for a process's own identity, `NAME.pub` (public only)
// to hand to the other side or put in the gateway's registry.
#ifndef SAMVERKAN_COMMON_TRANSPORT_CURVE_KEYS_H_
#define SAMVERKAN_COMMON_TRANSPORT_CURVE_KEYS_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace samverkan::transport {

// Z85 text of a 32-byte Curve25519 key.
inline constexpr size_t kZ85KeyLength = 40;
inline constexpr size_t kBinaryKeyLength = 32;

struct CurveKeypair {
  std::string public_key;  // Z85, 40 chars
  std::string secret_key;  // Z85, 40 chars
};

// A fresh keypair from libzmq (libsodium underneath).
StatusOr<CurveKeypair> GenerateCurveKeypair();

// OK if `key` is 40 characters of valid Z85; otherwise InvalidArgument with a
// sentence that names `what` (e.g. "public key in gateway.pub").
Status ValidateZ85Key(std::string_view key, std::string_view what);

// The 32 raw bytes of a Z85 key; InvalidArgument as ValidateZ85Key.
StatusOr<std::array<uint8_t, kBinaryKeyLength>> DecodeZ85Key(
    std::string_view key, std::string_view what);

// The public key that belongs to `secret_key`.
StatusOr<std::string> DerivePublicKey(std::string_view secret_key);

// Reads a keypair file:
//   # comment
//   public = "<Z85>"
//   secret = "<Z85>"
// Refuses a file readable by group or others (FailedPrecondition), unknown
// keys, malformed keys and a public key that does not match the secret one
// (InvalidArgument); a missing file is NotFound.
StatusOr<CurveKeypair> LoadKeypairFile(const std::string& path);

// Writes a keypair file with mode 0600 (also when it already existed with a
// wider mode), replacing its contents. `comment` becomes leading # lines.
Status SaveKeypairFile(const std::string& path, const CurveKeypair& keypair,
                       std::string_view comment);

// Reads a public key file (`public = "<Z85>"` only). A file that also holds a
// `secret` is refused, so a secret never travels under a .pub name.
StatusOr<std::string> LoadPublicKeyFile(const std::string& path);

// Writes a public key file with mode 0644.
Status SavePublicKeyFile(const std::string& path, std::string_view public_key,
                         std::string_view comment);

}  // namespace samverkan::transport

#endif  // SAMVERKAN_COMMON_TRANSPORT_CURVE_KEYS_H_
