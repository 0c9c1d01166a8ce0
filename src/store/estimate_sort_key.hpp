#pragma once
// Order keys of sections and positions: base-62 fractions ("0-9A-Za-z", compared byte by byte,
// never ending in '0', never empty), so that a key fits between any two and no insertion or move
// renumbers other rows. Appending steps the fourth digit (238,000 appends before a key grows);
// repeated insertion at one spot adds a character about every six times.
#include <string>
#include <string_view>

namespace estimate::store {

// A key greater than `lo` ("" for the first key of an empty list).
std::string SortKeyAfter(std::string_view lo);
// A key less than `hi` (non-empty): the first key of a list whose first key is `hi`.
std::string SortKeyBefore(std::string_view hi);
// A key strictly between `lo` ("" = below everything) and `hi` ("" = above everything);
// requires lo < hi when both are given.
std::string SortKeyBetween(std::string_view lo, std::string_view hi);

}  // namespace estimate::store
