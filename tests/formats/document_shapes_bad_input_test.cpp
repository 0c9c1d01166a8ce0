// Malformed base-index ЛСР, ОСР and ССР documents through formats::Calculate: each is rejected
// with its JSON path, every problem of a document is reported, and nothing is written.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "formats/document/calc.hpp"
#include "formats/document/detail/document_reader.hpp"
#include "formats/document/estimate_document.hpp"

namespace estimate::formats {
namespace {

// A valid base-index document with `position` spliced in and `indices` replaced when given.
std::string Bim(const std::string& position,
                const std::string& indices =
                    R"({"workers_pay": "52.21", "machines": "16.64", "materials": "8.49"})") {
  return R"({"format": "estimate-document/1", "method": "base-index", "indices": )" + indices +
         R"(, "sections": [{"name": "1", "positions": [)" + position + "]}]}";
}

const char* kRate = R"("unit_rate": {"workers_pay": "10", "machines": "5", "machinists_pay": "1", "materials": "20"})";

std::string Norm(const std::string& extra) {
  return R"({"number": "1", "type": "norm", "quantity": "2", )" + std::string(kRate) + extra + "}";
}

std::string Osr(const std::string& lines, const std::string& top = "") {
  return R"({"format": "object-estimate/1", )" + top + R"("lines": [)" + lines + "]}";
}

std::string Ssr(const std::string& lines, const std::string& top =
                                              R"("date": "2025-11-27", "contingency_percent": "3", )") {
  return R"({"format": "summary-estimate/1", )" + top + R"("lines": [)" + lines + "]}";
}

struct BadCase {
  const char* label;
  std::string document;
  const char* expected;  // a line of the problems must contain this
};

std::vector<BadCase> Cases() {
  return {
      // base-index ЛСР
      {"unknown method", R"({"format": "estimate-document/1", "method": "bim", "sections": []})",
       R"(method: unknown method "bim" (expected resource-index or base-index))"},
      {"missing indices", R"({"format": "estimate-document/1", "method": "base-index", "sections": []})",
       "indices: is required"},
      {"missing index", Bim(Norm(""), R"({"machines": "16.64", "materials": "8.49"})"),
       "indices.workers_pay: is required"},
      {"unknown indexing", Bim(Norm(""), R"({"indexing": "smr", "construction_installation": "9"})"),
       R"(indices.indexing: unknown indexing "smr")"},
      {"index to СМР missing", Bim(Norm(""), R"({"indexing": "construction_installation"})"),
       "indices.construction_installation: is required"},
      {"equipment without its index",
       Bim(R"({"number": "1", "type": "resource", "column": "equipment", "quantity": "1", "base_price": "10"})"),
       "indices.equipment: is required"},
      {"other costs without their index", Bim(Norm(R"(, "column": "other")")),
       "indices.other: is required"},
      {"unknown column", Bim(Norm(R"(, "column": "roof")")),
       R"(sections[0].positions[0].column: unknown column "roof")"},
      {"norm in the equipment column", Bim(Norm(R"(, "column": "equipment")"), R"({"workers_pay": "1", "machines": "1", "materials": "1", "equipment": "6"})"),
       "sections[0].positions[0].column: a norm counts in construction, installation or other"},
      {"missing unit rate", Bim(R"({"number": "1", "type": "norm", "quantity": "1"})"),
       "sections[0].positions[0].unit_rate: is required"},
      {"rate with a comma", Bim(R"({"number": "1", "type": "norm", "quantity": "1", "unit_rate": {"workers_pay": "1,5", "machines": "0", "materials": "0"}})"),
       R"(sections[0].positions[0].unit_rate.workers_pay: "1,5" is not a decimal number)"},
      {"machinists' pay above machines", Bim(R"({"number": "1", "type": "norm", "quantity": "1", "unit_rate": {"workers_pay": "1", "machines": "1", "machinists_pay": "2", "materials": "0"}})"),
       "sections[0].positions[0].unit_rate.machinists_pay: is part of machines"},
      {"negative quantity", Bim(R"({"number": "1", "type": "resource", "quantity": "-1", "base_price": "10"})"),
       "sections[0].positions[0].quantity: must not be negative"},
      {"unknown combination", Bim(Norm(R"(, "coefficients": [{"name": "k", "labor": "1.2", "combine": "sum"}])")),
       R"(sections[0].positions[0].coefficients[0].combine: unknown combination "sum")"},
      {"coefficient as a JSON number", Bim(Norm(R"(, "coefficients": [{"labor": 1.2}])")),
       "sections[0].positions[0].coefficients[0].labor: is a JSON number"},
      {"transport without index", Bim(Norm(R"(, "transport": [{"quantity": "1", "base_price": "3"}])")),
       "sections[0].positions[0].transport[0].index: is required"},
      {"chosen material without price", Bim(Norm(R"(, "materials": [{"code": "05.1", "quantity": "100"}])")),
       "sections[0].positions[0].materials[0].base_price: is required"},
      {"overhead without percent", Bim(Norm(R"(, "overhead": {"k": "0.9"})")),
       "sections[0].positions[0].overhead.percent: is required"},
      {"resource without base price", Bim(R"({"number": "1", "type": "resource", "quantity": "1"})"),
       "sections[0].positions[0].base_price: is required"},
      // ОСР
      {"ОСР without lines", R"({"format": "object-estimate/1"})", "lines: is required"},
      {"ОСР line without money", Osr(R"({"number": "02-01-01"})"),
       "lines[0]: give at least one of construction, installation, equipment, other"},
      {"ОСР JSON number", Osr(R"({"construction": 16893250})"),
       "lines[0].construction: is a JSON number"},
      {"ОСР detail not a number", Osr(R"({"construction": "1", "details": {"ot": "x"}})"),
       R"(lines[0].details.ot: "x" is not a decimal number)"},
      {"ОСР zero measure", Osr(R"({"construction": "1"})", R"("measure_quantity": "0", )"),
       "measure_quantity: must be positive"},
      {"ОСР lines not an array", R"({"format": "object-estimate/1", "lines": {}})",
       "lines: expected an array"},
      // ССР
      {"ССР chapter 13", Ssr(R"({"chapter": "13", "construction": "1"})"),
       "lines[0].chapter: expected a whole number from 1 to 12"},
      {"ССР fractional chapter", Ssr(R"({"chapter": "2.5", "construction": "1"})"),
       "lines[0].chapter: expected a whole number from 1 to 12"},
      {"ССР chapter missing", Ssr(R"({"construction": "1"})"), "lines[0].chapter: is required"},
      {"ССР Russian date", Ssr(R"({"chapter": "2", "construction": "1"})", R"("date": "27.11.2025", "contingency_percent": "3", )"),
       R"(date: "27.11.2025" is not a date (YYYY-MM-DD))"},
      {"ССР no such day", Ssr(R"({"chapter": "2", "construction": "1"})", R"("date": "2025-02-29", "contingency_percent": "3", )"),
       R"(date: "2025-02-29" is not a date)"},
      {"ССР without date", Ssr(R"({"chapter": "2", "construction": "1"})", R"("contingency_percent": "3", )"),
       "date: is required"},
      {"ССР without contingency", Ssr(R"({"chapter": "2", "construction": "1"})", R"("date": "2025-11-27", )"),
       "contingency_percent: is required"},
      {"ССР percent of a later chapter", Ssr(R"({"chapter": "8", "type": "percent", "percent": "5", "base": {"last_chapter": "9"}})"),
       "lines[0].base: chapters must lie before the line's own chapter 8"},
      {"ССР percent missing", Ssr(R"({"chapter": "8", "type": "percent"})"),
       "lines[0].percent: is required"},
      {"ССР unknown line type", Ssr(R"({"chapter": "8", "type": "formula"})"),
       R"(lines[0].type: unknown type "formula" (expected amount or percent))"},
      {"ССР unknown target", Ssr(R"({"chapter": "12", "type": "percent", "percent": "0.2", "target": "chapter"})"),
       R"(lines[0].target: unknown target "chapter")"},
      {"ССР unknown base column", Ssr(R"({"chapter": "9", "type": "percent", "percent": "2", "base": {"columns": ["construction", "roof"]}})"),
       "lines[0].base.columns[1]: expected construction, installation, equipment or other"},
      {"ССР exempt not a boolean", Ssr(R"({"chapter": "1", "other": "100", "vat_exempt": "yes"})"),
       "lines[0].vat_exempt: expected true or false"},
      {"ССР exempt amount empty", Ssr(R"({"chapter": "1", "other": "100"})", R"("date": "2025-11-27", "contingency_percent": "3", "vat_exempt_amount": {}, )"),
       "vat_exempt_amount: give at least one of"},
      {"unknown format", R"({"format": "ssr/9", "lines": []})",
       R"(format: unknown format "ssr/9" (expected estimate-document/1, object-estimate/1 or summary-estimate/1))"},
  };
}

TEST(DocumentShapesBadInput, EveryMalformedDocumentIsRejectedWithItsJsonPath) {
  const std::vector<BadCase> cases = Cases();
  ASSERT_GE(cases.size(), 35u);
  for (const BadCase& c : cases) {
    const CalcOutcome r = Calculate(c.document, OutputFormat::kJsonAndText);
    ASSERT_FALSE(r.ok()) << c.label;
    EXPECT_TRUE(r.json.empty() && r.text.empty()) << c.label;
    EXPECT_NE(r.ProblemText().find(c.expected), std::string::npos)
        << c.label << ": got\n" << r.ProblemText();
  }
}

TEST(DocumentShapesBadInput, CollectsAllProblemsOfASummaryEstimate) {
  const CalcOutcome r = Calculate(
      Ssr(R"({"chapter": "0", "construction": "1,5"}, {"chapter": "2"}, {"chapter": "3", "other": 5})",
          R"("date": "2025-13-01", )"),
      OutputFormat::kJson);
  ASSERT_FALSE(r.ok());
  const std::string m = r.ProblemText();
  for (const char* p : {"date:", "contingency_percent: is required", "lines[0].chapter:",
                        "lines[0].construction:", "lines[1]: give at least one",
                        "lines[2].other: is a JSON number"}) {
    EXPECT_NE(m.find(p), std::string::npos) << p << " in\n" << m;
  }
  EXPECT_EQ(r.problems.size(), 6u) << m;
}

TEST(DocumentShapesBadInput, TooLargeToComputeIsAProblemNamingThePosition) {
  const CalcOutcome r = Calculate(
      Bim(R"({"number": "1", "type": "norm", "quantity": "999999999999999",
              "unit_rate": {"workers_pay": "999999999999999", "machines": "0", "materials": "0"},
              "overhead": {"percent": "999999999999999"}})",
          R"({"workers_pay": "999999999999999", "machines": "1", "materials": "1"})"),
      OutputFormat::kJson);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.ProblemText().rfind("sections[0].positions[0]", 0), 0u) << r.ProblemText();
  EXPECT_TRUE(r.json.empty());
}

