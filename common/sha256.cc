// Hex rendering of digests for operators and logs.
#include "common/sha256.h"

namespace samverkan {

std::string ToHex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 0xf]);
  }
  return out;
}

std::string ToHex(const Digest& d) {
  return ToHex(
      std::string_view(reinterpret_cast<const char*>(d.data()), d.size()));
}

}  // namespace samverkan
