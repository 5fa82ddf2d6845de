// The blocked Bloom filter of event_key_filter.h.
#include "gateway/log/event_key_filter.h"

namespace samverkan::gateway {
namespace {

// Event keys are SHA-256 bits already; the mix only makes the block and the
// bit positions independent of each other.
uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

EventKeyFilter::EventKeyFilter(size_t capacity)
    : capacity_(capacity),
      blocks_((capacity * kBitsPerKey + kWordsPerBlock * 64 - 1) /
              (kWordsPerBlock * 64)) {
  if (blocks_ == 0) blocks_ = 1;
  words_.assign(blocks_ * kWordsPerBlock, 0);
}

EventKeyFilter::Probes EventKeyFilter::ProbesOf(int64_t key) const {
  Probes p;
  const uint64_t h = Mix(static_cast<uint64_t>(key));
  // The high half picks the block by a multiply rather than a modulo.
  p.first_word = kWordsPerBlock *
                 static_cast<size_t>(
                     (static_cast<unsigned __int128>(h >> 32) * blocks_) >> 32);
  // Each probe takes 9 bits of a second hash: one of the block's 512 bits.
  uint64_t bits = Mix(h);
  for (int probe = 0; probe < kProbes; ++probe, bits >>= 9) {
    p.masks[(bits >> 6) & 7] |= 1ULL << (bits & 63);
  }
  return p;
}

void EventKeyFilter::Add(int64_t key) {
  const Probes p = ProbesOf(key);
  for (size_t i = 0; i < kWordsPerBlock; ++i) {
    words_[p.first_word + i] |= p.masks[i];
  }
  ++added_;
}

bool EventKeyFilter::MayContain(int64_t key) const {
  const Probes p = ProbesOf(key);
  for (size_t i = 0; i < kWordsPerBlock; ++i) {
    if ((words_[p.first_word + i] & p.masks[i]) != p.masks[i]) return false;
  }
  return true;
}

}  // namespace samverkan::gateway
