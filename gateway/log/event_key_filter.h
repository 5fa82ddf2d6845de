// A Bloom filter over event keys (RecordIndex::EventKey), so that the
// writer's idempotency lookup of a new event id, which is nearly every
// lookup, is answered in memory instead of by a probe of event_index.
//
// "Not present" is exact; "may be present" is wrong for about 1% of keys
// while the filter holds no more than its capacity, and for more once it
// holds more, so a caller confirms that answer in the index. Blocked: all
// of a key's bits lie in one 64-byte block, one cache miss per lookup.
#ifndef SAMVERKAN_GATEWAY_LOG_EVENT_KEY_FILTER_H_
#define SAMVERKAN_GATEWAY_LOG_EVENT_KEY_FILTER_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace samverkan::gateway {

class EventKeyFilter {
 public:
  // Bits per key at capacity: about 1% false positives with kProbes bits.
  static constexpr size_t kBitsPerKey = 10;
  static constexpr int kProbes = 7;

  // Room for `capacity` keys (at least one block's worth); 1.25 bytes each.
  explicit EventKeyFilter(size_t capacity);
  EventKeyFilter(const EventKeyFilter&) = delete;
  EventKeyFilter& operator=(const EventKeyFilter&) = delete;

  void Add(int64_t key);
  bool MayContain(int64_t key) const;

  size_t capacity() const { return capacity_; }
  // Keys added, counting a key added twice twice.
  size_t added() const { return added_; }
  size_t bytes() const { return words_.size() * sizeof(uint64_t); }

 private:
  static constexpr size_t kWordsPerBlock = 8;  // 512 bits, one cache line

  // A key's bits: the block's first word, and a mask for each of its words.
  struct Probes {
    size_t first_word = 0;
    uint64_t masks[kWordsPerBlock] = {};
  };
  Probes ProbesOf(int64_t key) const;

  size_t capacity_;
  size_t blocks_;
  size_t added_ = 0;
  std::vector<uint64_t> words_;
};

}  // namespace samverkan::gateway

#endif  // SAMVERKAN_GATEWAY_LOG_EVENT_KEY_FILTER_H_
