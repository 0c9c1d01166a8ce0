// ГГЭ XML of the ЛСР by the base-index method: the 3.01 shape ГОССТРОЙСМЕТА writes (no published
// XSD) and the 3.02 draft (LocalEstimateBaseIndexMethod-3_02-draft.xsd), from one writer; they
// differ only by the renames of docs/design/documents-io.md §4.3. Every figure is the
// calculator's (core::CalculateBaseIndexEstimate), the SectionPrice blocks included.
#include <span>
#include <string>
#include <vector>

#include "core/base_index_calculator.hpp"
#include "formats/gge/gge.hpp"
#include "formats/gge/detail/xml_support.hpp"

namespace estimate::formats {
namespace {

using core::BaseIndexAmounts;
using core::BaseIndexBlock;
using core::BaseIndexPosition;
using core::BaseIndexPositionResult;
using core::BaseIndexResult;
using core::CostColumn;
using core::Decimal;
using namespace xml;  // NOLINT: the XML helpers

const Decimal kOne = Decimal::FromInt(1);

const char* SummaryType(CostColumn c) {
  switch (c) {
    case CostColumn::kInstallation:
      return "Монтажные";
    case CostColumn::kEquipment:
      return "Оборудование";
    case CostColumn::kOther:
      return "Прочее";
    default:
      return "Строительные";
  }
}

// A price of конъюнктурный анализ (КА) or a price list, not of the ФСБЦ: ГОССТРОЙСМЕТА codes such
// a resource «ТЦ_…» (текущая цена) and states it apart as External.
bool IsMarketPrice(const std::string& code) { return code.rfind("ТЦ", 0) == 0; }

// Materials and equipment at market prices within some positions, per block: base, and current
// line by line. Norms counted in other costs have theirs inside Other.
struct MarketPriced {
  Decimal construction, construction_current, installation, installation_current;
  Decimal equipment, equipment_current;
};

MarketPriced MarketPricedOf(std::span<const core::BaseIndexSection> sections,
                    const core::BaseIndexIndices& indices) {
  MarketPriced x;
  const auto add = [](Decimal& base, Decimal& current, const Decimal& line, const Decimal& index) {
    base += line;
    current += (line * index).Round(2);
  };
  for (const auto& s : sections) {
    for (const BaseIndexPosition& p : s.positions) {
      const bool installation = p.column == CostColumn::kInstallation;
      Decimal& materials = installation ? x.installation : x.construction;
      Decimal& materials_current = installation ? x.installation_current : x.construction_current;
      if (p.type == core::BaseIndexPositionType::kResource && IsMarketPrice(p.code)) {
        const Decimal line = core::BaseIndexLine(p.quantity, p.base_price, p.price_factor);
        if (p.column == CostColumn::kEquipment) {
          add(x.equipment, x.equipment_current, line, indices.equipment);
        } else if (p.column != CostColumn::kOther) {
          add(materials, materials_current, line, indices.materials);
        }
      }
      if (p.column == CostColumn::kOther) continue;
      for (const auto& l : p.materials) {
        if (IsMarketPrice(l.code)) {
          add(materials, materials_current,
              core::BaseIndexLine(l.quantity, l.base_price, l.price_factor), indices.materials);
        }
      }
      for (const auto& l : p.equipment) {
        if (IsMarketPrice(l.code)) {
          add(x.equipment, x.equipment_current,
              core::BaseIndexLine(l.quantity, l.base_price, l.price_factor), indices.equipment);
        }
      }
    }
  }
  return x;
}

// Which columns the positions of some sections use (a block is written when it has positions).
struct Columns {
  bool construction = false, installation = false, equipment = false, other = false;
};

Columns ColumnsOf(std::span<const core::BaseIndexSection> sections) {
  Columns c;
  for (const auto& s : sections) {
    for (const BaseIndexPosition& p : s.positions) {
      c.construction |= p.column == CostColumn::kConstruction;
      c.installation |= p.column == CostColumn::kInstallation;
      c.other |= p.column == CostColumn::kOther;
      c.equipment |= p.column == CostColumn::kEquipment || !p.equipment.empty();
    }
  }
  return c;
}

class BaseIndexWriter {
 public:
  BaseIndexWriter(const core::BaseIndexEstimate& e, const BaseIndexResult& result,
                  const GgeHeader& h, GgeVersion version)
      : e_(e), h_(h), v302_(version == GgeVersion::k302),
        by_element_(e.indices.indexing == core::BaseIndexIndexing::kByCostElement),
        result_(&result) {}

