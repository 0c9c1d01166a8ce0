#include "formats/boq/boq_import.hpp"

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "core/utf8.hpp"

namespace estimate::formats {

namespace {

using core::Decimal;

constexpr int kQuantityPlaces = 7;      // §8.2.5: float noise of <v> rounded away
constexpr int kFormulaPlaces = 20;      // intermediate precision of the formula evaluator
constexpr std::size_t kMaxErrors = 50;  // listed in the error message; the rest are counted

// ---------------------------------------------------------------------------------------------
// Text.

bool IsSpaceAt(std::string_view s, std::size_t i, std::size_t* width) {
  const unsigned char c = static_cast<unsigned char>(s[i]);
  if (c == ' ' || c == '\t' || c == '\r' || c == '\n') return *width = 1, true;
  if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xA0) {
    return *width = 2, true;  // no-break space
  }
  if (c == 0xE2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
      (static_cast<unsigned char>(s[i + 2]) == 0xAF ||
       static_cast<unsigned char>(s[i + 2]) == 0x89)) {
    return *width = 3, true;  // narrow no-break space, thin space
  }
  return false;
}

// Runs of whitespace (line breaks inside cells, no-break spaces) become one space; trimmed.
std::string Squeeze(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool space = false;
  for (std::size_t i = 0; i < s.size();) {
    std::size_t width = 0;
    if (IsSpaceAt(s, i, &width)) {
      space = !out.empty();
      i += width;
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(s[i++]);
  }
  return out;
}

// Lowercase for matching headings: ASCII and Cyrillic, ё folded into е ("Объём" = "Объем").
std::string Fold(std::string_view s) {
  std::string out(s);
  for (std::size_t i = 0; i < out.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(out[i]);
    if (c >= 'A' && c <= 'Z') {
      out[i] = static_cast<char>(c + 32);
    } else if ((c == 0xD0 || c == 0xD1) && i + 1 < out.size()) {
      unsigned char d = static_cast<unsigned char>(out[i + 1]);
      if (c == 0xD0 && d >= 0x90 && d <= 0x9F) {  // А..П
        out[i + 1] = static_cast<char>(d + 0x20);
      } else if (c == 0xD0 && d >= 0xA0 && d <= 0xAF) {  // Р..Я
        out[i] = static_cast<char>(0xD1);
        out[i + 1] = static_cast<char>(d - 0x20);
      } else if ((c == 0xD0 && d == 0x81) || (c == 0xD1 && d == 0x91)) {  // Ё, ё → е
        out[i] = static_cast<char>(0xD0);
        out[i + 1] = static_cast<char>(0xB5);
      }
      ++i;
    }
  }
  return out;
}

bool Contains(std::string_view s, std::string_view part) {
  return s.find(part) != std::string_view::npos;
}

// The first character is a lowercase letter or punctuation that does not open a heading: the
// text continues a name split over rows.
bool StartsLikeContinuation(std::string_view s) {
  if (s.empty()) return false;
  const unsigned char c = static_cast<unsigned char>(s[0]);
  if (c >= 'a' && c <= 'z') return true;
  if (c == '(' || c == ',' || c == '-' || c == ';') return true;
  if (s.size() >= 2) {
    const unsigned char d = static_cast<unsigned char>(s[1]);
    if (c == 0xD0 && d >= 0xB0 && d <= 0xBF) return true;                   // а..п
    if (c == 0xD1 && ((d >= 0x80 && d <= 0x8F) || d == 0x91)) return true;  // р..я, ё
  }
  return false;
}

// "1", "12", "1.1", "1.2.3", "4." — a position number.
bool IsPositionNumber(std::string_view s) {
  if (!s.empty() && s.back() == '.') s.remove_suffix(1);
  if (s.empty()) return false;
  bool digit = false;
  for (char c : s) {
    if (c >= '0' && c <= '9') {
      digit = true;
    } else if (c == '.' && digit) {
      digit = false;
    } else {
      return false;
    }
  }
  return digit;
}

bool IsSmallInteger(std::string_view s) {
  if (s.empty() || s.size() > 3) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Numbers.

// An exact decimal from text: an optional sign, digits with one '.' or ',' as the decimal
// separator, an optional exponent ("8.6599999999999996E-2", as XLSX writes small numbers).
// Spaces (also no-break) around the number are ignored; inside it only as thousands separators
// ("1 234 567,5"), so two values in one cell ("5,42 6,07", "1 0") stay no number. Digits past the
// 36th decimal are cut, which does not change a later half-up rounding to fewer places.
std::optional<Decimal> ParseNumber(std::string_view raw) {
  std::vector<std::string> groups(1);
  for (std::size_t i = 0; i < raw.size();) {
    std::size_t width = 0;
    if (IsSpaceAt(raw, i, &width)) {
      if (!groups.back().empty()) groups.emplace_back();
      i += width;
    } else if (raw.substr(i, 3) == "\xE2\x88\x92") {  // − (minus sign)
      groups.back().push_back('-');
      i += 3;
    } else {
      groups.back().push_back(raw[i++]);
    }
  }
  if (groups.back().empty()) groups.pop_back();
  if (groups.empty()) return std::nullopt;
  std::string s = groups[0];
  if (groups.size() > 1) {
    auto digits_only = [](std::string_view g) {
      return !g.empty() && g.find_first_not_of("0123456789") == std::string_view::npos;
    };
    std::string_view first = groups[0];
    if (first.starts_with('-') || first.starts_with('+')) first.remove_prefix(1);
    if (!digits_only(first) || first.size() > 3) return std::nullopt;
    for (std::size_t g = 1; g < groups.size(); ++g) {
      std::string_view group = groups[g];
      if (g + 1 == groups.size()) group = group.substr(0, group.find_first_of(".,"));
      if (!digits_only(group) || group.size() != 3) return std::nullopt;
      s += groups[g];
    }
  }
  std::size_t i = 0;
  bool negative = false;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) negative = s[i++] == '-';
  std::string digits;
  int fraction = 0;
  bool point = false, any = false;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (c >= '0' && c <= '9') {
      digits.push_back(c);
      any = true;
      if (point) ++fraction;
    } else if ((c == '.' || c == ',') && !point) {
      point = true;
    } else {
      break;
    }
  }
  if (!any) return std::nullopt;
  int exponent = 0;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool exp_negative = false;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) exp_negative = s[i++] == '-';
    const std::size_t start = i;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
      if (i - start >= 4) return std::nullopt;
      exponent = exponent * 10 + (s[i] - '0');
    }
    if (i == start) return std::nullopt;
    if (exp_negative) exponent = -exponent;
  }
  if (i != s.size()) return std::nullopt;
  int scale = fraction - exponent;
  const std::size_t first = digits.find_first_not_of('0');
  digits = first == std::string::npos ? std::string() : digits.substr(first);
  if (scale > Decimal::kMaxScale) {
    const std::size_t cut = static_cast<std::size_t>(scale - Decimal::kMaxScale);
    digits = cut >= digits.size() ? std::string() : digits.substr(0, digits.size() - cut);
    scale = Decimal::kMaxScale;
  }
  if (scale < 0) {
    if (!digits.empty()) digits.append(static_cast<std::size_t>(-scale), '0');
    scale = 0;
  }
  if (digits.size() > 36) return std::nullopt;  // does not fit exactly
  core::Int128 mantissa = 0;
  for (char c : digits) mantissa = mantissa * 10 + (c - '0');
  Decimal value = Decimal::FromRaw(negative ? -mantissa : mantissa, scale);
  if (!value.ok()) return std::nullopt;
  return value;
}

