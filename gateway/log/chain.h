// The hash-chain rule of the event log, independent of any storage backend:
// how a record's hash is computed from its predecessor's. The byte layout is
// specified in log_format.md; changing it breaks every existing log.
#ifndef SAMVERKAN_GATEWAY_LOG_CHAIN_H_
#define SAMVERKAN_GATEWAY_LOG_CHAIN_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/sha256.h"
#include "samverkan/v1/gateway.pb.h"

namespace samverkan::gateway {

// The prev_hash of the first record: 32 zero bytes.
inline constexpr Digest kGenesisHash{};

// u64 sequence, i64 recorded_at_us, u32 kind; all big-endian.
inline constexpr size_t kChainHeaderSize = 8 + 8 + 4;
using ChainHeader = std::array<uint8_t, kChainHeaderSize>;

ChainHeader EncodeChainHeader(uint64_t sequence, int64_t recorded_at_us,
                              v1::RecordKind kind);

// SHA-256(prev_hash || header || body). The header is hashed so that a
// record's position, time and kind are as tamper-evident as its body. The
// body comes last and the header has a fixed size, so no length prefix is
// needed to make the encoding unambiguous.
Digest ChainHash(const Digest& prev_hash, uint64_t sequence,
                 int64_t recorded_at_us, v1::RecordKind kind,
                 std::string_view body);

}  // namespace samverkan::gateway

#endif  // SAMVERKAN_GATEWAY_LOG_CHAIN_H_