  Result<std::string> Write() {
    CheckGgeHeader(h_, problems_);
    if (ConstructionTypeCode(h_.construction_type) == 0) {
      problems_.push_back("header.construction_type: expected Строительство, Реконструкция, "
                          "Капитальный ремонт, Снос or Сохранение объекта культурного наследия");
    }
    CheckCombinations();
    if (!problems_.empty()) return Problems(problems_);
    index_name_ = !h_.indexes.empty() && !h_.indexes.front().name.empty()
                      ? h_.indexes.front().name
                      : "Индексы изменения сметной стоимости строительства, " +
                            std::to_string(h_.price_quarter) + " квартал " +
                            std::to_string(h_.price_year) + " г.";

    OpenLocalEstimate(x_, h_, "LocalEstimateBaseIndexMethod", v302_);
    WriteHeader();
    WriteSummary("EstimatePrice", *result_, e_.sections, true);
    x_.Open("Signatures");
    x_.Text("ComposeFIO", h_.composed_by);
    x_.Text("VerifyFIO", h_.verified_by);
    x_.Close();
    x_.Open("Sections");
    std::size_t first = 0;
    for (std::size_t s = 0; s < e_.sections.size(); ++s) {
      WriteSection(s, first);
      first += e_.sections[s].positions.size();
    }
    x_.Close();
    CloseLocalEstimate(x_, h_);
    if (!problems_.empty()) return Problems(problems_);
    return x_.Finish();
  }

 private:
  // ГГЭ XML states how a coefficient combines only through its reason (шифр): one whose name
  // reads otherwise would come back with other figures, so it is refused.
  void CheckCombinations() {
    static const char* const kNames[] = {"multiply", "additive", "appendix10_multiply"};
    for (std::size_t s = 0; s < e_.sections.size(); ++s) {
      for (std::size_t p = 0; p < e_.sections[s].positions.size(); ++p) {
        const auto& cs = e_.sections[s].positions[p].coefficients;
        for (std::size_t i = 0; i < cs.size(); ++i) {
          const core::BaseIndexCombination read = core::CombinationOfReason(cs[i].name);
          if (read == cs[i].combination) continue;
          problems_.push_back("sections[" + std::to_string(s) + "].positions[" + std::to_string(p) +
                              "].coefficients[" + std::to_string(i) + "].combine: " +
                              kNames[static_cast<int>(cs[i].combination)] +
                              ", but ГГЭ XML states it by the name «" + cs[i].name +
                              "», which reads as " + kNames[static_cast<int>(read)] +
                              " (прил.10_т.1: additive; прил.10_т.2, т.3: appendix10_multiply)");
        }
      }
    }
  }

  // --- the estimate's header ---

  void WriteHeader() {
    WriteGuidLegalSalary(x_, h_);
    x_.Text("IndexType", by_element_ ? "Индексы к элементам прямых затрат" : "Индексы к СМР");
    if (!h_.index_object_type.empty()) x_.Text("IndexObjectType", h_.index_object_type);
    if (!h_.index_industry_type.empty()) x_.Text("IndexIndustryType", h_.index_industry_type);
    WriteRegionAndName(x_, h_, v302_);
    if (v302_) {
      x_.Text("LocalEstimateBaseIndexMethodType",
              std::to_string(ConstructionTypeCode(h_.construction_type)));
    } else {
      x_.Text("EstimateType", h_.construction_type);
    }
    x_.Open("PriceLevelBase");  // ФЕР/ТЕР-2001: prices of 01.01.2000
    x_.Text("Year", "2000");
    x_.Text("Month", "1");
    x_.Text("Quarter", "1");
    if (!h_.base_price_note.empty()) x_.Text("Note", h_.base_price_note);
    x_.Close();
    WritePriceLevelCur(x_, h_);
    if (!h_.basis.empty()) x_.Text("Reason", h_.basis);
  }

  // --- TSummary: the estimate's or a section's totals ---