std::optional<Decimal> ParseQuantity(std::string_view text) {
  auto value = ParseNumber(text);
  if (!value) return std::nullopt;
  return value->Round(kQuantityPlaces).Normalized();
}

// The formula column's arithmetic (§8.2.5): + - * / ( ), unary minus, a postfix %, decimal
// comma or point, х/x/× for multiplication, an optional leading '='. Anything else (units,
// words, "=38м3" at the end) and it does not evaluate.
class FormulaEvaluator {
 public:
  explicit FormulaEvaluator(std::string_view text) : s_(text) {}

  std::optional<Decimal> Evaluate() {
    if (s_.size() > 2000) return std::nullopt;
    SkipSpaces();
    if (pos_ < s_.size() && s_[pos_] == '=') ++pos_;
    auto value = Expression(0);
    SkipSpaces();
    if (!value || pos_ != s_.size() || !value->ok()) return std::nullopt;
    return value;
  }

 private:
  static constexpr int kMaxDepth = 50;

  void SkipSpaces() {
    std::size_t width = 0;
    while (pos_ < s_.size() && IsSpaceAt(s_, pos_, &width)) pos_ += width;
  }

  // '*' also for х, Х (Cyrillic), x, X and ×.
  bool TakeTimes() {
    SkipSpaces();
    const std::string_view rest = s_.substr(pos_);
    for (std::string_view op : {"*", "x", "X", "\xD1\x85", "\xD0\xA5", "\xC3\x97"}) {
      if (rest.starts_with(op)) {
        pos_ += op.size();
        return true;
      }
    }
    return false;
  }

