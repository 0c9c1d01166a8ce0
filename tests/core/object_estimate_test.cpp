// ОСР against the ГОССТРОЙСМЕТА sample shared/samples/gge_osr_01-02_rekultivaciya_GSS.gge
// (ОСР 01-02 «Рекультивация», ВЛ 220 кВ). The sample prints its ЛСР rows in thousands; the
// inputs below are those figures written back in roubles, and the expected ОСР figures are the
// sample's Object/Summary and Object/Details/Building elements.
#include "core/object_estimate.hpp"

#include <gtest/gtest.h>

namespace estimate::core {
namespace {

Decimal D(const char* text) { return Decimal::Literal(text); }

#define EXPECT_DEC(actual, expected) EXPECT_EQ((actual).ToFixed(7), D(expected).ToFixed(7))

// One LocalEstimate element: Building and Details/Building/{WorkersSalary, Machines,
// MachinistSalary, Materials, Overhead, Profit}, in roubles.
ObjectEstimateLine Lsr(const char* number, const char* building, const char* ot, const char* em,
                       const char* otm, const char* m, const char* overhead, const char* profit) {
  ObjectEstimateLine l;
  l.number = number;
  l.construction = D(building);
  l.details = {D(ot), D(em), D(otm), D(m), Decimal(), D(overhead), D(profit)};
  return l;
}

TEST(ObjectEstimate, SumsTheRekultivaciyaSample) {
  ObjectEstimateInput input;
  input.number = "01-02";
  input.name = "Рекультивация";
  input.lines = {
      Lsr("01-02-01", "16893250", "904330", "650740", "94670", "13106110", "1367970", "864090"),
      Lsr("01-02-02", "28383300", "1482380", "1121260", "166420", "22095040", "2258090", "1426530"),
      Lsr("01-02-03", "28000110", "1462300", "1107290", "164160", "21795820", "2227500", "1407200"),
  };
  Result<ObjectEstimateResult> r = CalculateObjectEstimate(input);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->rows.size(), 3u);
  EXPECT_DEC(r->rows[0].amounts.total, "16893.25");
  EXPECT_DEC(r->rows[1].amounts.total, "28383.30");
  EXPECT_DEC(r->rows[2].amounts.total, "28000.11");
  // Object/Summary.
  EXPECT_DEC(r->total.construction, "73276.66");
  EXPECT_DEC(r->total.installation, "0");
  EXPECT_DEC(r->total.equipment, "0");
  EXPECT_DEC(r->total.other, "0");
  EXPECT_DEC(r->total.total, "73276.66");
  // Object/Details/Building.
  EXPECT_DEC(r->details.ot, "3849.01");
  EXPECT_DEC(r->details.otm, "425.25");
  EXPECT_DEC(r->details.em, "2879.29");
  EXPECT_DEC(r->details.m, "56996.97");
  EXPECT_DEC(r->details.overhead, "5853.56");
  EXPECT_DEC(r->details.profit, "3697.82");
}

TEST(ObjectEstimate, ConvertsEachFigureToThousandsOnItsOwn) {
  ObjectEstimateInput input;
  ObjectEstimateLine a;
  a.construction = D("1234.56");  // 1.23456 → 1.23
  a.installation = D("1005.00");  // 1.005 → 1.01 (half-up)
  a.equipment = D("-1005.00");    // −1.005 → −1.01 (away from zero)
  a.other = D("499.99");          // 0.49999 → 0.50
  ObjectEstimateLine b;
  b.construction = D("1234.56");
  input.lines = {a, b};
  Result<ObjectEstimateResult> r = CalculateObjectEstimate(input);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_DEC(r->rows[0].amounts.construction, "1.23");
  EXPECT_DEC(r->rows[0].amounts.installation, "1.01");
  EXPECT_DEC(r->rows[0].amounts.equipment, "-1.01");
  EXPECT_DEC(r->rows[0].amounts.other, "0.50");
  EXPECT_DEC(r->rows[0].amounts.total, "1.73");
  // Sums of the converted rows: 1.23 + 1.23, not round2(2469.12 / 1000) = 2.47.
  EXPECT_DEC(r->total.construction, "2.46");
  EXPECT_DEC(r->total.total, "2.96");
}

TEST(ObjectEstimate, UnitCostOfTheMeasure) {
  ObjectEstimateInput input;
  ObjectEstimateLine a;
  a.construction = D("1000000");
  input.lines = {a};
  input.measure_quantity = D("3");
  Result<ObjectEstimateResult> r = CalculateObjectEstimate(input);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_TRUE(r->unit_cost.has_value());
  EXPECT_DEC(*r->unit_cost, "333.33");
  input.measure_quantity = D("0");
  Result<ObjectEstimateResult> bad = CalculateObjectEstimate(input);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("measure_quantity"), std::string::npos);
}

TEST(ObjectEstimate, OverflowIsAnErrorNamingTheLine) {
  ObjectEstimateInput input;
  ObjectEstimateLine a;
  a.construction = Decimal::Invalid();
  input.lines = {ObjectEstimateLine{}, a};
  Result<ObjectEstimateResult> r = CalculateObjectEstimate(input);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("lines[1]"), std::string::npos);
}

}  // namespace
}  // namespace estimate::core
