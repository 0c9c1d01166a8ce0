// The ЛСР by the resource-index method from ГГЭ XML (3.01 and the 3.02 draft): gge.hpp.
#include <libxml/parser.h>

#include <boost/json.hpp>

#include <string>
#include <vector>

#include "core/decimal.hpp"
#include "core/resource_index_calculator.hpp"
#include "formats/document/estimate_document.hpp"
#include "formats/gge/detail/xml_support.hpp"
#include "formats/gge/gge.hpp"

namespace estimate::formats {

namespace json = boost::json;
using core::Decimal;

// --- the reader ------------------------------------------------------------------------------

namespace {

using namespace xml;  // NOLINT

class LocalEstimateReader {
 public:
  Result<GgeImport> Read(const xmlNode* root) {
    const bool v302 = Is(root, "LocalEstimateResourceIndexMethod");  // the 3.02 draft
    if (!Is(root, "Construction") && !v302) {
      return InvalidArgument("xml: line " + std::to_string(root->line) +
                             ": the root is not Construction (not a ЛСР of ГГЭ XML)");
    }
    if (TextAt(root, "Meta/File/Type") != "ЛС") {
      return InvalidArgument("xml: Meta/File/Type is not ЛС (not a local estimate)");
    }
    const std::string version = TextAt(root, "Meta/File/Version");
    if (version != (v302 ? "3.02" : "3.01")) {
      out_.warnings.push_back("Meta/File/Version " + version + ": read as " +
                              (v302 ? "3.02" : "3.01"));
    }
    const xmlNode* estimate = At(root, "Object/Estimate");
    if (estimate == nullptr) return InvalidArgument("xml: Object/Estimate is missing");
    if (Child(estimate, "IndexType") != nullptr) {
      return InvalidArgument("xml: a base-index ЛСР (IndexType); only the resource-index method "
                             "is imported so far");
    }
    ReadHeader(root, estimate);
    json::array sections;
    const auto all = Children(Child(estimate, "Sections"));
    for (std::size_t s = 0; s < all.size(); ++s) {
      if (!Is(all[s], "Section")) continue;
      sections.push_back(ReadSection(all[s], "Sections/Section[" + std::to_string(s + 1) + "]"));
    }
    json::object doc{{"format", "estimate-document/1"},
                     {"method", "resource-index"},
                     {"name", out_.header.name},
                     {"header", json::parse(GgeHeaderJson(out_.header))},
                     {"sections", std::move(sections)}};
    out_.document_json = json::serialize(doc);
    if (!problems_.empty()) return Problems(problems_);
    Compare(estimate);
    return std::move(out_);
  }

 private:
  void ReadHeader(const xmlNode* root, const xmlNode* e) { ReadGgeHeader(root, e, out_.header); }

  // A decimal element as the document's string; a problem naming the line when it is not one.
  std::string Number(const xmlNode* n, const std::string& path, bool required = true) {
    if (n == nullptr) {
      if (required) problems_.push_back("xml: " + path + " is missing");
      return "0";
    }
    const std::string text = Content(n);
    if (!Decimal::Parse(text).ok()) {
      problems_.push_back("xml: line " + std::to_string(n->line) + ": " + path + ": \"" + text +
                          "\" is not a decimal");
      return "0";
    }
    return text;
  }

  json::object Price(const xmlNode* r, const std::string& path) {
    json::object o;
    const xmlNode* base = Child(r, "PricePerUnitBase");
    const xmlNode* index = At(r, "Index/Value/IndexValue");
    if (base != nullptr && index != nullptr) {
      o["base_price"] = Number(base, path + "/PricePerUnitBase");
      o["index"] = Number(index, path + "/Index/Value/IndexValue");
    } else if (const xmlNode* cur = Child(r, "PricePerUnitCur")) {
      o["price"] = Number(cur, path + "/PricePerUnitCur");
    }
    return o;
  }

