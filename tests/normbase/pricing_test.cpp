#include "normbase/pricing.hpp"

#include <gtest/gtest.h>

#include "core/resource_index_calculator.hpp"

namespace estimate::normbase {
namespace {

using core::Decimal;
Decimal D(const char* s) { return Decimal::Literal(s); }

TEST(LaborPrice, RankFactorFormulaReproducesAmurAndMoscowRates) {
  // Methodology §2.5: Амурская обл. II кв. 2025, Ц1 = 477.54; Москва, Ц1 = 552.32.
  const struct {
    const char* rank1;
    const char* rank;
    const char* price;
  } cases[] = {{"477.54", "2", "520.52"},   {"477.54", "3", "568.27"},   {"477.54", "4", "639.90"},
               {"477.54", "5", "735.41"},   {"477.54", "6", "859.57"},   {"477.54", "3.5", "604.09"},
               {"477.54", "3.6", "611.25"}, {"477.54", "3.7", "618.41"}, {"477.54", "3.8", "625.58"},
               {"477.54", "4.2", "659.01"}, {"477.54", "4.7", "706.76"}, {"477.54", "5.3", "772.66"},
               {"552.32", "3.8", "723.54"}, {"552.32", "4", "740.11"},   {"552.32", "6", "994.18"}};
  for (const auto& c : cases) {
    auto price = LaborPriceForRank(D(c.rank1), D(c.rank));
    ASSERT_TRUE(price.ok()) << c.rank;
    EXPECT_EQ(price->ToFixed(2), c.price) << "rank " << c.rank << " Ц1 " << c.rank1;
  }
  EXPECT_FALSE(LaborPriceForRank(D("477.54"), D("7")).ok());
}

TEST(LaborPrice, RankIsReadFromTheCode) {
  EXPECT_EQ(RankOfLaborCode("1-100-38").ToString(), "3.8");
  EXPECT_EQ(RankOfLaborCode("2-100-04").ToString(), "4");
  EXPECT_EQ(RankOfLaborCode("4-100-060").ToString(), "6.0");
  EXPECT_FALSE(RankOfLaborCode("3-100-02").ok());
  EXPECT_FALSE(RankOfLaborCode("91.05.01-017").ok());
}

// A release with the roof kit of the samples: norm 12-01-001-01, its machines, one material.
BaseRelease RoofRelease() {
  BaseRelease r;
  r.info.name = "test";
  auto t = [&](std::string_view s) { return r.text.Intern(s); };
  Norm n;
  n.family = NormFamily::kGesn;
  n.code = t("12-01-001-01");
  n.name = t("Устройство кровель скатных из трех слоев: на битумной мастике");
  n.unit = t("100 м2");
  auto line = [&](const char* code, const char* name, const char* unit, const char* q) {
    NormResource l;
    l.code = t(code);
    l.name = t(name);
    l.unit = t(unit);
    l.consumption = D(q);
    return l;
  };
  n.resources = {line("1-100-38", "Средний разряд работы 3,8", "", "14.6"),
                 line("2", "", "", "0.46"),
                 line("91.05.01-017", "Краны башенные, грузоподъемность 8 т", "", "0.24"),
                 line("91.08.04-021", "Котлы битумные", "", "5.8"),
                 line("02.2.01.02-1042", "Гравий", "м3", "1.05"),
                 line("12.1.02.15", "Материалы рулонные", "м2", "115")};
  n.resources.back().abstract = true;
  n.resources.back().tech_groups = {t("27.01.053")};
  n.overhead_code = t("Пр/812-012.0");
  n.profit_code = t("Пр/774-012.0");
  r.norms.push_back(n);
  auto entry = [&](const char* code, const char* name, const char* unit, core::ResourceKind kind,
                   const char* base) {
    PriceBookEntry e;
    e.code = t(code);
    e.name = t(name);
    e.unit = t(unit);
    e.kind = kind;
    e.base_price = D(base);
    return e;
  };
  PriceBookEntry crane = entry("91.05.01-017", "Краны башенные, грузоподъемность 8 т", "маш.-ч",
                               core::ResourceKind::kMachine, "622.62");
  crane.machinist_pay = D("451.93");
  crane.machinist_labor = D("1.00");
  crane.machinist_code = t("4-100-060");
  crane.machinist_rank = D("6.0");
  PriceBookEntry boiler =
      entry("91.08.04-021", "Котлы битумные", "маш.-ч", core::ResourceKind::kMachine, "95.25");
  boiler.machinist_labor = D("0");
  PriceBookEntry gravel =
      entry("02.2.01.02-1042", "Гравий", "м3", core::ResourceKind::kMaterial, "1174.99");
  r.resources = {crane, boiler, gravel};
  OverheadProfitRate rate;
  rate.code = t("Пр/812-012.0");
  rate.profit_code = t("Пр/774-012.0");
  rate.work_type = t("Кровли");
  rate.overhead_percent[0] = D("120");
  rate.overhead_percent[1] = D("126");
  rate.overhead_percent[2] = D("132");
  rate.profit_percent = D("65");
  r.rates.push_back(rate);
  RegionalPrices p;
  p.region_code = t("77");
  p.region_name = t("г. Москва");
  p.quarter = t("2025-Q2");
  p.rank1_labor_price = D("552.32");
  p.labor_prices.emplace(t("1-100-38"), D("723.54"));
  p.current_prices.emplace(t("91.05.01-017"), D("1000.00"));
  p.group_indices.emplace(t("91.08"), D("1.5"));
  p.group_indices.emplace(t("02.2"), D("1.25"));
  p.group_indices.emplace(t("02.2.01"), D("1.30"));
  r.prices.push_back(std::move(p));
  r.Finish();
  return r;
}

TEST(PriceNorm, PricesEveryKindOfLineFromTheRegion) {
  BaseRelease release = RoofRelease();
  PricingRequest req{"77", 1, "2025-Q2", 2, D("2")};
  auto priced = PriceNorm(release, NormFamily::kGesn, "12-01-001-01", req);
  ASSERT_TRUE(priced.ok()) << priced.status().message();
  const core::Position& p = priced->position;
  EXPECT_EQ(p.code, "ГЭСН12-01-001-01");
  ASSERT_EQ(p.resources.size(), 5u);  // code "2" left out
  EXPECT_EQ(p.resources[0].kind, core::ResourceKind::kLabor);
  EXPECT_EQ(p.resources[0].price.price.ToFixed(2), "723.54");
  EXPECT_EQ(p.resources[1].price.price.ToFixed(2), "1000.00");
  ASSERT_TRUE(p.resources[1].machinist.has_value());
  EXPECT_EQ(p.resources[1].machinist->price.price.ToFixed(2), "994.18");  // rank 6 by formula
  EXPECT_EQ(p.resources[2].price.source, core::UnitPrice::Source::kBaseIndex);
  EXPECT_EQ(p.resources[2].price.index.ToString(), "1.5");
  EXPECT_FALSE(p.resources[2].machinist.has_value());  // no machinist for the boiler
  EXPECT_EQ(p.resources[3].price.index.ToString(), "1.30");  // longest prefix wins
  EXPECT_FALSE(p.resources[4].price.priced());               // abstract: listed
  ASSERT_TRUE(p.overhead.has_value());
  EXPECT_EQ(p.overhead->code, "Пр/812-012.0-2");
  EXPECT_EQ(p.overhead->percent.ToString(), "126");
  EXPECT_EQ(p.profit->percent.ToString(), "65");
  EXPECT_TRUE(priced->warnings.empty()) << priced->warnings.front();

  // And the engine computes it: ОТ = round2(14.6 × 2 × 723.54).
  auto figures = core::CalculatePosition(p, {});
  ASSERT_TRUE(figures.ok());
  EXPECT_EQ(figures->figures.ot.ToFixed(2), "21127.37");
}

TEST(PriceNorm, UnknownNormOrRegionIsNotFound) {
  BaseRelease release = RoofRelease();
  PricingRequest req{"77", 1, "2025-Q2", 1, D("1")};
  EXPECT_EQ(PriceNorm(release, NormFamily::kGesn, "99-99-999-99", req).status().code(),
            StatusCode::kNotFound);
  req.quarter = "2031-Q1";
  auto r = PriceNorm(release, NormFamily::kGesn, "12-01-001-01", req);
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_NE(r.status().message().find("2031-Q1"), std::string::npos);
}

TEST(PriceResource, MaterialAtBaseTimesIndex) {
  BaseRelease release = RoofRelease();
  auto r = PriceResource(release, "02.2.01.02-1042", {"77", 1, "2025-Q2", 1, D("3")});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->position.type, core::PositionType::kResource);
  EXPECT_EQ(r->position.price.base_price.ToString(), "1174.99");
  auto figures = core::CalculatePosition(r->position, {});
  ASSERT_TRUE(figures.ok());
  // round2(1174.99 × 1.30) = 1527.49; × 3 = 4582.47
  EXPECT_EQ(figures->figures.m.ToFixed(2), "4582.47");
}

}  // namespace
}  // namespace estimate::normbase
