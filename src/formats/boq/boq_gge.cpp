// The ГГЭ XML bill of quantities (ВОР, QuantityTakeoff 3.01, and the namespaced «Минстрой»
// layout) read into the same lines as the XLSX/CSV ВОР: sections, works and their resources.
#include <libxml/tree.h>

#include "formats/boq/boq_import.hpp"
#include "formats/gge/detail/xml_support.hpp"

namespace estimate::formats {
namespace {

using namespace xml;  // NOLINT: the XML helpers

std::string Attribute(const xmlNode* n, const char* name) {
  xmlChar* v = xmlGetProp(n, BAD_CAST name);
  std::string out = v != nullptr ? reinterpret_cast<const char*>(v) : "";
  xmlFree(v);
  return out;
}

// Element names of the two layouts: 3.01 (`Work`, `Quantity`) and «Минстрой» (`work`, `quantity`).
struct Names {
  const char* sections;
  const char* section;
  const char* section_name;
  const char* works;
  const char* work;
  const char* name;
  const char* unit;
  const char* quantity;
  const char* formula;
  const char* resources;
  const char* resource;
  bool numbers_in_attributes;
};

constexpr Names kPlain{"Sections", "Section",  "Name",     "Works",     "Work",     "Name",
                       "Unit",     "Quantity", "QuantityFormula", "Resources", "Resource", false};
constexpr Names kMinstroy{"sectionList", "section",  "nameSection",     "workList",     "work",
                          "name",        "unit",     "quantity",        "quantityFormula",
                          "resourceList", "resource", true};

class BoqGgeReader {
 public:
  explicit BoqGgeReader(const Names& n) : n_(n) {}

  Result<BoqImport> Read(const xmlNode* root) {
    for (const xmlNode* section : Children(Child(root, n_.sections))) {
      if (!Is(section, n_.section)) continue;
      const std::string name = TextAt(section, n_.section_name);
      for (const xmlNode* work : Children(Child(section, n_.works))) {
        if (!Is(work, n_.work)) continue;
        const std::string number = Number(work);
        Line(work, number, name);
        for (const xmlNode* r : Children(Child(work, n_.resources))) {
          if (Is(r, n_.resource)) Line(r, number + "." + Number(r), name);
        }
      }
    }
    if (!problems_.empty()) return Problems(problems_);
    if (out_.lines.empty()) return InvalidArgument("xml: the bill of quantities has no works");
    return std::move(out_);
  }

 private:
  std::string Number(const xmlNode* n) const {
    return n_.numbers_in_attributes ? Attribute(n, "itemPositionId") : TextAt(n, "Num");
  }

  void Line(const xmlNode* n, const std::string& number, const std::string& section) {
    BoqLine line;
    line.number = number;
    line.name = TextAt(n, n_.name);
    line.unit = TextAt(n, n_.unit);
    line.formula = TextAt(n, n_.formula);
    line.section = section;
    line.row = static_cast<int>(n->line);
    const std::string q = TextAt(n, n_.quantity);
    auto quantity = Decimal::Parse(q);
    if (!quantity.ok()) {
      problems_.push_back("xml: line " + std::to_string(n->line) + ": work " + number +
                          ": quantity \"" + q + "\" is not a number");
      return;
    }
    line.quantity = *quantity;
    out_.lines.push_back(std::move(line));
  }

