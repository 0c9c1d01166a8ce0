#pragma once
// Private to src/formats/arps: the records of АРПС 1.10 as both the writer and the reader see
// them (field numbers, line kinds, the per-unit figures of record 20, the code page).
#include <iconv.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/decimal.hpp"
#include "core/estimate.hpp"
#include "core/resource_index_calculator.hpp"

namespace estimate::formats::arps {

using core::Decimal;


inline constexpr const char* kVersion = "АРПС 1.10";
inline constexpr const char* kAuxiliaryCode = "421/пр_2020_п.75_пп.а";
inline constexpr const char* kMachinistName = "Затраты труда машинистов";
inline constexpr std::size_t kPositionFields = 29;  // record 20: fields 0–28
inline constexpr std::size_t kLineFields = 13;      // record 30 as we write it: fields 0–12
inline constexpr std::size_t kHeaderFields = 22;    // record 3 as we write it: fields 0–21

// Field 8 of record 30 (ours). kUnknown: a line of another program's file.
enum class LineKind {
  kUnknown = 0,
  kLabor = 1,
  kMachine = 2,
  kMachinist = 3,
  kMaterial = 4,
  kEquipment = 5,
  kExtraMaterial = 6,
  kExtraEquipment = 7,
  kAuxiliary = 8,
};

inline LineKind LineKindOf(core::ResourceKind kind) {
  switch (kind) {
    case core::ResourceKind::kLabor:
      return LineKind::kLabor;
    case core::ResourceKind::kMachine:
      return LineKind::kMachine;
    case core::ResourceKind::kMaterial:
      return LineKind::kMaterial;
    case core::ResourceKind::kEquipment:
      return LineKind::kEquipment;
  }
  return LineKind::kMaterial;
}

inline std::optional<core::ResourceKind> ResourceKindOf(LineKind kind) {
  switch (kind) {
    case LineKind::kLabor:
      return core::ResourceKind::kLabor;
    case LineKind::kMachine:
      return core::ResourceKind::kMachine;
    case LineKind::kMaterial:
      return core::ResourceKind::kMaterial;
    case LineKind::kEquipment:
      return core::ResourceKind::kEquipment;
    default:
      return std::nullopt;
  }
}

// One glibc iconv descriptor that converts whole strings.
class Iconv {
 public:
  Iconv(const char* to, const char* from) : cd_(iconv_open(to, from)) {}
  ~Iconv() {
    if (ok()) iconv_close(cd_);
  }
  Iconv(const Iconv&) = delete;
  Iconv& operator=(const Iconv&) = delete;

  bool ok() const { return cd_ != reinterpret_cast<iconv_t>(-1); }

  // Converts `in` into `out`. False on a character the target lacks or a malformed input, with
  // `*failed_at` its offset in `in`.
  bool Convert(std::string_view in, std::string& out, std::size_t* failed_at) {
    iconv(cd_, nullptr, nullptr, nullptr, nullptr);
    out.clear();
    char* src = const_cast<char*>(in.data());
    std::size_t left = in.size();
    char buffer[4096];
    while (left > 0) {
      char* dst = buffer;
      std::size_t room = sizeof buffer;
      const std::size_t rc = iconv(cd_, &src, &left, &dst, &room);
      out.append(buffer, static_cast<std::size_t>(dst - buffer));
      if (rc == static_cast<std::size_t>(-1) && errno != E2BIG) {
        *failed_at = in.size() - left;
        return false;
      }
    }
    return true;
  }

 private:
  iconv_t cd_;
};

// The UTF-8 character at `at`, quoted with its code point: "€" (U+20AC).
inline std::string DescribeCharacter(std::string_view s, std::size_t at) {
  const auto lead = static_cast<unsigned char>(s[at]);
  std::size_t n = lead < 0x80           ? 1
                  : (lead >> 5) == 0x6  ? 2
                  : (lead >> 4) == 0xE  ? 3
                  : (lead >> 3) == 0x1E ? 4
                                        : 1;
  n = std::min(n, s.size() - at);
  unsigned code = n == 1 ? lead : lead & (0x7Fu >> n);
  for (std::size_t i = 1; i < n; ++i)
    code = (code << 6) | (static_cast<unsigned char>(s[at + i]) & 0x3Fu);
  char buf[16];
  std::snprintf(buf, sizeof buf, "U+%04X", code);
  return "\"" + std::string(s.substr(at, n)) + "\" (" + buf + ")";
}

inline std::string Comma(std::string s) {
  std::replace(s.begin(), s.end(), '.', ',');
  return s;
}
// A decimal as given, with a decimal comma.
inline std::string Plain(const Decimal& d) { return Comma(d.ToString()); }
inline std::string Fixed(const Decimal& d, int places) { return Comma(d.ToFixed(places)); }

inline const Decimal kOne = Decimal::FromInt(1);
inline const Decimal kHundredth = Decimal::FromRaw(1, 2);
inline const Decimal kHundred = Decimal::FromInt(100);

// The per-unit figures of record 20 (fields 15–19, 23, 24) from a position's figures. The writer
// and the reader's comparison both use this one function.
struct UnitFigures {
  Decimal cost;             // 15: ПЗ + equipment
  Decimal ot;               // 16
  Decimal em;               // 17: ЭМ with ЗПМ
  Decimal otm;              // 18
  Decimal m;                // 19
  Decimal labor_hours;      // 23
  Decimal machinist_hours;  // 24
};

inline UnitFigures PerUnit(const core::Figures& f, const Decimal& quantity) {
  const auto money = [&](const Decimal& v) {
    return quantity.IsZero() ? Decimal::FromRaw(0, 2) : Decimal::Divide(v, quantity, 2);
  };
  const auto hours = [&](const Decimal& v) {
    return quantity.IsZero() ? Decimal() : Decimal::Divide(v, quantity, 7).Normalized();
  };
  return {money(f.total - f.overhead - f.profit),
          money(f.ot),
          money(f.em + f.otm),
          money(f.otm),
          money(f.m),
          hours(f.labor_hours),
          hours(f.machinist_hours)};
}

// Field 4 of a 25 record: round7(percent × k) / 100.
inline Decimal RateFraction(const core::Rate& rate) {
  return ((rate.percent * rate.k).Round(7) * kHundredth).Normalized();
}

inline Decimal ConsumptionFactor(core::ResourceKind kind, const core::ResultingCoefficients& k) {
  switch (kind) {
    case core::ResourceKind::kLabor:
      return k.labor;
    case core::ResourceKind::kMachine:
      return k.machines;
    default:
      return k.materials;
  }
}

inline std::string Joined(const std::vector<std::string>& lines) {
  std::string message;
  for (const auto& l : lines) message += (message.empty() ? "" : "\n") + l;
  return message;
}

}  // namespace estimate::formats::arps
