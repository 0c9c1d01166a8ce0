#include "core/decimal.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <utility>

namespace estimate::core {
namespace {

__extension__ typedef unsigned __int128 UInt128;

constexpr int kMaxDigits = 38;

constexpr std::array<Int128, kMaxDigits + 1> MakePowers() {
  std::array<Int128, kMaxDigits + 1> p{};
  p[0] = 1;
  for (int i = 1; i <= kMaxDigits; ++i) p[i] = p[i - 1] * 10;
  return p;
}
constexpr std::array<Int128, kMaxDigits + 1> kPow10 = MakePowers();
// Mantissas stay below 10^38 in magnitude so that digit counts and printing stay simple, and so
// that any two of them can be added without leaving the 128-bit range.
constexpr Int128 kMaxMantissa = kPow10[kMaxDigits] - 1;

constexpr std::int64_t kInt64Max = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kInt64Min = std::numeric_limits<std::int64_t>::min();

inline bool FitsInt64(Int128 v) { return v >= kInt64Min && v <= kInt64Max; }
inline bool InRange(Int128 v) { return v <= kMaxMantissa && v >= -kMaxMantissa; }
inline Int128 Abs(Int128 v) { return v < 0 ? -v : v; }

// v × 10^n if it stays in range.
bool ScaleUp(Int128 v, int n, Int128* out) {
  if (n == 0) {
    *out = v;
    return true;
  }
  if (n > kMaxDigits) return v == 0 ? (*out = 0, true) : false;
  if (FitsInt64(v) && n <= 18) {
    // |v| < 2^63 and 10^18 < 2^60: the product fits 128 bits; only the range needs checking.
    const Int128 r = v * kPow10[n];
    if (!InRange(r)) return false;
    *out = r;
    return true;
  }
  Int128 r;
  if (__builtin_mul_overflow(v, kPow10[n], &r) || !InRange(r)) return false;
  *out = r;
  return true;
}

// x / 10^N rounded half away from zero; N a constant so that the division becomes a multiply.
template <int N>
std::int64_t DivPow10HalfUp64(std::int64_t x) {
  constexpr std::int64_t d = static_cast<std::int64_t>(kPow10[N]);
  std::int64_t q = x / d;
  const std::int64_t r = x % d;
  const std::int64_t ar = r < 0 ? -r : r;
  if (ar >= d - ar) q += (x < 0) ? -1 : 1;
  return q;
}

template <int... N>
constexpr auto MakeDivTable(std::integer_sequence<int, N...>) {
  return std::array<std::int64_t (*)(std::int64_t), sizeof...(N)>{&DivPow10HalfUp64<N>...};
}
constexpr auto kDiv64 = MakeDivTable(std::make_integer_sequence<int, 19>());

// v / 10^n rounded half away from zero.
Int128 DivPow10HalfUp(Int128 v, int n) {
  if (n == 0) return v;
  if (n > kMaxDigits) return 0;  // |v| < 10^38 so |v| / 10^39 < 0.01: rounds to zero.
  if (FitsInt64(v) && n <= 18) return kDiv64[n](static_cast<std::int64_t>(v));
  const Int128 d = kPow10[n];
  Int128 q = v / d;
  const Int128 ar = Abs(v % d);
  if (ar >= d - ar) q += (v < 0) ? -1 : 1;
  return q;
}

// Removes trailing zeros of a mantissa while the scale allows.
void StripZeros(Int128* m, int* scale) {
  if (*m == 0) {
    *scale = 0;
    return;
  }
  while (*scale > 0 && *m % 10 == 0) {
    *m /= 10;
    --*scale;
  }
}

int CountDigits(Int128 v) {
  UInt128 a = static_cast<UInt128>(Abs(v));
  int n = 0;
  while (a != 0) {
    a /= 10;
    ++n;
  }
  return n;
}

std::string FormatMantissa(Int128 m, int scale) {
  const bool negative = m < 0;
  UInt128 a = static_cast<UInt128>(Abs(m));
  char buf[96];
  int pos = sizeof(buf);
  int written = 0;
  while (a != 0 || written <= scale) {
    if (written == scale && scale > 0) buf[--pos] = '.';
    buf[--pos] = static_cast<char>('0' + static_cast<int>(a % 10));
    a /= 10;
    ++written;
  }
  if (negative) buf[--pos] = '-';
  return std::string(buf + pos, sizeof(buf) - pos);
}

// An unsigned 256-bit magnitude as four 64-bit limbs, least significant first: just enough for
// the exact product of two mantissas and its division by powers of ten.
struct U256 {
  std::uint64_t limb[4] = {0, 0, 0, 0};
};

U256 MulMagnitudes(UInt128 a, UInt128 b) {
  const std::uint64_t x[2] = {static_cast<std::uint64_t>(a), static_cast<std::uint64_t>(a >> 64)};
  const std::uint64_t y[2] = {static_cast<std::uint64_t>(b), static_cast<std::uint64_t>(b >> 64)};
  U256 r;
  for (int i = 0; i < 2; ++i) {
    UInt128 carry = 0;
    for (int j = 0; j < 2; ++j) {
      const UInt128 t = static_cast<UInt128>(x[i]) * y[j] + r.limb[i + j] + carry;
      r.limb[i + j] = static_cast<std::uint64_t>(t);
      carry = t >> 64;
    }
    r.limb[i + 2] = static_cast<std::uint64_t>(carry);
  }
  return r;
}

// v /= d (d < 2^64), returns the remainder.
std::uint64_t DivSmall(U256* v, std::uint64_t d) {
  UInt128 rem = 0;
  for (int i = 3; i >= 0; --i) {
    const UInt128 cur = (rem << 64) | v->limb[i];
    v->limb[i] = static_cast<std::uint64_t>(cur / d);
    rem = cur % d;
  }
  return static_cast<std::uint64_t>(rem);
}

}  // namespace

Decimal Decimal::FromRaw(Int128 mantissa, int scale) {
  if (scale < 0 || scale > kMaxScale || !InRange(mantissa)) return Invalid();
  return Decimal(mantissa, scale);
}

Result<Decimal> Decimal::Parse(std::string_view text) {
  std::size_t i = 0;
  bool negative = false;
  if (i < text.size() && text[i] == '-') {
    negative = true;
    ++i;
  }
  Int128 m = 0;
  int significant = 0;
  int int_digits = 0;
  int frac_digits = 0;
  bool point = false;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '.') {
      if (point) return InvalidArgument("more than one decimal point");
      if (int_digits == 0) return InvalidArgument("no digits before the decimal point");
      point = true;
      continue;
    }
    if (c < '0' || c > '9') {
      if (c == ',') return InvalidArgument("a comma is not a decimal point");
      if (c == 'e' || c == 'E') return InvalidArgument("exponents are not allowed");
      return InvalidArgument("unexpected character");
    }
    if (point) {
      ++frac_digits;
    } else {
      ++int_digits;
    }
    if (m != 0 || c != '0') ++significant;
    if (significant > kMaxDigits || frac_digits > kMaxScale) {
      return InvalidArgument("too many digits");
    }
    m = m * 10 + (c - '0');
  }
  if (int_digits == 0) return InvalidArgument("no digits");
  if (point && frac_digits == 0) return InvalidArgument("no digits after the decimal point");
  return Decimal(negative ? -m : m, frac_digits);
}

