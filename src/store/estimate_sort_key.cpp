#include "store/estimate_sort_key.hpp"

#include <cstdint>

namespace estimate::store {
namespace {

constexpr std::string_view kDigits =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
constexpr int kBase = 62;
constexpr int kWidth = 4;
constexpr std::int64_t kSpan = std::int64_t{kBase} * kBase * kBase * kBase;  // kBase^kWidth
constexpr std::int64_t kStep = kBase;  // one unit of the third digit

int Digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
  if (c >= 'a' && c <= 'z') return c - 'a' + 36;
  return 0;  // keys are written only by this file
}

// The first kWidth digits of a key as an integer (missing digits are 0).
std::int64_t Head(std::string_view key) {
  std::int64_t v = 0;
  for (int i = 0; i < kWidth; ++i) {
    v = v * kBase + (static_cast<std::size_t>(i) < key.size() ? Digit(key[i]) : 0);
  }
  return v;
}

std::string Encode(std::int64_t v) {
  std::string out(kWidth, '0');
  for (int i = kWidth - 1; i >= 0; --i) {
    out[i] = kDigits[static_cast<std::size_t>(v % kBase)];
    v /= kBase;
  }
  while (!out.empty() && out.back() == '0') out.pop_back();
  return out;
}

}  // namespace

std::string SortKeyBetween(std::string_view lo, std::string_view hi) {
  // Digit by digit: copy the common prefix, then take the middle digit if there is room; when the
  // two digits are adjacent, keep lo's and continue with no upper bound (anything longer that
  // starts so is below hi). The middle digit is above lo's, so the key never ends in '0'.
  std::string out;
  bool bounded = !hi.empty();
  for (std::size_t i = 0;; ++i) {
    const int a = i < lo.size() ? Digit(lo[i]) : 0;
    const int b = bounded ? (i < hi.size() ? Digit(hi[i]) : 0) : kBase;
    if (a == b) {
      out += kDigits[static_cast<std::size_t>(a)];
      continue;
    }
    const int mid = (a + b) / 2;
    if (mid > a) {
      out += kDigits[static_cast<std::size_t>(mid)];
      return out;
    }
    out += kDigits[static_cast<std::size_t>(a)];
    bounded = false;
  }
}

std::string SortKeyAfter(std::string_view lo) {
  const std::int64_t next = Head(lo) + kStep;
  if (next < kSpan) return Encode(next);  // > lo: lo is below Head(lo) + one unit of the last digit
  return SortKeyBetween(lo, "");
}

std::string SortKeyBefore(std::string_view hi) {
  const std::int64_t head = Head(hi);
  if (head > kStep) return Encode(head - kStep);  // <= head - kStep < hi, and above 0
  return SortKeyBetween("", hi);
}

}  // namespace estimate::store
