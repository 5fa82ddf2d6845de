// A hash map keyed by std::string that is searched with a std::string_view:
// the participant books are asked per event with ids taken from envelopes,
// and a plain std::unordered_map<std::string, ...> would build a std::string
// (and, past the small-string size, allocate) for every lookup.
#ifndef SAMVERKAN_GATEWAY_STRING_MAP_H_
#define SAMVERKAN_GATEWAY_STRING_MAP_H_

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace samverkan::gateway {

struct TransparentStringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const {
    return std::hash<std::string_view>{}(s);
  }
};

template <typename Value>
using StringMap = std::unordered_map<std::string, Value, TransparentStringHash,
                                     std::equal_to<>>;

}  // namespace samverkan::gateway

#endif  // SAMVERKAN_GATEWAY_STRING_MAP_H_
