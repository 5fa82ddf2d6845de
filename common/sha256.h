// SHA-256 for the log's hash chain, via libsodium (already under libzmq's
// CURVE).
#ifndef SAMVERKAN_COMMON_SHA256_H_
#define SAMVERKAN_COMMON_SHA256_H_

#include <sodium.h>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace samverkan {

using Digest = std::array<uint8_t, 32>;

// Incremental hasher; feed the parts in order, then Finish() once.
class Sha256 {
 public:
  Sha256() { crypto_hash_sha256_init(&state_); }
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void Update(std::string_view bytes) {
    crypto_hash_sha256_update(
        &state_, reinterpret_cast<const unsigned char*>(bytes.data()),
        bytes.size());
  }
  void Update(const Digest& d) {
    crypto_hash_sha256_update(&state_, d.data(), d.size());
  }
  Digest Finish() {
    Digest out;
    crypto_hash_sha256_final(&state_, out.data());
    return out;
  }

 private:
  crypto_hash_sha256_state state_;
};

std::string ToHex(const Digest& d);
std::string ToHex(std::string_view bytes);

}  // namespace samverkan

#endif  // SAMVERKAN_COMMON_SHA256_H_