Decimal Decimal::Literal(std::string_view text) {
  Result<Decimal> r = Parse(text);
  return r.ok() ? *r : Invalid();
}

int Decimal::IntegerDigits() const {
  if (!ok()) return 0;
  return CountDigits(mantissa_ / kPow10[scale_]);
}

Decimal Decimal::Round(int places) const {
  if (!ok() || places < 0) return Invalid();
  if (scale_ <= places) return *this;
  return Decimal(DivPow10HalfUp(mantissa_, scale_ - places), places);
}

Decimal Decimal::RoundToScale(int places) const {
  if (!ok() || places < 0 || places > kMaxScale) return Invalid();
  if (scale_ >= places) return Round(places);
  Int128 m;
  if (!ScaleUp(mantissa_, places - scale_, &m)) return Invalid();
  return Decimal(m, places);
}

Decimal Decimal::Normalized() const {
  if (!ok()) return *this;
  Int128 m = mantissa_;
  int s = scale_;
  StripZeros(&m, &s);
  return Decimal(m, s);
}

Decimal Decimal::AddSlow(Decimal a, Decimal b) {
  if (!a.ok() || !b.ok()) return Decimal::Invalid();
  Int128 x = a.mantissa_;
  Int128 y = b.mantissa_;
  int s = a.scale_;
  if (a.scale_ != b.scale_) {
    s = std::max(a.scale_, b.scale_);
    if (!ScaleUp(x, s - a.scale_, &x) || !ScaleUp(y, s - b.scale_, &y)) {
      // Trailing zeros may be what overflows; retry once with both operands normalized.
      Decimal na = a.Normalized();
      Decimal nb = b.Normalized();
      if (na.scale_ == a.scale_ && nb.scale_ == b.scale_) return Decimal::Invalid();
      return AddSlow(na, nb);
    }
  }
  Int128 r;
  if (__builtin_add_overflow(x, y, &r) || !InRange(r)) return Decimal::Invalid();
  return Decimal(r, s);
}

Decimal Decimal::operator-() const {
  if (!ok()) return *this;
  return Decimal(-mantissa_, scale_);
}

Decimal operator-(Decimal a, Decimal b) { return a + (-b); }

