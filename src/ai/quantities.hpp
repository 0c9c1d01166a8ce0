#pragma once
// The numbers of a norm's name and of a description, as estimators read them: a norm series is
// split by a figure («мощностью до 10 кВт», «свыше 10 до 50 кВт», «количество лифтов: 2»), and the
// description gives the figure of the work at hand («насос 7,5 кВт», «Ду80», «на 2 лифта»). The
// norm whose range holds the figure is the right one of its series.
//
// Figures are compared as exact decimals, in one unit spelling (normbase::NormalizeUnit) with the
// multiplier «тыс.» applied. Thread-safe; no state.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/decimal.hpp"

namespace estimate::ai {

// A figure of a description: "7,5 кВт" → {7.5, "квт"}; "Ду80" → {80, "мм"}; "3" → {3, ""}.
struct Figure {
  core::Decimal value;
  std::string unit;  // normalized; empty when none follows the number
  std::string text;  // as written, for the reasons shown to the user
  std::string noun;  // without a unit: the stem of the word counted («2 лифта» → "лифт")
};

// A range of a norm's name. Bounds absent are open; `exact` for «…: 2» (the value itself).
struct Range {
  std::optional<core::Decimal> low;  // exclusive («свыше 10»), or the series' previous upper bound
  std::optional<core::Decimal> high;  // inclusive («до 50»)
  bool low_inclusive = false;         // «от 10»
  bool exact = false;                 // low == high == the value
  std::string unit;                   // normalized; empty when none is written
  std::string text;                   // as written in the name: «до 2,5 т/ч»
  std::vector<std::string> label;     // without a unit: stems of the clause around the number
  bool Holds(const core::Decimal& v) const;
};

// The figures of a description, in text order.
std::vector<Figure> FiguresOf(std::string_view text);

// The ranges of a norm's name, in text order; the low bound of a «до X» is left empty (see
// CloseSeries).
std::vector<Range> RangesOf(std::string_view name);

// Fills the empty low bounds of a table's «до X» ranges with the next smaller «до» bound of the
// same unit among `series` (the ranges of the norms of one table, by norm), so that «до 10»
// after «до 5» holds (5, 10].
void CloseSeries(std::vector<std::vector<Range>*>& series);

// Whether a figure and a range speak of the same quantity: the same unit; without units, the
// figure's noun in the range's clause («2 лифта» and «количество лифтов в подъезде: 2»), or no
// noun to tell.
bool SameQuantity(const Figure& f, const Range& r);

}  // namespace estimate::ai
