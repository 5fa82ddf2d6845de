// SHA-256 against the FIPS 180-2 test vectors, incremental and in one piece.
#include "common/sha256.h"

#include <gtest/gtest.h>

namespace samverkan {
namespace {

TEST(Sha256Test, KnownVectors) {
  Sha256 empty;
  EXPECT_EQ(ToHex(empty.Finish()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  Sha256 abc;
  abc.Update("abc");
  EXPECT_EQ(ToHex(abc.Finish()),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256Test, IncrementalEqualsOneShot) {
  Sha256 parts;
  parts.Update("ab");
  parts.Update("c");
  Sha256 whole;
  whole.Update("abc");
  EXPECT_EQ(parts.Finish(), whole.Finish());
}

}  // namespace
}  // namespace samverkan
