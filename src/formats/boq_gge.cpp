// The ГГЭ XML bill of quantities (ВОР, QuantityTakeoff 3.01, and the namespaced «Минстрой»
// layout) read into the same lines as the XLSX/CSV ВОР: sections, works and their resources.
#include <libxml/tree.h>

#include "formats/boq_import.hpp"
#include "formats/xml_support.hpp"

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

}  // namespace

Result<BoqImport> ReadBoqGge(std::string_view bytes) {
  auto doc = ParseGgeFile(bytes);
  if (!doc.ok()) return doc.status();
  const xmlNode* root = xmlDocGetRootElement(doc->get());
  if (Is(root, "quantityTakeoff")) return BoqGgeReader(kMinstroy).Read(root);
  if (Is(root, "Construction") && TextAt(root, "Meta/File/Type") == "Ведомость объемов работ") {
    return BoqGgeReader(kPlain).Read(root);
  }
  return InvalidArgument("xml: not a ГГЭ bill of quantities (QuantityTakeoff)");
}

}  // namespace estimate::formats