Decimal operator*(Decimal a, Decimal b) {
  if (!a.ok() || !b.ok()) return Decimal::Invalid();
  Int128 r;
  int s = a.scale_ + b.scale_;
  if (FitsInt64(a.mantissa_) && FitsInt64(b.mantissa_)) {
    // |r| < 2^126 < 10^38: cannot overflow.
    r = static_cast<Int128>(static_cast<std::int64_t>(a.mantissa_)) *
        static_cast<std::int64_t>(b.mantissa_);
  } else if (__builtin_mul_overflow(a.mantissa_, b.mantissa_, &r) || !InRange(r)) {
    Decimal na = a.Normalized();
    Decimal nb = b.Normalized();
    if (na.scale_ == a.scale_ && nb.scale_ == b.scale_) return Decimal::Invalid();
    return na * nb;
  }
  if (s > Decimal::kMaxScale) {
    StripZeros(&r, &s);
    if (s > Decimal::kMaxScale) return Decimal::Invalid();
  }
  return Decimal(r, s);
}

Decimal Decimal::MulRound(Decimal a, Decimal b, int places) {
  if (!a.ok() || !b.ok() || places < 0 || places > kMaxScale) return Invalid();
  const int drop = a.scale_ + b.scale_ - places;
  if (drop <= 0) {
    // Nothing to round away: the exact product (if it fits) is the answer.
    Decimal p = a * b;
    return p.ok() ? p.Round(places) : Invalid();
  }
  if (FitsInt64(a.mantissa_) && FitsInt64(b.mantissa_)) {
    const Int128 p = static_cast<Int128>(static_cast<std::int64_t>(a.mantissa_)) *
                     static_cast<std::int64_t>(b.mantissa_);
    return Decimal(DivPow10HalfUp(p, drop), places);
  }
  const bool negative = (a.mantissa_ < 0) != (b.mantissa_ < 0);
  U256 v = MulMagnitudes(static_cast<UInt128>(Abs(a.mantissa_)),
                         static_cast<UInt128>(Abs(b.mantissa_)));
  // Half-up needs only the first dropped digit: truncate by 10^(drop-1), then take one digit.
  int left = drop - 1;
  while (left > 0) {
    const int step = std::min(left, 19);
    DivSmall(&v, static_cast<std::uint64_t>(kPow10[step]));
    left -= step;
  }
  const std::uint64_t digit = DivSmall(&v, 10);
  if (v.limb[2] != 0 || v.limb[3] != 0) return Invalid();
  UInt128 q = (static_cast<UInt128>(v.limb[1]) << 64) | v.limb[0];
  if (digit >= 5) ++q;
  if (q > static_cast<UInt128>(kMaxMantissa)) return Invalid();
  const Int128 m = static_cast<Int128>(q);
  return Decimal(negative ? -m : m, places);
}

Decimal Decimal::Divide(Decimal a, Decimal b, int places) {
  if (!a.ok() || !b.ok() || b.mantissa_ == 0 || places < 0 || places > kMaxScale) {
    return Invalid();
  }
  a = a.Normalized();
  b = b.Normalized();
  // a / b = (ma / mb) × 10^(sb − sa); the result mantissa at `places` is ma × 10^e / mb.
  const int e = b.scale_ - a.scale_ + places;
  Int128 num = a.mantissa_;
  Int128 den = b.mantissa_;
  if (e >= 0) {
    if (!ScaleUp(num, e, &num)) return Invalid();
  } else {
    if (!ScaleUp(den, -e, &den)) return Invalid();
  }
  Int128 q = num / den;
  const Int128 ar = Abs(num % den);
  const Int128 ad = Abs(den);
  if (ar >= ad - ar) q += ((num < 0) != (den < 0)) ? -1 : 1;
  if (!InRange(q)) return Invalid();
  return Decimal(q, places);
}

std::partial_ordering operator<=>(Decimal a, Decimal b) {
  if (!a.ok() || !b.ok()) return std::partial_ordering::unordered;
  if (a.scale_ == b.scale_) return a.mantissa_ <=> b.mantissa_;
  const bool a_neg = a.mantissa_ < 0;
  const bool b_neg = b.mantissa_ < 0;
  if (a_neg != b_neg) return a_neg ? std::partial_ordering::less : std::partial_ordering::greater;
  Int128 x = a.mantissa_;
  Int128 y = b.mantissa_;
  if (a.scale_ < b.scale_) {
    // If x cannot be scaled up, |a| exceeds every value representable at b's scale.
    if (!ScaleUp(x, b.scale_ - a.scale_, &x)) {
      return a_neg ? std::partial_ordering::less : std::partial_ordering::greater;
    }
  } else if (!ScaleUp(y, a.scale_ - b.scale_, &y)) {
    return b_neg ? std::partial_ordering::greater : std::partial_ordering::less;
  }
  return x <=> y;
}

std::string Decimal::ToString() const {
  if (!ok()) return "invalid";
  return FormatMantissa(mantissa_, scale_);
}

std::string Decimal::ToFixed(int places) const {
  const Decimal r = RoundToScale(places);
  if (!r.ok()) return "invalid";
  return FormatMantissa(r.mantissa_, r.scale_);
}

}  // namespace estimate::core
