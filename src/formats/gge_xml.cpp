#include "formats/gge_xml.hpp"

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlwriter.h>

#include <boost/json.hpp>

#include <chrono>
#include <ctime>
#include <memory>
#include <mutex>

#include "core/decimal.hpp"
#include "core/resource_index_calculator.hpp"
#include "formats/estimate_document.hpp"
#include "formats/xml_support.hpp"

namespace estimate::formats {
namespace {

namespace json = boost::json;
using core::Decimal;
using namespace xml;  // NOLINT: the XML helpers of this file

// --- the writer ------------------------------------------------------------------------------

// "4-100-040" → "4"; "4-100-035" → "3.5": the machinist's rank from the labour code.
std::string GradeOf(const std::string& code) {
  const std::size_t dash = code.rfind('-');
  const std::string digits = dash == std::string::npos ? code : code.substr(dash + 1);
  auto d = Decimal::Parse(digits);
  if (!d.ok()) return "0";
  Decimal grade = digits.size() == 3 ? Decimal::MulRound(*d, Decimal::Literal("0.1"), 1) : *d;
  std::string s = grade.ToString();
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  return s;
}

const Decimal kOne = Decimal::FromInt(1);

// Writes a coefficient value list ({Target, CoefValue}) for the factors ≠ 1.
void CoefficientValues(XmlOut& x, const core::Coefficient& c) {
  x.Open("Values");
  const std::pair<const char*, const Decimal*> values[] = {
      {"ЗТ", &c.labor}, {"ЭМ", &c.machines}, {"ЗТМ", &c.machinist_labor}, {"МАТ", &c.materials}};
  bool any = false;
  for (const auto& [target, value] : values) {
    if (*value == kOne) continue;
    any = true;
    x.Open("Value");
    x.Text("Target", target);
    x.Plain("CoefValue", *value);
    x.Close();
  }
  if (!any) {  // a coefficient of 1 everywhere still names itself
    x.Open("Value");
    x.Text("Target", "ЗТ");
    x.Text("CoefValue", "1");
    x.Close();
  }
  x.Close();
}

std::string Formula(const std::vector<core::Coefficient>& cs, Decimal core::Coefficient::*member) {
  std::string multiply, additive;
  for (const auto& c : cs) {
    const Decimal v = c.*member;
    if (v == kOne) continue;
    if (c.combination == core::CoefficientCombination::kAdditive) {
      additive += "+(" + v.ToString() + "-1)";
    } else {
      multiply += (multiply.empty() ? "" : "*") + v.ToString();
    }
  }
  if (!additive.empty()) {
    additive = "(1" + additive + ")";
    return multiply.empty() ? additive : multiply + "*" + additive;
  }
  return multiply;
}

void WriteCoefficients(XmlOut& x, const core::Position& p, const core::ResultingCoefficients& k) {
  if (p.coefficients.empty()) return;
  x.Open("Coefficients");
  x.Open("Final");
  x.Open("Values");
  const std::tuple<const char*, Decimal, Decimal core::Coefficient::*> finals[] = {
      {"ЗТ", k.labor, &core::Coefficient::labor},
      {"ЭМ", k.machines, &core::Coefficient::machines},
      {"ЗТМ", k.machinist_labor, &core::Coefficient::machinist_labor},
      {"МАТ", k.materials, &core::Coefficient::materials}};
  bool any = false;
  for (const auto& [target, value, member] : finals) {
    if (value == kOne) continue;
    any = true;
    x.Open("Value");
    x.Text("Target", target);
    x.Plain("CoefValue", value);
    x.Text("Formula", Formula(p.coefficients, member));
    x.Close();
  }
  if (!any) {
    x.Open("Value");
    x.Text("Target", "ЗТ");
    x.Text("CoefValue", "1");
    x.Close();
  }
  x.Close();
  x.Close();
  for (const auto& c : p.coefficients) {
    x.Open("Coefficient");
    CoefficientValues(x, c);
    x.Text("Name", c.name);
    x.Text("Reason", c.name);
    x.Close();
  }
  x.Close();
}

// Writes one rate (НР or СП) of a position.
void WriteRate(XmlOut& x, const char* element, const core::Rate& rate, const Decimal& percent_total,
               const Decimal& amount, int money) {
  x.Open(element);
  x.Text("Reason", rate.code);
  if (!rate.name.empty()) x.Text("Name", rate.name);
  x.Text("Target", "ФОТ");
  x.Plain("Value", rate.percent);
  x.Number("ValueTotal", percent_total, 7);
  if (rate.k != kOne) {
    x.Open("Coefficients");
    x.Plain("Final", rate.k);
    x.Open("Coefficient");
    x.Text("Name", std::string("Коэффициент к нормативу ") + (std::string(element) == "Overheads"
                                                                   ? "накладных расходов"
                                                                   : "сметной прибыли"));
    x.Text("Reason", std::string(element) == "Overheads" ? "812/пр" : "774/пр");
    x.Text("Num", "1");
    x.Plain("Value", rate.k);
    x.Close();
    x.Close();
  }
  x.Number("PriceCur", amount, money);
  x.Close();
}

// The price elements of a resource line, in the order TResource wants them around Unit.
struct PriceParts {
  const core::UnitPrice* price;
  const core::ComputedLine* line;
  Decimal base_total;  // round2(Q × base_price) when base × index
};

class LocalEstimateWriter {
 public:
  LocalEstimateWriter(const core::Estimate& e, const GgeHeader& h, GgeVersion version)
      : e_(e), h_(h), v302_(version == GgeVersion::k302) {}

