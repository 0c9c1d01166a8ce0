#pragma once
// Small text helpers shared by every module: trimming, ASCII case folding and UTF-8 encoding and
// decoding. Pure functions of their arguments, standard library only, locale-independent (the
// process never calls setlocale, and these do not depend on it either way); thread-safe.
//
// Two trims, because the callers need two: HTTP headers and the fields of fixed-layout records
// (АРПС, price books, GGE codes) trim blanks only and keep CR/LF (there a CR is content or an error
// the caller reports); XML attribute values, migrations' lines and names typed by a user trim line
// ends too. TrimAny is for the odd set (configuration values: " \t\r"). None touches non-ASCII
// spaces (U+00A0): readers that accept them say so.
#include <string>
#include <string_view>

namespace estimate::core {

// `s` without leading and trailing spaces and horizontal tabs (HTTP's OWS).
std::string_view TrimBlanks(std::string_view s);

// `s` without leading and trailing spaces, tabs, CRs and LFs.
std::string_view TrimWhitespace(std::string_view s);

// `s` without leading and trailing bytes that occur in `bytes` (ASCII ones: a UTF-8 sequence is
// never cut).
std::string_view TrimAny(std::string_view s, std::string_view bytes);

// ASCII 'A'–'Z' → 'a'–'z'; every other byte, UTF-8 included, unchanged.
char AsciiLower(char c);
std::string AsciiLower(std::string_view s);

// Equal when ASCII letters are compared without case; other bytes must match exactly.
bool EqualsIgnoringAsciiCase(std::string_view a, std::string_view b);
bool StartsWithIgnoringAsciiCase(std::string_view s, std::string_view prefix);

// The replacement character DecodeUtf8 returns for a byte that starts no valid sequence.
inline constexpr char32_t kReplacementCharacter = 0xFFFD;

// Decodes the code point starting at byte `i` (< s.size()) of `s`; `length` receives its byte
// length. A byte that starts no well-formed sequence (a stray continuation byte, a truncated
// sequence, 0xC0/0xC1) decodes as kReplacementCharacter with length 1.
char32_t DecodeUtf8(std::string_view s, std::size_t i, std::size_t& length);

// Appends `cp` (≤ U+10FFFF, not a surrogate: the caller has checked) as UTF-8.
void AppendUtf8(std::string& out, char32_t cp);

}  // namespace estimate::core
