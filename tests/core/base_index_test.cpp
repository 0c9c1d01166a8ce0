// The base-index method against the ГГЭ XML 3.01 БИМ example exported by ГОССТРОЙСМЕТА 3.22
// (shared/lsr_fixtures/gge_bim_3.01_example1.xml, ЛСР 02-01-01, ФЕР-2001 ред. 2020, Московская
// обл., индексы 2 кв. 2025: ОТ 52.21, ЭМ 16.64, МАТ 8.49, оборудование 6.31), methodology.md
// examples F and G. The inputs and expected figures below are copied from the XML; each block
// names the Item (by Cost/Num or resource Code) and the elements they come from.
#include <gtest/gtest.h>

#include <cctype>
#include <fstream>
#include <sstream>
#include <string>

#include "core/base_index_calculator.hpp"
#include "core/object_estimate.hpp"

namespace estimate::core {
namespace {

Decimal D(const char* text) { return Decimal::Literal(text); }

// Numeric comparison that prints both sides; 7 decimals also exposes a figure left unrounded.
#define EXPECT_DEC(actual, expected) EXPECT_EQ((actual).ToFixed(7), D(expected).ToFixed(7))

// Cost/PerUnit/Base + Cost/PerUnit/Natural of an Item.
BaseIndexUnitRate Rate(const char* ot, const char* em, const char* otm, const char* m,
                       const char* zt, const char* ztm) {
  return {D(ot), D(em), D(otm), D(m), D(zt), D(ztm)};
}

BaseIndexPosition Norm(const char* number, const char* code, CostColumn column,
                       const char* quantity, BaseIndexUnitRate rate, const char* overhead,
                       const char* profit) {
  BaseIndexPosition p;
  p.number = number;
  p.code = code;
  p.column = column;
  p.quantity = D(quantity);
  p.unit_rate = rate;
  p.overhead = BaseIndexRate{"", D(overhead), Decimal::FromInt(1)};
  p.profit = BaseIndexRate{"", D(profit), Decimal::FromInt(1)};
  return p;
}

BaseIndexPosition Resource(const char* number, const char* code, CostColumn column,
                           const char* quantity, const char* base_price) {
  BaseIndexPosition p;
  p.number = number;
  p.code = code;
  p.type = BaseIndexPositionType::kResource;
  p.column = column;
  p.quantity = D(quantity);
  p.base_price = D(base_price);
  return p;
}

BaseIndexTransportLine Transport(const char* code, const char* quantity, const char* price,
                                 const char* factor, const char* index) {
  return {code, "", D(quantity), D(price), D(factor), D(index)};
}

BaseIndexCoefficient Coef(const char* name, BaseIndexCombination combination) {
  BaseIndexCoefficient c;
  c.name = name;
  c.combination = combination;
  return c;
}

// Cost/Coefficients of Items 9 and 10 (section 5): прил.10 т.1 п.4 and п.9 (ЭМ, ЗТ, ЗТМ).
BaseIndexCoefficient Table1(const char* name, const char* k) {
  BaseIndexCoefficient c = Coef(name, BaseIndexCombination::kAppendix10Additive);
  c.machines = D(k);
  c.labor = D(k);
  c.machinist_labor = D(k);
  return c;
}

BaseIndexCoefficient PayOnly(const char* name, BaseIndexCombination combination, const char* k) {
  BaseIndexCoefficient c = Coef(name, combination);
  c.workers_pay = D(k);
  c.machinists_pay = D(k);
  return c;
}

// Item 9 (section 5): ФЕР 11-01-041-01, methodology example G.
BaseIndexPosition MarbleSkirting() {
  BaseIndexPosition p = Norm("9", "ФЕР11-01-041-01", CostColumn::kConstruction, "589.64",
                             Rate("94.41", "1.29", "0.39", "15.00", "8.63", "0.03"), "112", "65");
  p.coefficients = {
      Table1("421/пр_2020_прил.10_т.1_п.4_гр.3", "1.2"),
      Table1("421/пр_2020_прил.10_т.1_п.9_гр.3", "1.15"),
      PayOnly("421/пр_2020_п.60.1", BaseIndexCombination::kMultiply, "1.25"),
      PayOnly("421/пр_2020_прил.10_т.2_п.3.3_гр.3", BaseIndexCombination::kAppendix10Multiply,
              "1.68"),
  };
  p.materials = {{"13.1.02.01-1015", "", "м2", D("589.64"), D("579.37"), D("1")}};
  return p;
}

// Item 10 (section 5): ФЕР 11-01-024-01 with the technical-part coefficient О.Ч.11 Пр.11.1 п.3.2.
BaseIndexPosition PolymerFloor() {
  BaseIndexPosition p =
      Norm("10", "ФЕР11-01-024-01", CostColumn::kConstruction, "0.32",
           Rate("1333.46", "403.65", "284.04", "51860.46", "109.39", "27.89"), "112", "65");
  BaseIndexCoefficient part = Coef("О. Ч.11 Пр.11.1 п.3.2", BaseIndexCombination::kMultiply);
  part.machines = D("0.5");
  part.materials = D("0.56");
  part.labor = D("0.75");
  part.machinist_labor = D("0.5");
  BaseIndexCoefficient table2 =
      Coef("421/пр_2020_прил.10_т.2_п.3.3_гр.3", BaseIndexCombination::kAppendix10Multiply);
  table2.workers_pay = D("1.68");
  table2.machinists_pay = D("1.68");
  p.coefficients = {Table1("421/пр_2020_прил.10_т.1_п.4_гр.3", "1.2"),
                    Table1("421/пр_2020_прил.10_т.1_п.9_гр.3", "1.15"), table2, part};
  return p;
}

BaseIndexEstimate Example() {
  BaseIndexEstimate e;
  e.name = "ЛСР 02-01-01 Технический пример";
  e.indices.workers_pay = D("52.21");  // Cost/Index/Values/Value[Target=ОТ]
  e.indices.machines = D("16.64");     // EstimatePrice/Building/Machines/PriceIndex
  e.indices.materials = D("8.49");     // EstimatePrice/Building/Materials/Price/PriceIndex
  e.indices.equipment = D("6.31");     // EstimatePrice/Equipment/Price/PriceIndex
  // Not in the file: EstimatePrice/Other is 4594.30 → 56463.95 = round2(4594.30 × 12.29).
  e.indices.other = D("12.29");

  // Section 1. Item Cost/Num 1 is «Прочее» with index 1 to ОТ and ОТМ.
  BaseIndexPosition p1 =
      Norm("1", "ФЕР07-01-001-01", CostColumn::kOther, "1",
           Rate("569.85", "2385.32", "325.85", "0.00", "65.2", "24.61"), "110", "73");
  p1.pay_index = D("1");
  BaseIndexPosition p2 =
      Norm("2", "ФЕР08-01-001-01", CostColumn::kConstruction, "1",
           Rate("32.74", "10.46", "1.74", "215.19", "3.94", "0.15"), "110", "69");
  // Section 2.
  BaseIndexPosition p3 =
      Norm("3", "ФЕР11-01-011-01", CostColumn::kConstruction, "1",
           Rate("282.66", "43.61", "17.15", "8.54", "35.6", "1.27"), "112", "65");
  // Section 3: the chosen material 05.1.05.04-0084 with its additional transport.
  BaseIndexPosition p4 =
      Norm("4", "ФЕР07-01-001-01", CostColumn::kConstruction, "1",
           Rate("569.85", "2385.32", "325.85", "0.00", "65.2", "24.61"), "110", "73");
  p4.materials = {{"05.1.05.04-0084", "", "шт", D("100"), D("725.91"), D("1")}};
  p4.transport = {Transport("ФССЦпг03-01-01-030", "-100", "18.16", "1.35", "18.75"),
                  Transport("ФССЦпг03-01-01-096", "100", "36.32", "1", "18.75")};
  BaseIndexPosition p5 = Resource("5", "02.3.01.02-1011", CostColumn::kConstruction, "1", "54.95");
  p5.transport = {Transport("ФССЦпг03-21-01-030", "-1", "19.29", "1", "16.22"),
                  Transport("ФССЦпг03-21-01-091", "1", "43.30", "1", "16.22")};
  // Section 4: concrete 04.1.02.05-0008 with the W6 surcharge 1.025 (ФСБЦ-2022 п.100 табл.7).
  BaseIndexPosition p6 =
      Norm("8", "ФЕР06-01-001-01", CostColumn::kConstruction, "10",
           Rate("1053.00", "1566.06", "244.39", "909.27", "135", "18.12"), "102", "58");
  p6.materials = {{"04.1.02.05-0008", "", "м3", D("1020"), D("700.00"), D("1.025")}};
  // Section 6: mounting and its equipment with two transport rows.
  BaseIndexPosition p9 = Norm("11", "ФЕРм10-05-011-01", CostColumn::kInstallation, "20",
                              Rate("31.52", "24.99", "2.84", "0.63", "2.44", "0.21"), "95", "53");
  BaseIndexPosition p10 =
      Resource("12", "61.1.01.02-0005", CostColumn::kEquipment, "20", "5675.06");
  p10.transport = {Transport("ФССЦпг03-02-02-030", "-0.5", "40.20", "1.35", "18.75"),
                   Transport("ТЦ_22_2222885069_11.01.2024_1.1", "0.5", "4083.33", "1", "16.64")};

  e.sections = {
      {"Проверка выгрузки и визуализации свободной строки", {p1, p2}},
      {"Выгрузка реквизитов письма Минстроя", {p3}},
      {"Проверка выгрузки неактивных ресурсов", {p4, p5}},
      {"Расчет надбавки для бетона по W", {p6}},
      {"Полы (п.52 в редакции 30/пр)", {MarbleSkirting(), PolymerFloor()}},
      {"Монтаж оборудования", {p9, p10}},
      // Section 7: market prices, converted to the base level by the program (PricePerUnitBase).
      {"Ресурсы из КА",
       {Resource("13", "ТЦ_21.1.02.01_76_5040125615_21.05.2025_01_1.2", CostColumn::kConstruction,
                 "1", "494.90"),
        Resource("14", "ТЦ_77.4.05.01_77_7709798015_13.03.2025_02_6.2", CostColumn::kEquipment, "1",
                 "1714.25"),
        Resource("15", "ТЦ_04.3.02.18-0068_11.1", CostColumn::kConstruction, "1", "5240.87"),
        Resource("16", "ТЦ_07.1.01.01-0014_7.1", CostColumn::kConstruction, "1", "1863.14"),
        Resource("17", "ТЦ_63.1.01.03-0011_10.1", CostColumn::kEquipment, "1", "5322.37")}},
  };
  return e;
}

class BaseIndexExample : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<BaseIndexResult> r = CalculateBaseIndexEstimate(Example());
    ASSERT_TRUE(r.ok()) << r.status().message();
    result_ = *r;
  }
  const BaseIndexPositionResult& Position(size_t i) const { return result_.positions.at(i); }
  BaseIndexResult result_;
};