  bool Take(char c) {
    SkipSpaces();
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  std::optional<Decimal> Expression(int depth) {
    auto left = Term(depth);
    while (left) {
      if (Take('+')) {
        auto right = Term(depth);
        if (!right) return std::nullopt;
        left = *left + *right;
      } else if (Take('-')) {
        auto right = Term(depth);
        if (!right) return std::nullopt;
        left = *left - *right;
      } else {
        break;
      }
    }
    return left;
  }

  std::optional<Decimal> Term(int depth) {
    auto left = Factor(depth);
    while (left) {
      if (TakeTimes()) {
        auto right = Factor(depth);
        if (!right) return std::nullopt;
        left = Decimal::MulRound(*left, *right, kFormulaPlaces);
      } else if (Take('/')) {
        auto right = Factor(depth);
        if (!right || right->IsZero()) return std::nullopt;
        left = Decimal::Divide(*left, *right, kFormulaPlaces);
      } else {
        break;
      }
      if (!left->ok()) return std::nullopt;
    }
    return left;
  }

  std::optional<Decimal> Factor(int depth) {
    if (depth > kMaxDepth) return std::nullopt;
    if (Take('-')) {
      auto v = Factor(depth + 1);
      if (!v) return std::nullopt;
      return -*v;
    }
    if (Take('+')) return Factor(depth + 1);
    std::optional<Decimal> value;
    if (Take('(')) {
      value = Expression(depth + 1);
      if (!value || !Take(')')) return std::nullopt;
    } else {
      value = Number();
      if (!value) return std::nullopt;
    }
    while (Take('%')) value = Decimal::MulRound(*value, Decimal::Literal("0.01"), kFormulaPlaces);
    return value;
  }

  std::optional<Decimal> Number() {
    SkipSpaces();
    const std::size_t start = pos_;
    bool point = false;
    while (pos_ < s_.size()) {
      const char c = s_[pos_];
      if (c >= '0' && c <= '9') {
        ++pos_;
      } else if ((c == '.' || c == ',') && !point && pos_ + 1 < s_.size() && s_[pos_ + 1] >= '0' &&
                 s_[pos_ + 1] <= '9' && pos_ > start) {
        point = true;
        ++pos_;
      } else {
        break;
      }
    }
    if (pos_ == start) return std::nullopt;
    return ParseNumber(s_.substr(start, pos_ - start));
  }

  std::string_view s_;
  std::size_t pos_ = 0;
};

// ---------------------------------------------------------------------------------------------
// The table, from either source.

struct GridCell {
  std::string text;
  bool number = false;   // an XLSX numeric cell: its text is the value as Excel writes it
  bool formula = false;  // an XLSX cell with a formula
  bool has_value = false;
  std::string formula_text;
};
using Grid = std::map<int, std::map<int, GridCell>>;  // row → column → cell

enum class Role { kNumber, kCode, kName, kUnit, kQuantity, kFormula };
constexpr std::size_t kRoles = 6;

struct Header {
  int row = 0;
  std::array<int, kRoles> columns{-1, -1, -1, -1, -1, -1};
  std::array<std::string, kRoles> titles;
  int column(Role role) const { return columns[static_cast<std::size_t>(role)]; }
  const std::string& title(Role role) const { return titles[static_cast<std::size_t>(role)]; }
};

std::optional<Role> Classify(const std::string& heading) {
  const std::string h = Fold(heading);
  if (h.empty()) return std::nullopt;
  if (Contains(h, "формул")) return Role::kFormula;
  if (Contains(h, "лср") || Contains(h, "смет")) return std::nullopt;  // "№ в ЛСР": a link
  if (h.starts_with("\xE2\x84\x96") || Contains(h, "п/п") || Contains(h, "п.п") ||
      h.starts_with("номер п") || h == "n" || h == "no") {
    return Role::kNumber;
  }
  if (Contains(h, "шифр") || h.starts_with("код") || Contains(h, "обоснован")) return Role::kCode;
  if (Contains(h, "наименован") && !Contains(h, "файл")) return Role::kName;
  if (h.starts_with("ед") || Contains(h, "единиц")) return Role::kUnit;
  if (Contains(h, "объем") || Contains(h, "кол-во") || Contains(h, "количеств") ||
      h.starts_with("кол.")) {
    return Role::kQuantity;
  }
  return std::nullopt;
}

// §8.2.1: the first row with a name, a unit and a quantity heading.
std::optional<Header> FindHeader(const Grid& grid) {
  for (const auto& [row, cells] : grid) {
    Header header;
    header.row = row;
    for (const auto& [column, cell] : cells) {
      const std::string title = Squeeze(cell.text);
      const auto role = Classify(title);
      if (!role || header.column(*role) >= 0) continue;
      header.columns[static_cast<std::size_t>(*role)] = column;
      header.titles[static_cast<std::size_t>(*role)] = title;
    }
    if (header.column(Role::kName) >= 0 && header.column(Role::kUnit) >= 0 &&
        header.column(Role::kQuantity) >= 0) {
      return header;
    }
  }
  return std::nullopt;
}

class TableReader {
 public:
  TableReader(const Grid& grid, const Header& header) : grid_(grid), header_(header) {}