  // A TPriceElement: the base figure, the index applied to it and the current figure, each
  // when known at this level.
  void Pair(const char* name, const Decimal& base, const Decimal* current,
            const Decimal* index = nullptr) {
    x_.Open(name);
    x_.Number("PriceBase", base, 2);
    if (index != nullptr) {
      x_.Open("PriceIndex");
      x_.Plain("Final", index->Normalized());
      x_.Plain("Value", index->Normalized());
      x_.Text("IndexName", index_name_);
      x_.Close();
    }
    if (current != nullptr) x_.Number("PriceCurrent", *current, 2);
    x_.Close();
  }

  // Building, Mounting (TSummaryItems). `block`: the current figures indexed on the block's
  // totals are known (the estimate's totals; a section states only the per-position ones).
  // `external`: the block's materials at market prices (base, current); `price`: the block's
  // cost when it differs from its total (Summary: the works alone, as ГОССТРОЙСМЕТА states it).
  void WriteWorks(const char* element, const BaseIndexBlock& b, bool block,
                  const std::pair<Decimal, Decimal>& external, bool one_block = true,
                  const BaseIndexBlock* price = nullptr) {
    const BaseIndexAmounts& base = b.base;
    const BaseIndexAmounts& cur = b.current;
    const Decimal* const none = nullptr;
    const auto per_position = [&](const Decimal& d) { return by_element_ ? &d : none; };
    const auto on_block = [&](const Decimal& d) { return by_element_ && block ? &d : none; };
    const Decimal machines_total_base = base.em + base.otm_extra;
    const Decimal machines_total_cur = cur.em + cur.otm_extra;
    const Decimal materials_base = base.m + base.transport;
    const Decimal materials_cur = cur.m + cur.transport;
    const Decimal& smr = e_.indices.construction_installation;
    x_.Open(element);
    if (by_element_) {
      Pair("Total", base.total, on_block(cur.total));
    } else {
      Pair("Total", base.total, block ? &cur.total : none, block && one_block ? &smr : none);
    }
    // The estimate's pay indices (a norm may have its own: Cost/Index), stated with the block so
    // that a reader need not guess them from the norms.
    Pair("WorkersSalary", base.ot, per_position(cur.ot), on_block(e_.indices.workers_pay));
    Pair("MachinistSalary", base.otm, per_position(cur.otm), on_block(machinists_index_));
    Pair("MachinistSalaryExtra", base.otm_extra, per_position(cur.otm_extra));
    Pair("Salary", base.fot, per_position(cur.fot));
    Pair("Overhead", base.overhead, per_position(cur.overhead));
    Pair("Profit", base.profit, per_position(cur.profit));
    Pair("MachinesTotal", machines_total_base, on_block(machines_total_cur));
    Pair("Machines", base.em, on_block(cur.em), by_element_ ? &e_.indices.machines : none);
    x_.Open("Materials");
    Pair("Total", materials_base, on_block(materials_cur));
    Pair("Price", base.m, on_block(cur.m), by_element_ ? &e_.indices.materials : none);
    if (!external.first.IsZero()) Pair("External", external.first, per_position(external.second));
    Pair("Transport", base.transport, &cur.transport);  // indexed line by line
    x_.Close();
    Pair("Direct", base.direct, on_block(cur.direct));
    x_.Plain("TotalLaborCosts", (b.labor_hours + b.machinist_hours).Normalized());
    x_.Plain("LaborCosts", b.labor_hours.Normalized());
    x_.Plain("MachinistLaborCosts", b.machinist_hours.Normalized());
    Pair("TransportTotal", base.transport, &cur.transport);
    Pair("TransportAdd", base.transport, &cur.transport);
    if (price == nullptr) price = &b;
    Pair("Price", price->base.total, block ? &price->current.total : none);
    x_.Close();
  }

