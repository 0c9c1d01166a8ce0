// ГГЭ XML of the ОСР (ObjectEstimate-3_01.xsd); docs/design/documents-io.md §5.1–5.3.
#include <boost/json.hpp>

#include <ctime>
#include <memory>

#include "formats/gge_xml.hpp"
#include "formats/xml_support.hpp"

namespace estimate::formats {
namespace {

namespace json = boost::json;
using namespace xml;  // NOLINT: the XML helpers

const Decimal kThousand = Decimal::FromInt(1000);



// TSummary of a row or of the object: the breakdown under the columns (тыс. руб.).
void Summary(XmlOut& x, const core::CostColumns& c, const core::CostDetails& d) {
  x.Open("Details");
  x.Open("Building");
  x.Number("Total", c.construction, 2);
  x.Number("Price", c.construction, 2);
  x.Close();
  x.Open("Mounting");
  x.Number("Total", c.installation, 2);
  x.Number("Price", c.installation, 2);
  x.Close();
  x.Open("Equipment");
  x.Number("Total", c.equipment, 2);
  x.Number("Price", c.equipment, 2);
  x.Close();
  x.Number("Other", c.other, 2);
  x.Number("Total", c.total, 2);
  x.Open("Summary");
  x.Number("Total", c.total, 2);
  x.Number("WorkersSalary", d.ot, 2);
  x.Number("MachinistSalary", d.otm, 2);
  x.Number("Salary", d.ot + d.otm, 2);
  x.Number("Overhead", d.overhead, 2);
  x.Number("Profit", d.profit, 2);
  x.Number("Machines", d.em, 2);
  x.Number("Materials", d.m, 2);
  x.Number("TransportTotal", d.transport, 2);
  x.Number("Price", c.total, 2);
  x.Close();
  x.Close();
}

bool IsDate(const std::string& d) {
  int y = 0, m = 0, day = 0;
  return d.size() == 10 && std::sscanf(d.c_str(), "%4d-%2d-%2d", &y, &m, &day) == 3 && m >= 1 &&
         m <= 12 && day >= 1 && day <= 31;
}

}  // namespace

Result<std::string> WriteGgeObjectEstimate(const core::ObjectEstimateInput& input,
                                           const GgeObjectHeader& h) {
  InitLibxml();
  std::vector<std::string> problems;
  if (h.construction_name.empty()) problems.push_back("header.construction.name: is required for ГГЭ XML");
  if (input.name.empty()) problems.push_back("name: is required for ГГЭ XML");
  const int region = std::atoi(h.region_code.c_str());
  if (h.region_code.empty() || region < 0 || region > 99) {
    problems.push_back("header.region.code: a region code 0–99 is required for ГГЭ XML");
  }
  if (!IsDate(h.created)) problems.push_back("header.created: a date YYYY-MM-DD is required");
  if (!IsDate(h.approved)) problems.push_back("header.approved: a date YYYY-MM-DD is required");
  auto result = core::CalculateObjectEstimate(input);
  if (!result.ok()) problems.push_back(result.status().message());
  if (!problems.empty()) return Problems(problems);
  XmlOut x;
  OpenGgeRoot(x, "ObjectEstimate-3_01.xsd", "ОСР", h.software_version);
  x.Text("Num", h.construction_number);
  x.Text("Name", h.construction_name);
  x.Open("Object");
  x.Text("Num", input.number);
  x.Text("Name", input.name);
  x.Text("Region", std::to_string(region));
  x.Text("Reason", "");
  x.Text("ReasonLink", "");
  if (input.measure_quantity) {
    x.Plain("Quantity", *input.measure_quantity);
    if (result->unit_cost) x.Number("PricePerUnit", *result->unit_cost, 2);
  }
  x.Text("QuantityUnit", "");
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
  x.Open("Signatures");
  x.Open("ChiefProjectEngineer");
  x.Text("Name", h.chief_engineer);
  x.Close();
  x.Open("Chief");
  x.Text("Name", h.chief);
  x.Text("Department", h.department);
  x.Close();
  x.Open("Composer");
  x.Text("Name", h.composer);
  x.Text("Position", "");
  x.Close();
  x.Open("Verifier");
  x.Text("Name", h.verifier);
  x.Text("Position", "");
  x.Close();
  x.Close();
  for (std::size_t i = 0; i < result->rows.size(); ++i) {
    const core::ObjectEstimateRow& row = result->rows[i];
    x.Open("LocalEstimate");
    WriteCostColumns(x, row.amounts);
    x.Text("Name", row.name);
    x.Text("Num", std::to_string(i + 1));
    x.Text("Reason", row.number);
    Summary(x, row.amounts, row.details);
    x.Text("Link", row.number.empty() ? "" : row.number + ".gge");
    x.Close();
  }
  x.Open("SubSummary1");
  WriteCostColumns(x, result->total);
  x.Close();
  Summary(x, result->total, result->details);
  x.Close();  // Object
  x.Text("ExportDateTime", h.export_time);
  x.Close();
  return x.Finish();
}

namespace {

class ObjectEstimateReader {
 public:
  Result<GgeObjectImport> Read(const xmlNode* root) {
    if (!Is(root, "Construction") || TextAt(root, "Meta/File/Type") != "ОСР") {
      return InvalidArgument("xml: not an ОСР of ГГЭ XML (Meta/File/Type is not ОСР)");
    }
    const xmlNode* object = Child(root, "Object");
    if (object == nullptr) return InvalidArgument("xml: Object is missing");
    for (const char* unsupported : {"TempBuildings", "Additions", "Extra"}) {
      if (Child(object, unsupported) != nullptr) {
        return InvalidArgument(std::string("xml: Object/") + unsupported +
                               ": rows of temporary buildings, winter costs and other additions "
                               "of an ОСР are not read yet");
      }
    }
    GgeObjectHeader& h = out_.header;
    h.software_version = TextAt(root, "Meta/Soft/Version");
    h.construction_number = TextAt(root, "Num");
    h.construction_name = TextAt(root, "Name");
    h.region_code = TextAt(object, "Region");
    h.created = TextAt(object, "Created");
    h.approved = TextAt(object, "Approved");
    h.price_year = std::atoi(TextAt(object, "PriceLevel/Year").c_str());
    h.price_quarter = std::atoi(TextAt(object, "PriceLevel/Quarter").c_str());
    const std::string basic = TextAt(object, "PriceLevel/BasicPrice");
    h.basic_price = basic == "1" || basic == "true";
    h.chief_engineer = TextAt(object, "Signatures/ChiefProjectEngineer/Name");
    h.chief = TextAt(object, "Signatures/Chief/Name");
    h.department = TextAt(object, "Signatures/Chief/Department");
    h.composer = TextAt(object, "Signatures/Composer/Name");
    h.verifier = TextAt(object, "Signatures/Verifier/Name");
    h.export_time = TextAt(root, "ExportDateTime");

    core::ObjectEstimateInput input;
    input.number = TextAt(object, "Num");
    input.name = TextAt(object, "Name");
    json::array lines;
    std::vector<const xmlNode*> rows;
    for (const xmlNode* row : Children(object)) {
      if (!Is(row, "LocalEstimate")) continue;
      rows.push_back(row);
      const std::string path = "Object/LocalEstimate[" + std::to_string(rows.size()) + "]";
      core::ObjectEstimateLine line;
      line.number = TextAt(row, "Reason");
      line.name = TextAt(row, "Name");
      line.construction = Rubles(Child(row, "Building"), path + "/Building");
      line.installation = Rubles(Child(row, "Mounting"), path + "/Mounting");
      line.equipment = Rubles(Child(row, "Equipment"), path + "/Equipment");
      line.other = Rubles(Child(row, "Other"), path + "/Other");
      const xmlNode* d = At(row, "Details/Summary");
      line.details.ot = Rubles(Child(d, "WorkersSalary"), path + "/Details/Summary/WorkersSalary");
      line.details.em = Rubles(Child(d, "Machines"), path + "/Details/Summary/Machines");
      line.details.otm = Rubles(Child(d, "MachinistSalary"), path + "/Details/Summary/MachinistSalary");
      line.details.m = Rubles(Child(d, "Materials"), path + "/Details/Summary/Materials");
      line.details.transport = Rubles(Child(d, "TransportTotal"), path + "/Details/Summary/TransportTotal");
      line.details.overhead = Rubles(Child(d, "Overhead"), path + "/Details/Summary/Overhead");
      line.details.profit = Rubles(Child(d, "Profit"), path + "/Details/Summary/Profit");
      json::object details{{"ot", line.details.ot.ToString()},
                           {"em", line.details.em.ToString()},
                           {"otm", line.details.otm.ToString()},
                           {"m", line.details.m.ToString()},
                           {"transport", line.details.transport.ToString()},
                           {"overhead", line.details.overhead.ToString()},
                           {"profit", line.details.profit.ToString()}};
      lines.push_back(json::object{{"number", line.number},
                                   {"name", line.name},
                                   {"construction", line.construction.ToString()},
                                   {"installation", line.installation.ToString()},
                                   {"equipment", line.equipment.ToString()},
                                   {"other", line.other.ToString()},
                                   {"details", std::move(details)}});
      input.lines.push_back(std::move(line));
    }
    if (rows.empty()) problems_.push_back("xml: Object has no LocalEstimate row");
    json::object doc{{"format", "object-estimate/1"},
                     {"number", input.number},
                     {"name", input.name},
                     {"lines", std::move(lines)}};
    if (const std::string q = TextAt(object, "Quantity"); !q.empty()) {
      auto quantity = Decimal::Parse(q);
      if (quantity.ok() && Decimal::FromInt(0) < *quantity) {
        input.measure_quantity = *quantity;
        doc["measure_quantity"] = q;
      } else if (quantity.ok()) {
        out_.warnings.push_back("Object/Quantity " + q + ": no measure, the unit cost is not compared");
      }
    }
    if (!problems_.empty()) return Problems(problems_);
    out_.document_json = json::serialize(doc);
    out_.input = input;
    auto result = core::CalculateObjectEstimate(input);
    if (!result.ok()) return InvalidArgument(result.status().message());
    for (std::size_t i = 0; i < rows.size(); ++i) {
      Compare("Object/LocalEstimate[" + std::to_string(i + 1) + "]", rows[i], result->rows[i].amounts);
    }
    Compare("Object/SubSummary1", Child(object, "SubSummary1"), result->total);
    Compare("Object/Summary", Child(object, "Summary"), result->total);
    if (result->unit_cost) Differ("Object/PricePerUnit", Child(object, "PricePerUnit"), *result->unit_cost);
    return std::move(out_);
  }

