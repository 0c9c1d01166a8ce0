// ГГЭ XML of the ССР (SummaryEstimate-current.xsd); docs/design/documents-io.md §5.4–5.6.
#include <boost/json.hpp>

#include <ctime>
#include <memory>
#include <regex>

#include "formats/gge/gge.hpp"
#include "formats/gge/detail/xml_support.hpp"

namespace estimate::formats {
namespace {

namespace json = boost::json;
using namespace xml;  // NOLINT: the XML helpers

void Details(XmlOut& x, const core::CostColumns& c) {
  x.Open("Details");
  for (const auto& [element, value] : {std::pair<const char*, const Decimal*>{"Building", &c.construction},
                                       {"Mounting", &c.installation},
                                       {"Equipment", &c.equipment}}) {
    x.Open(element);
    x.Number("Total", *value, 2);
    x.Number("Price", *value, 2);
    x.Close();
  }
  x.Number("Other", c.other, 2);
  x.Number("Total", c.total, 2);
  x.Number("Summary", c.total, 2);
  x.Close();
}

bool StartsWithAny(const std::string& s, std::initializer_list<const char*> prefixes) {
  for (const char* p : prefixes) {
    if (s.rfind(p, 0) == 0) return true;
  }
  return false;
}

}  // namespace

Result<std::string> WriteGgeSummaryEstimate(const core::SummaryEstimateInput& input,
                                            const core::SummaryEstimateResult& computed,
                                            const GgeSummaryHeader& h) {
  InitLibxml();
  std::vector<std::string> problems;
  if (input.name.empty()) problems.push_back("name: is required for ГГЭ XML");
  for (const auto& [value, field] : {std::pair<const std::string*, const char*>{&h.created, "header.created"},
                                     {&h.approved, "header.approved"}}) {
    if (value->size() != 10) problems.push_back(std::string(field) + ": a date YYYY-MM-DD is required");
  }
  const core::SummaryEstimateResult* result = &computed;
  if (!problems.empty()) return Problems(problems);
  XmlOut x;
  OpenGgeRoot(x, "SummaryEstimate-3_01.xsd", "ССР", h.software_version);
  x.Text("Num", input.number);
  x.Text("Name", input.name);
  x.Text("Customer", h.customer);
  x.Text("Created", h.created);
  x.Text("Approved", h.approved);
  if (h.price_year > 0 && h.price_quarter > 0) {
    x.Open("PriceLevel");
    x.Text("Year", std::to_string(h.price_year));
    x.Text("Quarter", std::to_string(h.price_quarter));
    x.Text("BasicPrice", h.basic_price ? "true" : "false");
    x.Close();
  }
  x.Open("Summary");
  WriteCostColumns(x, result->total);
  x.Close();
  std::size_t num = 0;
  for (int chapter = 1; chapter <= core::kSummaryChapters; ++chapter) {
    bool any = false;
    for (const auto& line : result->lines) any |= line.chapter == chapter;
    if (!any && chapter < 7) continue;  // chapters 7–13 carry the running totals
    x.Open(("Chapter" + std::to_string(chapter)).c_str());
    x.Open("ChapterName");
    x.Text("ConstantNameChapter", core::SummaryChapterTitle(chapter));
    x.Close();
    for (std::size_t i = 0; i < result->lines.size(); ++i) {
      const core::SummaryLineResult& line = result->lines[i];
      if (line.chapter != chapter) continue;
      const bool percent = input.lines[i].kind == core::SummaryLineKind::kPercent;
      const char* element = StartsWithAny(line.justification, {"ОСР", "ОС-"})   ? "ObjectEstimate"
                            : StartsWithAny(line.justification, {"ЛСР", "ЛС-"}) ? "LocalEstimate"
                            : percent && chapter >= 8                          ? "Addition"
                                                                               : "Calculation";
      // Chapter 10 takes only calculations and additions.
      if (chapter == 10 && (std::string(element) == "ObjectEstimate" ||
                            std::string(element) == "LocalEstimate")) {
        element = "Calculation";
      }
      x.Open(element);
      WriteCostColumns(x, line.amounts);
      x.Text("Name", line.name);
      x.Text("Num", std::to_string(++num));
      x.Text("Reason", line.justification);
      const std::string e(element);
      if (e == "ObjectEstimate" || e == "LocalEstimate") Details(x, line.amounts);
      if (e != "Addition") {
        x.Text("Link", "");
        x.Text("StageID", "0");
        x.Text("StageName", "Без этапа");
      }
      x.Close();
    }
    x.Open("Summary");
    WriteCostColumns(x, result->chapters[chapter - 1]);
    x.Close();
    if (chapter >= 7) {
      x.Open("SubSummary");
      WriteCostColumns(x, result->cumulative[chapter - 1]);
      x.Close();
    }
    x.Close();
  }
  // Chapter 13: the reserve for contingencies, and the total with it.
  x.Open("Chapter13");
  x.Open("ChapterName");
  x.Text("ConstantNameChapter", "Непредвиденные затраты");
  x.Close();
  if (!input.contingency_percent.IsZero()) {
    x.Open("Addition");
    WriteCostColumns(x, result->contingency);
    x.Text("Name", "Резерв средств на непредвиденные работы и затраты – " +
                       input.contingency_percent.ToString() + "%");
    x.Text("Num", std::to_string(++num));
    x.Text("Reason", "Приказ Минстроя России от 04.08.2020 № 421/пр п.179");
    x.Close();
  }
  x.Open("Summary");
  WriteCostColumns(x, result->contingency);
  x.Close();
  x.Open("SubSummary");
  WriteCostColumns(x, result->total_with_contingency);
  x.Close();
  x.Close();
  x.Open("Chapter14");
  x.Open("ChapterName");
  x.Text("ConstantNameChapter", "Налоги и обязательные платежи");
  x.Close();
  x.Open("Addition");
  WriteCostColumns(x, result->vat);
  x.Text("Name", "Налог на добавленную стоимость – " + result->vat_percent.ToString() + "%");
  x.Text("Num", std::to_string(++num));
  x.Text("Reason", "НДС " + result->vat_percent.ToString() + "%");
  x.Close();
  x.Open("Summary");
  WriteCostColumns(x, result->vat);
  x.Close();
  x.Close();
  x.Open("Signatures");
  x.Open("ProjectOrg");
  x.Text("Name", h.project_org);
  x.Close();
  x.Open("ChiefProjectEngineer");
  x.Text("Name", h.chief_engineer);
  x.Close();
  x.Open("Chief");
  x.Text("Name", h.chief);
  x.Text("Department", h.department);
  x.Close();
  x.Open("Customer");
  x.Text("Name", h.customer_signatory);
  x.Text("Position", "");
  x.Close();
  x.Close();
  x.Text("ExportDateTime", h.export_time);
  x.Close();
  return x.Finish();
}

}  // namespace estimate::formats