  Result<std::string> Write() {
    CheckGgeHeader(h_, problems_);
    auto calc = core::ResourceIndexCalculation::Calculate(e_);
    if (!calc.ok()) problems_.push_back(calc.status().message());
    if (!problems_.empty()) return Fail();
    result_ = &calc->result();
    money_ = e_.options.money_places;

    OpenLocalEstimate(x_, h_, "LocalEstimateResourceIndexMethod", v302_);
    WriteHeader();
    x_.Open("Sections");
    for (std::size_t s = 0; s < e_.sections.size(); ++s) WriteSection(s);
    x_.Close();
    CloseLocalEstimate(x_, h_);
    if (!problems_.empty()) return Fail();
    return x_.Finish();
  }

 private:

  Status Fail() const { return Problems(problems_); }

  void WriteHeader() {
    WriteGuidLegalSalary(x_, h_);
    WriteRegionAndName(x_, h_, v302_);
    x_.Open("PriceLevelBase");
    x_.Text("Year", "2022");
    x_.Text("Month", "1");
    x_.Text("Day", "1");
    x_.Text("Quarter", "1");
    x_.Close();
    WritePriceLevelCur(x_, h_);
    if (!h_.basis.empty()) x_.Text("Reason", h_.basis);
    WriteSummary("EstimatePrice", EstimateSums());
    x_.Open("Signatures");
    x_.Text("ComposeFIO", h_.composed_by);
    x_.Text("VerifyFIO", h_.verified_by);
    x_.Close();
  }

  // Sums of a section or the estimate, by the columns of TSummary.
  struct Sums {
    core::Figures building, mounting;
    bool has_building = false, has_mounting = false;
    Decimal equipment, market_equipment, total;
  };

  void Add(Sums& sums, const core::Position& p, const core::PositionResult& r) const {
    const core::Figures by_kind = core::ExcludingEquipment(r.figures);
    const bool equipment_item = p.type == core::PositionType::kResource &&
                                p.kind == core::ResourceKind::kEquipment;
    if (!equipment_item) {
      if (p.work_kind == core::WorkKind::kInstallation) {
        sums.mounting.Add(by_kind);
        sums.has_mounting = true;
      } else {
        sums.building.Add(by_kind);
        sums.has_building = true;
      }
    }
    sums.equipment += r.figures.equipment;
    sums.market_equipment += r.figures.market_equipment;
    sums.total += r.figures.total;
  }

  Sums SectionSums(std::size_t s) const {
    Sums sums;
    for (std::size_t p = 0; p < e_.sections[s].positions.size(); ++p) {
      Add(sums, e_.sections[s].positions[p], result_->positions[s][p]);
    }
    return sums;
  }

  Sums EstimateSums() const {
    Sums sums;
    for (std::size_t s = 0; s < e_.sections.size(); ++s) {
      Sums part = SectionSums(s);
      sums.building.Add(part.building);
      sums.mounting.Add(part.mounting);
      sums.has_building |= part.has_building;
      sums.has_mounting |= part.has_mounting;
      sums.equipment += part.equipment;
      sums.market_equipment += part.market_equipment;
      sums.total += part.total;
    }
    return sums;
  }

  void WriteSummaryItems(const char* element, const core::Figures& f) {
    x_.Open(element);
    x_.Number("Total", f.total, money_);
    x_.Number("WorkersSalary", f.ot, money_);
    x_.Number("MachinistSalary", f.otm, money_);
    x_.Number("Salary", f.fot, money_);
    x_.Number("Overhead", f.overhead, money_);
    x_.Number("Profit", f.profit, money_);
    x_.Number("Machines", f.em, money_);
    x_.Open("Materials");
    x_.Number("Total", f.m, money_);
    x_.Number("Price", f.m, money_);
    if (!f.market_materials.IsZero()) x_.Number("External", f.market_materials, money_);
    x_.Close();
    x_.Number("Direct", f.direct, money_);
    x_.Number("TotalLaborCosts", f.labor_hours + f.machinist_hours, 7);
    x_.Number("LaborCosts", f.labor_hours, 7);
    x_.Number("MachinistLaborCosts", f.machinist_hours, 7);
    x_.Number("Price", f.total, money_);
    x_.Close();
  }

