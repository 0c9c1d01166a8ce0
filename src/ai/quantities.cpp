#include "ai/quantities.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "normbase/russian_text.hpp"

namespace estimate::ai {

namespace {

using core::Decimal;
using normbase::Token;
using normbase::TokenKind;

// «двумя реле», «до четырех»: numbers written as words, in their case forms.
std::optional<int> NumeralOf(std::string_view w) {
  static constexpr std::array<std::pair<std::string_view, int>, 44> kWords{{
      {"один", 1},    {"одна", 1},     {"одно", 1},      {"одного", 1},    {"одним", 1},
      {"одной", 1},   {"одному", 1},   {"два", 2},       {"две", 2},       {"двух", 2},
      {"двум", 2},    {"двумя", 2},    {"три", 3},       {"трех", 3},      {"трём", 3},
      {"трем", 3},    {"тремя", 3},    {"трёх", 3},      {"четыре", 4},    {"четырех", 4},
      {"четырёх", 4}, {"четырем", 4},  {"четырьмя", 4},  {"пять", 5},      {"пяти", 5},
      {"пятью", 5},   {"шесть", 6},    {"шести", 6},     {"семь", 7},      {"семи", 7},
      {"восемь", 8},  {"восьми", 8},   {"девять", 9},    {"девяти", 9},    {"десять", 10},
      {"десяти", 10}, {"двенадцать", 12}, {"двенадцати", 12}, {"двадцать", 20}, {"двадцати", 20},
      {"пару", 2},    {"пара", 2},     {"оба", 2},       {"обоих", 2},
  }};
  for (const auto& [word, value] : kWords) {
    if (w == word) return value;
  }
  return std::nullopt;
}

bool IsNumber(const Token& t) {
  return t.kind == TokenKind::kNumber || t.kind == TokenKind::kDecimal ||
         (t.kind == TokenKind::kWord && NumeralOf(t.text));
}

// The stem of a word that may be counted (not a number, not a unit, not a short word).
std::size_t Letters(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string NounStem(const Token& t) {
  if (t.kind != TokenKind::kWord || Letters(t.text) < 3 || NumeralOf(t.text)) return {};
  return normbase::StemRussian(t.text);
}

// Units a figure may carry, as the tokenizer folds them, with the estimators' other spellings.
std::string_view UnitWord(std::string_view w) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 44> kUnits{{
      {"квт", "квт"},  {"киловатт", "квт"}, {"кв", "кв"},     {"киловольт", "кв"},
      {"в", "в"},      {"мвт", "мвт"},      {"мва", "мва"},   {"ква", "ква"},
      {"мм", "мм"},    {"м", "м"},          {"см", "см"},     {"км", "км"},
      {"т", "т"},      {"тонн", "т"},       {"тонны", "т"},   {"тонна", "т"},
      {"тн", "т"},     {"кг", "кг"},        {"мпа", "мпа"},   {"кпа", "кпа"},
      {"атм", "атм"},  {"а", "а"},          {"ка", "ка"},     {"ампер", "а"},
      {"шт", "шт"},    {"штук", "шт"},      {"гкал", "гкал"}, {"ккал", "ккал"},
      {"л", "л"},      {"литров", "л"},     {"мин", "мин"},   {"ч", "ч"},
      {"сут", "сут"},  {"гц", "гц"},        {"об", "об"},     {"м2", "м2"},
      {"м3", "м3"},    {"мм2", "мм2"},      {"га", "га"},     {"кн", "кн"},
      {"мвар", "мвар"}, {"вт", "вт"},       {"ва", "ва"},     {"тс", "тс"},
  }};
  for (const auto& [from, to] : kUnits) {
    if (w == from) return to;
  }
  return {};
}

// The unit after the number at tokens[i] (and a «тыс.» multiplier before it); `next` is set to
// the first token after what was read.
std::string UnitAfter(std::string_view text, const std::vector<Token>& tokens, std::size_t i,
                      bool& thousands, std::size_t& next) {
  thousands = false;
  next = i + 1;
  if (next < tokens.size() && tokens[next].kind == TokenKind::kWord && tokens[next].text == "тыс") {
    thousands = true;
    ++next;
  }
  if (next >= tokens.size()) return {};
  const Token& t = tokens[next];
  if (t.kind == TokenKind::kUnit) {
    ++next;
    return normbase::NormalizeUnit(t.text);
  }
  if (t.kind == TokenKind::kWord) {
    std::string_view u = UnitWord(t.text);
    // «в», «а», «об» are also a preposition and conjunctions: «3 в трубе» is not 3 V. They are
    // units only when no word follows («380 В», «400 А)»).
    if ((t.text == "в" || t.text == "а" || t.text == "об") && next + 1 < tokens.size() &&
        tokens[next + 1].kind == TokenKind::kWord) {
      u = {};
    }
    if (!u.empty()) {
      ++next;
      std::string unit(u);
      // «Гкал/ч», «м3/сут»: a rate, when the tokenizer split it at the slash.
      if (next < tokens.size() && tokens[next].begin == t.end + 1 && text[t.end] == '/' &&
          tokens[next].kind == TokenKind::kWord &&
          (tokens[next].text == "ч" || tokens[next].text == "час" || tokens[next].text == "сут" ||
           tokens[next].text == "мин" || tokens[next].text == "с")) {
        unit += '/';
        unit += tokens[next].text == "час" ? "ч" : tokens[next].text;
        ++next;
      }
      return unit;
    }
  }
  return {};
}

std::optional<Decimal> ValueOf(const Token& t, bool thousands) {
  if (t.kind == TokenKind::kWord) {
    const std::optional<int> n = NumeralOf(t.text);
    if (!n) return std::nullopt;
    return Decimal::FromInt(thousands ? *n * 1000 : *n);
  }
  std::string digits = t.text;  // «7,5» as Russian text writes it
  std::replace(digits.begin(), digits.end(), ',', '.');
  Result<Decimal> d = Decimal::Parse(digits);
  if (!d.ok()) return std::nullopt;
  if (d->IntegerDigits() > 15) return std::nullopt;  // not a figure of a work
  if (thousands) return *d * Decimal::FromInt(1000);
  return *d;
}

// One unit for each quantity, so that «1000 кВА» meets «до 1,6 МВА»: the value is scaled to the
// unit of the base's usual spelling. Lengths are left alone (a span in metres is not a diameter
// in millimetres).
struct Scale {
  std::string_view from;
  std::string_view to;
  std::string_view factor;
};
constexpr std::array<Scale, 9> kScales{{
    {"мвт", "квт", "1000"},
    {"вт", "квт", "0.001"},
    {"мва", "ква", "1000"},
    {"ва", "ква", "0.001"},
    {"мвар", "ква", "1000"},
    {"в", "кв", "0.001"},
    {"кпа", "мпа", "0.001"},
    {"атм", "мпа", "0.1"},
    {"кгс/см2", "мпа", "0.1"},
}};

void ToCommonUnit(Decimal& value, std::string& unit) {
  for (const Scale& s : kScales) {
    if (unit == s.from) {
      value = value * Decimal::Literal(s.factor);
      unit = std::string(s.to);
      return;
    }
  }
}

void ScaleRange(Range& r) {
  const std::string unit = r.unit;
  if (r.low) {
    std::string u = unit;
    ToCommonUnit(*r.low, u);
    r.unit = u;
  }
  if (r.high) {
    std::string u = unit;
    ToCommonUnit(*r.high, u);
    r.unit = u;
  }
}

// Two stems of one word in other forms: «точк» (точки) and «точек», «этаж» and «этажн»
// (9-этажный): a common beginning of at least three letters that leaves at most one letter of the
// shorter stem.
bool SameStem(std::string_view a, std::string_view b) {
  std::size_t common = 0;
  while (common < a.size() && common < b.size() && a[common] == b[common]) ++common;
  while (common > 0 && common < a.size() && (static_cast<unsigned char>(a[common]) & 0xC0) == 0x80) {
    --common;  // back to the start of a letter
  }
  const std::size_t shared = Letters(a.substr(0, common));
  const std::size_t shorter = std::min(Letters(a), Letters(b));
  return shared >= 3 && shared + 1 >= shorter;
}

// The clause of a range without a unit: the stems of the words from the previous comma up to
// the number, and of the word after it («количество лифтов в подъезде: 2», «с: двумя реле»).
std::vector<std::string> LabelAround(std::string_view text, const std::vector<Token>& tokens,
                                     std::size_t first, std::size_t next) {
  std::vector<std::string> out;
  for (std::size_t j = first; j-- > 0;) {
    std::string stem = NounStem(tokens[j]);
    if (!stem.empty()) out.push_back(std::move(stem));
    // A comma before this word ends the clause.
    std::uint32_t b = tokens[j].begin;
    while (b > 0 && text[b - 1] == ' ') --b;
    if (b > 0 && (text[b - 1] == ',' || text[b - 1] == ';')) break;
  }
  if (next < tokens.size()) {
    std::string stem = NounStem(tokens[next]);
    if (!stem.empty()) out.push_back(std::move(stem));
  }
  return out;
}

// The byte before `begin`, skipping spaces: ':' marks «…: 10».
char CharBefore(std::string_view text, std::uint32_t begin) {
  while (begin > 0 && text[begin - 1] == ' ') --begin;
  return begin > 0 ? text[begin - 1] : '\0';
}

// A no-break space (U+00A0, «2\u00a0лифта» pasted from Word) as two plain spaces: offsets keep.
std::string PlainSpaces(std::string_view text) {
  std::string out(text);
  for (std::size_t i = 0; i + 1 < out.size(); ++i) {
    if (static_cast<unsigned char>(out[i]) == 0xC2 && static_cast<unsigned char>(out[i + 1]) == 0xA0) {
      out[i] = ' ';
      out[i + 1] = ' ';
    }
  }
  return out;
}

// The tokens of `text` with no-break spaces made plain; `plain` keeps the text they point into.
std::vector<Token> PlainTokens(std::string_view text, std::string& plain) {
  plain = PlainSpaces(text);
  std::vector<Token> tokens;
  normbase::Tokenize(plain, tokens);
  return tokens;
}

}  // namespace

bool Range::Holds(const Decimal& v) const {
  if (!v.ok() || (low && !low->ok()) || (high && !high->ok())) return false;
  if (exact) return low && *low == v;
  if (low) {
    if (low_inclusive ? v < *low : v <= *low) return false;
  }
  if (high && v > *high) return false;
  return low || high;
}

std::vector<Figure> FiguresOf(std::string_view original) {
  std::string plain;
  const std::vector<Token> tokens = PlainTokens(original, plain);
  const std::string_view text = plain;
  std::vector<Figure> out;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    if (!IsNumber(tokens[i])) continue;
    bool thousands = false;
    std::size_t next = i + 1;
    std::string unit = UnitAfter(text, tokens, i, thousands, next);
    // «10/0,4 кВ»: the first number has the unit of the second.
    if (unit.empty() && tokens[i].end < text.size() && text[tokens[i].end] == '/' &&
        i + 1 < tokens.size() && IsNumber(tokens[i + 1])) {
      bool t2 = false;
      std::size_t n2 = i + 2;
      unit = UnitAfter(text, tokens, i + 1, t2, n2);
    }
    bool pressure_class = false;
    if (unit.empty() && i > 0 && tokens[i - 1].kind == TokenKind::kWord) {
      const std::string& w = tokens[i - 1].text;
      // «Ду80», «DN 50», «диаметр 100»: a diameter in millimetres.
      if (w == "ду" || w == "dn" || w.starts_with("диаметр") || w == "d") unit = "мм";
      // «PN16», «Ру 10»: a pressure class in kgf/cm², a tenth of a MPa.
      if (w == "pn" || w == "ру") {
        unit = "мпа";
        pressure_class = true;
      }
    }
    std::optional<Decimal> v = ValueOf(tokens[i], thousands);
    if (!v) continue;
    if (pressure_class) *v = *v * Decimal::Literal("0.1");
    ToCommonUnit(*v, unit);
    const std::uint32_t end = next > i + 1 ? tokens[next - 1].end : tokens[i].end;
    std::string written(text.substr(tokens[i].begin, end - tokens[i].begin));
    if (pressure_class) written = std::string(text.substr(tokens[i - 1].begin, end - tokens[i - 1].begin));
    std::string noun;
    if (unit.empty() && next < tokens.size() &&
        text.substr(tokens[i].end, tokens[next].begin - tokens[i].end).find_first_not_of(' ') ==
            std::string_view::npos) {
      noun = NounStem(tokens[next]);
      // «2 группы», «на двух реле»: what is counted belongs to what the estimator reads.
      if (!noun.empty()) written = std::string(text.substr(tokens[i].begin, tokens[next].end - tokens[i].begin));
    }
    // A heat output in kW is also one in Gcal/h (1 Gcal/h = 1,163 kW): boilers are normed in both.
    if (unit == "квт") {
      out.push_back({Decimal::Divide(*v, Decimal::Literal("1163"), 4), "гкал/ч", written, {}});
    }
    out.push_back({*v, std::move(unit), std::move(written), std::move(noun)});
  }
  return out;
}