  void WriteSummary(const char* element, const core::BaseIndexBlocks& r,
                    std::span<const core::BaseIndexSection> sections, bool block) {
    const Decimal* const none = nullptr;
    const Columns columns = ColumnsOf(sections);
    const MarketPriced ext = MarketPricedOf(sections, e_.indices);
    x_.Open(element);
    if (columns.construction) {
      WriteWorks("Building", r.construction, block, {ext.construction, ext.construction_current});
    }
    if (columns.installation) {
      WriteWorks("Mounting", r.installation, block, {ext.installation, ext.installation_current});
    }
    if (columns.equipment) {
      const BaseIndexBlock& eq = r.equipment;
      x_.Open("Equipment");
      Pair("Total", eq.base.total, block ? &eq.current.total : none);
      Pair("Price", eq.base.equipment, block ? &eq.current.equipment : none,
           &e_.indices.equipment);
      if (!ext.equipment.IsZero()) {
        Pair("External", ext.equipment, by_element_ ? &ext.equipment_current : none);
      }
      Pair("Transport", eq.base.equipment_transport, &eq.current.equipment_transport);
      x_.Close();
    }
    if (columns.other) {
      const BaseIndexBlock& o = r.other;
      if (!(o.labor_hours + o.machinist_hours).IsZero()) {
        // The norms counted in other costs: their money is in Other, their hours here.
        x_.Open("OtherWorks");
        Pair("Total", Decimal(), nullptr);
        x_.Plain("TotalLaborCosts", (o.labor_hours + o.machinist_hours).Normalized());
        x_.Plain("LaborCosts", o.labor_hours.Normalized());
        x_.Plain("MachinistLaborCosts", o.machinist_hours.Normalized());
        Pair("Price", Decimal(), nullptr);
        x_.Close();
      }
      Pair("Other", o.base.other, block ? &o.current.other : none, &e_.indices.other);
      Pair("OtherTotal", o.base.total, block ? &o.current.total : none);
    }
    BaseIndexBlock works = r.construction;
    Add(works, r.installation);
    works.labor_hours += r.other.labor_hours;
    works.machinist_hours += r.other.machinist_hours;
    BaseIndexBlock all = works;
    all.base.total = r.total.base.total;
    all.current.total = r.total.current.total;
    WriteWorks("Summary", all, block,
               {ext.construction + ext.installation,
                ext.construction_current + ext.installation_current},
               false, &works);
    Pair("Total", r.total.base.total, block ? &r.total.current.total : none);
    x_.Close();
  }

  static void Add(BaseIndexBlock& to, const BaseIndexBlock& b) {
    core::AddAmounts(to.base, b.base);
    core::AddAmounts(to.current, b.current);
    to.labor_hours += b.labor_hours;
    to.machinist_hours += b.machinist_hours;
  }

  // --- sections and items ---

  void WriteSection(std::size_t s, std::size_t first) {
    const core::BaseIndexSection& section = e_.sections[s];
    const std::string name = section.name.empty() ? "Раздел " + std::to_string(s + 1) : section.name;
    x_.Open("Section");
    x_.Text("Code", std::to_string(s + 1));
    x_.Text("Name", name);
    x_.Open("Items");
    // A section of headings only (ГОССТРОЙСМЕТА writes such): Items wants one entry at least.
    if (section.positions.empty()) x_.Text("FreeString", name);
    for (std::size_t p = 0; p < section.positions.size(); ++p) {
      const std::string where =
          "sections[" + std::to_string(s) + "].positions[" + std::to_string(p) + "]";
      WriteItem(section.positions[p], result_->positions[first + p], first + p + 1, where);
    }
    x_.Close();
    WriteSummary("SectionPrice", result_->sections[s].blocks, {&section, 1}, false);
    x_.Close();
  }

  // Overheads / Profits (TOverhead): percent of ФОТ with its factor.
  void WriteRate(const char* element, const core::BaseIndexRate& rate, const Decimal& base,
                 const Decimal& current, const char* factor_name) {
    x_.Open(element);
    x_.Text("Reason", rate.code);
    x_.Text("Target", "ФОТ");
    x_.Plain("Value", rate.percent.Normalized());
    x_.Plain("ValueTotal", (rate.percent * rate.k).Round(7).Normalized());
    x_.Number("PriceBase", base, 2);
    if (rate.k != kOne) {
      x_.Open("Coefficients");
      x_.Plain("Final", rate.k.Normalized());
      x_.Open("Coefficient");
      x_.Text("Name", factor_name);
      x_.Text("Reason", "");
      x_.Text("Num", "1");
      x_.Plain("Value", rate.k.Normalized());
      x_.Close();
      x_.Close();
    }
    if (by_element_) x_.Number("PriceCur", current, 2);
    x_.Close();
  }

