#pragma once
// Russian text of the normative base broken into tokens for search: case folding of Cyrillic and
// Latin (ё → е), words, numbers, units and codes, with the byte span each token came from so that
// matches can be highlighted in the original UTF-8 text. Stemming is Snowball Russian
// (libstemmer); the stemmer object is per thread, so every function here is thread-safe.
//
// Tokens (see Tokenize):
//   word     a run of Cyrillic/Latin letters, folded: "Трубопроводов" → "трубопроводов".
//            A letter run glued to digits splits at the boundary: "Ду50" → "ду", "50".
//   joined   a hyphenated word written as one, next to its parts: "пуско-наладочные" → "пуско",
//            "наладочные" and joined "пусконаладочные" (the base spells it both ways).
//   number   digits with a decimal comma or point, thousands groups separated by a space merged:
//            "1 200" → "1200", "2,50" → "2.5", "050" → "50".
//   unit     squares and cubes of length units and per-units: "м²", "м2" → "м2"; "м³/сут" →
//            "м3/сут"; "т/час" → "т/ч" (the pieces of a per-unit are not words of their own).
//   code     digit groups joined by '-' or '.': "12-01-001", "01.7.03.01-0001", "6-14". A single
//            '.' or ',' between two digit groups ("91.05", "2,5") is a number that may also be a
//            code prefix; the caller decides which (kDecimal).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace estimate::normbase {

enum class TokenKind { kWord, kJoined, kNumber, kDecimal, kUnit, kCode };

struct Token {
  TokenKind kind = TokenKind::kWord;
  std::string text;         // folded / normalized
  std::uint32_t begin = 0;  // byte offsets into the tokenized text, [begin, end)
  std::uint32_t end = 0;
};

// Lower case for Cyrillic and Latin, ё → е, superscript ²/³ → 2/3; other bytes unchanged.
std::string FoldCase(std::string_view utf8);

// Appends the tokens of `text` to `out` in text order. Invalid UTF-8 bytes separate tokens.
void Tokenize(std::string_view text, std::vector<Token>& out);

// "2,50" → "2.5", "050" → "50", "1 200" → "1200" (spaces already removed by Tokenize).
std::string NormalizeNumber(std::string_view digits);

// Snowball Russian stem of a folded word; words of fewer than 3 letters and words with no
// Cyrillic letter are returned unchanged.
std::string StemRussian(std::string_view folded_word);

// A unit as written in a norm or a query ("100 м²", "м3/сутки") in one spelling for comparison:
// folded, superscripts as digits, the per-unit aliases applied, single spaces.
std::string NormalizeUnit(std::string_view unit);

}  // namespace estimate::normbase
