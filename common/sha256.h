// SHA-256 for the log's hash chain, through OpenSSL's libcrypto: it uses the
// CPU's SHA instructions where there are any, about four times faster on a
// record than the portable code of libsodium used before (docs/BENCHMARKS.md).
#ifndef SAMVERKAN_COMMON_SHA256_H_
#define SAMVERKAN_COMMON_SHA256_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

// libcrypto's context, opaque here so that only sha256.cc includes OpenSSL.
struct evp_md_ctx_st;

namespace samverkan {

using Digest = std::array<uint8_t, 32>;

// Incremental hasher; feed the parts in order, then Finish() once.
// Owns its libcrypto context. Aborts the process when libcrypto cannot give
// one: that is an allocation failure, and a chain hash must never be
// silently wrong.
class Sha256 {
 public:
  Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  ~Sha256();

  void Update(std::string_view bytes);
  void Update(const Digest& d);
  Digest Finish();

 private:
  evp_md_ctx_st* const ctx_;
};

std::string ToHex(const Digest& d);
std::string ToHex(std::string_view bytes);

}  // namespace samverkan

#endif  // SAMVERKAN_COMMON_SHA256_H_
