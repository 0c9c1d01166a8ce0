// ГГЭ XML of the ССР (SummaryEstimate-current.xsd); docs/design/documents-io.md §5.4–5.6.
#include <boost/json.hpp>

#include <ctime>
#include <memory>
#include <regex>

#include "formats/gge_xml.hpp"
#include "formats/xml_support.hpp"

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
                                            const GgeSummaryHeader& h) {
  InitLibxml();
  std::vector<std::string> problems;
  if (input.name.empty()) problems.push_back("name: is required for ГГЭ XML");
  for (const auto& [value, field] : {std::pair<const std::string*, const char*>{&h.created, "header.created"},
                                     {&h.approved, "header.approved"}}) {
    if (value->size() != 10) problems.push_back(std::string(field) + ": a date YYYY-MM-DD is required");
  }
  auto result = core::CalculateSummaryEstimate(input);
  if (!result.ok()) problems.push_back(result.status().message());
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

namespace {

// "… – 3,0% (…)" or "НДС 20%": the percent a line names; nullopt if none.
std::optional<Decimal> PercentIn(const std::string& text) {
  static const std::regex kPercent(R"((\d+(?:[.,]\d+)?)\s*%)");
  std::smatch m;
  if (!std::regex_search(text, m, kPercent)) return std::nullopt;
  std::string digits = m[1].str();
  for (char& c : digits) {
    if (c == ',') c = '.';
  }
  auto d = Decimal::Parse(digits);
  if (!d.ok()) return std::nullopt;
  return d->Normalized();
}

class SummaryEstimateReader {
 public:
  Result<GgeSummaryImport> Read(const xmlNode* root) {
    if (!Is(root, "Construction") || TextAt(root, "Meta/File/Type") != "ССР") {
      return InvalidArgument("xml: not a ССР of ГГЭ XML (Meta/File/Type is not ССР)");
    }
    GgeSummaryHeader& h = out_.header;
    h.software_version = TextAt(root, "Meta/Soft/Version");
    h.customer = TextAt(root, "Customer");
    h.created = TextAt(root, "Created");
    h.approved = TextAt(root, "Approved");
    h.price_year = std::atoi(TextAt(root, "PriceLevel/Year").c_str());
    h.price_quarter = std::atoi(TextAt(root, "PriceLevel/Quarter").c_str());
    const std::string basic = TextAt(root, "PriceLevel/BasicPrice");
    h.basic_price = basic == "1" || basic == "true";
    h.project_org = TextAt(root, "Signatures/ProjectOrg/Name");
    h.chief_engineer = TextAt(root, "Signatures/ChiefProjectEngineer/Name");
    h.chief = TextAt(root, "Signatures/Chief/Name");
    h.department = TextAt(root, "Signatures/Chief/Department");
    h.customer_signatory = TextAt(root, "Signatures/Customer/Name");
    h.export_time = TextAt(root, "ExportDateTime");

    core::SummaryEstimateInput& in = out_.input;
    in.number = TextAt(root, "Num");
    in.name = TextAt(root, "Name");
    json::array lines;
    for (int chapter = 1; chapter <= core::kSummaryChapters; ++chapter) {
      const xmlNode* c = Child(root, "Chapter" + std::to_string(chapter));
      if (c == nullptr) continue;
      std::size_t n = 0;
      for (const xmlNode* item : Children(c)) {
        const std::string element = Name(item);
        if (element != "LocalEstimate" && element != "ObjectEstimate" &&
            element != "Calculation" && element != "Addition") {
          continue;
        }
        const std::string path = "Chapter" + std::to_string(chapter) + "/" + element + "[" +
                                 std::to_string(++n) + "]";
        core::CostColumns amounts = ColumnsOf(item, path);
        const std::string name = TextAt(item, "Name");
        if (name.empty() && amounts.total.IsZero()) {
          out_.warnings.push_back(path + ": an empty placeholder line, left out");
          continue;
        }
        const std::string reason = TextAt(item, "Reason");
        in.lines.push_back(core::AmountLine(chapter, reason, name, amounts));
        in.lines.back().number = TextAt(item, "Num");
        lines.push_back(json::object{{"chapter", std::to_string(chapter)},
                                     {"number", TextAt(item, "Num")},
                                     {"justification", reason},
                                     {"name", name},
                                     {"construction", amounts.construction.ToString()},
                                     {"installation", amounts.installation.ToString()},
                                     {"equipment", amounts.equipment.ToString()},
                                     {"other", amounts.other.ToString()}});
      }
    }
    in.contingency_percent = OnePercent(Child(root, "Chapter13"), "Chapter13", Decimal::FromInt(0));
    const xmlNode* vat_chapter = Child(root, "Chapter14");
    const Decimal vat_percent = OnePercent(vat_chapter, "Chapter14", Decimal::FromInt(20));
    in.vat_percent = vat_percent;
    in.date = core::CalendarDate{std::atoi(h.created.substr(0, 4).c_str()),
                                 std::atoi(h.created.size() >= 7 ? h.created.substr(5, 2).c_str() : "1"),
                                 std::atoi(h.created.size() >= 10 ? h.created.substr(8, 2).c_str() : "1")};
    if (!problems_.empty()) return Fail();

    // The VAT charged on less than the whole base: the rest of the base is exempt (ст.149 НК).
    auto first = core::CalculateSummaryEstimate(in);
    if (!first.ok()) return InvalidArgument(first.status().message());
    const xmlNode* stated_vat = At(vat_chapter, "Summary/Total");
    if (stated_vat != nullptr && !vat_percent.IsZero()) {
      auto vat = Decimal::Parse(Content(stated_vat));
      if (vat.ok() && *vat < first->vat.total) {
        const Decimal base = Decimal::Divide(*vat * Decimal::FromInt(100), vat_percent, 2);
        core::CostColumns exempt;
        exempt.other = first->total_with_contingency.total - base;
        exempt.Sum();
        in.vat_exempt_amount = exempt;
        out_.warnings.push_back("Chapter14: VAT is charged on " + base.ToFixed(2) + " of " +
                                first->total_with_contingency.total.ToFixed(2) +
                                " тыс. руб.; the rest, " + exempt.total.ToFixed(2) +
                                ", is read as exempt from VAT");
      }
    }
    auto result = core::CalculateSummaryEstimate(in);
    if (!result.ok()) return InvalidArgument(result.status().message());
    json::object doc{{"format", "summary-estimate/1"},
                     {"number", in.number},
                     {"name", in.name},
                     {"date", h.created},
                     {"contingency_percent", in.contingency_percent.ToString()},
                     {"vat_percent", vat_percent.ToString()},
                     {"lines", std::move(lines)}};
    if (in.vat_exempt_amount) {
      doc["vat_exempt_amount"] = json::object{{"other", in.vat_exempt_amount->other.ToString()}};
    }
    out_.document_json = json::serialize(doc);
    Compare(root, *result);
    return std::move(out_);
  }

 private:
  Status Fail() const { return Problems(problems_); }

  Decimal Amount(const xmlNode* n, const std::string& path) {
    if (n == nullptr) return Decimal::FromInt(0);
    auto d = Decimal::Parse(Content(n));
    if (!d.ok()) {
      problems_.push_back("xml: line " + std::to_string(n->line) + ": " + path + ": \"" +
                          Content(n) + "\" is not a decimal");
      return Decimal::FromInt(0);
    }
    return *d;
  }

  core::CostColumns ColumnsOf(const xmlNode* n, const std::string& path) {
    core::CostColumns c;
    c.construction = Amount(Child(n, "Building"), path + "/Building");
    c.installation = Amount(Child(n, "Mounting"), path + "/Mounting");
    c.equipment = Amount(Child(n, "Equipment"), path + "/Equipment");
    c.other = Amount(Child(n, "Other"), path + "/Other");
    c.Sum();
    return c;
  }

  // The one percent the additions of a chapter name (reserve, VAT); `otherwise` when none.
  Decimal OnePercent(const xmlNode* chapter, const std::string& path, Decimal otherwise) {
    std::optional<Decimal> found;
    for (const xmlNode* item : Children(chapter)) {
      if (!Is(item, "Addition") && !Is(item, "Calculation")) continue;
      auto p = PercentIn(TextAt(item, "Name"));
      if (!p) p = PercentIn(TextAt(item, "Reason"));
      if (!p) {
        problems_.push_back(path + ": a line without its percent («" + TextAt(item, "Name") + "»)");
        continue;
      }
      if (found && *found != *p) {
        problems_.push_back(path + ": lines of different percents (" + found->ToString() + "% and " +
                            p->ToString() + "%) are not read yet");
      }
      found = p;
    }
    return found.value_or(otherwise);
  }

  void Differ(const std::string& path, const xmlNode* stated, const Decimal& computed) {
    CompareStated(path, stated, computed, 2, out_.differences, out_.compared);
  }

  void Compare(const std::string& path, const xmlNode* n, const core::CostColumns& c) {
    if (n == nullptr) return;
    Differ(path + "/Building", Child(n, "Building"), c.construction);
    Differ(path + "/Mounting", Child(n, "Mounting"), c.installation);
    Differ(path + "/Equipment", Child(n, "Equipment"), c.equipment);
    Differ(path + "/Other", Child(n, "Other"), c.other);
    Differ(path + "/Total", Child(n, "Total"), c.total);
  }

  void Compare(const xmlNode* root, const core::SummaryEstimateResult& r) {
    for (int chapter = 1; chapter <= core::kSummaryChapters; ++chapter) {
      const std::string name = "Chapter" + std::to_string(chapter);
      const xmlNode* c = Child(root, name);
      if (c == nullptr) continue;
      Compare(name + "/Summary", Child(c, "Summary"), r.chapters[chapter - 1]);
      Compare(name + "/SubSummary", Child(c, "SubSummary"), r.cumulative[chapter - 1]);
    }
    const xmlNode* c13 = Child(root, "Chapter13");
    Compare("Chapter13/Summary", Child(c13, "Summary"), r.contingency);
    Compare("Chapter13/SubSummary", Child(c13, "SubSummary"), r.total_with_contingency);
    Compare("Chapter14/Summary", At(root, "Chapter14/Summary"), r.vat);
    Compare("Summary", Child(root, "Summary"), r.total);
  }

  GgeSummaryImport out_;
  std::vector<std::string> problems_;
};

}  // namespace

Result<GgeSummaryImport> ReadGgeSummaryEstimate(std::string_view bytes) {
  auto doc = ParseGgeFile(bytes);
  if (!doc.ok()) return doc.status();
  return SummaryEstimateReader().Read(xmlDocGetRootElement(doc->get()));
}

}  // namespace estimate::formats