  const Names& n_;
  BoqImport out_;
  std::vector<std::string> problems_;
};

// The comparative bill of quantities (сопоставительная ВОР, ComparativeQuantityTakeoff): each
// item's volume in every alteration; the line takes the last one, and every decrease the file
// states (from an earlier alteration) is checked against the volumes.
// Every element named `name` below `n`, depth first (a comparative ВОР holds one section list
// per estimate it compares).
void FindAll(const xmlNode* n, std::string_view name, std::vector<const xmlNode*>& out) {
  for (const xmlNode* c : Children(n)) {
    if (Is(c, name)) out.push_back(c);
    FindAll(c, name, out);  // items hold their resources as items of their own
  }
}

Result<BoqImport> ReadComparative(const xmlNode* root) {
  BoqImport out;
  std::vector<std::string> problems;
  // Items sit in sections, subsections and one section list per compared estimate: every item,
  // in document order, under the name of its nearest section.
  std::vector<const xmlNode*> items;
  FindAll(root, "item", items);
  {
    for (const xmlNode* item : items) {
      std::string section_name;
      for (const xmlNode* up = item->parent; up != nullptr && up->type == XML_ELEMENT_NODE;
           up = up->parent) {
        if (Is(up, "section")) {
          section_name = TextAt(up, "sectionName");
          break;
        }
      }
      const xmlNode* work = Child(item, "work");
      BoqLine line;
      // A resource of a work is an item inside the work's item: numbered "work.resource".
      line.number = Attribute(item, "itemPositionId");
      for (const xmlNode* up = item->parent; up != nullptr && up->type == XML_ELEMENT_NODE;
           up = up->parent) {
        if (Is(up, "item")) line.number = Attribute(up, "itemPositionId") + "." + line.number;
      }
      line.name = TextAt(work, "workName");
      line.unit = TextAt(work, "measurementUnit");
      line.code = TextAt(work, "normCodePrefix") + TextAt(work, "normCode");
      line.section = section_name;
      line.row = static_cast<int>(item->line);
      std::vector<std::pair<std::string, Decimal>> volumes;  // alteration → quantity
      for (const xmlNode* v : Children(Child(item, "volumeList"))) {
        if (!Is(v, "volume")) continue;
        const std::string q = TextAt(v, "volumeQuantity");
        auto quantity = Decimal::Parse(q);
        if (!quantity.ok()) {
          problems.push_back("xml: line " + std::to_string(v->line) + ": item " + line.number +
                             ": volume \"" + q + "\" is not a number");
          continue;
        }
        const std::string alteration = Attribute(v, "alterationRef");
        for (const xmlNode* d : Children(Child(v, "decreaseList"))) {
          const std::string from = Attribute(d, "fromRef");
          auto amount = Decimal::Parse(TextAt(d, "amount"));
          for (const auto& [ref, earlier] : volumes) {
            if (ref != from || !amount.ok()) continue;
            if (earlier - *quantity != *amount) {
              out.warnings.push_back("line " + std::to_string(d->line) + ": item " + line.number +
                                     ": the decrease from " + from + " is stated as " +
                                     amount->ToString() + ", the volumes give " +
                                     (earlier - *quantity).ToString());
            }
          }
        }
        volumes.emplace_back(alteration, *quantity);
      }
      if (volumes.empty()) {
        problems.push_back("xml: line " + std::to_string(item->line) + ": item " + line.number +
                           " has no volume");
        continue;
      }
      line.quantity = volumes.back().second;
      out.lines.push_back(std::move(line));
    }
  }
  if (!problems.empty()) return Problems(problems);
  if (out.lines.empty()) return InvalidArgument("xml: the comparative bill of quantities has no items");
  return out;
}

}  // namespace

Result<BoqImport> ReadBoqGge(std::string_view bytes) {
  auto doc = ParseGgeFile(bytes);
  if (!doc.ok()) return doc.status();
  const xmlNode* root = xmlDocGetRootElement(doc->get());
  if (Is(root, "quantityTakeoff")) return BoqGgeReader(kMinstroy).Read(root);
  if (Is(root, "comparativeQuantityTakeoff")) return ReadComparative(root);
  if (Is(root, "Construction") && TextAt(root, "Meta/File/Type") == "Ведомость объемов работ") {
    return BoqGgeReader(kPlain).Read(root);
  }
  return InvalidArgument("xml: not a ГГЭ bill of quantities (QuantityTakeoff)");
}

}  // namespace estimate::formats
