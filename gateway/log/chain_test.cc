// The hash-chain rule's byte layout, pinned by known answers computed
// independently (Python hashlib), and PayloadTypeName.
#include "gateway/log/chain.h"

#include <gtest/gtest.h>

#include "samverkan/payload_type.h"
#include "samverkan/v1/envelope.pb.h"

namespace samverkan::gateway {
namespace {

TEST(ChainTest, HeaderIsBigEndianSequenceTimeKind) {
  const ChainHeader h =
      EncodeChainHeader(0x0102030405060708ULL, -1, v1::GATEWAY_EVENT);
  const ChainHeader want = {1,    2,    3,    4,    5,    6,    7,
                            8,    0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                            0xff, 0xff, 0,    0,    0,    2};
  EXPECT_EQ(h, want);
}

TEST(ChainTest, KnownAnswers) {
  // sha256(zeros(32) || pack('>QqI', 1, 1700000000000000, 1) || b'hello')
  const Digest first =
      ChainHash(kGenesisHash, 1, 1700000000000000, v1::EVENT, "hello");
  EXPECT_EQ(ToHex(first),
            "fc4e046baf62524f57fc06163faa88f1f687297ca45a91133a9ed6f8248ed895");
  // Linked to the first, negative time, GATEWAY_EVENT, empty body.
  EXPECT_EQ(ToHex(ChainHash(first, 2, -5, v1::GATEWAY_EVENT, "")),
            "2800eecacce9c7f9d5409cfc44841f24dd34db92b1f55df178cf71c4b1073725");
}

TEST(ChainTest, EveryInputChangesTheHash) {
  const Digest base = ChainHash(kGenesisHash, 7, 100, v1::EVENT, "body");
  Digest other_prev = kGenesisHash;
  other_prev[31] = 1;
  EXPECT_NE(base, ChainHash(other_prev, 7, 100, v1::EVENT, "body"));
  EXPECT_NE(base, ChainHash(kGenesisHash, 8, 100, v1::EVENT, "body"));
  EXPECT_NE(base, ChainHash(kGenesisHash, 7, 101, v1::EVENT, "body"));
  EXPECT_NE(base, ChainHash(kGenesisHash, 7, 100, v1::GATEWAY_EVENT, "body"));
  EXPECT_NE(base, ChainHash(kGenesisHash, 7, 100, v1::EVENT, "bodY"));
}

TEST(PayloadTypeTest, NamesTheSetOneofField) {
  v1::Envelope e;
  EXPECT_EQ(PayloadTypeName(e), "");
  e.mutable_health_deteriorated();
  EXPECT_EQ(PayloadTypeName(e), "health_deteriorated");
  e.mutable_sickness_reported_during_programme();
  EXPECT_EQ(PayloadTypeName(e), "sickness_reported_during_programme");
  e.mutable_handover_escalated();
  EXPECT_EQ(PayloadTypeName(e), "handover_escalated");
}

}  // namespace
}  // namespace samverkan::gateway
