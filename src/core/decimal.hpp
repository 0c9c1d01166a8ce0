#pragma once
// Exact decimal numbers for money, quantities and coefficients.
//
// A Decimal is mantissa × 10^-scale with a 128-bit mantissa and a scale of 0..kMaxScale. Addition,
// subtraction and multiplication are exact: the scale grows as needed (1.15 × 1.2 = 1.380), so a
// chain such as round7(consumption × quantity × K) is rounded exactly once, as the Minstroy XML
// schema requires; there is no hidden intermediate rounding and no binary floating point.
//
// Overflow never produces a wrong figure. An operation whose exact result does not fit (more than
// about 38 significant digits, or a scale above kMaxScale) or a division by zero yields the
// "invalid" Decimal: ok() is false and every operation that touches it stays invalid, like a NaN
// that cannot be printed. Calculators check ok() on the figures they publish and turn an invalid
// one into a Status (see CheckDecimal below). Comparisons involving an invalid value are false
// except `!=`.
//
// Rounding is half-up in the sense of the estimating programs: a half goes away from zero
// (0.005 → 0.01, −0.005 → −0.01).
//
// Thread-safety: a value type; no shared state.
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.hpp"

namespace estimate::core {

__extension__ typedef __int128 Int128;  // __extension__: GCC/Clang builtin, silences -Wpedantic.

class Decimal {
 public:
  // Largest number of digits after the point a Decimal keeps exactly.
  static constexpr int kMaxScale = 36;

  // Zero.
  constexpr Decimal() = default;

  // An integer.
  static constexpr Decimal FromInt(std::int64_t value) { return Decimal(value, 0); }
  // mantissa × 10^-scale; invalid if scale is outside 0..kMaxScale.
  static Decimal FromRaw(Int128 mantissa, int scale);
  // The invalid value (what overflow produces).
  static constexpr Decimal Invalid() { return Decimal(0, kInvalidScale); }

  // Parses a plain decimal: an optional '-', digits, optionally '.' and digits ("12", "-0.5",
  // "0.0067"). Rejects exponents, commas, spaces, '+', a bare point, "NaN", empty text and more
  // digits than fit. The error message says what is wrong, without the JSON path (callers add it).
  static Result<Decimal> Parse(std::string_view text);
  // Parse for literals known to be valid (tests, constants); invalid Decimal if not.
  static Decimal Literal(std::string_view text);

  bool ok() const { return scale_ != kInvalidScale; }
  bool IsZero() const { return ok() && mantissa_ == 0; }
  bool IsNegative() const { return ok() && mantissa_ < 0; }
  Int128 mantissa() const { return mantissa_; }
  int scale() const { return scale_; }

  // Counts of digits before and after the point as written (trailing zeros after the point count
  // as written: "1.50" has 2). Used by the document layer to enforce its 15/10 limits.
  int IntegerDigits() const;

  // Half-up (away from zero) rounding to `places` decimals (0..kMaxScale). A value with fewer
  // decimals is returned unchanged in value; the result's scale is min(scale, places).
  Decimal Round(int places) const;
  // Rounds half-up to `places` and sets the scale to exactly `places` (for printing).
  Decimal RoundToScale(int places) const;
  // The same value with trailing fractional zeros removed (1.500 → 1.5).
  Decimal Normalized() const;

  // a × b rounded half-up to `places` decimals, computed from the exact 256-bit product: valid
  // whenever the rounded result fits, even when the exact product would not (two 15.10-digit
  // inputs). Use it for the final multiplication of a rounded figure.
  static Decimal MulRound(Decimal a, Decimal b, int places);

  // Exact quotient a / b rounded half-up to `places` decimals; invalid if b is zero or the result
  // does not fit.
  static Decimal Divide(Decimal a, Decimal b, int places);

  friend Decimal operator+(Decimal a, Decimal b) {
    // Fast path, inline: the sums of the calculators add values of one scale that fit 64 bits,
    // whose sum cannot leave the range.
    if (a.scale_ == b.scale_ && a.scale_ != kInvalidScale && a.mantissa_ <= kInt64Max &&
        a.mantissa_ >= -kInt64Max && b.mantissa_ <= kInt64Max && b.mantissa_ >= -kInt64Max) {
      return Decimal(a.mantissa_ + b.mantissa_, a.scale_);
    }
    return AddSlow(a, b);
  }
  friend Decimal operator-(Decimal a, Decimal b);
  friend Decimal operator*(Decimal a, Decimal b);
  Decimal operator-() const;
  Decimal& operator+=(Decimal b) { return *this = *this + b; }
  Decimal& operator-=(Decimal b) { return *this = *this - b; }
  Decimal& operator*=(Decimal b) { return *this = *this * b; }

  // Numeric comparison (1.50 == 1.5). Invalid values compare unordered.
  friend std::partial_ordering operator<=>(Decimal a, Decimal b);
  friend bool operator==(Decimal a, Decimal b) { return (a <=> b) == 0; }

  // The value at its own scale ("1.380"); "invalid" for the invalid value.
  std::string ToString() const;
  // Rounded half-up to exactly `places` decimals ("256.49", "0.4099980"); "invalid" if invalid.
  std::string ToFixed(int places) const;

 private:
  static constexpr int kInvalidScale = -1;
  static constexpr Int128 kInt64Max = 0x7fffffffffffffffLL;
  static Decimal AddSlow(Decimal a, Decimal b);
  constexpr Decimal(Int128 mantissa, int scale) : mantissa_(mantissa), scale_(scale) {}

  Int128 mantissa_ = 0;
  int scale_ = 0;
};

// Turns an invalid figure into an error naming what was being computed; used at the edges of the
// calculators.
inline Status CheckDecimal(const Decimal& value, std::string_view what) {
  if (value.ok()) return Status::Ok();
  return {StatusCode::kInvalidArgument,
          std::string(what) + ": the value is too large to compute exactly"};
}

}  // namespace estimate::core
