// Data categories as bits: matching a provision or a field against a
// permission becomes one AND instead of a set walk, which matters because
// consent is evaluated per event × recipient on the ingest path.
#ifndef SAMVERKAN_GATEWAY_CONSENT_CATEGORY_MASK_H_
#define SAMVERKAN_GATEWAY_CONSENT_CATEGORY_MASK_H_

#include <cstdint>
#include <set>

#include "samverkan/v1/options.pb.h"

namespace samverkan::gateway {

using CategoryMask = uint32_t;

static_assert(v1::DataCategory_MAX < 32,
              "DataCategory outgrew CategoryMask; widen it");

// A real category's bit; 0 for UNSPECIFIED and for values this build does not
// know (an open proto3 enum can carry them), so neither can ever be permitted.
constexpr CategoryMask CategoryBit(int category) {
  return category > v1::DATA_CATEGORY_UNSPECIFIED &&
                 category <= v1::DataCategory_MAX
             ? CategoryMask{1} << category
             : 0;
}

// What an empty category list in a provision stands for.
inline constexpr CategoryMask kAllCategories =
    ((CategoryMask{1} << (v1::DataCategory_MAX + 1)) - 1) & ~CategoryMask{1};

inline CategoryMask ToCategoryMask(const std::set<v1::DataCategory>& set) {
  CategoryMask mask = 0;
  for (v1::DataCategory c : set) mask |= CategoryBit(c);
  return mask;
}

// Bit 0 is kept here so that a (schema-invalid) UNSPECIFIED field still shows
// up in a redaction report rather than vanishing from it.
inline std::set<v1::DataCategory> FromCategoryMask(CategoryMask mask) {
  std::set<v1::DataCategory> out;
  for (int c = 0; c <= v1::DataCategory_MAX; ++c) {
    if ((mask >> c & 1) != 0 && v1::DataCategory_IsValid(c)) {
      out.insert(static_cast<v1::DataCategory>(c));
    }
  }
  return out;
}

}  // namespace samverkan::gateway

#endif  // SAMVERKAN_GATEWAY_CONSENT_CATEGORY_MASK_H_