  Result<BoqImport> Read() {
    for (auto it = grid_.upper_bound(header_.row); it != grid_.end(); ++it) {
      if (!Row(it->first, it->second)) break;
    }
    if (!errors_.empty()) {
      std::string message;
      for (std::size_t i = 0; i < errors_.size() && i < kMaxErrors; ++i) {
        message += (i == 0 ? "" : "\n") + errors_[i];
      }
      if (errors_.size() > kMaxErrors) {
        message += "\n… and " + std::to_string(errors_.size() - kMaxErrors) + " more";
      }
      return InvalidArgument(message);
    }
    if (out_.lines.empty()) {
      out_.warnings.push_back("row " + std::to_string(header_.row) +
                              ": the header is followed by no lines");
    }
    return std::move(out_);
  }

 private:
  const GridCell* Cell(const std::map<int, GridCell>& cells, Role role) const {
    const int column = header_.column(role);
    if (column < 0) return nullptr;
    auto it = cells.find(column);
    return it == cells.end() ? nullptr : &it->second;
  }
  std::string Text(const std::map<int, GridCell>& cells, Role role) const {
    const GridCell* cell = Cell(cells, role);
    return cell == nullptr ? std::string() : Squeeze(cell->text);
  }
  std::string Where(int row, Role role) const {
    return "row " + std::to_string(row) + ", column " + XlsxColumnName(header_.column(role)) +
           " (" + header_.title(role) + ")";
  }