  void WriteSummary(const char* element, const Sums& sums) {
    x_.Open(element);
    if (sums.has_building) WriteSummaryItems("Building", sums.building);
    if (sums.has_mounting) WriteSummaryItems("Mounting", sums.mounting);
    if (!sums.equipment.IsZero()) {
      x_.Open("Equipment");
      x_.Number("Total", sums.equipment, money_);
      x_.Number("Price", sums.equipment, money_);
      if (!sums.market_equipment.IsZero()) x_.Number("External", sums.market_equipment, money_);
      x_.Close();
    }
    core::Figures summary = sums.building;
    summary.Add(sums.mounting);
    WriteSummaryItems("Summary", summary);
    x_.Number("Total", sums.total, money_);
    x_.Close();
  }

  void WriteSection(std::size_t s) {
    x_.Open("Section");
    x_.Text("Code", std::to_string(s + 1));
    x_.Text("Name", e_.sections[s].name.empty() ? "Раздел " + std::to_string(s + 1)
                                                 : e_.sections[s].name);
    x_.Open("Items");
    for (std::size_t p = 0; p < e_.sections[s].positions.size(); ++p) {
      ++running_;
      WriteItem(s, p);
    }
    x_.Close();
    WriteSummary("SectionPrice", SectionSums(s));
    x_.Close();
  }

  std::string Path(std::size_t s, std::size_t p) const {
    return "sections[" + std::to_string(s) + "].positions[" + std::to_string(p) + "]";
  }

  std::string NumOf(const core::Position& p) const {
    return IsPositiveInteger(p.number) ? p.number : std::to_string(running_);
  }

  // The Cur/Base price elements and the line of one resource.
  void WritePrices(const core::UnitPrice& price, const core::ComputedLine& line, bool base_group) {
    if (line.priced) x_.Number("PricePerUnitCur", line.price, 2);
    x_.Number("PriceTotalCur", line.priced ? line.total : Decimal::FromInt(0), money_);
    if (base_group && price.source == core::UnitPrice::Source::kBaseIndex) {
      x_.Number("PricePerUnitBase", price.base_price, 2);
      x_.Number("PriceTotalBase", Decimal::MulRound(line.quantity, price.base_price, 2), 2);
      x_.Open("Index");
      x_.Text("Name", "Индекс изменения сметной стоимости");
      x_.Text("Num", "1");
      x_.Open("Value");
      x_.Number("Final", price.index.Round(2), 2);
      x_.Plain("IndexValue", price.index);
      x_.Close();
      x_.Close();
    }
  }

  // The quantity of a resource line: 3.01 writes Consumption (and an early Comment) before Unit
  // and ConsumptionTotal after the prices; 3.02 writes Quantity and QuantityTotal before Unit
  // and only a late Comment.
  void QuantityHead(const std::string& per_unit, const std::string& total,
                    const std::string& comment) {
    if (v302_) {
      x_.Text("Quantity", per_unit);
      x_.Text("QuantityTotal", total);
      return;
    }
    x_.Text("Consumption", per_unit);
    if (!comment.empty()) x_.Text("Comment", comment);
  }
  void QuantityTail(const std::string& total, const std::string& comment) {
    if (v302_) {
      if (!comment.empty()) x_.Text("Comment", comment);
      return;
    }
    x_.Text("ConsumptionTotal", total);
  }
  // 3.02: a market price (ТЦ_…) is marked as found by a market analysis.
  void External(const std::string& code) {
    if (v302_ && code.rfind("ТЦ_", 0) == 0) x_.Text("isExternal", "true");
  }