  static std::string CodeOf(const xmlNode* r) { return TextAt(r, "Prefix") + TextAt(r, "Code"); }

  // The quantity per unit and in total of a resource row: Consumption and ConsumptionTotal in
  // 3.01, Quantity and QuantityTotal in the 3.02 draft.
  static const xmlNode* PerUnit(const xmlNode* r) {
    const xmlNode* n = Child(r, "Consumption");
    return n != nullptr ? n : Child(r, "Quantity");
  }
  static const xmlNode* TotalOf(const xmlNode* r) {
    const xmlNode* n = Child(r, "ConsumptionTotal");
    return n != nullptr ? n : Child(r, "QuantityTotal");
  }

  json::object Resource(const xmlNode* r, const char* kind, const std::string& path,
                        bool project) {
    json::object o{{"kind", kind}, {"code", CodeOf(r)}, {"name", TextAt(r, "Name")},
                   {"unit", TextAt(r, "Unit")}};
    const bool by_project = project && (TextAt(r, "Comment") == "П" || !Child(r, "PricePerUnitCur"));
    if (by_project) {
      o["consumption"] = "П";
      return o;
    }
    o["consumption"] = Number(PerUnit(r), path + "/Consumption");
    for (auto& [k, v] : Price(r, path)) o[k] = v;
    if (const xmlNode* m = Child(r, "Machinist")) {
      // 3.02 writes the count with two decimals ("1.00"); the count is what it is, "1".
      std::string count = Number(Child(m, "Count"), path + "/Machinist/Count");
      if (auto c = Decimal::Parse(count); c.ok()) count = c->Normalized().ToString();
      json::object machinist{{"code", TextAt(m, "Code")}, {"labor_per_machine_hour", count}};
      if (const xmlNode* price = Child(m, "PricePerUnitCur")) {
        machinist["price"] = Number(price, path + "/Machinist/PricePerUnitCur");
      }
      o["machinist"] = std::move(machinist);
    }
    return o;
  }

  json::object Rate(const xmlNode* n, const std::string& path) {
    json::object o{{"code", TextAt(n, "Reason")}, {"percent", Number(Child(n, "Value"), path + "/Value")}};
    if (const std::string name = TextAt(n, "Name"); !name.empty()) o["name"] = name;
    o["k"] = Child(n, "Coefficients") != nullptr
                 ? Number(At(n, "Coefficients/Final"), path + "/Coefficients/Final")
                 : std::string("1");
    if (const std::string target = TextAt(n, "Target"); target != "ФОТ") {
      out_.warnings.push_back(path + "/Target " + target + ": НР/СП are charged on ФОТ");
    }
    return o;
  }

  json::array Coefficients(const xmlNode* cost, const std::string& path) {
    json::array out;
    for (const xmlNode* c : Children(Child(cost, "Coefficients"))) {
      if (!Is(c, "Coefficient")) continue;
      const std::string reason = TextAt(c, "Reason");
      json::object o{{"name", reason.empty() ? TextAt(c, "Name") : reason}};
      for (const xmlNode* v : Children(Child(c, "Values"))) {
        const std::string target = TextAt(v, "Target");
        const std::string value = Number(Child(v, "CoefValue"), path + "/Coefficients/CoefValue");
        const char* key = target == "ЗТ" || target == "ОТ"     ? "labor"
                          : target == "ЗТМ" || target == "ОТМ" ? "machinist_labor"
                          : target == "ЭМ"                     ? "machines"
                          : target == "МАТ"                    ? "materials"
                                                               : nullptr;
        if (key == nullptr) {
          if (value != "1") out_.warnings.push_back(path + ": coefficient to " + target + " not applied");
          continue;
        }
        if (!o.contains(key)) o[key] = value;
      }
      if (reason.find("прил.10_т.1") != std::string::npos) o["combine"] = "additive";
      out.push_back(std::move(o));
    }
    return out;
  }

  static const char* WorkKind(const std::string& summary_type) {
    return summary_type == "Монтажные" ? "installation" : "construction";
  }

