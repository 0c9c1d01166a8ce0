#include "normbase/pricing.hpp"

#include <algorithm>
#include <array>

namespace estimate::normbase {
namespace {

using core::Decimal;

// k(1) … k(6) of methodology §2.5, in hundredths.
constexpr std::array<int, 6> kRankFactorsHundredths = {100, 109, 119, 134, 154, 180};

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

Decimal Digits(std::string_view digits, int scale) {
  for (char c : digits) {
    if (c < '0' || c > '9') return Decimal::Invalid();
  }
  if (digits.empty()) return Decimal::Invalid();
  std::string text(digits);
  if (scale > 0) text.insert(text.size() - static_cast<std::size_t>(scale), ".");
  auto d = Decimal::Parse(text);
  return d.ok() ? *d : Decimal::Invalid();
}

bool IsLaborCode(std::string_view code) {
  return StartsWith(code, "1-") || StartsWith(code, "2-") || StartsWith(code, "3-") ||
         StartsWith(code, "4-");
}

core::UnitPrice Current(Decimal price) {
  core::UnitPrice p;
  p.source = core::UnitPrice::Source::kCurrent;
  p.price = price;
  return p;
}

// Current price of a price-book entry: explicit current price, else base × longest group index.
core::UnitPrice CurrentOrIndexed(const RegionalPrices& prices, std::string_view code,
                                 Decimal base_price) {
  if (auto it = prices.current_prices.find(code); it != prices.current_prices.end()) {
    return Current(it->second);
  }
  if (!base_price.ok()) return {};
  for (std::size_t len = code.size(); len > 0; --len) {
    if (len < code.size() && code[len] != '.' && code[len] != '-') continue;
    if (auto it = prices.group_indices.find(code.substr(0, len)); it != prices.group_indices.end()) {
      core::UnitPrice p;
      p.source = core::UnitPrice::Source::kBaseIndex;
      p.base_price = base_price;
      p.index = it->second;
      return p;
    }
  }
  return {};
}

Result<const RegionalPrices*> FindPricesFor(const BaseRelease& release,
                                            const PricingRequest& request) {
  const RegionalPrices* prices = release.FindPrices(request.region, request.zone, request.quarter);
  if (prices == nullptr) {
    return NotFound("no prices for region " + request.region + ", zone " +
                    std::to_string(request.zone) + ", quarter " + request.quarter +
                    " in release " + release.info.name);
  }
  return prices;
}

}  // namespace

Result<Decimal> LaborPriceForRank(Decimal rank1_price, Decimal rank) {
  if (!rank1_price.ok() || !rank.ok()) return InvalidArgument("labour price: no rank or Ц1");
  if (rank < Decimal::FromInt(1) || rank > Decimal::FromInt(6)) {
    return InvalidArgument("labour rank " + rank.ToString() + " is outside 1–6");
  }
  // k(r) = k(⌊r⌋) + (r − ⌊r⌋) × (k(⌊r⌋+1) − k(⌊r⌋)), exact in decimals.
  const int lower = std::stoi(rank.ToString());  // the integer part: "3.8" → 3
  const Decimal floor_rank = Decimal::FromInt(lower);
  const Decimal k_lower = Decimal::FromRaw(kRankFactorsHundredths[lower - 1], 2);
  Decimal k = k_lower;
  if (lower < 6) {
    const Decimal k_upper = Decimal::FromRaw(kRankFactorsHundredths[lower], 2);
    k = k_lower + (rank - floor_rank) * (k_upper - k_lower);
  }
  Decimal price = Decimal::MulRound(rank1_price, k, 2);
  if (!price.ok()) return InvalidArgument("labour price overflow");
  return price;
}

Decimal RankOfLaborCode(std::string_view code) {
  if (StartsWith(code, "1-100-") && code.size() == 8) return Digits(code.substr(6), 1);
  if (StartsWith(code, "2-100-") && code.size() == 8) return Digits(code.substr(6), 0);
  if (StartsWith(code, "4-100-") && code.size() == 9) return Digits(code.substr(6), 1);
  return Decimal::Invalid();
}

Decimal LaborPrice(const RegionalPrices& prices, std::string_view code) {
  if (auto it = prices.labor_prices.find(code); it != prices.labor_prices.end()) return it->second;
  Decimal rank = RankOfLaborCode(code);
  if (!rank.ok() || !prices.rank1_labor_price.ok()) return Decimal::Invalid();
  auto price = LaborPriceForRank(prices.rank1_labor_price, rank);
  return price.ok() ? *price : Decimal::Invalid();
}

Result<PricedPosition> PriceNorm(const BaseRelease& release, NormFamily family,
                                 std::string_view code, const PricingRequest& request) {
  const Norm* norm = release.FindNorm(family, code);
  if (norm == nullptr) {
    return NotFound("norm " + std::string(FamilyPrefix(family)) + std::string(code) +
                    " is not in release " + release.info.name);
  }
  auto found = FindPricesFor(release, request);
  if (!found.ok()) return found.status();
  const RegionalPrices& prices = **found;

  PricedPosition out;
  core::Position& p = out.position;
  p.type = core::PositionType::kNorm;
  p.code = std::string(FamilyPrefix(family)) + std::string(norm->code);
  p.name = std::string(norm->name);
  p.unit = std::string(norm->unit);
  p.quantity = request.quantity;
  p.work_kind = family == NormFamily::kGesnm ? core::WorkKind::kInstallation
                                             : core::WorkKind::kConstruction;
  auto warn = [&](std::string_view what, const std::string& why) {
    out.warnings.push_back(std::string(what) + ": " + why);
  };

  for (const NormResource& line : norm->resources) {
    if (line.code == "1" || line.code == "2") continue;  // totals of labour, informational
    core::Resource r;
    r.code = std::string(line.code);
    r.name = std::string(line.name);
    r.unit = std::string(line.unit);
    r.consumption = line.consumption;
    r.by_project = line.by_project;
    const PriceBookEntry* entry = line.abstract ? nullptr : release.FindResource(line.code);
    if (entry == nullptr && IsLaborCode(line.code)) {
      r.kind = core::ResourceKind::kLabor;
      if (r.unit.empty()) r.unit = "чел.-ч";
      Decimal price = LaborPrice(prices, line.code);
      if (price.ok()) r.price = Current(price);
      else warn(line.code, "no labour price for this code in the region");
    } else if (entry != nullptr) {
      r.kind = entry->kind;
      if (r.name.empty()) r.name = std::string(entry->name);
      if (r.unit.empty()) r.unit = std::string(entry->unit);
      if (!line.by_project) {
        r.price = CurrentOrIndexed(prices, entry->code, entry->base_price);
        if (!r.price.priced()) warn(line.code, "no current price or index in the region");
      }
      if (entry->kind == core::ResourceKind::kMachine && entry->machinist_labor.ok() &&
          entry->machinist_labor > Decimal::FromInt(0) && !entry->machinist_code.empty()) {
        core::Machinist m;
        m.code = std::string(entry->machinist_code);
        m.labor_per_machine_hour = entry->machinist_labor;
        Decimal price = LaborPrice(prices, entry->machinist_code);
        if (price.ok()) m.price = Current(price);
        else warn(entry->machinist_code, "no machinist price in the region");
        r.machinist = std::move(m);
      }
    } else {
      // An abstract resource, or a code the price book lacks: listed, not priced.
      r.kind = core::ResourceKind::kMaterial;
      if (!line.abstract && !line.by_project) warn(line.code, "not in the price book; listed unpriced");
    }
    p.resources.push_back(std::move(r));
  }

  const int column = std::clamp(request.territory, 1, 3) - 1;
  if (!norm->overhead_code.empty()) {
    if (const OverheadProfitRate* rate = release.FindRate(norm->overhead_code)) {
      core::Rate overhead;
      overhead.code = std::string(norm->overhead_code) + "-" + std::to_string(column + 1);
      overhead.name = std::string(rate->work_type);
      overhead.percent = rate->overhead_percent[column];
      if (overhead.percent.ok()) p.overhead = std::move(overhead);
      core::Rate profit;
      profit.code = std::string(norm->profit_code.empty() ? rate->profit_code : norm->profit_code);
      profit.name = std::string(rate->work_type);
      profit.percent = rate->profit_percent;
      if (profit.percent.ok()) p.profit = std::move(profit);
    } else {
      warn(norm->overhead_code, "НР/СП rate not in the release; position without НР and СП");
    }
  }
  if (family == NormFamily::kGesnm) {
    core::AuxiliaryMaterials aux;
    aux.name = "421/пр_2020_п.75_пп.а";
    aux.percent = Decimal::FromInt(2);
    p.auxiliary_materials = std::move(aux);
  }
  return out;
}

core::UnitPrice PriceOfResource(const BaseRelease& release, const RegionalPrices& prices,
                                core::ResourceKind kind, std::string_view code) {
  if (kind == core::ResourceKind::kLabor) {
    const Decimal price = LaborPrice(prices, code);
    return price.ok() ? Current(price) : core::UnitPrice{};
  }
  const PriceBookEntry* entry = release.FindResource(code);
  if (entry == nullptr) {
    // A code the price book lacks may still have a current price of the region.
    if (auto it = prices.current_prices.find(code); it != prices.current_prices.end()) return Current(it->second);
    return {};
  }
  return CurrentOrIndexed(prices, entry->code, entry->base_price);
}

Result<PricedPosition> PriceResource(const BaseRelease& release, std::string_view code,
                                     const PricingRequest& request) {
  const PriceBookEntry* entry = release.FindResource(code);
  if (entry == nullptr) {
    return NotFound("resource " + std::string(code) + " is not in release " + release.info.name);
  }
  auto found = FindPricesFor(release, request);
  if (!found.ok()) return found.status();
  PricedPosition out;
  core::Position& p = out.position;
  p.type = core::PositionType::kResource;
  p.kind = entry->kind;
  p.code = std::string(entry->code);
  p.name = std::string(entry->name);
  p.unit = std::string(entry->unit);
  p.quantity = request.quantity;
  p.price = CurrentOrIndexed(**found, entry->code, entry->base_price);
  if (!p.price.priced()) out.warnings.push_back(p.code + ": no current price or index in the region");
  return out;
}

}  // namespace estimate::normbase
