#include "normbase/russian_text.hpp"

#include <libstemmer.h>

#include <array>
#include <utility>

#include "core/text.hpp"

namespace estimate::normbase {

namespace {

bool IsCyrillic(char32_t cp) { return (cp >= 0x410 && cp <= 0x44F) || cp == 0x401 || cp == 0x451; }
bool IsLetter(char32_t cp) {
  return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || IsCyrillic(cp);
}
bool IsDigit(char32_t cp) { return cp >= '0' && cp <= '9'; }
// Superscript two and three as in "м²", "м³".
char SquareOrCube(char32_t cp) {
  if (cp == '2' || cp == 0xB2) return '2';
  if (cp == '3' || cp == 0xB3) return '3';
  return 0;
}

char32_t Fold(char32_t cp) {
  if (cp >= 'A' && cp <= 'Z') return cp + 32;
  if (cp >= 0x410 && cp <= 0x42F) cp += 0x20;    // А-Я → а-я
  if (cp == 0x401 || cp == 0x451) return 0x435;  // Ё, ё → е
  if (cp == 0xB2) return '2';
  if (cp == 0xB3) return '3';
  return cp;
}

// Length units that take a square or a cube: "м2", "см3", …
bool IsLengthUnit(std::string_view w) {
  return w == "м" || w == "мм" || w == "см" || w == "дм" || w == "км";
}

// Spellings of the pieces of a per-unit ("т/час", "м3/сутки") reduced to the base's own.
std::string_view UnitAlias(std::string_view w) {
  static constexpr std::pair<std::string_view, std::string_view> kAliases[] = {
      {"час", "ч"},   {"часов", "ч"}, {"сутки", "сут"}, {"суток", "сут"},  {"тонн", "т"},
      {"тонна", "т"}, {"тонны", "т"}, {"тн", "т"},      {"минуту", "мин"}, {"сек", "с"},
  };
  for (const auto& [from, to] : kAliases) {
    if (w == from) return to;
  }
  return w;
}

// Reads a run of letters at `i`, folded; returns the end offset and the number of letters.
std::size_t ReadLetters(std::string_view s, std::size_t i, std::string& folded, int& letters) {
  letters = 0;
  while (i < s.size()) {
    std::size_t len = 0;
    char32_t cp = core::DecodeUtf8(s, i, len);
    if (!IsLetter(cp)) break;
    core::AppendUtf8(folded, Fold(cp));
    ++letters;
    i += len;
  }
  return i;
}

// A unit digit after a length unit: "м2", "м³"; not when more digits follow ("м25" is no unit).
std::size_t ReadUnitPower(std::string_view s, std::size_t i, std::string& word) {
  if (i >= s.size() || !IsLengthUnit(word)) return i;
  std::size_t len = 0;
  char power = SquareOrCube(core::DecodeUtf8(s, i, len));
  if (power == 0) return i;
  if (i + len < s.size() && IsDigit(static_cast<unsigned char>(s[i + len]))) return i;
  word.push_back(power);
  return i + len;
}

// A space that may separate thousands: ' ', NBSP, narrow NBSP, thin space.
std::size_t ThousandsSpace(std::string_view s, std::size_t i) {
  if (i >= s.size()) return 0;
  std::size_t len = 0;
  char32_t cp = core::DecodeUtf8(s, i, len);
  return (cp == ' ' || cp == 0xA0 || cp == 0x202F || cp == 0x2009) ? len : 0;
}

bool DigitAt(std::string_view s, std::size_t i) {
  return i < s.size() && s[i] >= '0' && s[i] <= '9';
}

std::size_t ReadNumber(std::string_view s, std::size_t i, std::vector<Token>& out) {
  Token t;
  t.begin = static_cast<std::uint32_t>(i);
  std::string raw;
  while (DigitAt(s, i)) raw.push_back(s[i++]);
  // "1 200 000": a first group of 1–3 digits, then groups of exactly three.
  if (raw.size() <= 3) {
    for (;;) {
      std::size_t sp = ThousandsSpace(s, i);
      if (sp == 0) break;
      std::size_t j = i + sp;
      if (!(DigitAt(s, j) && DigitAt(s, j + 1) && DigitAt(s, j + 2)) || DigitAt(s, j + 3)) break;
      raw.append(s.substr(j, 3));
      i = j + 3;
    }
  }
  int separators = 0;
  bool decimal_only = true;
  while (i + 1 < s.size() && (s[i] == '.' || s[i] == ',' || s[i] == '-') && DigitAt(s, i + 1)) {
    if (s[i] == '-') decimal_only = false;
    raw.push_back(s[i++]);
    ++separators;
    while (DigitAt(s, i)) raw.push_back(s[i++]);
  }
  t.end = static_cast<std::uint32_t>(i);
  if (separators == 0) {
    t.kind = TokenKind::kNumber;
    t.text = NormalizeNumber(raw);
  } else if (separators == 1 && decimal_only) {
    t.kind = TokenKind::kDecimal;
    t.text = std::move(raw);
  } else {
    t.kind = TokenKind::kCode;
    t.text = std::move(raw);
  }
  out.push_back(std::move(t));
  return i;
}

std::size_t ReadWord(std::string_view s, std::size_t i, std::vector<Token>& out) {
  Token t;
  t.begin = static_cast<std::uint32_t>(i);
  int letters = 0;
  i = ReadLetters(s, i, t.text, letters);
  std::size_t after_power = ReadUnitPower(s, i, t.text);
  if (after_power != i) t.kind = TokenKind::kUnit;
  i = after_power;
  // Per-unit: "т/ч", "м3/сут", "кг/м3". Both pieces short, so that "и/или" style pairs of long
  // words stay words.
  if (letters <= 3 && i + 1 < s.size() && s[i] == '/') {
    std::string second;
    int second_letters = 0;
    std::size_t j = ReadLetters(s, i + 1, second, second_letters);
    if (second_letters > 0 && second_letters <= 6) {
      j = ReadUnitPower(s, j, second);
      t.kind = TokenKind::kUnit;
      t.text = std::string(UnitAlias(t.text)) + "/" + std::string(UnitAlias(second));
      t.end = static_cast<std::uint32_t>(j);
      out.push_back(std::move(t));
      return j;
    }
  }
  t.end = static_cast<std::uint32_t>(i);
  if (t.kind == TokenKind::kWord && i + 1 < s.size() && s[i] == '-') {
    std::size_t len = 0;
    if (IsLetter(core::DecodeUtf8(s, i + 1, len))) {
      // Hyphenated word: its parts, then the parts written together.
      Token joined;
      joined.kind = TokenKind::kJoined;
      joined.begin = t.begin;
      joined.text = t.text;
      out.push_back(std::move(t));
      while (i + 1 < s.size() && s[i] == '-' && IsLetter(core::DecodeUtf8(s, i + 1, len))) {
        Token part;
        part.begin = static_cast<std::uint32_t>(i + 1);
        i = ReadLetters(s, i + 1, part.text, letters);
        part.end = static_cast<std::uint32_t>(i);
        joined.text += part.text;
        out.push_back(std::move(part));
      }
      joined.end = static_cast<std::uint32_t>(i);
      out.push_back(std::move(joined));
      return i;
    }
  }
  out.push_back(std::move(t));
  return i;
}

struct StemmerHolder {
  sb_stemmer* stemmer = sb_stemmer_new("russian", "UTF_8");
  StemmerHolder() = default;
  StemmerHolder(const StemmerHolder&) = delete;
  StemmerHolder& operator=(const StemmerHolder&) = delete;
  ~StemmerHolder() {
    if (stemmer != nullptr) sb_stemmer_delete(stemmer);
  }
};

}  // namespace

std::string FoldCase(std::string_view utf8) {
  std::string out;
  out.reserve(utf8.size());
  for (std::size_t i = 0; i < utf8.size();) {
    std::size_t len = 0;
    char32_t cp = core::DecodeUtf8(utf8, i, len);
    if (cp == core::kReplacementCharacter) {
      out.push_back(utf8[i]);
    } else {
      core::AppendUtf8(out, Fold(cp));
    }
    i += len;
  }
  return out;
}

void Tokenize(std::string_view text, std::vector<Token>& out) {
  for (std::size_t i = 0; i < text.size();) {
    std::size_t len = 0;
    char32_t cp = core::DecodeUtf8(text, i, len);
    if (IsLetter(cp)) {
      i = ReadWord(text, i, out);
    } else if (IsDigit(cp)) {
      i = ReadNumber(text, i, out);
    } else {
      i += len;
    }
  }
}

std::string NormalizeNumber(std::string_view digits) {
  std::string_view int_part = digits, frac;
  if (auto p = digits.find_first_of(".,"); p != std::string_view::npos) {
    int_part = digits.substr(0, p);
    frac = digits.substr(p + 1);
  }
  while (int_part.size() > 1 && int_part.front() == '0') int_part.remove_prefix(1);
  while (!frac.empty() && frac.back() == '0') frac.remove_suffix(1);
  std::string out(int_part.empty() ? "0" : int_part);
  if (!frac.empty()) {
    out.push_back('.');
    out.append(frac);
  }
  return out;
}

std::string StemRussian(std::string_view folded_word) {
  int letters = 0;
  bool cyrillic = false;
  for (std::size_t i = 0; i < folded_word.size();) {
    std::size_t len = 0;
    char32_t cp = core::DecodeUtf8(folded_word, i, len);
    cyrillic = cyrillic || IsCyrillic(cp);
    ++letters;
    i += len;
  }
  if (letters < 3 || !cyrillic) return std::string(folded_word);
  thread_local StemmerHolder holder;
  if (holder.stemmer == nullptr) return std::string(folded_word);
  const sb_symbol* stem =
      sb_stemmer_stem(holder.stemmer, reinterpret_cast<const sb_symbol*>(folded_word.data()),
                      static_cast<int>(folded_word.size()));
  if (stem == nullptr) return std::string(folded_word);
  return std::string(reinterpret_cast<const char*>(stem),
                     static_cast<std::size_t>(sb_stemmer_length(holder.stemmer)));
}

std::string NormalizeUnit(std::string_view unit) {
  std::vector<Token> tokens;
  Tokenize(unit, tokens);
  std::string out;
  for (const auto& t : tokens) {
    if (t.kind == TokenKind::kJoined) continue;
    if (!out.empty()) out.push_back(' ');
    out += t.kind == TokenKind::kDecimal ? NormalizeNumber(t.text) : t.text;
  }
  return out;
}

}  // namespace estimate::normbase