  json::object ReadItem(const xmlNode* item, const std::string& path, std::size_t running) {
    const std::string summary = TextAt(item, "SummaryType");
    if (summary == "Прочее") {
      out_.warnings.push_back(path + ": «Прочее» is counted as construction work here");
    }
    const xmlNode* cost = Child(item, "Cost");
    if (cost == nullptr) {
      for (const char* element : {"Material", "Machine", "Equipment", "Other", "Transport"}) {
        const xmlNode* r = Child(item, element);
        if (r == nullptr) continue;
        const std::string kind = element == std::string("Material")    ? "material"
                                 : element == std::string("Machine")   ? "machine"
                                 : element == std::string("Equipment") ? "equipment"
                                                                       : "";
        if (kind.empty()) {
          out_.warnings.push_back(path + "/" + element + ": not representable, left out");
          return {};
        }
        json::object o{{"number", TextAt(r, "Num").empty() ? std::to_string(running) : TextAt(r, "Num")},
                       {"type", "resource"}, {"kind", kind}, {"code", CodeOf(r)},
                       {"name", TextAt(r, "Name")}, {"unit", TextAt(r, "Unit")},
                       {"quantity", Number(PerUnit(r), path + "/" + element + "/Consumption")},
                       {"work_kind", WorkKind(summary)}};
        for (auto& [k, v] : Price(r, path + "/" + element)) o[k] = v;
        return o;
      }
      out_.warnings.push_back(path + ": an item without a norm or a resource, left out");
      return {};
    }
    const std::string cp = path + "/Cost";
    std::string number = TextAt(cost, "Num");
    if (const std::string comment = TextAt(cost, "Comment"); comment.rfind("№ ", 0) == 0) {
      number = comment.substr(std::string("№ ").size());
    }
    json::object o{{"number", number}, {"type", "norm"}, {"code", CodeOf(cost)},
                   {"name", TextAt(cost, "Name")}, {"unit", TextAt(cost, "Unit")},
                   {"quantity", Number(Child(cost, "QuantityTotal"), cp + "/QuantityTotal")},
                   {"work_kind", WorkKind(summary)}};
    json::array coefficients = Coefficients(cost, cp);
    if (!coefficients.empty()) o["coefficients"] = std::move(coefficients);
    json::array resources, extra;
    for (const xmlNode* r : Children(Child(cost, "ResourcesInternal"))) {
      const std::string element = Name(r);
      const char* kind = element == "Worker" ? "labor" : element == "Machine" ? "machine" : "material";
      resources.push_back(Resource(r, kind, cp + "/ResourcesInternal/" + element, false));
    }
    for (const xmlNode* r : Children(Child(cost, "Resources"))) {
      resources.push_back(Resource(r, "material", cp + "/Resources/" + Name(r), true));
    }
    for (const xmlNode* r : Children(Child(item, "Resources"))) {
      const std::string element = Name(r);
      const std::string rp = path + "/Resources/" + element;
      const std::string code = CodeOf(r);
      if (code.rfind("421/пр_2020_п.75", 0) == 0) {
        o["auxiliary_materials"] = json::object{{"name", TextAt(r, "Name")},
                                                {"percent", Number(PerUnit(r), rp + "/Consumption")}};
        continue;
      }
      if (element != "Material" && element != "Equipment") {
        out_.warnings.push_back(rp + ": " + element + " outside the norm is not recomputed");
        continue;
      }
      json::object x{{"kind", element == "Equipment" ? "equipment" : "material"}, {"code", code},
                     {"name", TextAt(r, "Name")}, {"unit", TextAt(r, "Unit")},
                     {"quantity", Number(TotalOf(r), rp + "/ConsumptionTotal")}};
      if (const std::string n = TextAt(r, "Comment"); !n.empty()) x["number"] = n;
      for (auto& [k, v] : Price(r, rp)) x[k] = v;
      extra.push_back(std::move(x));
    }
    o["resources"] = std::move(resources);
    if (!extra.empty()) o["extra"] = std::move(extra);
    if (const xmlNode* n = Child(item, "Overheads")) o["overhead"] = Rate(n, path + "/Overheads");
    if (const xmlNode* n = Child(item, "Profits")) o["profit"] = Rate(n, path + "/Profits");
    return o;
  }

