#pragma once
// Pricing: a norm of the release + quantity + region, zone and quarter → a fully priced position
// for the calculation engine (core::Position), so that the engine's figures for it are exactly
// what `estimate-service calc` gives for the same document.
//
//   labour  1-100-XY (средний разряд X,Y), 2-100-0X (рабочий X разряда), 4-100-0X0 (машинист):
//           the region's explicit price for that code, else round2(Ц1 × k(rank)) with
//           k(1..6) = 1.00, 1.09, 1.19, 1.34, 1.54, 1.80, linear between ranks (methodology §2.5)
//   machine the region's current price (without machinists' pay), else base × group index;
//           machinist: LabourMach man-hours per machine-hour at the price of the DriverCode rank
//   material, equipment: the current price, else base × index of the longest matching КСР group
//           prefix, else listed unpriced with a warning
//   abstract resources and consumption «П»: listed, not priced (the estimator chooses a material)
//   codes "1" and "2" (total labour of workers / of machinists): informational, left out
//   НР/СП: the norm's NrSp codes through the release's rates, column by territory (1–3);
//   ГЭСНм positions count as installation and carry the 2 % auxiliary materials of п.75.
#include <string>
#include <vector>

#include "core/decimal.hpp"
#include "core/estimate.hpp"
#include "core/status.hpp"
#include "normbase/base_release.hpp"

namespace estimate::normbase {

struct PricingRequest {
  std::string region;   // region code ("28") or name
  int zone = 1;         // price zone
  std::string quarter;  // "2025-Q2"
  int territory = 1;    // НР column: 1 территория, 2 МПРКС, 3 РКС
  core::Decimal quantity = core::Decimal::FromInt(1);
};

struct PricedPosition {
  core::Position position;
  std::vector<std::string> warnings;  // e.g. "01.7.03.01-0001: no current price or index"
};

// The rank-factor price of labour of rank `rank` (1.0–6.0) from the rank-1 price Ц1.
Result<core::Decimal> LaborPriceForRank(core::Decimal rank1_price, core::Decimal rank);

// The rank encoded in a labour code: 1-100-38 → 3.8, 2-100-04 → 4, 4-100-060 → 6.0.
// Invalid Decimal for codes that do not encode a rank (3-100-02 категории специалистов).
core::Decimal RankOfLaborCode(std::string_view code);

// The price of one man-hour of `code` in `prices`: explicit, else by rank; invalid if neither.
core::Decimal LaborPrice(const RegionalPrices& prices, std::string_view code);

// The price of one resource line in `prices`, as PriceNorm prices it: labour by its code (or rank),
// a machine, material or equipment of the price book at its current price or base × group index.
// Unpriced (Source::kNone) when the price set has none for it.
core::UnitPrice PriceOfResource(const BaseRelease& release, const RegionalPrices& prices,
                                core::ResourceKind kind, std::string_view code);

// Prices a norm. NotFound when the norm or the region/quarter is not in the release.
Result<PricedPosition> PriceNorm(const BaseRelease& release, NormFamily family,
                                 std::string_view code, const PricingRequest& request);

// Prices one price-book resource as its own position (type resource).
Result<PricedPosition> PriceResource(const BaseRelease& release, std::string_view code,
                                     const PricingRequest& request);

}  // namespace estimate::normbase