  // False when the table ends here.
  bool Row(int row, const std::map<int, GridCell>& cells) {
    std::string first;
    for (const auto& [column, cell] : cells) {
      first = Squeeze(cell.text);
      if (!first.empty()) break;
    }
    const std::string first_folded = Fold(first);
    if (first_folded.starts_with("составил") || first_folded.starts_with("проверил")) {
      return false;  // the signatures under the table
    }

    std::string number = Text(cells, Role::kNumber);
    const std::string code = Text(cells, Role::kCode);
    const std::string name = Text(cells, Role::kName);
    const std::string unit = Text(cells, Role::kUnit);
    const std::string formula = Text(cells, Role::kFormula);
    const GridCell* quantity_cell = Cell(cells, Role::kQuantity);
    const std::string quantity_text = Text(cells, Role::kQuantity);
    // A formula never computed (no cached value): its value is the formula column's.
    const bool quantity_formula =
        quantity_cell != nullptr && quantity_cell->formula && !quantity_cell->has_value;
    const GridCell* number_cell = Cell(cells, Role::kNumber);

    if (number.empty() && code.empty() && name.empty() && unit.empty() && quantity_text.empty() &&
        !quantity_formula) {
      return true;  // blank, or only drawings and comments
    }
    if (IsSmallInteger(name) && IsSmallInteger(unit)) return true;  // the column numbers, §8.2.2
    const std::string name_folded = Fold(name.empty() ? number : name);
    if (name_folded.starts_with("итого") || name_folded.starts_with("всего")) return true;

    if (number_cell != nullptr && number_cell->number) {
      if (auto n = ParseQuantity(number)) number = n->ToString();  // 1.1000000000000001
    }

    if (unit.empty() && quantity_text.empty() && !quantity_formula) {
      if (number.empty() && !name.empty() && StartsLikeContinuation(name) && !out_.lines.empty() &&
          out_.lines.back().section == section_) {
        out_.lines.back().name += " " + name;  // §8.2.4: a name split over rows
        return true;
      }
      std::string title = number;
      if (!name.empty() && name != number) title += (title.empty() ? "" : " ") + name;
      if (title.empty()) title = code;
      section_ = title;
      return true;
    }

    BoqLine line;
    line.row = row;
    line.number = number;
    line.code = code;
    line.name = name;
    line.unit = unit;
    line.formula = formula;
    line.section = section_;
    // §8.2.10: "№ п/п" given by a formula never computed (IF(J7<>"",COUNTA(J$1:J7),"")).
    if (line.number.empty() && number_cell != nullptr && number_cell->formula) {
      line.number = std::to_string(++auto_number_);
    }

    std::optional<Decimal> from_formula;
    if (!formula.empty()) from_formula = FormulaEvaluator(formula).Evaluate();
    if (!quantity_text.empty()) {
      auto quantity = ParseQuantity(quantity_text);
      if (!quantity) {
        errors_.push_back(Where(row, Role::kQuantity) + ": \"" + quantity_text +
                          "\" is not a number");
        return true;
      }
      line.quantity = *quantity;
      if (from_formula && from_formula->Round(quantity->scale()) != *quantity) {
        Warn(row, "the formula \"" + formula + "\" gives " +
                      from_formula->Round(kQuantityPlaces).Normalized().ToString() +
                      ", the quantity is " + quantity->ToString());
      }
    } else if (quantity_formula) {
      if (!from_formula) {
        const std::string& f = quantity_cell->formula_text;
        errors_.push_back(Where(row, Role::kQuantity) + ": a formula" +
                          (f.empty() ? std::string() : " (=" + f + ")") +
                          " without a computed value, and the formula column gives no number");
        return true;
      }
      line.quantity = from_formula->Round(kQuantityPlaces).Normalized();
      Warn(row, "the quantity cell holds a formula never computed; " + line.quantity.ToString() +
                    " is taken from the formula column \"" + formula + "\"");
    } else {
      Warn(row, "no quantity in column " + XlsxColumnName(header_.column(Role::kQuantity)) + " (" +
                    header_.title(Role::kQuantity) + "); 0 is taken");
    }
    if (unit.empty()) Warn(row, "no unit of measure");
    if (name.empty()) Warn(row, "no name");
    CheckDuplicate(line);
    out_.lines.push_back(std::move(line));
    return true;
  }

  // §8.2.8: a repeated work number (an alternative solution) is kept, with a warning; a resource
  // number repeated under the same work too.
  void CheckDuplicate(const BoqLine& line) {
    if (!IsPositionNumber(line.number)) return;
    std::string_view number = line.number;
    if (number.back() == '.') number.remove_suffix(1);  // "4."
    if (number.find('.') == std::string_view::npos) {
      resources_.clear();
      auto [it, inserted] = works_.emplace(line.number, line.row);
      if (!inserted) {
        Warn(line.row, "number " + line.number + " repeats row " + std::to_string(it->second) +
                           "; both lines are kept");
      }
      return;
    }
    auto [it, inserted] = resources_.emplace(line.number, line.row);
    if (!inserted) {
      Warn(line.row, "number " + line.number + " repeats row " + std::to_string(it->second) +
                         "; both lines are kept");
    }
  }

  void Warn(int row, const std::string& what) {
    out_.warnings.push_back("row " + std::to_string(row) + ": " + what);
  }

