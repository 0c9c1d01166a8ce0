#include "formats/gge/gge.hpp"

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
#include "formats/document/estimate_document.hpp"
#include "formats/gge/detail/xml_support.hpp"

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
  LocalEstimateWriter(const core::Estimate& e, const core::EstimateResult& result,
                      const GgeHeader& h, GgeVersion version)
      : e_(e), h_(h), v302_(version == GgeVersion::k302), result_(&result) {}

  Result<std::string> Write() {
    CheckGgeHeader(h_, problems_);
    if (!problems_.empty()) return Fail();
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

Result<std::string> WriteGgeLocalEstimate(const core::Estimate& estimate,
                                          const core::EstimateResult& result,
                                          const GgeHeader& header, GgeVersion version) {
  InitLibxml();
  return LocalEstimateWriter(estimate, result, header, version).Write();
}

}  // namespace estimate::formats