  void WriteResource(const char* element, const core::Resource& r, const core::ComputedLine& line,
                     const core::ComputedLine* machinist, std::size_t num, const std::string& at) {
    x_.Open(element);
    x_.Text("IDResource", std::to_string(++id_));
    x_.Text("Num", std::to_string(num));
    x_.Text("Code", r.code);
    x_.Text("Name", r.name);
    if (r.by_project) {
      QuantityHead("0", "0", "П");
      x_.Text("Unit", r.unit);
      x_.Text("PriceTotalCur", "0");
      QuantityTail("0", "П");
      x_.Close();
      return;
    }
    const std::string total = line.quantity.ToFixed(7);
    QuantityHead(r.consumption.ToString(), total, "");
    x_.Text("Unit", r.unit);
    WritePrices(r.price, line, true);
    QuantityTail(total, "");
    if (machinist != nullptr && r.machinist) {
      const core::Machinist& m = *r.machinist;
      if (!v302_ && m.labor_per_machine_hour.Round(0) != m.labor_per_machine_hour) {
        problems_.push_back(at + ".machinist.labor_per_machine_hour: ГГЭ XML 3.01 takes a whole "
                            "number of machinists (" + m.labor_per_machine_hour.ToString() + ")");
      }
      x_.Open("Machinist");
      x_.Text("Code", m.code);
      x_.Text("Grade", GradeOf(m.code));
      const Decimal per_unit = Decimal::MulRound(r.consumption, m.labor_per_machine_hour, 7);
      if (v302_) {
        x_.Number("Quantity", per_unit, 7);
        x_.Number("QuantityTotal", machinist->quantity, 7);
        x_.Number("Count", m.labor_per_machine_hour, 2);
      } else {
        x_.Number("Consumption", per_unit, 7);
        x_.Text("Count", m.labor_per_machine_hour.Round(0).ToFixed(0));
      }
      x_.Text("Unit", "чел.-ч");
      if (machinist->priced) x_.Number("PricePerUnitCur", machinist->price, 2);
      x_.Number("PriceTotalCur", machinist->priced ? machinist->total : Decimal::FromInt(0), money_);
      if (!v302_) x_.Number("ConsumptionTotal", machinist->quantity, 7);
      x_.Close();
    }
    x_.Close();
  }

  void WriteItem(std::size_t s, std::size_t pi) {
    const core::Position& p = e_.sections[s].positions[pi];
    const std::string at = Path(s, pi);
    core::PositionDetail detail;
    auto r = core::CalculatePosition(p, e_.options, &detail);
    if (!r.ok()) {
      problems_.push_back(at + ": " + r.status().message());
      return;
    }
    const bool installation = p.work_kind == core::WorkKind::kInstallation;
    const char* kind = installation ? "Монтажные" : "Строительные";
    x_.Open("Item");
    if (p.type == core::PositionType::kResource) {
      WriteResourceItem(p, *r, at, kind);
      x_.Close();
      return;
    }
    x_.Text("SummaryType", kind);
    x_.Text("WorkType", kind);
    if (p.overhead) {
      WriteRate(x_, "Overheads", detail.overhead, detail.overhead_percent, r->figures.overhead, money_);
    }
    if (p.profit) {
      WriteRate(x_, "Profits", detail.profit, detail.profit_percent, r->figures.profit, money_);
    }
    WriteCost(p, *r, detail, at);
    WriteOutside(p, detail);
    x_.Number("Salary", r->figures.fot, money_);
    x_.Open("Totals");
    x_.Number("Current", r->figures.total, money_);
    x_.Close();
    x_.Open("TotalsUnit");
    x_.Number("Current", r->per_unit, 2);
    x_.Close();
    x_.Close();
  }

  void WriteResourceItem(const core::Position& p, const core::PositionResult& r,
                         const std::string& at, const char* kind) {
    const char* element = nullptr;
    switch (p.kind) {
      case core::ResourceKind::kMaterial: element = "Material"; break;
      case core::ResourceKind::kMachine: element = "Machine"; break;
      case core::ResourceKind::kEquipment: element = "Equipment"; kind = "Оборудование"; break;
      case core::ResourceKind::kLabor:
        problems_.push_back(at + ": a labour resource as its own position cannot be written to "
                            "ГГЭ XML 3.01 (it has no item-level Worker)");
        return;
    }
    x_.Text("SummaryType", kind);
    x_.Text("WorkType", kind);
    x_.Open(element);
    x_.Text("IDResource", std::to_string(++id_));
    x_.Text("Num", NumOf(p));
    x_.Text("Code", p.code);
    x_.Text("Name", p.name);
    QuantityHead(p.quantity.ToString(), p.quantity.Round(7).ToFixed(7), "");
    x_.Text("Unit", p.unit);
    core::ComputedLine line;
    line.quantity = p.quantity.Round(7);
    line.priced = p.price.priced();
    line.price = p.price.source == core::UnitPrice::Source::kBaseIndex
                     ? Decimal::MulRound(p.price.base_price, p.price.index, 2)
                     : p.price.price;
    line.total = r.figures.total;
    WritePrices(p.price, line, true);
    QuantityTail(line.quantity.ToFixed(7), "");
    External(p.code);
    x_.Close();
    x_.Open("Totals");
    x_.Number("Current", r.figures.total, money_);
    x_.Close();
    x_.Open("TotalsUnit");
    x_.Number("Current", r.per_unit, 2);
    x_.Close();
  }

