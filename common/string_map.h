// Hash containers keyed by std::string that are searched with a
// std::string_view: the participant books and the log's event-id memory are
// asked per event with ids taken from envelopes, and a plain
// std::unordered_map<std::string, ...> would build a std::string (and, past
// the small-string size, allocate) for every lookup.
#ifndef SAMVERKAN_COMMON_STRING_MAP_H_
#define SAMVERKAN_COMMON_STRING_MAP_H_

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace samverkan {

struct TransparentStringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const {
    return std::hash<std::string_view>{}(s);
  }
};

template <typename Value>
using StringMap = std::unordered_map<std::string, Value, TransparentStringHash,
                                     std::equal_to<>>;
using StringSet =
    std::unordered_set<std::string, TransparentStringHash, std::equal_to<>>;

}  // namespace samverkan

#endif  // SAMVERKAN_COMMON_STRING_MAP_H_