  // Code and Prefix of a norm or a resource ("ФЕР08-01-001-01" → ФЕР, 08-01-001-01).
  void Code(const std::string& code, bool prefix_required) {
    if (auto split = SplitCode(code)) {
      x_.Text("Prefix", split->first);
      x_.Text("Code", split->second);
      return;
    }
    if (prefix_required) x_.Text("Prefix", "");
    x_.Text("Code", code);
  }

  // The quantity pair: 3.01 writes Consumption before Unit and ConsumptionTotal after the
  // current prices; 3.02 writes Quantity and QuantityTotal together before Unit.
  struct Quantities {
    Decimal per_unit, total;
  };

  void QuantityHead(const Quantities& q, const std::string& unit) {
    if (v302_) {
      x_.Plain("Quantity", q.per_unit);
      x_.Plain("QuantityTotal", q.total);
    } else {
      x_.Plain("Consumption", q.per_unit);
    }
    x_.Text("Unit", unit);
  }

  void QuantityTail(const Quantities& q) {
    if (!v302_) x_.Plain("ConsumptionTotal", q.total);
  }

  // The Стоимость factor of a resource or transport row (e.g. 1.025 by ФСБЦ п.100).
  void PriceFactor(const Decimal& factor) {
    if (factor == kOne) return;
    const auto values = [&] {
      x_.Open("Values");
      x_.Open("Value");
      x_.Text("Target", "Стоимость");
      x_.Plain("CoefValue", factor.Normalized());
      x_.Close();
      x_.Close();
    };
    x_.Open("Coefficients");
    x_.Open("Final");
    values();
    x_.Close();
    x_.Open("Coefficient");
    values();
    x_.Text("Name", "Коэффициент к сметной цене");
    x_.Text("Reason", "");
    x_.Close();
    x_.Close();
  }

  void ResourceIndex(const Decimal& index) {
    x_.Open("Index");
    x_.Text("Name", index_name_);
    x_.Text("Num", "1");
    x_.Open("Value");
    x_.Plain("Final", index.Normalized());
    x_.Plain("Value", index.Normalized());
    x_.Close();
    x_.Close();
  }

  void WriteTransport(const core::BaseIndexTransportLine& t, std::size_t num) {
    const Decimal line = core::BaseIndexLine(t.quantity, t.base_price, t.price_factor);
    x_.Open("Transport");
    x_.Text("Num", std::to_string(num));
    Code(t.code, false);
    x_.Text("Name", t.name.empty() ? t.code : t.name);
    QuantityHead({t.quantity, t.quantity}, core::kFreightUnit);
    x_.Number("PriceTotalCur", (line * t.index).Round(2), 2);  // indexed on the line
    QuantityTail({t.quantity, t.quantity});
    x_.Plain("PricePerUnitBase", t.base_price);
    x_.Number("PriceTotalBase", line, 2);
    PriceFactor(t.price_factor);
    ResourceIndex(t.index);
    x_.Close();
  }

  // A chosen material or an equipment row of a norm, with the position's transport rows when
  // `transport` is set (the reader takes them back in order, whatever their parent).
  void WritePricedLine(const char* element, const core::BaseIndexPricedLine& l, const Decimal& v,
                       std::size_t num, const std::vector<core::BaseIndexTransportLine>* transport) {
    x_.Open(element);
    x_.Text("Num", std::to_string(num));
    Code(l.code, false);
    x_.Text("Name", l.name.empty() ? l.code : l.name);
    const Decimal per_unit = v.IsZero() ? l.quantity : Decimal::Divide(l.quantity, v, 7).Normalized();
    QuantityHead({per_unit, l.quantity}, l.unit);
    QuantityTail({per_unit, l.quantity});
    x_.Plain("PricePerUnitBase", l.base_price);
    x_.Number("PriceTotalBase", core::BaseIndexLine(l.quantity, l.base_price, l.price_factor), 2);
    PriceFactor(l.price_factor);
    if (transport != nullptr) {
      for (std::size_t i = 0; i < transport->size(); ++i) WriteTransport((*transport)[i], i + 1);
    }
    x_.Close();
  }