 private:
  // An amount in тыс. руб. as roubles (× 1000, exact); 0 when absent.
  Decimal Rubles(const xmlNode* n, const std::string& path) {
    if (n == nullptr) return Decimal::FromInt(0);
    auto d = Decimal::Parse(Content(n));
    if (!d.ok()) {
      problems_.push_back("xml: line " + std::to_string(n->line) + ": " + path + ": \"" +
                          Content(n) + "\" is not a decimal");
      return Decimal::FromInt(0);
    }
    return *d * kThousand;
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

  GgeObjectImport out_;
  std::vector<std::string> problems_;
};

}  // namespace

Result<GgeObjectImport> ReadGgeObjectEstimate(std::string_view bytes) {
  auto doc = ParseGgeFile(bytes);
  if (!doc.ok()) return doc.status();
  return ObjectEstimateReader().Read(xmlDocGetRootElement(doc->get()));
}

Result<std::string> GgeDocumentType(std::string_view bytes) {
  auto doc = ParseGgeFile(bytes);
  if (!doc.ok()) return doc.status();
  const xmlNode* root = xmlDocGetRootElement(doc->get());
  std::string type = TextAt(root, "Meta/File/Type");
  if (type.empty()) {
    return InvalidArgument("xml: no Meta/File/Type: not a ГГЭ XML document");
  }
  return type;
}

}  // namespace estimate::formats
