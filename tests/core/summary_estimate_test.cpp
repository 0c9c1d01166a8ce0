// ССР against the ГРАНД-Смета sample shared/samples/gge_ssr_SSRSS-0_GrandSmeta.gge (ССРСС-0, РЖД,
// price level IV кв. 2023; methodology.md example H): the chapter totals (ChapterN/Summary) are
// the inputs, and the running totals (ChapterN/SubSummary), the contingency (Chapter13) and VAT
// (Chapter14) are checked against the sample. All figures in тыс. руб.
#include "core/summary_estimate.hpp"

#include <gtest/gtest.h>

#include <string>

namespace estimate::core {
namespace {

Decimal D(const char* text) { return Decimal::Literal(text); }

#define EXPECT_DEC(actual, expected) EXPECT_EQ((actual).ToFixed(7), D(expected).ToFixed(7))

CostColumns Columns(const char* construction, const char* installation, const char* equipment,
                    const char* other) {
  CostColumns c{D(construction), D(installation), D(equipment), D(other), {}};
  c.Sum();
  return c;
}

SummaryEstimateInput SampleSsr() {
  SummaryEstimateInput in;
  in.number = "ССРСС-0";
  in.date = {2025, 11, 27};  // Created
  in.contingency_percent = D("3");
  const struct {
    int chapter;
    const char *b, *m, *e, *o;
  } kChapters[] = {
      {1, "4265313.41", "485380.64", "12590.26", "4180951.08"},
      {2, "9884533.29", "1773396.41", "3151810.58", "0"},
      {3, "2087607.32", "176920.99", "295487.16", "0"},
      {4, "251382.62", "308282.74", "671304.5", "0"},
      {5, "223201.08", "86501.09", "306306.28", "0"},
      {6, "343871.16", "245094.3", "262808.3", "0"},
      {7, "50467.89", "0", "0", "0"},
      {8, "950019.55", "172230.93", "0", "0"},
      {9, "664007.82", "80150.37", "0", "2335817.15"},
      {10, "0", "0", "0", "284894.3"},
      {12, "51315.4", "0", "0", "1637466.77"},
  };
  for (const auto& c : kChapters) {
    in.lines.push_back(AmountLine(c.chapter, "", "Итого по главе " + std::to_string(c.chapter),
                                  Columns(c.b, c.m, c.e, c.o)));
  }
  // The sample's VAT base 35 834 564.65 is 461 722.14 short of «Итого с непредвиденными»: costs
  // outside VAT (ст.149 НК), all in the «прочие» column.
  in.vat_exempt_amount = Columns("0", "0", "0", "461722.14");
  return in;
}

TEST(SummaryEstimate, RunningTotalsOfTheSample) {
  Result<SummaryEstimateResult> r = CalculateSummaryEstimate(SampleSsr());
  ASSERT_TRUE(r.ok()) << r.status().message();
  const auto& cum = r->cumulative;
  EXPECT_DEC(cum[6].construction, "17106376.77");  // Chapter7/SubSummary
  EXPECT_DEC(cum[6].installation, "3075576.17");
  EXPECT_DEC(cum[6].equipment, "4700307.08");
  EXPECT_DEC(cum[6].other, "4180951.08");
  EXPECT_DEC(cum[6].total, "29063211.10");
  EXPECT_DEC(cum[7].total, "30185461.58");   // Chapter8/SubSummary
  EXPECT_DEC(cum[8].total, "33265436.92");   // Chapter9/SubSummary
  EXPECT_DEC(cum[9].total, "33550331.22");   // Chapter10/SubSummary
  EXPECT_DEC(cum[10].total, "33550331.22");  // Chapter11 is empty
  EXPECT_DEC(cum[11].construction, "18771719.54");
  EXPECT_DEC(cum[11].installation, "3327957.47");
  EXPECT_DEC(cum[11].equipment, "4700307.08");
  EXPECT_DEC(cum[11].other, "8439129.30");
  EXPECT_DEC(cum[11].total, "35239113.39");
  EXPECT_DEC(r->chapters[0].total, "8944235.39");
}

// Example H: the tail of the ССР.
TEST(SummaryEstimate, ContingencyAndVatOfTheSample) {
  Result<SummaryEstimateResult> r = CalculateSummaryEstimate(SampleSsr());
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_DEC(r->contingency.total, "1057173.40");  // Chapter13/Summary/Total
  EXPECT_DEC(r->contingency.construction, "563151.59");
  EXPECT_DEC(r->contingency.equipment, "141009.21");
  // The sample splits the reserve into two regional lines (Московская обл. and г. Москва), each
  // rounded on its own; with one line the installation and other columns differ by a kopeck
  // (99 838.72 / 253 173.88 against 99 838.73 / 253 173.87) while the total is the same.
  EXPECT_DEC(r->total_with_contingency.total, "36296286.79");  // Chapter13/SubSummary
  EXPECT_DEC(r->total_with_contingency.construction, "19334871.13");
  EXPECT_DEC(r->vat_percent, "20");
  EXPECT_DEC(r->vat_base.total, "35834564.65");
  EXPECT_DEC(r->vat.total, "7166912.93");  // Chapter14/Summary/Total
  EXPECT_DEC(r->vat.construction, "3866974.22");
  EXPECT_DEC(r->vat.equipment, "968263.26");
  EXPECT_DEC(r->total.total, "43463199.72");  // Summary/Total
  EXPECT_DEC(r->total.construction, "23201845.35");
  EXPECT_DEC(r->total.equipment, "5809579.55");
}

TEST(SummaryEstimate, VatRateFollowsTheEstimateDate) {
  EXPECT_DEC(VatPercentOn({2025, 12, 31}), "20");
  EXPECT_DEC(VatPercentOn({2026, 1, 1}), "22");
  SummaryEstimateInput in;
  in.date = {2026, 3, 1};
  in.lines = {AmountLine(2, "ОСР-02-01", "Здание", Columns("1000.00", "0", "0", "0"))};
  Result<SummaryEstimateResult> r = CalculateSummaryEstimate(in);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_DEC(r->vat.total, "220.00");
  EXPECT_DEC(r->total.total, "1220.00");
  in.vat_percent = D("0");  // a simplified-tax contractor
  r = CalculateSummaryEstimate(in);
  ASSERT_TRUE(r.ok());
  EXPECT_DEC(r->total.total, "1000.00");
}

TEST(SummaryEstimate, PercentLinesOnChosenChapters) {
  SummaryEstimateInput in;
  in.date = {2025, 6, 1};
  in.lines = {
      AmountLine(1, "ОСР-01-01", "Подготовка", Columns("1000.00", "200.00", "500.00", "300.00")),
      AmountLine(2, "ОСР-02-01", "Здание", Columns("2345.67", "0.33", "0", "0")),
      TemporaryBuildingsLine(D("5.6"), "332/пр прил.1 п.32", "ВЗиС 5,6%"),
      WinterCostsLine(D("2"), "325/пр", "Зимнее удорожание 2%"),
      PercentLine(12, D("0.2"), PercentBase{1, 9, true, true, true, true, std::nullopt},
                  PercentTarget::kOther, "421/пр п.173", "Авторский надзор 0,2%"),
  };
  in.contingency_percent = D("2");
  Result<SummaryEstimateResult> r = CalculateSummaryEstimate(in);
  ASSERT_TRUE(r.ok()) << r.status().message();
  // ВЗиС: 5.6 % of the СМР of chapters 1–7, column by column: 3345.67 → 187.36, 200.33 → 11.22.
  EXPECT_DEC(r->chapters[7].construction, "187.36");
  EXPECT_DEC(r->chapters[7].installation, "11.22");
  EXPECT_DEC(r->chapters[7].equipment, "0");
  EXPECT_DEC(r->chapters[7].total, "198.58");
  // Winter: 2 % of the СМР of chapters 1–8 (including ВЗиС): 3533.03 → 70.66, 211.55 → 4.23.
  EXPECT_DEC(r->chapters[8].construction, "70.66");
  EXPECT_DEC(r->chapters[8].installation, "4.23");
  // Author's supervision: 0.2 % of everything in chapters 1–9 (4619.47) into «прочие».
  EXPECT_DEC(r->chapters[11].other, "9.24");
  EXPECT_DEC(r->chapters[11].total, "9.24");
  EXPECT_DEC(r->cumulative[11].total, "4628.71");
  // Contingency 2 % of chapters 1–12 = 92.5742 → 92.57.
  EXPECT_DEC(r->contingency.total, "92.57");
  ASSERT_EQ(r->lines.size(), 5u);
  EXPECT_EQ(r->lines[2].name, "ВЗиС 5,6%");
}

TEST(SummaryEstimate, RoundingResidueGoesToTheLargestColumn) {
  SummaryEstimateInput in;
  in.date = {2025, 1, 1};
  in.lines = {AmountLine(2, "", "", Columns("0.25", "0.25", "0", "0"))};
  in.contingency_percent = D("10");
  in.vat_percent = D("0");
  Result<SummaryEstimateResult> r = CalculateSummaryEstimate(in);
  ASSERT_TRUE(r.ok()) << r.status().message();
  // Columns 0.025 → 0.03 each, but 10 % of 0.50 is 0.05: the line must add up.
  EXPECT_DEC(r->contingency.total, "0.05");
  EXPECT_DEC(r->contingency.construction + r->contingency.installation, "0.05");
}

TEST(SummaryEstimate, VatExemptLinesLeaveTheBase) {
  SummaryEstimateInput in;
  in.date = {2025, 1, 1};
  SummaryLine land =
      AmountLine(1, "Расчёт Д-1", "Компенсация за землю", Columns("0", "0", "0", "100.00"));
  land.vat_exempt = true;
  in.lines = {land, AmountLine(2, "ОСР-02-01", "Здание", Columns("1000.00", "0", "0", "0"))};
  Result<SummaryEstimateResult> r = CalculateSummaryEstimate(in);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_DEC(r->vat_base.total, "1000.00");
  EXPECT_DEC(r->vat.total, "200.00");
  EXPECT_DEC(r->total.total, "1300.00");
}

TEST(SummaryEstimate, RejectsAPercentOfChaptersNotYetClosed) {
  SummaryEstimateInput in;
  in.date = {2025, 1, 1};
  in.lines = {PercentLine(8, D("5"), PercentBase{1, 8, true, true, false, false, std::nullopt},
                          PercentTarget::kSameColumns, "", "ВЗиС")};
  Result<SummaryEstimateResult> r = CalculateSummaryEstimate(in);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("lines[0].base"), std::string::npos);
  in.lines = {AmountLine(13, "", "", Columns("1", "0", "0", "0"))};
  r = CalculateSummaryEstimate(in);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("lines[0].chapter"), std::string::npos);
  in.lines.clear();
  in.date = {2025, 2, 30};
  EXPECT_FALSE(CalculateSummaryEstimate(in).ok());
}

}  // namespace
}  // namespace estimate::core
