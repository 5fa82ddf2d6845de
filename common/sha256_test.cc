// SHA-256 against the FIPS 180-2 test vectors, incremental and in one piece,
// and with contexts reused.
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
  Sha256 two_blocks;
  two_blocks.Update("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq");
  EXPECT_EQ(ToHex(two_blocks.Finish()),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256Test, IncrementalEqualsOneShot) {
  Sha256 parts;
  parts.Update("ab");
  parts.Update("c");
  Sha256 whole;
  whole.Update("abc");
  EXPECT_EQ(parts.Finish(), whole.Finish());
}

// A hasher takes the context the last one on its thread left behind; what
// that one hashed must not show, nor may two live hashers share a context.
TEST(Sha256Test, HashersAfterAndBesideOthersStartAfresh) {
  constexpr char kAbc[] =
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  for (int i = 0; i < 3; ++i) {
    {
      Sha256 unfinished;
      unfinished.Update("left behind without Finish");
    }
    Sha256 abc;
    abc.Update("abc");
    Sha256 beside;
    beside.Update("ab");
    Sha256 empty;
    beside.Update("c");
    EXPECT_EQ(ToHex(abc.Finish()), kAbc);
    EXPECT_EQ(ToHex(beside.Finish()), kAbc);
    EXPECT_EQ(
        ToHex(empty.Finish()),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  }
}

}  // namespace
}  // namespace samverkan