  json::object ReadSection(const xmlNode* section, const std::string& path) {
    json::array positions;
    std::size_t n = 0;
    for (const xmlNode* item : Children(Child(section, "Items"))) {
      if (!Is(item, "Item")) continue;
      ++running_;
      const std::string ip = path + "/Items/Item[" + std::to_string(++n) + "]";
      json::object position = ReadItem(item, ip, running_);
      if (position.empty()) continue;
      item_paths_.push_back(ip);
      items_.push_back(item);
      positions.push_back(std::move(position));
    }
    sections_.push_back(section);
    section_paths_.push_back(path);
    return json::object{{"name", TextAt(section, "Name")}, {"positions", std::move(positions)}};
  }

  void Differ(const std::string& path, const xmlNode* stated, const Decimal& computed, int places) {
    CompareStated(path, stated, computed, places, out_.differences, out_.compared);
  }

  // Recomputes the imported document and compares every total the file states.
  void Compare(const xmlNode* estimate) {
    auto parsed = ParseEstimateDocument(out_.document_json);
    if (!parsed.ok()) {
      out_.warnings.push_back("the imported estimate cannot be recomputed: " + parsed.status().message());
      return;
    }
    auto calc = core::ResourceIndexCalculation::Calculate(*parsed);
    if (!calc.ok()) {
      out_.warnings.push_back("the imported estimate cannot be recomputed: " + calc.status().message());
      return;
    }
    const core::EstimateResult& r = calc->result();
    std::size_t k = 0;
    for (std::size_t s = 0; s < r.positions.size(); ++s) {
      for (std::size_t p = 0; p < r.positions[s].size(); ++p, ++k) {
        const xmlNode* item = items_[k];
        const std::string& ip = item_paths_[k];
        const core::PositionResult& pr = r.positions[s][p];
        Differ(ip + "/Totals/Current", At(item, "Totals/Current"), pr.figures.total, 2);
        Differ(ip + "/Salary", Child(item, "Salary"), pr.figures.fot, 2);
        Differ(ip + "/Overheads/PriceCur", At(item, "Overheads/PriceCur"), pr.figures.overhead, 2);
        Differ(ip + "/Profits/PriceCur", At(item, "Profits/PriceCur"), pr.figures.profit, 2);
        Differ(ip + "/Cost/Totals/Current/WorkersSalary", At(item, "Cost/Totals/Current/WorkersSalary"),
               pr.figures.ot, 2);
        Differ(ip + "/Cost/Totals/Current/Machines", At(item, "Cost/Totals/Current/Machines"),
               pr.figures.em, 2);
        Differ(ip + "/Cost/Totals/Current/MachinistSalary",
               At(item, "Cost/Totals/Current/MachinistSalary"), pr.figures.otm, 2);
      }
      if (s < section_paths_.size()) {
        Differ(section_paths_[s] + "/SectionPrice/Total", At(sections_[s], "SectionPrice/Total"),
               r.sections[s].figures.total, 2);
      }
    }
    Differ("EstimatePrice/Total", At(estimate, "EstimatePrice/Total"), r.totals.figures.total, 2);
  }

  GgeImport out_;
  std::vector<std::string> problems_;
  std::size_t running_ = 0;
  std::vector<const xmlNode*> items_, sections_;
  std::vector<std::string> item_paths_, section_paths_;
};

}  // namespace

Result<GgeImport> ReadGgeLocalEstimate(std::string_view xml) {
  return ReadGgeFile<LocalEstimateReader>(xml);
}

}  // namespace estimate::formats
