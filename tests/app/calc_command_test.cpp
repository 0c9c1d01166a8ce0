#include "app/calc_command.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace estimate::app {
namespace {

const std::string kGolden = std::string(ESTIMATE_SOURCE_DIR) + "/tests/golden/";

struct CalcRun {
  int status;
  std::string out, err;
};

CalcRun Calc(const std::string& path, const std::string& format = "json") {
  std::ostringstream out, err;
  const int status = RunCalc(path, format, out, err);
  return {status, out.str(), err.str()};
}

std::string TempFile(const std::string& name, const std::string& content) {
  const std::string path = ::testing::TempDir() + name;
  std::ofstream(path) << content;
  return path;
}

TEST(CalcCommand, WritesTheResultJsonAndExitsZero) {
  const CalcRun r = Calc(kGolden + "contract_example/input.json");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(r.err.empty());
  EXPECT_NE(r.out.find(R"("format": "estimate-result/1")"), std::string::npos);
  EXPECT_NE(r.out.find(R"("total": "10437.52")"), std::string::npos);
}

TEST(CalcCommand, ReproducesTheWholeEstimateTotalOfLsr020105) {
  const CalcRun r = Calc(kGolden + "rik_02-01-05_vodomernyi_uzel/input.json");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find(R"("total": "232833.98", "construction": "147647.09", "installation": "52916.21")"),
            std::string::npos);
}

TEST(CalcCommand, TextFormatPrintsTheRussianForm) {
  const CalcRun r = Calc(kGolden + "rik_02-01-05_vodomernyi_uzel/input.json", "text");
  ASSERT_EQ(r.status, 0) << r.err;
  for (const char* s : {"Итого прямые затраты", "ФОТ", "НР ", "СП ", "Всего по позиции",
                        "ИТОГИ ПО СМЕТЕ", "ВСЕГО по смете", "232 833,98", "724,41"}) {
    EXPECT_NE(r.out.find(s), std::string::npos) << s;
  }
}

TEST(CalcCommand, BadInputExitsTwoWithNothingOnStdout) {
  const std::string path = TempFile("bad.json", R"({"format": "estimate-document/1",
    "sections": [{"positions": [{"number": "1", "type": "resource", "kind": "material",
                                 "quantity": "1,5", "price": "1"}]}]})");
  const CalcRun r = Calc(path);
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(r.out.empty());
  EXPECT_EQ(r.err, "sections[0].positions[0].quantity: \"1,5\" is not a decimal number\n");
}

TEST(CalcCommand, OverflowExitsTwoWithNothingOnStdout) {
  const std::string path = TempFile("big.json", R"({"format": "estimate-document/1",
    "sections": [{"positions": [{"number": "1", "type": "norm", "quantity": "999999999999999",
      "resources": [{"kind": "material", "consumption": "999999999999999",
                     "price": "999999999999999"}]}]}]})");
  const CalcRun r = Calc(path);
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(r.out.empty());
  EXPECT_NE(r.err.find("sections[0].positions[0]"), std::string::npos) << r.err;
}

TEST(CalcCommand, BaseIndexEstimateGivesBaseAndCurrentTotals) {
  const CalcRun r = Calc(kGolden + "bim_gge_3.01_example1/input.json");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find(R"("format": "base-index-result/1")"), std::string::npos);
  EXPECT_NE(r.out.find(R"("total": {"base": {)"), std::string::npos);
  EXPECT_NE(r.out.find(R"("total": "36150662.20")"), std::string::npos);
  EXPECT_NE(r.out.find(R"("total": "1806575.55")"), std::string::npos);
}

TEST(CalcCommand, TextFormatOfEveryDocumentShape) {
  const struct {
    const char* golden;
    std::vector<const char*> lines;
  } kCases[] = {
      {"bim_gge_3.01_example1",
       {"Составлен базисно-индексным методом", "Индексы к элементам прямых затрат: ОТ 52,21",
        "Доплаты к оплате труда машинистов", "ВСЕГО строительные работы", "35 205 702,79",
        "ВСЕГО по смете", "36 150 662,20", "1 806 575,55"}},
      {"osr_01-02_rekultivaciya",
       {"ОБЪЕКТНЫЙ СМЕТНЫЙ РАСЧЁТ (СМЕТА) № 01-02", "Сметная стоимость, тыс. руб.", "16 893,25",
        "Всего по объектному сметному расчёту", "73 276,66"}},
      {"ssr_example_h_ssrss-0",
       {"СВОДНЫЙ СМЕТНЫЙ РАСЧЁТ", "Глава 2. Основные объекты строительства",
        "Итого по главам 1–12", "35 239 113,39", "Резерв на непредвиденные работы и затраты 3%",
        "1 057 173,40", "НДС 20%", "7 166 912,93", "ВСЕГО по сводному сметному расчёту",
        "43 463 199,72"}},
  };
  for (const auto& c : kCases) {
    const CalcRun r = Calc(kGolden + c.golden + "/input.json", "text");
    ASSERT_EQ(r.status, 0) << c.golden << ": " << r.err;
    for (const char* line : c.lines) {
      EXPECT_NE(r.out.find(line), std::string::npos) << c.golden << ": " << line;
    }
  }
}

TEST(CalcCommand, BadSummaryEstimateExitsTwoWithEveryProblem) {
  const std::string path = TempFile("bad_ssr.json", R"({"format": "summary-estimate/1",
    "date": "2025-11-27", "lines": [{"chapter": "13", "construction": "1"}]})");
  const CalcRun r = Calc(path, "text");
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(r.out.empty());
  EXPECT_EQ(r.err,
            "contingency_percent: is required\n"
            "lines[0].chapter: expected a whole number from 1 to 12, got \"13\"\n");
}

TEST(CalcCommand, MissingFileExitsOne) {
  const CalcRun r = Calc("/nonexistent/estimate.json");
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(r.out.empty());
  EXPECT_NE(r.err.find("/nonexistent/estimate.json"), std::string::npos);
}

TEST(CalcCommand, UnknownOutputFormatIsBadInput) {
  const CalcRun r = Calc(kGolden + "contract_example/input.json", "xml");
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(r.out.empty());
}

}  // namespace
}  // namespace estimate::app
