// The SHA-256 hasher over libcrypto, and hex rendering of digests for
// operators and logs.
#include "common/sha256.h"

#include <openssl/evp.h>

#include <cstdio>
#include <cstdlib>
#include <utility>

namespace samverkan {
namespace {

[[noreturn]] void Fail(const char* what) {
  std::fprintf(stderr, "sha256: libcrypto failed to %s\n", what);
  std::abort();
}

// Fetched once: EVP_sha256() would look the implementation up again at
// every init, which costs as much as hashing a record.
const EVP_MD* Method() {
  static EVP_MD* const method = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  if (method == nullptr) Fail("find SHA-256");
  return method;
}

// One context kept per thread for the next hasher: the log makes one per
// record and per event id, and allocating and freeing a context each time
// cost as much as the hashing.
struct SpareContext {
  EVP_MD_CTX* ctx = nullptr;
  ~SpareContext() { EVP_MD_CTX_free(ctx); }
};
thread_local SpareContext spare;

evp_md_ctx_st* NewContext() {
  EVP_MD_CTX* ctx = std::exchange(spare.ctx, nullptr);
  if (ctx == nullptr) ctx = EVP_MD_CTX_new();
  // Init may follow a Final on the same context; it starts afresh.
  if (ctx == nullptr || EVP_DigestInit_ex2(ctx, Method(), nullptr) != 1) {
    Fail("start a digest");
  }
  return ctx;
}

}  // namespace

Sha256::Sha256() : ctx_(NewContext()) {}

Sha256::~Sha256() {
  if (spare.ctx == nullptr) {
    spare.ctx = ctx_;
  } else {
    EVP_MD_CTX_free(ctx_);
  }
}

void Sha256::Update(std::string_view bytes) {
  if (EVP_DigestUpdate(ctx_, bytes.data(), bytes.size()) != 1) Fail("hash");
}

void Sha256::Update(const Digest& d) {
  if (EVP_DigestUpdate(ctx_, d.data(), d.size()) != 1) Fail("hash");
}

Digest Sha256::Finish() {
  Digest out;
  unsigned int size = 0;
  if (EVP_DigestFinal_ex(ctx_, out.data(), &size) != 1 || size != out.size()) {
    Fail("finish a digest");
  }
  return out;
}

std::string ToHex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 0xf]);
  }
  return out;
}

std::string ToHex(const Digest& d) {
  return ToHex(
      std::string_view(reinterpret_cast<const char*>(d.data()), d.size()));
}

}  // namespace samverkan