  void WriteCost(const core::Position& p, const core::PositionResult& r,
                 const core::PositionDetail& d, const std::string& at) {
    x_.Open("Cost");
    x_.Text("Num", NumOf(p));
    auto split = SplitCode(p.code);
    if (!split) {
      problems_.push_back(at + ".code: \"" + p.code + "\" has no norm prefix ГГЭ XML knows "
                          "(ГЭСН…, ФЕР…, ТЕР…, ФССЦ…, КСР)");
      split = std::make_pair(std::string("ГЭСН"), p.code);
    }
    x_.Text("Prefix", split->first);
    x_.Text("Code", split->second);
    x_.Text("Name", p.name);
    if (!IsPositiveInteger(p.number) && !p.number.empty()) x_.Text("Comment", "№ " + p.number);
    x_.Plain("Quantity", p.quantity);
    x_.Plain("QuantityTotal", p.quantity);
    x_.Text("Unit", p.unit);
    Decimal labor_per_unit, machinist_per_unit, materials;
    for (std::size_t i = 0; i < p.resources.size(); ++i) {
      const core::Resource& res = p.resources[i];
      if (res.by_project) continue;
      if (res.kind == core::ResourceKind::kLabor) labor_per_unit += res.consumption;
      if (res.kind == core::ResourceKind::kMachine && res.machinist) {
        machinist_per_unit += res.consumption * res.machinist->labor_per_machine_hour;
      }
      if (res.kind == core::ResourceKind::kMaterial && d.resources[i].priced) {
        materials += d.resources[i].total;
      }
    }
    x_.Open("PerUnit");
    x_.Plain("LaborCosts", labor_per_unit);
    x_.Plain("MachinistLaborCosts", machinist_per_unit.Round(7));
    x_.Close();
    x_.Open("Totals");
    x_.Open("Current");
    x_.Number("Direct", r.figures.ot + r.figures.em + r.figures.otm + materials, money_);
    x_.Number("Machines", r.figures.em, money_);
    x_.Number("WorkersSalary", r.figures.ot, money_);
    x_.Number("MachinistSalary", r.figures.otm, money_);
    x_.Number("Salary", r.figures.fot, money_);
    x_.Number("Materials", materials, money_);
    x_.Close();
    x_.Open("Natural");
    x_.Number("LaborCosts", r.figures.labor_hours, 7);
    x_.Number("MachinistLaborCosts", r.figures.machinist_hours, 7);
    x_.Close();
    x_.Close();
    WriteCoefficients(x_, p, d.k);
    // The norm's own resources, then those "по проекту".
    bool internal = false, project = false;
    for (const auto& res : p.resources) {
      if (res.kind == core::ResourceKind::kEquipment) continue;
      (res.by_project ? project : internal) = true;
    }
    std::size_t num = 0;
    if (internal) {
      x_.Open("ResourcesInternal");
      for (std::size_t i = 0; i < p.resources.size(); ++i) {
        const core::Resource& res = p.resources[i];
        if (res.by_project || res.kind == core::ResourceKind::kEquipment) continue;
        const char* element = res.kind == core::ResourceKind::kLabor     ? "Worker"
                              : res.kind == core::ResourceKind::kMachine ? "Machine"
                                                                         : "Material";
        WriteResource(element, res, d.resources[i],
                      res.kind == core::ResourceKind::kMachine ? &d.machinists[i] : nullptr,
                      ++num, at + ".resources[" + std::to_string(i) + "]");
      }
      x_.Close();
    }
    if (project) {
      x_.Open("Resources");
      for (std::size_t i = 0; i < p.resources.size(); ++i) {
        const core::Resource& res = p.resources[i];
        if (!res.by_project || res.kind == core::ResourceKind::kEquipment) continue;
        abstract_ids_.emplace_back(res.code, id_ + 1);
        WriteResource("Material", res, d.resources[i], nullptr, ++num, at);
      }
      x_.Close();
    }
    x_.Close();  // Cost
  }

