#pragma once
// What changed between two releases of the normative base: the report an admin reads before
// activating a release the collector brought in (GET /api/v1/releases/{id}/diff?against=ID).
//
// - Norms by (family, code): added, removed, changed (name, unit, НР/СП reference, or a resource
//   line added, removed or with another consumption).
// - The price book (ФСБЦ) by code: added, removed, base price changed.
// - Current prices per region, zone and quarter: each price set of the release is compared with
//   the same set of the other release or, for a quarter the other lacks, with the latest earlier
//   quarter of the same region and zone in either release; prices (materials, machines, labour
//   rates) and resource-group indices that moved by more than `threshold_percent` are listed,
//   with added and removed codes counted.
// - The counts of both.
// Lists stop at `max_items` each (the counts stay exact). Pure: reads two finished releases.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/decimal.hpp"
#include "normbase/base_release.hpp"

namespace estimate::collector {

struct NormChange {
  normbase::NormFamily family = normbase::NormFamily::kGesn;
  std::string code;
  std::string name;
  std::string change;  // "added", "removed", "changed"
  std::string detail;  // for "changed": what ("name", "unit", "resources: +2 −1 ≠3", "НР/СП")
};

struct PriceChange {
  std::string code;
  std::string name;  // from the price book, when it has the code
  core::Decimal before;
  core::Decimal after;
  core::Decimal percent;  // (after − before) / before × 100, to 0.01
};

struct PriceSetDiff {
  normbase::PricedTerritory territory;
  std::optional<normbase::PricedTerritory> compared_with;  // none: a set with nothing to compare
  std::size_t prices = 0;         // current prices, labour rates and indices of this set
  std::size_t added = 0;          // codes the compared set lacks
  std::size_t removed = 0;        // codes only the compared set has
  std::size_t moved = 0;          // beyond the threshold
  std::size_t changed = 0;        // any change of price
  std::vector<PriceChange> moved_prices;  // the largest first, up to max_items
  bool only_in_against = false;   // a set the release no longer holds
};

struct ReleaseDiff {
  normbase::ReleaseCounts counts;          // of the release
  normbase::ReleaseCounts against_counts;  // of the release compared with
  std::size_t norms_added = 0, norms_removed = 0, norms_changed = 0;
  std::vector<NormChange> norms;
  std::size_t resources_added = 0, resources_removed = 0, resources_repriced = 0;
  std::vector<PriceChange> base_prices;  // price-book changes of base price, largest first
  std::vector<PriceSetDiff> price_sets;
  core::Decimal threshold_percent;
  bool truncated = false;  // a list stopped at max_items
  bool Empty() const {
    if (norms_added + norms_removed + norms_changed + resources_added + resources_removed +
            resources_repriced !=
        0) {
      return false;
    }
    for (const auto& s : price_sets) {
      if (s.only_in_against || s.added + s.removed + s.changed != 0 || !s.compared_with ||
          s.compared_with->quarter != s.territory.quarter) {
        return false;
      }
    }
    return true;
  }
};

struct DiffOptions {
  core::Decimal threshold_percent = core::Decimal::FromInt(10);
  std::size_t max_items = 500;
};

ReleaseDiff DiffReleases(const normbase::BaseRelease& release, const normbase::BaseRelease& against,
                         const DiffOptions& options = {});

// Copies into `into` what a release brought in from the portal lacks and `from` has: the price
// sets `into` does not hold (by region, zone and quarter), the НР/СП rates and the coefficient
// bindings when `into` has none (the portal's ФСНБ set does not carry them), with their source
// files. Texts are interned in `into`'s pool. Returns what was carried over, for the job's log.
// Call before into.Finish().
struct CarriedOver {
  std::size_t price_sets = 0;
  bool rates = false;
  bool coefficients = false;
};
CarriedOver CarryOver(const normbase::BaseRelease& from, normbase::BaseRelease& into);

}  // namespace estimate::collector
