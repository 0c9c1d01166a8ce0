// The report of what a release changes: norms by family and code, the price book's base prices,
// each price set against the same or the previous quarter, the threshold; and what a new ФСНБ
// keeps of the active release (CarryOver).
#include "collector/release_diff.hpp"

#include <gtest/gtest.h>

namespace estimate::collector {
namespace {

using core::Decimal;
using normbase::BaseRelease;

void AddNorm(BaseRelease& r, const char* code, const char* name, const char* resource, const char* consumption) {
  normbase::Norm n;
  n.family = normbase::NormFamily::kGesn;
  n.code = r.text.Intern(code);
  n.name = r.text.Intern(name);
  n.unit = r.text.Intern("100 м3");
  normbase::NormResource line;
  line.code = r.text.Intern(resource);
  line.consumption = Decimal::Literal(consumption);
  n.resources.push_back(line);
  r.norms.push_back(std::move(n));
}

void AddPrices(BaseRelease& r, const char* quarter, std::vector<std::pair<const char*, const char*>> prices) {
  normbase::RegionalPrices p;
  p.region_code = r.text.Intern("77");
  p.zone = 1;
  p.quarter = r.text.Intern(quarter);
  for (auto [code, price] : prices) p.current_prices.emplace(r.text.Intern(code), Decimal::Literal(price));
  r.prices.push_back(std::move(p));
}

TEST(ReleaseDiff, NormsAddedRemovedAndChanged) {
  BaseRelease a, b;
  AddNorm(a, "01-01-001-01", "Разработка грунта", "1-100-20", "10.5");
  AddNorm(a, "01-01-002-01", "Засыпка", "1-100-20", "3");
  AddNorm(b, "01-01-001-01", "Разработка грунта", "1-100-20", "11");  // consumption changed
  AddNorm(b, "01-01-003-01", "Уплотнение", "1-100-20", "2");         // new
  a.Finish();
  b.Finish();
  const ReleaseDiff d = DiffReleases(b, a);
  EXPECT_EQ(d.norms_added, 1u);
  EXPECT_EQ(d.norms_removed, 1u);
  EXPECT_EQ(d.norms_changed, 1u);
  ASSERT_EQ(d.norms.size(), 3u);
  EXPECT_EQ(d.norms[0].code, "01-01-001-01");
  EXPECT_EQ(d.norms[0].change, "changed");
  EXPECT_EQ(d.norms[0].detail, "resources: ≠1");
  EXPECT_EQ(d.norms[1].change, "added");
  EXPECT_EQ(d.norms[2].change, "removed");
  EXPECT_FALSE(d.Empty());
  EXPECT_TRUE(DiffReleases(a, a).Empty());
}

TEST(ReleaseDiff, ANewQuarterIsComparedWithThePreviousOneAndOnlyBigMovesAreListed) {
  BaseRelease active, draft;
  AddPrices(active, "2026-Q2", {{"01.1", "100.00"}, {"01.2", "200.00"}, {"01.3", "300.00"}});
  AddPrices(draft, "2026-Q2", {{"01.1", "100.00"}, {"01.2", "200.00"}, {"01.3", "300.00"}});
  AddPrices(draft, "2026-Q3", {{"01.1", "115.00"}, {"01.2", "204.00"}, {"01.4", "10.00"}});
  active.Finish();
  draft.Finish();
  const ReleaseDiff d = DiffReleases(draft, active, {Decimal::FromInt(10), 500});
  ASSERT_EQ(d.price_sets.size(), 2u);
  const PriceSetDiff& q3 = d.price_sets[1];
  EXPECT_EQ(q3.territory.quarter, "2026-Q3");
  ASSERT_TRUE(q3.compared_with.has_value());
  EXPECT_EQ(q3.compared_with->quarter, "2026-Q2");
  EXPECT_EQ(q3.changed, 2u);
  EXPECT_EQ(q3.moved, 1u);  // +15 %; +2 % stays under 10 %
  EXPECT_EQ(q3.added, 1u);
  EXPECT_EQ(q3.removed, 1u);
  ASSERT_EQ(q3.moved_prices.size(), 1u);
  EXPECT_EQ(q3.moved_prices[0].code, "01.1");
  EXPECT_EQ(q3.moved_prices[0].percent.ToString(), "15.00");
  EXPECT_EQ(d.price_sets[0].changed, 0u);  // Q2 against Q2
}

TEST(ReleaseDiff, ListsStopAtMaxItemsWithExactCounts) {
  BaseRelease a, b;
  for (int i = 0; i < 20; ++i) {
    const std::string code = "01-01-0" + std::to_string(10 + i) + "-01";
    AddNorm(b, code.c_str(), "Норма", "1-100-20", "1");
  }
  a.Finish();
  b.Finish();
  const ReleaseDiff d = DiffReleases(b, a, {Decimal::FromInt(10), 5});
  EXPECT_EQ(d.norms_added, 20u);
  EXPECT_EQ(d.norms.size(), 5u);
  EXPECT_TRUE(d.truncated);
}

TEST(ReleaseDiff, CarryOverKeepsTheActiveReleasesPriceSetsAndRates) {
  BaseRelease active, fresh;
  AddPrices(active, "2026-Q2", {{"01.1", "100.00"}});
  normbase::OverheadProfitRate rate;
  rate.code = active.text.Intern("Пр/812-001.1");
  rate.overhead_percent[0] = Decimal::FromInt(92);
  active.rates.push_back(rate);
  active.info.sources.push_back({"prices_77_1_2026-Q2/current_prices.json", "aa", 10, "current_prices", ""});
  active.Finish();
  AddPrices(fresh, "2026-Q3", {{"01.1", "110.00"}});
  const CarriedOver carried = CarryOver(active, fresh);
  fresh.Finish();
  EXPECT_EQ(carried.price_sets, 1u);
  EXPECT_TRUE(carried.rates);
  ASSERT_NE(fresh.FindPrices("77", 1, "2026-Q2"), nullptr);
  EXPECT_EQ(fresh.FindPrices("77", 1, "2026-Q2")->current_prices.at("01.1").ToString(), "100.00");
  ASSERT_NE(fresh.FindRate("Пр/812-001.1"), nullptr);
  ASSERT_EQ(fresh.info.sources.size(), 1u);
  // Views point into the new release's own pool: the active one may go.
  EXPECT_NE(fresh.FindRate("Пр/812-001.1")->code.data(), active.rates[0].code.data());
}

}  // namespace
}  // namespace estimate::collector