  // Item/Resources: the chosen materials and equipment (extra rows), the norm's equipment and the
  // п.75 auxiliary materials.
  void WriteOutside(const core::Position& p, const core::PositionDetail& d) {
    const bool aux = p.auxiliary_materials.has_value();
    bool equipment = false;
    for (const auto& res : p.resources) equipment |= res.kind == core::ResourceKind::kEquipment;
    if (p.extra.empty() && !aux && !equipment) {
      abstract_ids_.clear();
      return;
    }
    x_.Open("Resources");
    std::size_t num = 0;
    for (std::size_t i = 0; i < p.resources.size(); ++i) {
      const core::Resource& res = p.resources[i];
      if (res.kind != core::ResourceKind::kEquipment) continue;
      WriteResource("Equipment", res, d.resources[i], nullptr, ++num, "");
    }
    for (std::size_t i = 0; i < p.extra.size(); ++i) {
      const core::ExtraRow& row = p.extra[i];
      const core::ComputedLine& line = d.extra[i];
      x_.Open(row.kind == core::ResourceKind::kEquipment ? "Equipment" : "Material");
      x_.Text("IDResource", std::to_string(++id_));
      x_.Text("Num", std::to_string(++num));
      x_.Text("Code", row.code);
      x_.Text("Name", row.name);
      // calc-v1 keeps the sub-row's total quantity; the schema wants it per unit of the norm.
      const Decimal per_unit = p.quantity.IsZero()
                                   ? row.quantity
                                   : Decimal::Divide(row.quantity, p.quantity, 7).Normalized();
      QuantityHead(per_unit.ToString(), line.quantity.ToFixed(7), row.number);
      x_.Text("Unit", row.unit);
      WritePrices(row.price, line, true);
      QuantityTail(line.quantity.ToFixed(7), row.number);
      for (const auto& [code, id] : abstract_ids_) {
        if (row.kind == core::ResourceKind::kMaterial && row.code.rfind(code, 0) == 0) {
          x_.Open("LinkResource");
          x_.Text("IDResourceLink", std::to_string(id));
          x_.Close();
          break;
        }
      }
      External(row.code);
      x_.Close();
    }
    if (aux) {
      x_.Open("Material");
      x_.Text("IDResource", std::to_string(++id_));
      x_.Text("Num", std::to_string(++num));
      x_.Text("Code", "421/пр_2020_п.75_пп.а");
      x_.Text("Name", p.auxiliary_materials->name.empty() ? "Вспомогательные ненормируемые материалы"
                                                          : p.auxiliary_materials->name);
      const std::string percent = p.auxiliary_materials->percent.ToString();
      QuantityHead(percent, percent, "");
      x_.Text("Unit", "%");
      x_.Number("PriceTotalCur", d.auxiliary_materials, money_);
      QuantityTail(percent, "");
      x_.Close();
    }
    x_.Close();
    abstract_ids_.clear();
  }