std::vector<Range> RangesOf(std::string_view original) {
  std::string plain;
  const std::vector<Token> tokens = PlainTokens(original, plain);
  const std::string_view name = plain;
  std::vector<Range> out;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const Token& t = tokens[i];
    const bool bound_word = t.kind == TokenKind::kWord &&
                            (t.text == "до" || t.text == "свыше" || t.text == "более" ||
                             t.text == "от" || t.text == "менее");
    if (bound_word && i + 1 < tokens.size() && IsNumber(tokens[i + 1])) {
      Range r;
      const std::uint32_t begin = t.begin;
      bool thousands = false;
      std::size_t next = i + 2;
      std::string unit = UnitAfter(name, tokens, i + 1, thousands, next);
      const std::optional<Decimal> v = ValueOf(tokens[i + 1], thousands);
      if (!v) continue;
      if (t.text == "до" || t.text == "менее") {
        r.high = *v;
      } else {
        r.low = *v;
        r.low_inclusive = t.text == "от";
        // «свыше 10 до 50 кВт»: one range, its unit after the upper bound.
        if (next + 1 < tokens.size() && tokens[next].kind == TokenKind::kWord &&
            tokens[next].text == "до" && IsNumber(tokens[next + 1])) {
          std::size_t after = next + 2;
          std::string high_unit = UnitAfter(name, tokens, next + 1, thousands, after);
          if (const std::optional<Decimal> h = ValueOf(tokens[next + 1], thousands)) {
            r.high = *h;
            if (!high_unit.empty()) unit = std::move(high_unit);
            next = after;
          }
        }
      }
      r.unit = std::move(unit);
      ScaleRange(r);
      r.text = std::string(name.substr(begin, tokens[next - 1].end - begin));
      if (r.unit.empty()) r.label = LabelAround(name, tokens, i, next);
      out.push_back(std::move(r));
      i = next - 1;
      continue;
    }
    // A figure of its own: «количество лифтов в подъезде: 2» (the importer joins the table's
    // words and the norm's as «… в подъезде 2»), «группа грунтов 2», «в два слоя», «диаметром
    // 25 мм» — the value itself. Not a mark such as «РТ-40» or «9-ти».
    if (IsNumber(t) && CharBefore(name, t.begin) != '-' &&
        (t.end >= name.size() || name[t.end] != '-')) {
      bool thousands = false;
      std::size_t next = i + 1;
      std::string unit = UnitAfter(name, tokens, i, thousands, next);
      const std::optional<Decimal> v = ValueOf(t, thousands);
      if (!v) continue;
      Range r;
      r.low = r.high = *v;
      r.exact = true;
      r.unit = std::move(unit);
      ScaleRange(r);
      // Shown with up to two words before it: «группа грунтов 2», «мощностью 80 МВА».
      std::uint32_t from = t.begin;
      for (std::size_t j = i, words = 0; j-- > 0 && words < 2; ++words) {
        if (tokens[j].kind != TokenKind::kWord || IsNumber(tokens[j])) break;
        std::uint32_t b = tokens[j].end;
        while (b < t.begin && (name[b] == ' ' || name[b] == ':')) ++b;
        if (b < from && name.substr(tokens[j].end, from - tokens[j].end).find_first_of(",;(") !=
                            std::string_view::npos) {
          break;
        }
        from = tokens[j].begin;
      }
      std::uint32_t to = tokens[next - 1].end;
      if (r.unit.empty() && next < tokens.size() && !NounStem(tokens[next]).empty() &&
          name.substr(to, tokens[next].begin - to).find_first_not_of(' ') == std::string_view::npos) {
        to = tokens[next].end;  // «с двумя реле»
      }
      r.text = std::string(name.substr(from, to - from));
      if (r.unit.empty()) r.label = LabelAround(name, tokens, i, next);
      out.push_back(std::move(r));
      i = next - 1;
    }
  }
  return out;
}

void CloseSeries(std::vector<std::vector<Range>*>& series) {
  // Every «до X» of the table by unit, to find the next smaller one.
  std::vector<std::pair<std::string, Decimal>> highs;
  for (const std::vector<Range>* ranges : series) {
    for (const Range& r : *ranges) {
      if (!r.exact && r.high && !r.low) highs.emplace_back(r.unit, *r.high);
    }
  }
  for (std::vector<Range>* ranges : series) {
    for (Range& r : *ranges) {
      if (r.exact || !r.high || r.low) continue;
      std::optional<Decimal> below;
      for (const auto& [unit, h] : highs) {
        if (unit == r.unit && h < *r.high && (!below || h > *below)) below = h;
      }
      r.low = below;  // none: the first of its series, from zero
    }
  }
}

bool SameQuantity(const Figure& f, const Range& r) {
  if (f.unit != r.unit) return false;
  if (!f.unit.empty() || f.noun.empty() || r.label.empty()) return true;
  return std::any_of(r.label.begin(), r.label.end(),
                     [&](const std::string& stem) { return SameStem(stem, f.noun); });
}

}  // namespace estimate::ai