TEST(DocumentShapes, ResourceIndexParserPointsBaseIndexDocumentsToCalculate) {
  Result<core::Estimate> e = ParseEstimateDocument(Bim(Norm("")));
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.status().message().find("not a resource-index estimate"), std::string::npos);
}

TEST(DocumentShapes, PercentLinesDefaultToTheChaptersBeforeThemInTheirOwnColumns) {
  // ВЗиС 5.6 % in chapter 8 with no base given: construction and installation of chapters 1–7
  // (the figures of core's PercentLinesOnChosenChapters).
  const CalcOutcome r = Calculate(
      Ssr(R"({"chapter": "1", "construction": "1000.00", "installation": "200.00", "equipment": "500.00", "other": "300.00"},
             {"chapter": "2", "construction": "2345.67", "installation": "0.33"},
             {"chapter": "8", "type": "percent", "percent": "5.6", "name": "ВЗиС 5,6%"})",
          R"("date": "2025-06-01", "contingency_percent": "2", )"),
      OutputFormat::kJsonAndText);
  ASSERT_TRUE(r.ok()) << r.ProblemText();
  EXPECT_NE(r.json.find(R"("chapter": "8", "number": "", "justification": "", "name": "ВЗиС 5,6%", "construction": "187.36", "installation": "11.22", "equipment": "0.00", "other": "0.00", "total": "198.58")"),
            std::string::npos)
      << r.json;
  EXPECT_NE(r.text.find("Глава 8. Временные здания и сооружения"), std::string::npos);
}