  const core::Estimate& e_;
  const GgeHeader& h_;
  const bool v302_;
  const core::EstimateResult* result_ = nullptr;
  int money_ = 2;
  XmlOut x_;
  std::vector<std::string> problems_;
  std::size_t running_ = 0;  // the position's running number
  std::size_t id_ = 0;       // IDResource
  std::vector<std::pair<std::string, std::size_t>> abstract_ids_;  // "П" resources of the item
};

}  // namespace

GgeHeader Fsnb2022Header() {
  GgeHeader h;
  h.main = {"Федеральные сметные нормативы ФСНБ-2022 (приказ Минстроя России от 30.12.2021 "
            "№ 1046/пр с изменениями)",
            "ГСН", "2025-08-14", "535", ""};
  h.methodology = {"Методика определения сметной стоимости строительства, утверждена приказом "
                   "Минстроя России от 04.08.2020 № 421/пр",
                   "ГСН", "2025-08-14", "532", ""};
  h.overheads = {"Методика по разработке и применению нормативов накладных расходов, утверждена "
                 "приказом Минстроя России от 21.12.2020 № 812/пр",
                 "ГСН", "2021-04-16", "377",
                 "Приказы Минстроя России № 812/пр от 21.12.2020, № 636/пр от 02.09.2021, "
                 "№ 611/пр от 26.07.2022"};
  h.profits = {"Методика по разработке и применению нормативов сметной прибыли, утверждена "
               "приказом Минстроя России от 11.12.2020 № 774/пр",
               "ГСН", "2021-04-16", "376",
               "Приказы Минстроя России № 774/пр от 11.12.2020, № 317/пр от 22.04.2022"};
  return h;
}

Result<GgeHeader> ParseGgeHeader(std::string_view document_json, GgeHeader h) {
  boost::system::error_code ec;
  json::value v = json::parse(document_json, ec);
  if (ec || !v.is_object()) return InvalidArgument("(document): not a JSON object");
  const json::value* header = v.get_object().if_contains("header");
  if (header == nullptr || header->is_null()) return h;
  if (!header->is_object()) return InvalidArgument("header: expected an object");
  std::vector<std::string> problems;
  const auto text = [&](const json::object& o, const char* key, std::string& out,
                        const std::string& path) {
    const json::value* x = o.if_contains(key);
    if (x == nullptr || x->is_null()) return;
    if (!x->is_string()) {
      problems.push_back(path + key + ": expected a string");
      return;
    }
    out = std::string(x->get_string());
  };
  const auto object = [&](const json::object& o, const char* key,
                          const std::string& path) -> const json::object* {
    const json::value* x = o.if_contains(key);
    if (x == nullptr || x->is_null()) return nullptr;
    if (!x->is_object()) {
      problems.push_back(path + key + ": expected an object");
      return nullptr;
    }
    return &x->get_object();
  };
  const json::object& o = header->get_object();
  const std::string p = "header.";
  if (const auto* c = object(o, "construction", p)) {
    text(*c, "number", h.construction_number, p + "construction.");
    text(*c, "name", h.construction_name, p + "construction.");
  }
  if (const auto* c = object(o, "object", p)) {
    text(*c, "number", h.object_number, p + "object.");
    text(*c, "name", h.object_name, p + "object.");
    text(*c, "address", h.object_address, p + "object.");
  }
  text(o, "number", h.number, p);
  text(o, "name", h.name, p);
  text(o, "date", h.date, p);
  text(o, "basis", h.basis, p);
  text(o, "territory", h.territory, p);
  text(o, "guid", h.guid, p);
  text(o, "object_type", h.object_type, p);
  text(o, "index_object_type", h.index_object_type, p);
  text(o, "index_industry_type", h.index_industry_type, p);
  text(o, "construction_type", h.construction_type, p);
  text(o, "base_price_note", h.base_price_note, p);
  if (const auto* r = object(o, "region", p)) {
    text(*r, "code", h.region_code, p + "region.");
    text(*r, "name", h.region_name, p + "region.");
    text(*r, "zone_code", h.zone_code, p + "region.");
    text(*r, "zone_name", h.zone_name, p + "region.");
  }
  if (const auto* pl = object(o, "price_level", p)) {
    std::string year, quarter;
    text(*pl, "year", year, p + "price_level.");
    text(*pl, "quarter", quarter, p + "price_level.");
    h.price_year = std::atoi(year.c_str());
    h.price_quarter = std::atoi(quarter.c_str());
  }
  if (const auto* s = object(o, "signatures", p)) {
    text(*s, "composed", h.composed_by, p + "signatures.");
    text(*s, "verified", h.verified_by, p + "signatures.");
  }
  if (const auto* legal = object(o, "legal", p)) {
    const std::pair<const char*, GgeLegal*> acts[] = {{"norms", &h.main},
                                                      {"methodology", &h.methodology},
                                                      {"overheads", &h.overheads},
                                                      {"profits", &h.profits}};
    for (const auto& [key, act] : acts) {
      if (const auto* l = object(*legal, key, p + "legal.")) {
        const std::string lp = p + "legal." + key + ".";
        text(*l, "name", act->name, lp);
        text(*l, "type", act->type, lp);
        text(*l, "date", act->date, lp);
        text(*l, "number", act->number, lp);
        text(*l, "orders", act->orders, lp);
      }
    }
    if (const json::value* list = legal->if_contains("indexes"); list && !list->is_null()) {
      if (!list->is_array()) {
        problems.push_back(p + "legal.indexes: expected an array of acts");
      } else {
        h.indexes.clear();
        for (std::size_t i = 0; i < list->get_array().size(); ++i) {
          const std::string lp = p + "legal.indexes[" + std::to_string(i) + "].";
          const json::value& item = list->get_array()[i];
          if (!item.is_object()) {
            problems.push_back(lp.substr(0, lp.size() - 1) + ": expected an object");
            continue;
          }
          GgeLegal act;
          act.type = "Справочная информация";
          for (const auto& [key, field] :
               {std::pair<const char*, std::string*>{"name", &act.name}, {"type", &act.type},
                {"date", &act.date}, {"number", &act.number}, {"orders", &act.orders}}) {
            text(item.get_object(), key, *field, lp);
          }
          h.indexes.push_back(std::move(act));
        }
      }
    }
    text(*legal, "salary_act", h.salary_act, p + "legal.");
  }
  if (!problems.empty()) {
    std::string message;
    for (const auto& m : problems) message += (message.empty() ? "" : "\n") + m;
    return InvalidArgument(message);
  }
  return h;
}

std::string GgeHeaderJson(const GgeHeader& h) {
  const auto put = [](json::object& o, const char* key, const std::string& value) {
    if (!value.empty()) o[key] = value;
  };
  const auto act = [&](const GgeLegal& l) {
    json::object o;
    put(o, "name", l.name);
    put(o, "type", l.type);
    put(o, "date", l.date);
    put(o, "number", l.number);
    put(o, "orders", l.orders);
    return o;
  };
  json::object o;
  json::object construction, object, region, signatures, legal;
  put(construction, "number", h.construction_number);
  put(construction, "name", h.construction_name);
  put(object, "number", h.object_number);
  put(object, "name", h.object_name);
  put(object, "address", h.object_address);
  if (!construction.empty()) o["construction"] = std::move(construction);
  if (!object.empty()) o["object"] = std::move(object);
  put(o, "number", h.number);
  put(o, "name", h.name);
  put(o, "date", h.date);
  put(o, "basis", h.basis);
  put(o, "territory", h.territory);
  put(o, "guid", h.guid);
  put(o, "object_type", h.object_type);
  put(o, "index_object_type", h.index_object_type);
  put(o, "index_industry_type", h.index_industry_type);
  put(o, "construction_type", h.construction_type);
  put(o, "base_price_note", h.base_price_note);
  put(region, "code", h.region_code);
  put(region, "name", h.region_name);
  put(region, "zone_code", h.zone_code);
  put(region, "zone_name", h.zone_name);
  if (!region.empty()) o["region"] = std::move(region);
  if (h.price_year > 0) {
    o["price_level"] = json::object{{"year", std::to_string(h.price_year)},
                                    {"quarter", std::to_string(h.price_quarter)}};
  }
  put(signatures, "composed", h.composed_by);
  put(signatures, "verified", h.verified_by);
  if (!signatures.empty()) o["signatures"] = std::move(signatures);
  legal["norms"] = act(h.main);
  legal["methodology"] = act(h.methodology);
  legal["overheads"] = act(h.overheads);
  legal["profits"] = act(h.profits);
  if (!h.indexes.empty()) {
    json::array indexes;
    for (const GgeLegal& l : h.indexes) indexes.push_back(act(l));
    legal["indexes"] = std::move(indexes);
  }
  put(legal, "salary_act", h.salary_act);
  o["legal"] = std::move(legal);
  return json::serialize(o);
}

Result<std::string> WriteGgeLocalEstimate(const core::Estimate& estimate,
                                          const GgeHeader& header, GgeVersion version) {
  InitLibxml();
  return LocalEstimateWriter(estimate, header, version).Write();
}

namespace {

struct SchemaErrors {
  std::vector<std::string> lines;
};

void CollectError(void* context, xmlError* error) {
  auto* errors = static_cast<SchemaErrors*>(context);
  if (errors->lines.size() >= 20) return;
  std::string message = error->message != nullptr ? error->message : "invalid";
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  errors->lines.push_back("line " + std::to_string(error->line) + ": " + message);
}

}  // namespace

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
  auto doc = ParseGgeFile(xml);
  if (!doc.ok()) return doc.status();
  return LocalEstimateReader().Read(xmlDocGetRootElement(doc->get()));
}