  const Grid& grid_;
  const Header& header_;
  BoqImport out_;
  std::vector<std::string> errors_;
  std::string section_;
  int auto_number_ = 0;
  std::map<std::string, int> works_, resources_;
};

Result<BoqImport> ReadGrid(const Grid& grid) {
  const auto header = FindHeader(grid);
  if (!header) {
    return InvalidArgument(
        "no ВОР table: no row names the columns Наименование, Ед. изм. and Количество (or "
        "Объем, Кол-во)");
  }
  return TableReader(grid, *header).Read();
}

// ---------------------------------------------------------------------------------------------
// CSV.

bool IsValidUtf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      n = 1, cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2, cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3, cp = c & 0x07;
    } else {
      return false;
    }
    for (std::size_t k = 1; k <= n; ++k) {
      if (i + k >= s.size()) return false;
      const unsigned char d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    static constexpr std::uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += n + 1;
  }
  return true;
}

// Windows-1251, bytes 0x80..0xBF (0xC0..0xFF are А..я in order).
constexpr std::uint16_t kCp1251High[64] = {
    0x0402, 0x0403, 0x201A, 0x0453, 0x201E, 0x2026, 0x2020, 0x2021,  //
    0x20AC, 0x2030, 0x0409, 0x2039, 0x040A, 0x040C, 0x040B, 0x040F,  //
    0x0452, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,  //
    0xFFFD, 0x2122, 0x0459, 0x203A, 0x045A, 0x045C, 0x045B, 0x045F,  //
    0x00A0, 0x040E, 0x045E, 0x0408, 0x00A4, 0x0490, 0x00A6, 0x00A7,  //
    0x0401, 0x00A9, 0x0404, 0x00AB, 0x00AC, 0x00AD, 0x00AE, 0x0407,  //
    0x00B0, 0x00B1, 0x0406, 0x0456, 0x0491, 0x00B5, 0x00B6, 0x00B7,  //
    0x0451, 0x2116, 0x0454, 0x00BB, 0x0458, 0x0405, 0x0455, 0x0457,
};

std::string FromCp1251(std::string_view s) {
  std::string out;
  out.reserve(s.size() * 2);
  for (char ch : s) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if (c < 0x80) {
      out.push_back(ch);
    } else if (c >= 0xC0) {
      core::AppendUtf8(out, 0x0410 + (c - 0xC0));
    } else {
      core::AppendUtf8(out, kCp1251High[c - 0x80]);
    }
  }
  return out;
}

// UTF-16 with a BOM: what Excel's "Unicode text" saves.
std::string FromUtf16(std::string_view s, bool little_endian) {
  std::string out;
  out.reserve(s.size());
  auto unit = [&](std::size_t i) -> std::uint32_t {
    const auto a = static_cast<unsigned char>(s[i]), b = static_cast<unsigned char>(s[i + 1]);
    return little_endian ? (a | (b << 8)) : ((a << 8) | b);
  };
  for (std::size_t i = 0; i + 1 < s.size(); i += 2) {
    std::uint32_t cp = unit(i);
    if (cp >= 0xD800 && cp <= 0xDBFF && i + 3 < s.size()) {
      const std::uint32_t low = unit(i + 2);
      if (low >= 0xDC00 && low <= 0xDFFF) {
        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        i += 2;
      } else {
        cp = 0xFFFD;
      }
    } else if (cp >= 0xD800 && cp <= 0xDFFF) {
      cp = 0xFFFD;
    }
    core::AppendUtf8(out, cp);
  }
  return out;
}

std::string DecodeText(std::string_view bytes) {
  if (bytes.starts_with("\xEF\xBB\xBF")) return std::string(bytes.substr(3));
  if (bytes.starts_with("\xFF\xFE")) return FromUtf16(bytes.substr(2), true);
  if (bytes.starts_with("\xFE\xFF")) return FromUtf16(bytes.substr(2), false);
  if (IsValidUtf8(bytes)) return std::string(bytes);
  return FromCp1251(bytes);
}