TEST(DocumentShapes, IndexToConstructionLeavesTransportOutOfIt) {
  // core's SingleIndexToConstructionLeavesTransportOutOfIt through the document.
  const CalcOutcome r = Calculate(
      Bim(R"({"number": "1", "type": "norm", "quantity": "2",
              "unit_rate": {"workers_pay": "10.00", "machines": "5.00", "machinists_pay": "1.00", "materials": "20.00", "labor_hours": "1", "machinist_hours": "0.1"},
              "overhead": {"percent": "100"}, "profit": {"percent": "50"},
              "transport": [{"code": "ФССЦпг", "quantity": "1", "base_price": "3.00", "index": "7"}]})",
          R"({"indexing": "construction_installation", "construction_installation": "10.5"})"),
      OutputFormat::kJsonAndText);
  ASSERT_TRUE(r.ok()) << r.ProblemText();
  EXPECT_NE(r.json.find(R"("indexing": "construction_installation")"), std::string::npos);
  EXPECT_NE(r.json.find(R"("total": "106.00"}, "current": {)"), std::string::npos) << r.json;
  EXPECT_NE(r.json.find(R"("total": "1102.50"})"), std::string::npos) << r.json;
  EXPECT_NE(r.text.find("Индекс к СМР 10,5"), std::string::npos) << r.text;
}

TEST(JsonPath, PrintsKeysAndIndicesOnlyWhenAsked) {
  const JsonPath root;
  EXPECT_EQ(root.ToString(), "(document)");
  EXPECT_EQ(root.Key("sections").At(0).Key("positions").At(3).Key("quantity").ToString(),
            "sections[0].positions[3].quantity");
  EXPECT_EQ(root.Key("lines").At(12).ToString(), "lines[12]");
}

}  // namespace
}  // namespace estimate::formats
