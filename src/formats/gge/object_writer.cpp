// ГГЭ XML of the ОСР (ObjectEstimate-3_01.xsd); docs/design/documents-io.md §5.1–5.3.
#include <boost/json.hpp>

#include <ctime>
#include <memory>

#include "formats/gge/gge.hpp"
#include "formats/gge/detail/xml_support.hpp"

namespace estimate::formats {
namespace {

namespace json = boost::json;
using namespace xml;  // NOLINT: the XML helpers

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
                                           const core::ObjectEstimateResult& computed,
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
  const core::ObjectEstimateResult* result = &computed;
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

}  // namespace estimate::formats
