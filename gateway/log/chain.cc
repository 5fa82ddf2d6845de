// Hash-chain encoding; see chain.h and log_format.md.
#include "gateway/log/chain.h"

namespace samverkan::gateway {
namespace {

void PutBigEndian(uint64_t value, int bytes, uint8_t* out) {
  for (int i = bytes - 1; i >= 0; --i) {
    out[i] = static_cast<uint8_t>(value & 0xff);
    value >>= 8;
  }
}

}  // namespace

ChainHeader EncodeChainHeader(uint64_t sequence, int64_t recorded_at_us,
                              v1::RecordKind kind) {
  ChainHeader header;
  PutBigEndian(sequence, 8, header.data());
  // Two's complement, so a (never expected) negative time still round-trips.
  PutBigEndian(static_cast<uint64_t>(recorded_at_us), 8, header.data() + 8);
  PutBigEndian(static_cast<uint32_t>(kind), 4, header.data() + 16);
  return header;
}

Digest ChainHash(const Digest& prev_hash, uint64_t sequence,
                 int64_t recorded_at_us, v1::RecordKind kind,
                 std::string_view body) {
  const ChainHeader header = EncodeChainHeader(sequence, recorded_at_us, kind);
  Sha256 hasher;
  hasher.Update(prev_hash);
  hasher.Update(std::string_view(reinterpret_cast<const char*>(header.data()),
                                 header.size()));
  hasher.Update(body);
  return hasher.Finish();
}

}  // namespace samverkan::gateway