  // The coefficients of a norm: the resulting factors, then each coefficient by element.
  void WriteCoefficients(const BaseIndexPosition& p, const BaseIndexPositionResult& r,
                         const std::string& where) {
    if (p.coefficients.empty()) return;
    const auto values = [&](std::initializer_list<std::pair<const char*, const Decimal*>> list) {
      x_.Open("Values");
      for (const auto& [target, value] : list) {
        if (value == nullptr) continue;
        x_.Open("Value");
        x_.Text("Target", target);
        x_.Plain("CoefValue", value->Normalized());
        x_.Close();
      }
      x_.Close();
    };
    x_.Open("Coefficients");
    x_.Open("Final");
    values({{"ОТ", &r.k.ot},
            {"ЭМ", &r.k.em},
            {"ОТМ", &r.k.otm},
            {"МАТ", &r.k.m},
            {"ЗТ", &r.k.labor_hours},
            {"ЗТМ", &r.k.machinist_hours}});
    x_.Close();
    for (std::size_t i = 0; i < p.coefficients.size(); ++i) {
      const core::BaseIndexCoefficient& c = p.coefficients[i];
      const auto at = [](const std::optional<Decimal>& d) { return d ? &*d : nullptr; };
      if (!c.labor && !c.machinist_labor && !c.machines && !c.materials && !c.workers_pay &&
          !c.machinists_pay) {
        problems_.push_back(where + ".coefficients[" + std::to_string(i) +
                            "]: no factor to any element, nothing ГГЭ XML can state");
        continue;
      }
      x_.Open("Coefficient");
      values({{"ЗТ", at(c.labor)},
              {"ЗТМ", at(c.machinist_labor)},
              {"ЭМ", at(c.machines)},
              {"МАТ", at(c.materials)},
              {"ОТ", at(c.workers_pay)},
              {"ОТМ", at(c.machinists_pay)}});
      x_.Text("Name", c.name);
      x_.Text("Reason", c.name);
      x_.Close();
    }
    x_.Close();
  }

  void WriteCost(const BaseIndexPosition& p, const BaseIndexPositionResult& r, std::size_t running,
                 const std::string& where) {
    const core::BaseIndexUnitRate& u = p.unit_rate;
    const BaseIndexAmounts& base = r.base;
    const BaseIndexAmounts& cur = r.current;
    x_.Open("Cost");
    x_.Text("Num", IsPositiveInteger(p.number) ? p.number : std::to_string(running));
    Code(p.code, true);
    x_.Text("Name", p.name);
    x_.Plain("Quantity", p.quantity);
    x_.Plain("QuantityTotal", p.quantity);
    x_.Text("Unit", p.unit);
    x_.Open("PerUnit");
    x_.Open("Base");
    x_.Number("Direct", u.workers_pay + u.machines + u.materials, 2);
    x_.Number("Machines", u.machines, 2);
    x_.Number("WorkersSalary", u.workers_pay, 2);
    x_.Number("MachinistSalary", u.machinists_pay, 2);
    x_.Number("Materials", u.materials, 2);
    x_.Close();
    x_.Open("Natural");
    x_.Plain("LaborCosts", u.labor_hours);
    x_.Plain("MachinistLaborCosts", u.machinist_hours);
    x_.Close();
    x_.Close();
    x_.Open("Totals");
    x_.Open("Base");
    x_.Number("Direct", r.norm_direct, 2);
    x_.Number("Machines", base.em, 2);
    x_.Number("WorkersSalary", base.ot, 2);
    x_.Number("MachinistSalary", base.otm, 2);
    x_.Number("Salary", base.ot + base.otm, 2);
    x_.Number("Materials", r.norm_direct - base.ot - base.em, 2);
    x_.Close();
    if (by_element_) {
      x_.Open("Current");
      x_.Number("WorkersSalary", cur.ot, 2);
      x_.Number("MachinistSalary", cur.otm, 2);
      x_.Number("Salary", cur.ot + cur.otm, 2);
      x_.Close();
    }
    x_.Open("Natural");
    x_.Plain("LaborCosts", r.labor_hours.Normalized());
    x_.Plain("MachinistLaborCosts", r.machinist_hours.Normalized());
    x_.Close();
    x_.Close();
    WriteCoefficients(p, r, where);
    if (by_element_) {
      const core::BaseIndexPayIndices indices = core::PayIndicesOf(p, e_.indices);
      const Decimal& pay = indices.workers_pay;
      const Decimal& machinists = indices.machinists_pay;
      x_.Open("Index");
      x_.Text("Name", index_name_);
      x_.Text("Reason", "Минстрой");
      x_.Text("Num", "1");
      x_.Open("Values");
      for (const auto& [target, value] : {std::pair{"ОТ", &pay}, std::pair{"ОТМ", &machinists}}) {
        x_.Open("Value");
        x_.Plain("Final", value->Normalized());
        x_.Plain("Value", value->Normalized());
        x_.Text("Target", target);
        x_.Close();
      }
      x_.Close();
      x_.Close();
    }
    x_.Close();
  }

