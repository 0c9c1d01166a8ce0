#pragma once
// Private to src/formats: the pieces the Russian text tables are laid out with (`calc --format
// text`): padding by code points, Russian number style, and a table of fixed-width columns.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/decimal.hpp"

namespace estimate::formats {

// Code points of UTF-8 text (the table pads by what the reader sees, not by bytes).
std::size_t Width(std::string_view s);
// `s` cut to `width` code points, the last being "…" when cut.
std::string Fit(std::string_view s, std::size_t width);
// `s` fitted and padded to `width`, to the right edge when `right`.
std::string Pad(std::string_view s, std::size_t width, bool right);

// Russian number style: groups of three separated by spaces, decimal comma (1 234,56).
std::string Ru(const core::Decimal& d, int places);
inline std::string Money(const core::Decimal& d) { return Ru(d, 2); }
// Quantities and coefficients as they were given: no padding zeros (0,41 not 0,4100000).
std::string Qty(const core::Decimal& d);

// A plain-text table of fixed-width columns, rows separated by nothing, rules of '-'.
class TextTable {
 public:
  struct Column {
    std::size_t width;
    bool right;  // numbers align right
  };
  explicit TextTable(std::vector<Column> columns);

  // One row; missing cells are blank, trailing blanks trimmed.
  void Row(const std::vector<std::string>& cells);
  // A line of text across the table.
  void Line(std::string_view text);
  void Rule();
  std::size_t width() const { return width_; }
  std::string& str() { return out_; }

 private:
  std::vector<Column> columns_;
  std::size_t width_ = 0;
  std::string out_;
};

}  // namespace estimate::formats
