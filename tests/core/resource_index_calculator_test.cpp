#include "core/resource_index_calculator.hpp"

#include <gtest/gtest.h>

#include <string>

namespace estimate::core {
namespace {

Decimal D(const char* s) { return Decimal::Literal(s); }

UnitPrice Current(const char* price) {
  UnitPrice p;
  p.source = UnitPrice::Source::kCurrent;
  p.price = D(price);
  return p;
}

UnitPrice BaseIndex(const char* base, const char* index) {
  UnitPrice p;
  p.source = UnitPrice::Source::kBaseIndex;
  p.base_price = D(base);
  p.index = D(index);
  return p;
}

Resource Labor(const char* consumption, const char* price) {
  Resource r;
  r.kind = ResourceKind::kLabor;
  r.consumption = D(consumption);
  r.price = Current(price);
  return r;
}

Resource Machine(const char* consumption, UnitPrice price, const char* machinist_price = nullptr) {
  Resource r;
  r.kind = ResourceKind::kMachine;
  r.consumption = D(consumption);
  r.price = price;
  if (machinist_price != nullptr) {
    r.machinist = Machinist{"4-100-0X0", D("1"), Current(machinist_price)};
  }
  return r;
}

Resource Material(const char* consumption, UnitPrice price) {
  Resource r;
  r.kind = ResourceKind::kMaterial;
  r.consumption = D(consumption);
  r.price = price;
  return r;
}

Resource Abstract(const char* consumption) {
  Resource r;
  r.kind = ResourceKind::kMaterial;
  r.consumption = D(consumption);
  return r;
}

ExtraRow Extra(const char* quantity, UnitPrice price) {
  ExtraRow x;
  x.quantity = D(quantity);
  x.price = price;
  return x;
}

Rate MakeRate(const char* percent, const char* k = "1") {
  Rate r;
  r.percent = D(percent);
  r.k = D(k);
  return r;
}

Coefficient Coef(const char* labor, const char* machinist_labor, const char* machines) {
  Coefficient c;
  c.labor = D(labor);
  c.machinist_labor = D(machinist_labor);
  c.machines = D(machines);
  return c;
}

PositionResult Calc(const Position& p, const CalcOptions& options = {}) {
  Result<PositionResult> r = CalculatePosition(p, options);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? *r : PositionResult{};
}

std::string M(const Decimal& d) { return d.ToFixed(2); }
std::string H(const Decimal& d) { return d.ToFixed(7); }

// Methodology §6 example A: ЛСР 02-01-05 pos. 1 as ПК РИК printed it (columns 5–7 carry the
// consumption without the п.58/прил.10 coefficients, see golden/README.md).
Position ExampleA() {
  Position p;
  p.number = "1";
  p.code = "ГЭСН 16-06-005-01";
  p.quantity = D("1");
  p.resources = {Labor("0.41", "625.58"), Machine("0.01", Current("831.82"), "639.90"),
                 Material("0.01", BaseIndex("128.40", "1.89")),
                 Material("0.02", BaseIndex("79.88", "1.76")),
                 Material("0.00001", BaseIndex("60697.21", "1.29"))};
  p.overhead = MakeRate("121", "0.9");
  p.profit = MakeRate("72", "0.85");
  return p;
}

TEST(ResourceIndexCalculator, ExampleAPositionToTheKopeck) {
  const PositionResult r = Calc(ExampleA());
  EXPECT_EQ(M(r.figures.ot), "256.49");
  EXPECT_EQ(M(r.figures.em), "8.32");
  EXPECT_EQ(M(r.figures.otm), "6.40");
  EXPECT_EQ(M(r.figures.m), "6.02");
  EXPECT_EQ(M(r.figures.direct), "277.23");
  EXPECT_EQ(M(r.figures.fot), "262.89");
  EXPECT_EQ(M(r.figures.overhead), "286.29");
  EXPECT_EQ(M(r.figures.profit), "160.89");
  EXPECT_EQ(M(r.figures.total), "724.41");
  EXPECT_EQ(M(r.per_unit), "724.41");
  EXPECT_EQ(H(r.figures.labor_hours), "0.4100000");
  EXPECT_EQ(H(r.figures.machinist_hours), "0.0100000");
}

TEST(ResourceIndexCalculator, ContractExampleAppliesCoefficientsToConsumption) {
  Position p;
  p.quantity = D("1");
  p.coefficients = {Coef("1.15", "1.25", "1.25"), Coef("1.2", "1.2", "1.2")};
  p.resources = {Labor("0.2971", "625.58"), Machine("0.0067", Current("831.82"), "639.90"),
                 Material("0.01", BaseIndex("128.40", "1.89")), Abstract("0")};
  p.resources.back().by_project = true;
  p.extra = {Extra("2.5", Current("412.10"))};
  p.overhead = MakeRate("121", "0.9");
  p.profit = MakeRate("72", "0.85");
  const PositionResult r = Calc(p);
  EXPECT_EQ(M(r.figures.ot), "256.49");
  EXPECT_EQ(M(r.figures.em), "8.36");
  EXPECT_EQ(M(r.figures.otm), "6.43");
  EXPECT_EQ(M(r.figures.m), "1032.68");
  EXPECT_EQ(M(r.figures.direct), "1303.96");
  EXPECT_EQ(M(r.figures.extra), "1030.25");
  EXPECT_EQ(M(r.figures.fot), "262.92");
  EXPECT_EQ(M(r.figures.overhead), "286.32");
  EXPECT_EQ(M(r.figures.profit), "160.91");
  EXPECT_EQ(M(r.figures.total), "1751.19");
  EXPECT_EQ(H(r.figures.labor_hours), "0.4099980");
  EXPECT_EQ(H(r.figures.machinist_hours), "0.0100500");
}

TEST(ResourceIndexCalculator, ExampleBSeveralMachinesAndChosenMaterials) {
  Position p;
  p.quantity = D("4");
  p.resources = {Labor("2.6", "604.09"),
                 Machine("0.01", BaseIndex("622.62", "1.62"), "859.57"),
                 Machine("0.01", Current("2035.00"), "859.57"),
                 Machine("0.02", Current("831.82"), "639.90"),
                 Machine("0.63", Current("33.81")),
                 Material("0.002", BaseIndex("13680.39", "0.97")),
                 Material("0.33", BaseIndex("155.63", "1.25")),
                 Material("0.00207", BaseIndex("145801.49", "1.39")),
                 Abstract("1"),
                 Abstract("2")};
  p.extra = {Extra("1", BaseIndex("1951.35", "3.42")), Extra("3", BaseIndex("2419.70", "1.67")),
             Extra("8", BaseIndex("571.43", "1.28"))};
  p.overhead = MakeRate("121", "0.9");
  p.profit = MakeRate("72", "0.85");
  PositionDetail detail;
  Result<PositionResult> res = CalculatePosition(p, {}, &detail);
  ASSERT_TRUE(res.ok());
  const PositionResult& r = *res;
  EXPECT_EQ(M(r.figures.ot), "6282.54");
  EXPECT_EQ(M(r.figures.em), "273.50");
  EXPECT_EQ(M(r.figures.otm), "119.95");
  EXPECT_EQ(M(r.figures.m - r.figures.extra), "2041.01");
  EXPECT_EQ(M(r.figures.direct - r.figures.extra), "8717.00");  // «Итого прямые затраты»
  EXPECT_EQ(M(r.figures.extra), "24647.76");
  EXPECT_EQ(M(r.figures.fot), "6402.49");
  EXPECT_EQ(M(r.figures.overhead), "6972.31");
  EXPECT_EQ(M(r.figures.profit), "3918.32");
  EXPECT_EQ(M(r.figures.total), "44255.39");
  EXPECT_EQ(M(r.per_unit), "11063.85");
  EXPECT_EQ(M(detail.resources[1].price), "1008.64");
  EXPECT_EQ(M(detail.resources[1].total), "40.35");
  EXPECT_EQ(M(detail.machinists[1].total), "34.38");
  EXPECT_EQ(M(detail.extra[1].total), "12122.70");
  EXPECT_FALSE(detail.resources[8].priced);
  EXPECT_EQ(H(detail.resources[9].quantity), "8.0000000");
}

TEST(ResourceIndexCalculator, ExampleCAuxiliaryMaterialsAndMarketEquipment) {
  Position p;
  p.code = "ГЭСНм 11-03-001-01";
  p.quantity = D("1");
  p.work_kind = WorkKind::kInstallation;
  p.coefficients = {Coef("1.2", "1.2", "1.2")};
  p.resources = {Labor("0.52", "659.01"), Material("0.035", BaseIndex("154.58", "1.39"))};
  p.auxiliary_materials = AuxiliaryMaterials{"421/пр_2020_п.75_пп.а", D("2"),
                                             AuxiliaryMaterials::Base::kLaborWithoutCoefficients};
  p.overhead = MakeRate("90");
  p.profit = MakeRate("46");
  PositionResult r = Calc(p);
  EXPECT_EQ(M(r.figures.ot), "411.22");
  EXPECT_EQ(M(r.figures.extra), "6.85");
  EXPECT_EQ(M(r.figures.direct - r.figures.extra), "418.74");
  EXPECT_EQ(M(r.figures.overhead), "370.10");
  EXPECT_EQ(M(r.figures.profit), "189.16");
  EXPECT_EQ(M(r.figures.total), "984.85");
  EXPECT_EQ(H(r.figures.labor_hours), "0.6240000");

  // ГРАНД-Смета takes the 2 % of the position's ОТ as computed: 2 % × 411.22 = 8.22.
  p.auxiliary_materials->base = AuxiliaryMaterials::Base::kLabor;
  EXPECT_EQ(M(Calc(p).figures.extra), "8.22");

  Position equipment;
  equipment.type = PositionType::kResource;
  equipment.kind = ResourceKind::kEquipment;
  equipment.code = "ТЦ_65.1.01.03_27_2724168690_13.06.2025_02_19.1";
  equipment.quantity = D("1");
  equipment.price = Current("8686.33");
  r = Calc(equipment);
  EXPECT_EQ(M(r.figures.equipment), "8686.33");
  EXPECT_EQ(M(r.figures.market_equipment), "8686.33");
  EXPECT_EQ(M(r.figures.direct), "0.00");
  EXPECT_EQ(M(r.figures.total), "8686.33");
}

TEST(ResourceIndexCalculator, ExampleERepairNormWithLabourOnly) {
  Position p;
  p.code = "ГЭСНр57-01-003-02";
  p.quantity = D("7.3963");
  p.resources = {Labor("14.28", "486.58"), Abstract("0.62")};
  p.overhead = MakeRate("89");
  p.profit = MakeRate("49");
  const PositionResult r = Calc(p);
  EXPECT_EQ(H(r.figures.labor_hours), "105.6191640");
  EXPECT_EQ(M(r.figures.ot), "51392.17");
  EXPECT_EQ(M(r.figures.overhead), "45739.03");
  EXPECT_EQ(M(r.figures.profit), "25182.16");
  EXPECT_EQ(M(r.figures.total), "122313.36");
  EXPECT_EQ(M(r.per_unit), "16537.10");
}

TEST(ResourceIndexCalculator, ExampleIWholeRoublesAndProfitOverride) {
  Position p;
  p.code = "ГЭСН01-01-009-02";
  p.quantity = D("0.3781254");
  p.resources = {Machine("15", Current("2040.22"), "910.89")};
  p.overhead = MakeRate("92");
  p.profit = MakeRate("46");  // 774/пр п.1.1; the contract fixes СП at 30 %
  CalcOptions options;
  options.money_places = 0;
  options.profit_override = RateOverride{D("30"), std::nullopt};
  const PositionResult r = Calc(p, options);
  EXPECT_EQ(M(r.figures.em), "11572.00");
  EXPECT_EQ(M(r.figures.otm), "5166.00");
  EXPECT_EQ(M(r.figures.direct), "16738.00");
  EXPECT_EQ(M(r.figures.fot), "5166.00");
  EXPECT_EQ(M(r.figures.overhead), "4753.00");
  EXPECT_EQ(M(r.figures.profit), "1550.00");
  EXPECT_EQ(M(r.figures.total), "23041.00");
  EXPECT_EQ(M(r.per_unit), "60934.81");
}

TEST(ResourceIndexCalculator, ExampleJMarketPricedItem) {
  Position p;
  p.type = PositionType::kResource;
  p.kind = ResourceKind::kMaterial;
  p.code = "ТЦ_47_4703061004_01.01.2025_40.1";
  p.quantity = D("8.825508");
  p.price = Current("675");
  const PositionResult r = Calc(p);
  EXPECT_EQ(M(r.figures.m), "5957.22");
  EXPECT_EQ(M(r.figures.total), "5957.22");
  EXPECT_EQ(M(r.figures.market_materials), "5957.22");
}

TEST(ResourceIndexCalculator, LabourResourcePositionCountsInFotAndHours) {
  Position p;
  p.type = PositionType::kResource;
  p.kind = ResourceKind::kLabor;
  p.quantity = D("2.5");
  p.price = Current("600.01");
  const PositionResult r = Calc(p);
  EXPECT_EQ(M(r.figures.ot), "1500.03");
  EXPECT_EQ(M(r.figures.fot), "1500.03");
  EXPECT_EQ(M(r.figures.direct), "1500.03");
  EXPECT_EQ(H(r.figures.labor_hours), "2.5000000");
}

TEST(ResourceIndexCalculator, CoefficientsMultiplyByDefault) {
  const ResultingCoefficients k =
      CombineCoefficients({Coef("1.15", "1.25", "1.25"), Coef("1.2", "1.2", "1.2")});
  EXPECT_EQ(k.labor, D("1.38"));
  EXPECT_EQ(k.machines, D("1.5"));
  EXPECT_EQ(k.machinist_labor, D("1.5"));
  EXPECT_EQ(k.materials, D("1"));
}

TEST(ResourceIndexCalculator, AppendixTenTableOneCoefficientsAddUnderClause52) {
  Coefficient a = Coef("1.2", "1.2", "1.2");
  Coefficient b = Coef("1.15", "1.15", "1.15");
  a.combination = b.combination = CoefficientCombination::kAdditive;
  EXPECT_EQ(CombineCoefficients({a, b}).labor, D("1.35"));
  // An additive group times an ordinary coefficient (a technical-part ×2).
  EXPECT_EQ(CombineCoefficients({a, b, Coef("2", "1", "1")}).labor, D("2.70"));
}

TEST(ResourceIndexCalculator, ZeroQuantityHasZeroPerUnit) {
  Position p = ExampleA();
  p.quantity = D("0");
  const PositionResult r = Calc(p);
  EXPECT_EQ(M(r.per_unit), "0.00");
  EXPECT_EQ(M(r.figures.total), "0.00");
}

TEST(ResourceIndexCalculator, TooLargeFigureIsAnErrorNamingThePosition) {
  Estimate e;
  e.sections.resize(1);
  Position p = ExampleA();
  p.quantity = D("999999999999999");
  p.resources[0].price = Current("999999999999999.99");
  p.resources[0].consumption = D("999999999999999");
  e.sections[0].positions = {ExampleA(), p};
  Result<EstimateResult> r = CalculateResourceIndex(e);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message().rfind("sections[0].positions[1]: ", 0), 0u)
      << r.status().message();
}

TEST(ResourceIndexCalculator, SectionsAndTotalsAreSumsAndSplitByWorkKind) {
  Estimate e;
  e.sections.resize(2);
  Position equipment;
  equipment.type = PositionType::kResource;
  equipment.kind = ResourceKind::kEquipment;
  equipment.quantity = D("1");
  equipment.price = Current("100.00");
  Position installation = ExampleA();
  installation.work_kind = WorkKind::kInstallation;
  e.sections[0].positions = {ExampleA(), equipment};
  e.sections[1].positions = {installation};
  Result<EstimateResult> r = CalculateResourceIndex(e);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(M(r->sections[0].figures.total), "824.41");
  EXPECT_EQ(M(r->sections[1].figures.total), "724.41");
  EXPECT_EQ(M(r->totals.figures.total), "1548.82");
  EXPECT_EQ(M(r->totals.figures.equipment), "100.00");
  EXPECT_EQ(M(r->totals.construction.total), "724.41");
  EXPECT_EQ(M(r->totals.installation.total), "724.41");
  EXPECT_EQ(M(r->totals.installation.ot), "256.49");
}

TEST(ResourceIndexCalculator, RepriceMatchesAFullRecalculation) {
  Estimate e;
  e.sections.resize(2);
  for (int i = 0; i < 5; ++i) e.sections[i % 2].positions.push_back(ExampleA());
  Result<ResourceIndexCalculation> calc = ResourceIndexCalculation::Calculate(e);
  ASSERT_TRUE(calc.ok());
  Position changed = ExampleA();
  changed.quantity = D("3.5");
  changed.work_kind = WorkKind::kInstallation;
  ASSERT_TRUE(calc->Reprice(1, 1, changed, e.options).ok());
  e.sections[1].positions[1] = changed;
  Result<EstimateResult> full = CalculateResourceIndex(e);
  ASSERT_TRUE(full.ok());
  const EstimateResult& inc = calc->result();
  EXPECT_EQ(M(inc.totals.figures.total), M(full->totals.figures.total));
  EXPECT_EQ(M(inc.totals.installation.total), M(full->totals.installation.total));
  EXPECT_EQ(M(inc.totals.construction.fot), M(full->totals.construction.fot));
  EXPECT_EQ(M(inc.sections[1].figures.total), M(full->sections[1].figures.total));
  EXPECT_EQ(M(inc.positions[1][1].figures.total), M(full->positions[1][1].figures.total));
  EXPECT_FALSE(calc->Reprice(2, 0, changed, e.options).ok());
}

}  // namespace
}  // namespace estimate::core