  // The top-up of machinists' pay as ГОССТРОЙСМЕТА shows it: a machine row of the position
  // named after the coefficients that raise the pay only.
  void WriteTopUp(const BaseIndexPosition& p, const BaseIndexPositionResult& r, std::size_t num) {
    std::string code;
    for (const core::BaseIndexCoefficient& c : p.coefficients) {
      if (c.machinists_pay && c.machinists_pay != c.machinist_labor) {
        code += (code.empty() ? "" : ",") + c.name;
      }
    }
    x_.Open("Machine");
    x_.Text("Num", std::to_string(num));
    x_.Text("Code", code.empty() ? "421/пр_2020_п.60.1" : code);
    x_.Text("Name", "Доплаты к оплате труда машинистов");
    QuantityHead({p.quantity, p.quantity}, p.unit);
    if (by_element_) x_.Number("PriceTotalCur", r.current.otm_extra, 2);
    QuantityTail({p.quantity, p.quantity});
    x_.Number("PriceTotalBase", r.base.otm_extra, 2);
    x_.Close();
  }

  void WriteItem(const BaseIndexPosition& p, const BaseIndexPositionResult& r, std::size_t running,
                 const std::string& where) {
    x_.Open("Item");
    x_.Text("SummaryType", SummaryType(p.column));
    x_.Text("WorkType", SummaryType(p.column));
    if (p.type == core::BaseIndexPositionType::kNorm) {
      if (p.overhead) {
        WriteRate("Overheads", *p.overhead, r.base.overhead, r.current.overhead,
                  "Коэффициент к нормативу накладных расходов");
      }
      if (p.profit) {
        WriteRate("Profits", *p.profit, r.base.profit, r.current.profit,
                  "Коэффициент к нормативу сметной прибыли");
      }
      WriteCost(p, r, running, where);
      const bool top_up = !r.base.otm_extra.IsZero();
      if (!p.materials.empty() || !p.equipment.empty() || !p.transport.empty() || top_up) {
        x_.Open("Resources");
        std::size_t num = 0;
        const std::vector<core::BaseIndexTransportLine>* transport = &p.transport;
        for (const auto& l : p.materials) {
          WritePricedLine("Material", l, p.quantity, ++num, transport);
          transport = nullptr;
        }
        for (const auto& l : p.equipment) {
          WritePricedLine("Equipment", l, p.quantity, ++num, transport);
          transport = nullptr;
        }
        if (transport != nullptr) {
          for (std::size_t i = 0; i < transport->size(); ++i) WriteTransport((*transport)[i], i + 1);
        }
        if (top_up) WriteTopUp(p, r, ++num);
        x_.Close();
      }
      x_.Open("Salary");
      x_.Number("Base", r.base.fot, 2);
      if (by_element_) x_.Number("Current", r.current.fot, 2);
      x_.Close();
      x_.Open("Totals");
      x_.Number("Base", r.base.total, 2);
      x_.Close();
    } else {
      WriteResource(p, r, running);
    }
    x_.Close();
  }

