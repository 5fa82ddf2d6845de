// The event key filter: never "absent" for a key it holds, about 1% "maybe"
// for keys it does not hold at capacity, and only more of those past it.
#include "gateway/log/event_key_filter.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

namespace samverkan::gateway {
namespace {

std::vector<int64_t> RandomKeys(size_t n, uint64_t seed) {
  std::mt19937_64 random(seed);
  std::vector<int64_t> keys(n);
  for (int64_t& k : keys) k = static_cast<int64_t>(random());
  return keys;
}

// Share of `keys` the filter may hold.
double MaybeShare(const EventKeyFilter& filter,
                  const std::vector<int64_t>& keys) {
  size_t maybe = 0;
  for (int64_t k : keys) maybe += filter.MayContain(k) ? 1 : 0;
  return static_cast<double>(maybe) / static_cast<double>(keys.size());
}

TEST(EventKeyFilterTest, EmptyFilterHoldsNoKey) {
  EventKeyFilter filter(0);
  EXPECT_EQ(MaybeShare(filter, RandomKeys(10000, 1)), 0.0);
  EXPECT_EQ(filter.added(), 0u);
}

TEST(EventKeyFilterTest, EveryKeyAddedIsHeld) {
  EventKeyFilter filter(100000);
  const std::vector<int64_t> keys = RandomKeys(100000, 2);
  for (int64_t k : keys) filter.Add(k);
  EXPECT_EQ(MaybeShare(filter, keys), 1.0);
  EXPECT_EQ(filter.added(), keys.size());
}

TEST(EventKeyFilterTest, AboutOnePercentOfOtherKeysAtCapacity) {
  EventKeyFilter filter(100000);
  for (int64_t k : RandomKeys(100000, 3)) filter.Add(k);
  const double share = MaybeShare(filter, RandomKeys(100000, 4));
  EXPECT_GT(share, 0.0);
  EXPECT_LT(share, 0.02);
}

TEST(EventKeyFilterTest, PastCapacityItOnlyAnswersMaybeMoreOften) {
  EventKeyFilter filter(10000);
  const std::vector<int64_t> keys = RandomKeys(50000, 5);
  for (int64_t k : keys) filter.Add(k);
  EXPECT_EQ(MaybeShare(filter, keys), 1.0);
  EXPECT_GT(MaybeShare(filter, RandomKeys(100000, 6)), 0.05);
}

TEST(EventKeyFilterTest, KeysCloseToEachOtherAreToldApart) {
  // Keys are SHA-256 bits in the gateway, but the filter must not rely on
  // their low bits differing.
  EventKeyFilter filter(1000);
  for (int64_t k = 0; k < 1000; ++k) filter.Add(k << 32);
  size_t maybe = 0;
  for (int64_t k = 1000; k < 101000; ++k) maybe += filter.MayContain(k << 32);
  EXPECT_LT(maybe, 2000u);
}

TEST(EventKeyFilterTest, TakesAboutTenBitsPerKeyOfCapacity) {
  EventKeyFilter filter(1 << 20);
  EXPECT_EQ(filter.capacity(), size_t{1} << 20);
  EXPECT_GE(filter.bytes(), (size_t{1} << 20) * 10 / 8);
  EXPECT_LT(filter.bytes(), (size_t{1} << 20) * 10 / 8 + 64);
}

}  // namespace
}  // namespace samverkan::gateway
