#include "collector/release_diff.hpp"

#include <algorithm>
#include <map>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

namespace estimate::collector {
namespace {

using core::Decimal;
using normbase::BaseRelease;
using normbase::Norm;
using normbase::RegionalPrices;

Decimal Percent(Decimal before, Decimal after) {
  if (!before.ok() || !after.ok() || before.IsZero()) return Decimal::Invalid();
  return Decimal::Divide((after - before) * Decimal::FromInt(100), before, 2);
}

Decimal Abs(Decimal d) { return d.IsNegative() ? -d : d; }

// Larger moves first; an unknown percent (from zero) before all.
void SortByMove(std::vector<PriceChange>& v) {
  std::stable_sort(v.begin(), v.end(), [](const PriceChange& a, const PriceChange& b) {
    if (a.percent.ok() != b.percent.ok()) return !a.percent.ok();
    if (!a.percent.ok()) return a.code < b.code;
    return Abs(a.percent) > Abs(b.percent);
  });
}

std::string NormDifference(const Norm& a, const Norm& b) {
  std::string what;
  auto add = [&](const std::string& s) { what += (what.empty() ? "" : ", ") + s; };
  if (a.name != b.name) add("name");
  if (a.unit != b.unit) add("unit");
  if (a.overhead_code != b.overhead_code || a.profit_code != b.profit_code) add("НР/СП");
  std::map<std::string_view, const normbase::NormResource*> old_lines;
  for (const auto& r : b.resources) old_lines[r.code] = &r;
  std::size_t plus = 0, minus = 0, other = 0;
  std::unordered_set<std::string_view> seen;
  for (const auto& r : a.resources) {
    seen.insert(r.code);
    auto it = old_lines.find(r.code);
    if (it == old_lines.end()) {
      ++plus;
    } else if (r.by_project != it->second->by_project ||
               (!r.by_project && !(r.consumption == it->second->consumption))) {
      ++other;
    }
  }
  for (const auto& r : b.resources) minus += seen.count(r.code) == 0 ? 1 : 0;
  if (plus + minus + other > 0) {
    std::string lines = "resources:";
    if (plus > 0) lines += " +" + std::to_string(plus);
    if (minus > 0) lines += " −" + std::to_string(minus);
    if (other > 0) lines += " ≠" + std::to_string(other);
    add(lines);
  }
  return what;
}

std::string NameOf(const BaseRelease& release, std::string_view code) {
  const auto* e = release.FindResource(code);
  return e != nullptr ? std::string(e->name) : std::string();
}

// The set `set` is compared with: the same territory and quarter in `against`, else the latest
// earlier quarter of the region and zone in `against` or in `release`.
const RegionalPrices* Baseline(const RegionalPrices& set, const BaseRelease& release,
                               const BaseRelease& against) {
  if (const auto* same = against.FindPrices(set.region_code, set.zone, set.quarter)) return same;
  const RegionalPrices* best = nullptr;
  for (const BaseRelease* r : {&against, &release}) {
    for (const auto& p : r->prices) {
      if (p.region_code != set.region_code || p.zone != set.zone || p.quarter >= set.quarter) continue;
      if (best == nullptr || p.quarter > best->quarter) best = &p;
    }
  }
  return best;
}

normbase::PricedTerritory TerritoryOf(const RegionalPrices& p) {
  return {std::string(p.region_code), std::string(p.region_name), p.zone, std::string(p.quarter)};
}

PriceSetDiff DiffSet(const RegionalPrices& set, const RegionalPrices* base, const BaseRelease& release,
                     const DiffOptions& options, bool& truncated) {
  PriceSetDiff d;
  d.territory = TerritoryOf(set);
  d.prices = set.current_prices.size() + set.labor_prices.size() + set.group_indices.size();
  if (base == nullptr) return d;
  d.compared_with = TerritoryOf(*base);
  std::vector<PriceChange> moved;
  auto compare = [&](const std::unordered_map<std::string_view, Decimal>& now,
                     const std::unordered_map<std::string_view, Decimal>& was) {
    for (const auto& [code, price] : now) {
      auto it = was.find(code);
      if (it == was.end()) {
        ++d.added;
        continue;
      }
      if (price == it->second) continue;
      ++d.changed;
      const Decimal percent = Percent(it->second, price);
      if (percent.ok() && !(Abs(percent) > options.threshold_percent)) continue;
      ++d.moved;
      moved.push_back({std::string(code), NameOf(release, code), it->second, price, percent});
    }
    for (const auto& [code, price] : was) d.removed += now.count(code) == 0 ? 1 : 0;
  };
  compare(set.current_prices, base->current_prices);
  compare(set.labor_prices, base->labor_prices);
  compare(set.group_indices, base->group_indices);
  SortByMove(moved);
  if (moved.size() > options.max_items) {
    moved.resize(options.max_items);
    truncated = true;
  }
  d.moved_prices = std::move(moved);
  return d;
}

}  // namespace

ReleaseDiff DiffReleases(const BaseRelease& release, const BaseRelease& against,
                         const DiffOptions& options) {
  ReleaseDiff d;
  d.counts = release.Counts();
  d.against_counts = against.Counts();
  d.threshold_percent = options.threshold_percent;
  auto note_norm = [&](NormChange change) {
    if (d.norms.size() < options.max_items) {
      d.norms.push_back(std::move(change));
    } else {
      d.truncated = true;
    }
  };
  for (const Norm& n : release.norms) {
    const Norm* old = against.FindNorm(n.family, n.code);
    if (old == nullptr) {
      ++d.norms_added;
      note_norm({n.family, std::string(n.code), std::string(n.name), "added", {}});
      continue;
    }
    std::string what = NormDifference(n, *old);
    if (what.empty()) continue;
    ++d.norms_changed;
    note_norm({n.family, std::string(n.code), std::string(n.name), "changed", std::move(what)});
  }
  for (const Norm& n : against.norms) {
    if (release.FindNorm(n.family, n.code) != nullptr) continue;
    ++d.norms_removed;
    note_norm({n.family, std::string(n.code), std::string(n.name), "removed", {}});
  }
  std::vector<PriceChange> repriced;
  for (const auto& e : release.resources) {
    const auto* old = against.FindResource(e.code);
    if (old == nullptr) {
      ++d.resources_added;
      continue;
    }
    if (e.base_price == old->base_price) continue;
    ++d.resources_repriced;
    repriced.push_back({std::string(e.code), std::string(e.name), old->base_price, e.base_price,
                        Percent(old->base_price, e.base_price)});
  }
  for (const auto& e : against.resources) {
    d.resources_removed += release.FindResource(e.code) == nullptr ? 1 : 0;
  }
  SortByMove(repriced);
  if (repriced.size() > options.max_items) {
    repriced.resize(options.max_items);
    d.truncated = true;
  }
  d.base_prices = std::move(repriced);
  for (const auto& set : release.prices) {
    d.price_sets.push_back(DiffSet(set, Baseline(set, release, against), release, options, d.truncated));
  }
  for (const auto& set : against.prices) {
    if (release.FindPrices(set.region_code, set.zone, set.quarter) != nullptr) continue;
    PriceSetDiff gone;
    gone.territory = TerritoryOf(set);
    gone.prices = set.current_prices.size() + set.labor_prices.size() + set.group_indices.size();
    gone.only_in_against = true;
    d.price_sets.push_back(std::move(gone));
  }
  std::sort(d.price_sets.begin(), d.price_sets.end(), [](const PriceSetDiff& a, const PriceSetDiff& b) {
    return std::tie(a.territory.region_code, a.territory.zone, a.territory.quarter) <
           std::tie(b.territory.region_code, b.territory.zone, b.territory.quarter);
  });
  return d;
}

namespace {

std::vector<std::string_view> Interned(normbase::TextPool& pool, const std::vector<std::string_view>& v) {
  std::vector<std::string_view> out;
  out.reserve(v.size());
  for (auto s : v) out.push_back(pool.Intern(s));
  return out;
}

bool IsPriceSource(const normbase::SourceFile& s) {
  return s.kind == "labor_prices" || s.kind == "current_prices" || s.kind == "transport_prices" ||
         s.kind == "group_indices";
}

}  // namespace

CarriedOver CarryOver(const BaseRelease& from, BaseRelease& into) {
  CarriedOver out;
  normbase::TextPool& pool = into.text;
  auto carry_sources = [&](auto&& wanted) {
    for (const auto& s : from.info.sources) {
      if (!wanted(s)) continue;
      const bool have = std::any_of(into.info.sources.begin(), into.info.sources.end(),
                                    [&](const normbase::SourceFile& o) { return o.sha256 == s.sha256; });
      if (!have) into.info.sources.push_back(s);
    }
  };
  std::vector<std::string> carried_folders;
  for (const auto& p : from.prices) {
    const bool held = std::any_of(into.prices.begin(), into.prices.end(), [&](const RegionalPrices& q) {
      return q.region_code == p.region_code && q.zone == p.zone && q.quarter == p.quarter;
    });
    if (held) continue;
    RegionalPrices copy;
    copy.region_code = pool.Intern(p.region_code);
    copy.region_name = pool.Intern(p.region_name);
    copy.zone = p.zone;
    copy.quarter = pool.Intern(p.quarter);
    copy.rank1_labor_price = p.rank1_labor_price;
    for (const auto& [k, v] : p.labor_prices) copy.labor_prices.emplace(pool.Intern(k), v);
    for (const auto& [k, v] : p.current_prices) copy.current_prices.emplace(pool.Intern(k), v);
    for (const auto& [k, v] : p.group_indices) copy.group_indices.emplace(pool.Intern(k), v);
    into.prices.push_back(std::move(copy));
    carried_folders.push_back("prices_" + std::string(p.region_code) + "_" + std::to_string(p.zone) +
                              "_" + std::string(p.quarter));
    ++out.price_sets;
  }
  if (out.price_sets > 0) {
    carry_sources([&](const normbase::SourceFile& s) {
      if (!IsPriceSource(s)) return false;
      return std::any_of(carried_folders.begin(), carried_folders.end(),
                         [&](const std::string& f) { return s.name.find(f) != std::string::npos; });
    });
  }
  if (into.rates.empty() && !from.rates.empty()) {
    for (const auto& r : from.rates) {
      normbase::OverheadProfitRate c = r;
      c.code = pool.Intern(r.code);
      c.profit_code = pool.Intern(r.profit_code);
      c.work_type = pool.Intern(r.work_type);
      c.collections = pool.Intern(r.collections);
      c.item = pool.Intern(r.item);
      into.rates.push_back(c);
    }
    carry_sources([](const normbase::SourceFile& s) { return s.kind == "rates"; });
    out.rates = true;
  }
  if (into.coefficients.empty() && !from.coefficients.empty()) {
    for (const auto& r : from.coefficients) {
      normbase::CoefficientRule c = r;
      for (std::string_view* s : {&c.code, &c.name, &c.target, &c.decree, &c.formula, &c.section,
                                  &c.start_use, &c.end_use}) {
        *s = pool.Intern(*s);
      }
      for (auto& f : c.formulas) {
        f.key = pool.Intern(f.key);
        f.formula = pool.Intern(f.formula);
      }
      c.applies = Interned(pool, r.applies);
      c.applies_sections = Interned(pool, r.applies_sections);
      c.excluded = Interned(pool, r.excluded);
      c.exclude_groups = Interned(pool, r.exclude_groups);
      for (auto& f : c.resource_factors) f.codes = Interned(pool, f.codes);
      into.coefficients.push_back(std::move(c));
    }
    carry_sources([](const normbase::SourceFile& s) { return s.kind == "coefficients"; });
    out.coefficients = true;
  }
  return out;
}

}  // namespace estimate::collector