TEST(BaseIndexFixture, TheFixtureIsTheOneTheseFiguresComeFrom) {
  std::ifstream in(std::string(ESTIMATE_SHARED_DIR) + "/lsr_fixtures/gge_bim_3.01_example1.xml");
  ASSERT_TRUE(in) << "shared fixture missing";
  std::stringstream text;
  text << in.rdbuf();
  const std::string xml = text.str();
  for (const char* figure :
       {"<PriceCurrent>36150662.20</PriceCurrent>", "<PriceCurrent>35205702.79</PriceCurrent>",
        "<Current>8281039.06</Current>", "<CoefValue>2.8375</CoefValue>",
        "<PriceTotalBase>342.06</PriceTotalBase>"}) {
    EXPECT_NE(xml.find(figure), std::string::npos) << figure;
  }
}

// The fixture's text, or empty when it is missing.
std::string FixtureXml() {
  std::ifstream in(std::string(ESTIMATE_SHARED_DIR) + "/lsr_fixtures/gge_bim_3.01_example1.xml");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Every Item's own <Totals><Base>N</Base> (Cost/Totals/Base holds elements, not a number), in
// document order: a hand-written extraction, enough for this one well-formed file.
std::vector<std::string> ItemBaseTotals(const std::string& xml) {
  std::vector<std::string> totals;
  for (size_t at = xml.find("<Totals>"); at != std::string::npos;
       at = xml.find("<Totals>", at + 1)) {
    size_t p = xml.find_first_not_of(" \t\r\n", at + 8);
    if (xml.compare(p, 6, "<Base>") != 0) continue;
    p += 6;
    if (p >= xml.size() || !(std::isdigit(static_cast<unsigned char>(xml[p])) || xml[p] == '-')) {
      continue;
    }
    totals.push_back(xml.substr(p, xml.find('<', p) - p));
  }
  return totals;
}

// Each Item's Overheads/PriceCur or Profits/PriceCur, empty where absent (in document order).
std::vector<std::string> RateCurrents(const std::string& xml, const std::string& element) {
  std::vector<std::string> values;
  const std::string open = "<" + element + ">";
  const std::string close = "</" + element + ">";
  for (size_t at = xml.find(open); at != std::string::npos; at = xml.find(open, at + 1)) {
    const std::string block = xml.substr(at, xml.find(close, at) - at);
    if (block.find("<Target>") == std::string::npos) continue;  // the order in Legal, not a rate
    const size_t p = block.find("<PriceCur>");
    values.push_back(p == std::string::npos
                         ? std::string()
                         : block.substr(p + 10, block.find('<', p + 10) - p - 10));
  }
  return values;
}

TEST_F(BaseIndexExample, EveryItemOfTheFixtureToTheKopeck) {
  const std::string xml = FixtureXml();
  ASSERT_FALSE(xml.empty()) << "shared fixture missing";
  const std::vector<std::string> totals = ItemBaseTotals(xml);
  ASSERT_EQ(totals.size(), result_.positions.size());
  for (size_t i = 0; i < totals.size(); ++i) {
    EXPECT_DEC(result_.positions[i].base.total, totals[i].c_str()) << "item " << i;
  }
  const std::vector<std::string> overheads = RateCurrents(xml, "Overheads");
  const std::vector<std::string> profits = RateCurrents(xml, "Profits");
  ASSERT_EQ(overheads.size(), result_.positions.size());
  ASSERT_EQ(profits.size(), result_.positions.size());
  for (size_t i = 0; i < overheads.size(); ++i) {
    if (!overheads[i].empty()) {
      EXPECT_DEC(result_.positions[i].current.overhead, overheads[i].c_str()) << "item " << i;
    }
    if (!profits[i].empty()) {
      EXPECT_DEC(result_.positions[i].current.profit, profits[i].c_str()) << "item " << i;
    }
  }
}

// Example F: Item Cost/Num 2, ФЕР 08-01-001-01.
TEST_F(BaseIndexExample, IndexesPayPerPositionAndChargesOverheadOnCurrentPayroll) {
  const BaseIndexPositionResult& p = Position(1);
  EXPECT_DEC(p.norm_direct, "258.39");  // Cost/Totals/Base/Direct
  EXPECT_DEC(p.base.em, "10.46");
  EXPECT_DEC(p.base.fot, "34.48");            // Cost/Totals/Base/Salary
  EXPECT_DEC(p.base.overhead, "37.93");       // Overheads/PriceBase
  EXPECT_DEC(p.base.profit, "23.79");         // Profits/PriceBase
  EXPECT_DEC(p.base.total, "320.11");         // Totals/Base
  EXPECT_DEC(p.current.ot, "1709.36");        // Cost/Totals/Current/WorkersSalary
  EXPECT_DEC(p.current.otm, "90.85");         // Cost/Totals/Current/MachinistSalary
  EXPECT_DEC(p.current.fot, "1800.21");       // Cost/Totals/Current/Salary
  EXPECT_DEC(p.current.overhead, "1980.23");  // Overheads/PriceCur
  EXPECT_DEC(p.current.profit, "1242.14");    // Profits/PriceCur
  EXPECT_DEC(p.labor_hours, "3.94");
  EXPECT_DEC(p.machinist_hours, "0.15");
}

TEST_F(BaseIndexExample, OtherCostsPositionKeepsItsOwnPayIndex) {
  const BaseIndexPositionResult& p = Position(0);  // Item Cost/Num 1, «Прочее»
  EXPECT_DEC(p.base.fot, "895.70");
  EXPECT_DEC(p.base.overhead, "985.27");
  EXPECT_DEC(p.base.profit, "653.86");
  EXPECT_DEC(p.base.total, "4594.30");
  EXPECT_DEC(p.current.fot, "895.70");
  EXPECT_DEC(p.current.overhead, "985.27");
}

TEST_F(BaseIndexExample, ChosenMaterialsAndTransportCountInThePosition) {
  const BaseIndexPositionResult& p4 = Position(3);  // Item Cost/Num 4
  EXPECT_DEC(p4.norm_direct, "2955.17");
  EXPECT_DEC(p4.base.transport, "1180.40");      // −2451.60 + 3632.00
  EXPECT_DEC(p4.current.transport, "22132.50");  // −45967.50 + 68100.00
  EXPECT_DEC(p4.current.fot, "46764.50");
  EXPECT_DEC(p4.current.overhead, "51440.95");
  EXPECT_DEC(p4.current.profit, "34138.09");
  EXPECT_DEC(p4.base.total, "78365.70");
  EXPECT_DEC(Position(4).base.total, "78.96");      // material 02.3.01.02-1011 Totals/Base
  const BaseIndexPositionResult& p6 = Position(5);  // Item Cost/Num 8, price factor 1.025
  EXPECT_DEC(p6.base.m, "740942.70");
  EXPECT_DEC(p6.base.total, "787891.54");
  EXPECT_DEC(p6.current.ot, "549771.30");
  EXPECT_DEC(p6.current.otm, "127596.02");
  EXPECT_DEC(p6.current.overhead, "690914.67");
  EXPECT_DEC(p6.current.profit, "392873.05");
  EXPECT_DEC(p6.labor_hours, "1350");
  EXPECT_DEC(p6.machinist_hours, "181.2");
}

// Example G: Item Cost/Num 9, four coefficients combined by 421/пр п.52 (ред. 30/пр).
TEST_F(BaseIndexExample, CombinesAppendix10CoefficientsAdditively) {
  const BaseIndexPositionResult& p = Position(6);
  EXPECT_DEC(p.k.ot, "2.8375");  // Cost/Coefficients/Final, Target ОТ
  EXPECT_DEC(p.k.em, "1.35");
  EXPECT_DEC(p.k.otm_in_machines, "1.35");
  EXPECT_DEC(p.k.labor_hours, "1.35");
  EXPECT_DEC(p.k.machinist_hours, "1.35");
  EXPECT_DEC(p.base.ot, "157957.70");
  EXPECT_DEC(p.base.otm, "310.45");
  EXPECT_DEC(p.base.em, "1026.86");
  EXPECT_DEC(p.norm_direct, "167829.16");
  EXPECT_DEC(p.labor_hours, "6869.60082");
  EXPECT_DEC(p.machinist_hours, "23.88042");
  // «Доплаты к оплате труда машинистов»: Resources/Machine PriceTotalBase and PriceTotalCur.
  EXPECT_DEC(p.base.otm_extra, "342.06");
  EXPECT_DEC(p.current.otm_extra, "17858.95");
  EXPECT_DEC(p.base.fot, "158610.21");
  EXPECT_DEC(p.base.overhead, "177643.44");
  EXPECT_DEC(p.base.profit, "103096.64");
  EXPECT_DEC(p.base.total, "790531.03");
  EXPECT_DEC(p.current.ot, "8246971.52");
  EXPECT_DEC(p.current.otm, "16208.59");
  EXPECT_DEC(p.current.fot, "8281039.06");
  EXPECT_DEC(p.current.overhead, "9274763.75");
  EXPECT_DEC(p.current.profit, "5382675.39");
}

TEST_F(BaseIndexExample, TechnicalPartCoefficientMultipliesTheAppendix10Result) {
  const BaseIndexPositionResult& p = Position(7);  // Item Cost/Num 10
  EXPECT_DEC(p.k.ot, "1.7025");
  EXPECT_DEC(p.k.em, "0.675");
  EXPECT_DEC(p.k.otm_in_machines, "0.675");
  EXPECT_DEC(p.k.m, "0.56");
  EXPECT_DEC(p.k.labor_hours, "1.0125");
  EXPECT_DEC(p.k.otm, "1.135");
  EXPECT_DEC(p.base.ot, "726.47");
  EXPECT_DEC(p.base.em, "87.19");
  EXPECT_DEC(p.base.otm, "61.35");
  EXPECT_DEC(p.base.m, "9293.39");
  EXPECT_DEC(p.norm_direct, "10107.05");
  EXPECT_DEC(p.base.otm_extra, "41.81");
  EXPECT_DEC(p.base.fot, "829.63");
  EXPECT_DEC(p.base.overhead, "929.19");
  EXPECT_DEC(p.base.profit, "539.26");
  EXPECT_DEC(p.base.total, "11617.31");
  EXPECT_DEC(p.labor_hours, "35.44236");
  EXPECT_DEC(p.machinist_hours, "6.02424");
  EXPECT_DEC(p.current.ot, "37929.00");
  EXPECT_DEC(p.current.otm, "3203.08");
  EXPECT_DEC(p.current.otm_extra, "2182.90");
  EXPECT_DEC(p.current.fot, "43314.98");
  EXPECT_DEC(p.current.overhead, "48512.78");
  EXPECT_DEC(p.current.profit, "28154.74");
}

TEST_F(BaseIndexExample, InstallationAndEquipmentPositions) {
  const BaseIndexPositionResult& p9 = Position(8);  // Item Cost/Num 11, ФЕРм
  EXPECT_DEC(p9.norm_direct, "1142.80");
  EXPECT_DEC(p9.base.total, "2159.86");
  EXPECT_DEC(p9.current.fot, "35878.71");
  const BaseIndexPositionResult& p10 = Position(9);  // equipment 61.1.01.02-0005
  EXPECT_DEC(p10.base.equipment, "113501.20");
  EXPECT_DEC(p10.base.equipment_transport, "2014.53");
  EXPECT_DEC(p10.current.equipment_transport, "33464.51");
  EXPECT_DEC(p10.base.total, "115515.73");
}

TEST_F(BaseIndexExample, SectionsSumTheirPositions) {
  // SectionPrice/Total/PriceBase of sections 1–7.
  const char* totals[] = {"4914.41",   "865.48",    "78444.66", "787891.54",
                          "802148.34", "117675.59", "14635.53"};
  ASSERT_EQ(result_.sections.size(), 7u);
  for (size_t i = 0; i < 7; ++i) EXPECT_DEC(result_.sections[i].base.total, totals[i]) << i;
  const BaseIndexSectionResult& s5 = result_.sections[4];
  EXPECT_DEC(s5.base.ot, "158684.17");
  EXPECT_DEC(s5.base.otm, "371.80");
  EXPECT_DEC(s5.base.otm_extra, "383.87");
  EXPECT_DEC(s5.base.em, "1114.05");
  EXPECT_DEC(s5.base.m, "359757.72");
  EXPECT_DEC(s5.base.direct, "519939.81");
  EXPECT_DEC(s5.current.ot, "8284900.52");
  EXPECT_DEC(s5.current.otm, "19411.67");
  EXPECT_DEC(s5.current.otm_extra, "20041.85");
  EXPECT_DEC(s5.current.fot, "8324354.04");
  EXPECT_DEC(s5.current.overhead, "9323276.53");
  EXPECT_DEC(s5.current.profit, "5410830.13");
}

// EstimatePrice/Building.
TEST_F(BaseIndexExample, ConstructionTotalsIndexMachinesAndMaterialsOnTheSum) {
  const BaseIndexBlock& b = result_.construction;
  EXPECT_DEC(b.base.ot, "170099.42");
  EXPECT_DEC(b.base.otm, "3160.44");
  EXPECT_DEC(b.base.otm_extra, "383.87");
  EXPECT_DEC(b.base.fot, "173643.73");
  EXPECT_DEC(b.base.em, "19214.04");
  EXPECT_DEC(b.base.m, "1181169.01");
  EXPECT_DEC(b.base.transport, "1204.41");
  EXPECT_DEC(b.base.direct, "1372070.75");
  EXPECT_DEC(b.base.overhead, "193165.00");
  EXPECT_DEC(b.base.profit, "112033.29");
  EXPECT_DEC(b.base.total, "1677269.04");
  EXPECT_DEC(b.current.ot, "8880890.73");  // Σ per position; 170099.42 × 52.21 would be .72
  EXPECT_DEC(b.current.otm, "165006.57");
  EXPECT_DEC(b.current.otm_extra, "20041.85");
  EXPECT_DEC(b.current.fot, "9065939.15");
  EXPECT_DEC(b.current.em, "319721.63");
  EXPECT_DEC(b.current.em + b.current.otm_extra, "339763.48");  // MachinesTotal
  EXPECT_DEC(b.current.m, "10028124.89");
  EXPECT_DEC(b.current.transport, "22521.95");
  EXPECT_DEC(b.current.m + b.current.transport, "10050646.84");  // Materials/Total
  EXPECT_DEC(b.current.direct, "19271301.05");
  EXPECT_DEC(b.current.overhead, "10085143.83");
  EXPECT_DEC(b.current.profit, "5849257.91");
  EXPECT_DEC(b.current.total, "35205702.79");
  EXPECT_EQ(b.labor_hours.ToFixed(2), "8359.78");  // LaborCosts
}

// EstimatePrice/Mounting, Equipment, Other, Summary, Total.
TEST_F(BaseIndexExample, EstimateTotalsToTheKopeck) {
  const BaseIndexBlock& m = result_.installation;
  EXPECT_DEC(m.base.total, "2159.86");
  EXPECT_DEC(m.current.ot, "32913.18");
  EXPECT_DEC(m.current.otm, "2965.53");
  EXPECT_DEC(m.current.em, "8316.67");
  EXPECT_DEC(m.current.m, "106.97");
  EXPECT_DEC(m.current.direct, "41336.82");
  EXPECT_DEC(m.current.overhead, "34084.77");
  EXPECT_DEC(m.current.profit, "19015.72");
  EXPECT_DEC(m.current.total, "94437.31");
  const BaseIndexBlock& eq = result_.equipment;
  EXPECT_DEC(eq.base.equipment, "120537.82");
  EXPECT_DEC(eq.base.total, "122552.35");
  EXPECT_DEC(eq.current.equipment, "760593.64");
  EXPECT_DEC(eq.current.equipment_transport, "33464.51");
  EXPECT_DEC(eq.current.total, "794058.15");
  EXPECT_DEC(result_.other.base.total, "4594.30");
  EXPECT_DEC(result_.other.current.total, "56463.95");
  const BaseIndexBlock& t = result_.total;
  EXPECT_DEC(t.base.total, "1806575.55");
  EXPECT_DEC(t.base.ot, "170729.82");
  EXPECT_DEC(t.base.fot, "174330.93");
  EXPECT_DEC(t.base.direct, "1373213.55");
  EXPECT_DEC(t.current.total, "36150662.20");
  EXPECT_DEC(t.current.ot, "8913803.91");
  EXPECT_DEC(t.current.otm, "167972.10");
  EXPECT_DEC(t.current.fot, "9101817.86");
  EXPECT_DEC(t.current.em, "328038.30");
  EXPECT_DEC(t.current.direct, "19312637.87");
  EXPECT_DEC(t.current.overhead, "10119228.60");
  EXPECT_DEC(t.current.profit, "5868273.63");
  EXPECT_EQ(t.labor_hours.ToFixed(2), "8473.78");     // Summary/LaborCosts
  EXPECT_EQ(t.machinist_hours.ToFixed(2), "265.94");  // Summary/MachinistLaborCosts
}

TEST_F(BaseIndexExample, FeedsTheObjectEstimateInThousands) {
  Result<ObjectEstimateResult> osr = CalculateObjectEstimate(
      {"ОС-02-01", "Пример", {ToObjectEstimateLine(result_, "ЛСР 02-01-01", "Пример")}, {}});
  ASSERT_TRUE(osr.ok()) << osr.status().message();
  EXPECT_DEC(osr->total.construction, "35205.70");
  EXPECT_DEC(osr->total.installation, "94.44");
  EXPECT_DEC(osr->total.equipment, "794.06");
  EXPECT_DEC(osr->total.other, "56.46");
  EXPECT_DEC(osr->total.total, "36150.66");
}

TEST(BaseIndexCalculator, SingleIndexToConstructionLeavesTransportOutOfIt) {
  BaseIndexEstimate e;
  e.indices.indexing = BaseIndexIndexing::kToConstructionInstallation;
  e.indices.construction_installation = D("10.5");
  BaseIndexPosition p = Norm("1", "ФЕР", CostColumn::kConstruction, "2",
                             Rate("10.00", "5.00", "1.00", "20.00", "1", "0.1"), "100", "50");
  p.transport = {Transport("ФССЦпг", "1", "3.00", "1", "7")};
  e.sections = {{"1", {p}}};
  Result<BaseIndexResult> r = CalculateBaseIndexEstimate(e);
  ASSERT_TRUE(r.ok()) << r.status().message();
  // Base: ОТ 20, ЭМ 10, М 40, transport 3, ФОТ 22, НР 22, СП 11 → 106.
  EXPECT_DEC(r->construction.base.total, "106.00");
  // round2((106 − 3) × 10.5) + round2(3 × 7) = 1081.50 + 21.00.
  EXPECT_DEC(r->construction.current.total, "1102.50");
}

TEST(BaseIndexCalculator, RejectsANormInTheEquipmentColumn) {
  BaseIndexEstimate e;
  BaseIndexPosition p = Norm("1", "ФЕР", CostColumn::kEquipment, "1",
                             Rate("1", "1", "0", "1", "1", "0"), "100", "50");
  e.sections = {{"1", {p}}};
  Result<BaseIndexResult> r = CalculateBaseIndexEstimate(e);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("sections[0].positions[0].column"), std::string::npos);
}

TEST(BaseIndexCalculator, MultiplicativeCoefficientsMultiplyWithoutRounding) {
  BaseIndexCoefficient a = Coef("п.58", BaseIndexCombination::kMultiply);
  a.labor = D("1.15");
  a.machines = D("1.25");
  a.machinist_labor = D("1.25");
  BaseIndexCoefficient b = Coef("прил.10 т.5", BaseIndexCombination::kMultiply);
  b.labor = D("1.2");
  b.machines = D("1.2");
  b.machinist_labor = D("1.2");
  BaseIndexResultingCoefficients k = CombineBaseIndexCoefficients({a, b});
  EXPECT_DEC(k.ot, "1.38");
  EXPECT_DEC(k.em, "1.5");
  EXPECT_DEC(k.otm, "1.5");
  EXPECT_DEC(k.otm_in_machines, "1.5");
  EXPECT_DEC(k.m, "1");
}

}  // namespace
}  // namespace estimate::core