  // A stand-alone material, equipment or other cost with its own line of the current level.
  void WriteResource(const BaseIndexPosition& p, const BaseIndexPositionResult& r,
                     std::size_t running) {
    const char* element = "Material";
    const Decimal* index = &e_.indices.materials;
    if (p.column == CostColumn::kEquipment) {
      element = "Equipment";
      index = &e_.indices.equipment;
    } else if (p.column == CostColumn::kOther) {
      element = "Other";
      index = &e_.indices.other;
    }
    const Decimal line = core::BaseIndexLine(p.quantity, p.base_price, p.price_factor);
    const Decimal line_cur = (line * *index).Round(2);
    x_.Open(element);
    x_.Text("Num", IsPositiveInteger(p.number) ? p.number : std::to_string(running));
    Code(p.code, false);
    x_.Text("Name", p.name);
    QuantityHead({p.quantity, p.quantity}, p.unit);
    if (by_element_) {
      if (p.price_factor == kOne) x_.Number("PricePerUnitCur", (p.base_price * *index).Round(2), 2);
      x_.Number("PriceTotalCur", line_cur, 2);
    }
    QuantityTail({p.quantity, p.quantity});
    x_.Plain("PricePerUnitBase", p.base_price);
    x_.Number("PriceTotalBase", line, 2);
    if (by_element_) ResourceIndex(*index);
    PriceFactor(p.price_factor);
    for (std::size_t i = 0; i < p.transport.size(); ++i) WriteTransport(p.transport[i], i + 1);
    x_.Close();
    x_.Open("Totals");
    x_.Number("Base", r.base.total, 2);
    if (by_element_) {
      // As the blocks count it: other costs are indexed whole (transport included), materials and
      // equipment by their index and their transport line by line.
      x_.Number("Current", p.column == CostColumn::kOther
                               ? (r.base.total * *index).Round(2)
                               : line_cur + r.current.transport + r.current.equipment_transport,
                2);
    }
    x_.Close();
  }

  const core::BaseIndexEstimate& e_;
  const GgeHeader& h_;
  const bool v302_;
  const bool by_element_;
  XmlOut x_;
  const BaseIndexResult* result_ = nullptr;
  std::string index_name_;
  const Decimal machinists_index_ = e_.indices.machinists_pay.value_or(e_.indices.workers_pay);
  std::vector<std::string> problems_;
};

}  // namespace

GgeHeader Fer2001Header() {
  GgeHeader h;
  h.main = {"Приказ Минстроя России от 26.12.2019 № 876/пр", "ГСН", "2021-12-21", "395",
            "Приказ Минстроя России от 30.03.2020 № 172/пр; Приказ Минстроя России от "
            "01.06.2020 № 294/пр; Приказ Минстроя России от 30.06.2020 № 352/пр; Приказ "
            "Минстроя России от 20.10.2020 № 636/пр; Приказ Минстроя России от 09.02.2021 "
            "№ 51/пр; Приказ Минстроя России от 24.05.2021 № 321/пр; Приказ Минстроя России от "
            "24.06.2021 № 408/пр; Приказ Минстроя России от 14.10.2021 № 746/пр; Приказ "
            "Минстроя России от 20.12.2021 № 962/пр"};
  h.methodology = {"Приказ Минстроя России от 04.08.2020 № 421/пр", "ГСН", "2020-09-29", "348",
                   "Приказ Минстроя России от 07.07.2022 № 557/пр; Приказ Минстроя России от "
                   "30.01.2024 № 55/пр; Приказ Минстроя России от 23.01.2025 № 30/пр"};
  h.overheads = {"Приказ Минстроя России от 21.12.2020 № 812/пр", "ГСН", "2022-09-02", "430",
                 "Приказ Минстроя России от 02.09.2021 № 636/пр; Приказ Минстроя России от "
                 "26.07.2022 № 611/пр"};
  h.profits = {"Приказ Минстроя России от 11.12.2020 № 774/пр", "ГСН", "2022-07-18", "425",
               "Приказ Минстроя России от 22.04.2022 № 317/пр"};
  h.base_price_note = "ФЕР-2001 (ред. 2020 г.) в ценах по состоянию на 01.01.2000";
  return h;
}

Result<std::string> WriteGgeBaseIndexEstimate(const core::BaseIndexEstimate& estimate,
                                              const core::BaseIndexResult& result,
                                              const GgeHeader& header, GgeVersion version) {
  InitLibxml();
  return BaseIndexWriter(estimate, result, header, version).Write();
}

}  // namespace estimate::formats