// The separator: of ';', tab and ',', the most frequent outside quotes on the header row (the
// first line naming "наименование"), else on the first non-empty line; ';' wins ties.
char DetectSeparator(const std::string& text) {
  std::string line;
  std::array<int, 3> counts{};
  auto decide = [&](bool require_header) -> std::optional<char> {
    if (line.empty()) return std::nullopt;
    if (require_header && !Contains(Fold(line), "наименован")) return std::nullopt;
    if (counts[0] >= counts[1] && counts[0] >= counts[2] && counts[0] > 0) return ';';
    if (counts[1] >= counts[2] && counts[1] > 0) return '\t';
    if (counts[2] > 0) return ',';
    return std::nullopt;
  };
  std::optional<char> fallback;
  bool quoted = false;
  int lines = 0;
  for (std::size_t i = 0; i <= text.size() && lines < 100; ++i) {
    const char c = i < text.size() ? text[i] : '\n';
    if (c == '"') quoted = !quoted;
    if (!quoted && (c == '\n' || c == '\r')) {
      if (auto sep = decide(true)) return *sep;
      if (!fallback) fallback = decide(false);
      line.clear();
      counts = {};
      ++lines;
      continue;
    }
    line.push_back(c);
    if (!quoted) {
      if (c == ';') ++counts[0];
      if (c == '\t') ++counts[1];
      if (c == ',') ++counts[2];
    }
  }
  return fallback.value_or(';');
}

Result<Grid> ParseCsv(const std::string& text, char separator) {
  Grid grid;
  int row = 1, column = 0;
  std::string field;
  bool quoted_field = false;
  auto end_field = [&] {
    if (!Squeeze(field).empty() || quoted_field) {
      GridCell& cell = grid[row][column];
      cell.text = std::move(field);
      cell.has_value = !cell.text.empty();
    }
    field.clear();
    quoted_field = false;
    ++column;
  };
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (field.empty() && !quoted_field && c == '"') {
      const int opened = row;
      quoted_field = true;
      ++i;
      for (;;) {
        if (i >= text.size()) {
          return InvalidArgument("csv: row " + std::to_string(opened) +
                                 ": a quoted field is not closed");
        }
        if (text[i] == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            field.push_back('"');
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        field.push_back(text[i++]);
      }
      continue;  // anything up to the separator is appended as is
    }
    if (c == separator) {
      end_field();
      ++i;
    } else if (c == '\n' || c == '\r') {
      end_field();
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      ++i;
      ++row;
      column = 0;
    } else {
      field.push_back(c);
      ++i;
    }
  }
  if (!field.empty() || quoted_field || column > 0) end_field();
  return grid;
}

}  // namespace

Result<BoqImport> ReadBoqXlsx(std::string_view bytes) { return ReadBoqXlsx(bytes, XlsxLimits()); }

Result<BoqImport> ReadBoqXlsx(std::string_view bytes, const XlsxLimits& limits) {
  auto book = ReadXlsx(bytes, limits);
  if (!book.ok()) return book.status();
  for (const XlsxSheet& sheet : book->sheets) {
    Grid grid;
    for (const auto& [row, cells] : sheet.rows) {
      for (const auto& [column, cell] : cells) {
        GridCell& g = grid[row][column];
        g.text = cell.text;
        g.number = cell.type == XlsxCellType::kNumber && cell.has_value;
        g.formula = cell.has_formula;
        g.has_value = cell.has_value;
        g.formula_text = cell.formula;
      }
    }
    if (!FindHeader(grid)) continue;
    auto result = ReadGrid(grid);
    if (!result.ok()) {
      return Status(result.status().code(),
                    (book->sheets.size() > 1 ? "sheet \"" + sheet.name + "\": " : std::string()) +
                        result.status().message());
    }
    return result;
  }
  return InvalidArgument(
      "no ВОР table in the workbook: no row names the columns Наименование, Ед. изм. and "
      "Количество (or Объем, Кол-во)");
}

Result<BoqImport> ReadBoqCsv(std::string_view bytes) {
  if (bytes.empty()) return InvalidArgument("csv: the file is empty");
  if (bytes.find('\0') != std::string_view::npos && !bytes.starts_with("\xFF\xFE") &&
      !bytes.starts_with("\xFE\xFF")) {
    return InvalidArgument("csv: a binary file, not CSV text");
  }
  const std::string text = DecodeText(bytes);
  auto grid = ParseCsv(text, DetectSeparator(text));
  if (!grid.ok()) return grid.status();
  return ReadGrid(*grid);
}

}  // namespace estimate::formats