Status ValidateXml(std::string_view xml, const std::string& xsd_path) {
  InitLibxml();
  SchemaErrors errors;
  std::unique_ptr<xmlSchemaParserCtxt, decltype(&xmlSchemaFreeParserCtxt)> parser(
      xmlSchemaNewParserCtxt(xsd_path.c_str()), xmlSchemaFreeParserCtxt);
  if (!parser) return NotFound("schema " + xsd_path + ": cannot be read");
  xmlSchemaSetParserStructuredErrors(parser.get(), CollectError, &errors);
  std::unique_ptr<xmlSchema, decltype(&xmlSchemaFree)> schema(xmlSchemaParse(parser.get()),
                                                              xmlSchemaFree);
  if (!schema) {
    return NotFound("schema " + xsd_path + ": not found or not a valid XSD" +
                    (errors.lines.empty() ? "" : " (" + errors.lines.front() + ")"));
  }
  // Our own output, but parsed under the same bounds as an upload: it costs one linear scan.
  auto doc = ParseGgeFile(xml);
  if (!doc.ok()) return doc.status();
  std::unique_ptr<xmlSchemaValidCtxt, decltype(&xmlSchemaFreeValidCtxt)> valid(
      xmlSchemaNewValidCtxt(schema.get()), xmlSchemaFreeValidCtxt);
  xmlSchemaSetValidStructuredErrors(valid.get(), CollectError, &errors);
  if (xmlSchemaValidateDoc(valid.get(), doc->get()) == 0) return Status::Ok();
  std::string message = "xml: not valid against " + xsd_path;
  for (const auto& line : errors.lines) message += "\n" + line;
  return InvalidArgument(message);
}

}  // namespace estimate::formats
