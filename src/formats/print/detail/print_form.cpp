#include "formats/print/detail/print_form.hpp"

#include <array>
#include <string_view>
#include <tuple>
#include <utility>

#include "core/resource_index_calculator.hpp"
#include "formats/print/detail/text_layout.hpp"

namespace estimate::formats {

using core::Decimal;

FormCell FormCell::Text(std::string text) {
  FormCell c;
  c.kind = Kind::kText;
  c.text = std::move(text);
  return c;
}

FormCell FormCell::Money(Decimal value) {
  FormCell c;
  c.kind = Kind::kMoney;
  c.value = value;
  return c;
}

FormCell FormCell::Quantity(Decimal value) {
  FormCell c;
  c.kind = Kind::kQuantity;
  c.value = value;
  return c;
}

std::string CellText(const FormCell& c) {
  switch (c.kind) {
    case FormCell::Kind::kEmpty:
      return {};
    case FormCell::Kind::kText:
      return c.text;
    case FormCell::Kind::kMoney:
      return Money(c.value);
    case FormCell::Kind::kQuantity:
      return Qty(c.value);
  }
  return {};
}

namespace {

// ---------------------------------------------------------------------------------------------
// ЛСР

class EstimateRows {
 public:
  FormRow& Row(FormRowKind kind) {
    FormRow& r = rows_.emplace_back();
    r.kind = kind;
    r.cells.resize(kEstimateColumns);
    return r;
  }
  void Heading(std::string text, bool bold) {
    FormRow& r = rows_.emplace_back();
    r.kind = FormRowKind::kHeading;
    r.text = std::move(text);
    r.bold = bold;
  }
  void Rule() { rows_.emplace_back().kind = FormRowKind::kRule; }
  // A label with a figure in графа 12 (none when `total` is empty).
  FormRow& Sum(std::string label, FormCell total, int indent = 0, bool bold = false) {
    FormRow& r = Row(FormRowKind::kSum);
    r.cells[kColName] = FormCell::Text(std::move(label));
    r.cells[kColTotal] = std::move(total);
    r.indent = indent;
    r.bold = bold;
    return r;
  }
  std::vector<FormRow>& rows() { return rows_; }

 private:
  std::vector<FormRow> rows_;
};

FormCell MoneyCell(const Decimal& d) { return FormCell::Money(d); }
FormCell QtyCell(const Decimal& d) { return FormCell::Quantity(d); }

// The group rows of §7.2: the group's number in графа 2, its name in графа 3.
struct Group {
  const char* number;
  const char* name;
};

Group KindGroup(core::ResourceKind kind) {
  switch (kind) {
    case core::ResourceKind::kLabor:
      return {"1", "ОТ(ЗТ)"};
    case core::ResourceKind::kMachine:
      return {"2", "ЭМ"};
    case core::ResourceKind::kMaterial:
      return {"4", "М"};
    case core::ResourceKind::kEquipment:
      return {"", "Оборудование"};
  }
  return {"", ""};
}

void PriceCells(const core::UnitPrice& p, const core::ComputedLine& line, FormRow* r) {
  if (p.source == core::UnitPrice::Source::kBaseIndex) {
    r->cells[kColBasePrice] = MoneyCell(p.base_price);
    r->cells[kColIndex] = QtyCell(p.index);
  }
  if (line.priced) {
    r->cells[kColPrice] = MoneyCell(line.price);
    r->cells[kColTotal] = MoneyCell(line.total);
  }
}

void NormRows(EstimateRows& t, const core::Position& pos, const core::PositionResult& r,
              const core::PositionDetail& d) {
  for (const core::Coefficient& k : pos.coefficients) {
    FormRow& c = t.Row(FormRowKind::kLine);
    c.cells[kColCode] = FormCell::Text(k.name);
    c.cells[kColName] = FormCell::Text(
        "ЗТ " + Qty(k.labor) + "; ЗТм " + Qty(k.machinist_labor) + "; ЭМ " + Qty(k.machines) +
        "; М " + Qty(k.materials) +
        (k.combination == core::CoefficientCombination::kAdditive ? " (суммируется)" : ""));
  }
  if (!pos.coefficients.empty()) {
    t.Sum("Результирующие коэффициенты: ЗТ " + Qty(d.k.labor) + "; ЭМ " + Qty(d.k.machines) +
              "; ЗТм " + Qty(d.k.machinist_labor) + "; М " + Qty(d.k.materials),
          FormCell());
  }
  // Groups in the order of the form: 1 ОТ, 2 ЭМ (with ОТм), 4 М, then equipment.
  const core::ResourceKind order[] = {core::ResourceKind::kLabor, core::ResourceKind::kMachine,
                                      core::ResourceKind::kMaterial,
                                      core::ResourceKind::kEquipment};
  for (const core::ResourceKind kind : order) {
    bool header = false;
    for (std::size_t i = 0; i < pos.resources.size(); ++i) {
      const core::Resource& res = pos.resources[i];
      if (res.kind != kind) continue;
      if (!header) {
        header = true;
        Decimal group;
        if (kind == core::ResourceKind::kLabor) group = r.figures.ot;
        if (kind == core::ResourceKind::kMachine) group = r.figures.em;
        if (kind == core::ResourceKind::kMaterial) group = r.figures.m - r.figures.extra;
        FormRow& g = t.Row(FormRowKind::kLine);
        g.cells[kColCode] = FormCell::Text(KindGroup(kind).number);
        g.cells[kColName] = FormCell::Text(KindGroup(kind).name);
        if (kind == core::ResourceKind::kLabor) {
          g.cells[kColUnit] = FormCell::Text("чел.-ч");
          g.cells[kColQuantity] = QtyCell(r.figures.labor_hours);
        }
        if (kind != core::ResourceKind::kEquipment) g.cells[kColTotal] = MoneyCell(group);
        if (kind == core::ResourceKind::kMachine && r.figures.machinist_hours != Decimal()) {
          FormRow& m = t.Row(FormRowKind::kLine);
          m.cells[kColName] = FormCell::Text("ОТм(ЗТм)");
          m.cells[kColUnit] = FormCell::Text("чел.-ч");
          m.cells[kColQuantity] = QtyCell(r.figures.machinist_hours);
          m.cells[kColTotal] = MoneyCell(r.figures.otm);
        }
      }
      const core::ComputedLine& line = d.resources[i];
      FormRow& c = t.Row(FormRowKind::kLine);
      c.cells[kColCode] = FormCell::Text(res.code);
      c.cells[kColName] = FormCell::Text(res.name);
      c.cells[kColUnit] = FormCell::Text(res.unit);
      if (res.by_project) {
        c.cells[kColPerUnit] = FormCell::Text("П");
      } else {
        c.cells[kColPerUnit] = QtyCell(res.consumption);
        c.cells[kColQuantity] = QtyCell(line.quantity);
      }
      PriceCells(res.price, line, &c);
      if (res.machinist) {
        const core::ComputedLine& ml = d.machinists[i];
        FormRow& m = t.Row(FormRowKind::kLine);
        m.cells[kColCode] = FormCell::Text(res.machinist->code);
        m.cells[kColName] = FormCell::Text("Затраты труда машинистов");
        m.cells[kColUnit] = FormCell::Text("чел.-ч");
        m.cells[kColPerUnit] = QtyCell(res.consumption * res.machinist->labor_per_machine_hour);
        m.cells[kColQuantity] = QtyCell(ml.quantity);
        PriceCells(res.machinist->price, ml, &m);
      }
    }
  }
  t.Sum("Итого прямые затраты", MoneyCell(r.figures.direct - r.figures.extra));
  for (std::size_t i = 0; i < pos.extra.size(); ++i) {
    const core::ExtraRow& x = pos.extra[i];
    FormRow& c = t.Row(FormRowKind::kLine);
    c.cells[kColNumber] =
        FormCell::Text(x.number.empty() ? pos.number + "." + std::to_string(i + 1) : x.number);
    c.cells[kColCode] = FormCell::Text(x.code);
    c.cells[kColName] = FormCell::Text(x.name);
    c.cells[kColUnit] = FormCell::Text(x.unit);
    c.cells[kColQuantity] = QtyCell(d.extra[i].quantity);
    PriceCells(x.price, d.extra[i], &c);
  }
  if (pos.auxiliary_materials) {
    const core::AuxiliaryMaterials& aux = *pos.auxiliary_materials;
    FormRow& c = t.Row(FormRowKind::kLine);
    c.cells[kColNumber] = FormCell::Text(pos.number + "." + std::to_string(pos.extra.size() + 1));
    c.cells[kColCode] = FormCell::Text(aux.name.empty() ? "421/пр_2020_п.75_пп.а" : aux.name);
    c.cells[kColName] = FormCell::Text("Вспомогательные ненормируемые материальные ресурсы, " +
                                       Qty(aux.percent) + "%");
    c.cells[kColUnit] = FormCell::Text("%");
    c.cells[kColPerUnit] = QtyCell(aux.percent);
    c.cells[kColTotal] = MoneyCell(d.auxiliary_materials);
  }
  t.Sum("ФОТ", MoneyCell(r.figures.fot));
  const struct {
    bool present;
    const char* prefix;
    const core::Rate& rate;
    const Decimal& percent;
    const Decimal& amount;
  } rates[] = {
      {pos.overhead.has_value(), "НР ", d.overhead, d.overhead_percent, r.figures.overhead},
      {pos.profit.has_value(), "СП ", d.profit, d.profit_percent, r.figures.profit},
  };
  for (const auto& rate : rates) {
    if (!rate.present) continue;
    FormRow& c = t.Row(FormRowKind::kLine);
    c.cells[kColCode] = FormCell::Text(rate.rate.code);
    c.cells[kColName] = FormCell::Text(rate.prefix + rate.rate.name);
    c.cells[kColUnit] = FormCell::Text("%");
    c.cells[kColPerUnit] = QtyCell(rate.rate.percent);
    c.cells[kColCoefficient] = QtyCell(rate.rate.k);
    c.cells[kColQuantity] = QtyCell(rate.percent);
    c.cells[kColTotal] = MoneyCell(rate.amount);
  }
}

void PositionRows(EstimateRows& t, const core::Position& pos, const core::PositionResult& r,
                  const core::CalcOptions& options) {
  FormRow& head = t.Row(FormRowKind::kPosition);
  head.cells[kColNumber] = FormCell::Text(pos.number);
  head.cells[kColCode] = FormCell::Text(pos.code);
  head.cells[kColName] = FormCell::Text(pos.name);
  head.cells[kColUnit] = FormCell::Text(pos.unit);
  head.cells[kColQuantity] = QtyCell(pos.quantity);
  if (pos.type == core::PositionType::kResource) {
    core::ComputedLine line{pos.quantity, Decimal(), r.figures.total, pos.price.priced()};
    if (pos.price.priced()) {
      line.price = pos.price.source == core::UnitPrice::Source::kCurrent
                       ? pos.price.price
                       : Decimal::MulRound(pos.price.base_price, pos.price.index, 2);
    }
    PriceCells(pos.price, line, &head);
  } else {
    // The estimate was computed already, so the position computes again without error; only
    // its detail lines are wanted here.
    core::PositionDetail detail;
    core::CalculatePosition(pos, options, &detail);
    NormRows(t, pos, r, detail);
  }
  FormRow& total = t.Row(FormRowKind::kPositionTotal);
  total.cells[kColName] = FormCell::Text("Всего по позиции");
  total.cells[kColPrice] = MoneyCell(r.per_unit);
  total.cells[kColTotal] = MoneyCell(r.figures.total);
  total.bold = true;
}

// «прямые затраты, в том числе: ОТ, ЭМ, ОТм, М», ФОТ, НР, СП (and оборудование): the figures of a
// section or of an ИТОГИ block. The direct-cost and the prefixed rows sit at `level`.
void Breakdown(EstimateRows& t, const core::Figures& f, std::string direct_label,
               std::string_view prefix, bool equipment, int level) {
  const std::string p(prefix);
  t.Sum(std::move(direct_label), MoneyCell(f.direct), level);
  t.Sum("в том числе:", FormCell(), 1);
  t.Sum("оплата труда (ОТ)", MoneyCell(f.ot), 2);
  t.Sum("эксплуатация машин и механизмов", MoneyCell(f.em), 2);
  t.Sum("оплата труда машинистов (ОТм)", MoneyCell(f.otm), 2);
  t.Sum("материальные ресурсы", MoneyCell(f.m), 2);
  t.Sum(p + "ФОТ", MoneyCell(f.fot), level);
  t.Sum(p + "накладные расходы", MoneyCell(f.overhead), level);
  t.Sum(p + "сметная прибыль", MoneyCell(f.profit), level);
  if (equipment) t.Sum(p + "оборудование", MoneyCell(f.equipment), level);
}

// The справочно hours: a label with the figure in графа 5.
void Hours(EstimateRows& t, const char* label, const Decimal& hours) {
  FormRow& r = t.Sum(label, FormCell(), 1);
  r.cells[kColPerUnit] = QtyCell(hours);
}

// ---------------------------------------------------------------------------------------------
// ОСР and ССР

class CostRows {
 public:
  FormRow& Row(FormRowKind kind, std::string number, std::string code, std::string name) {
    FormRow& r = rows_.emplace_back();
    r.kind = kind;
    r.cells.resize(kCostColumns);
    if (!number.empty()) r.cells[kCostColNumber] = FormCell::Text(std::move(number));
    if (!code.empty()) r.cells[kCostColCode] = FormCell::Text(std::move(code));
    if (!name.empty()) r.cells[kCostColName] = FormCell::Text(std::move(name));
    return r;
  }
  FormRow& Line(std::string number, std::string code, std::string name,
                const core::CostColumns& c) {
    FormRow& r = Row(FormRowKind::kLine, std::move(number), std::move(code), std::move(name));
    SetColumns(r, c);
    return r;
  }
  FormRow& Sum(std::string label, const core::CostColumns& c, bool bold) {
    FormRow& r = Row(FormRowKind::kSum, "", "", std::move(label));
    SetColumns(r, c);
    r.bold = bold;
    return r;
  }
  void Heading(std::string text) {
    FormRow& r = rows_.emplace_back();
    r.kind = FormRowKind::kHeading;
    r.text = std::move(text);
    r.bold = true;
  }
  std::vector<FormRow>& rows() { return rows_; }

 private:
  static void SetColumns(FormRow& r, const core::CostColumns& c) {
    r.cells[kCostColConstruction] = MoneyCell(c.construction);
    r.cells[kCostColInstallation] = MoneyCell(c.installation);
    r.cells[kCostColEquipment] = MoneyCell(c.equipment);
    r.cells[kCostColOther] = MoneyCell(c.other);
    r.cells[kCostColTotal] = MoneyCell(c.total);
  }
  std::vector<FormRow> rows_;
};


}  // namespace

std::vector<FormRow> EstimateFormRows(const core::Estimate& estimate,
                                      const core::EstimateResult& result) {
  EstimateRows t;
  for (std::size_t s = 0; s < estimate.sections.size(); ++s) {
    const core::Section& section = estimate.sections[s];
    if (!section.name.empty()) t.Heading(section.name, /*bold=*/true);
    for (std::size_t p = 0; p < section.positions.size(); ++p) {
      PositionRows(t, section.positions[p], result.positions[s][p], estimate.options);
    }
    const core::Figures& f = result.sections[s].figures;
    std::string_view bare = section.name;
    if (bare.rfind("Раздел ", 0) == 0) bare.remove_prefix(std::string_view("Раздел ").size());
    const std::string label = section.name.empty()
                                  ? std::string("по позициям, не вошедшим в разделы")
                                  : "по разделу " + std::string(bare);
    t.Rule();
    Breakdown(t, f, "Итого прямые затраты " + label, "Итого ", /*equipment=*/true, 0);
    t.Sum("Итого " + label, MoneyCell(f.total), 0, /*bold=*/true);
    t.Sum("Справочно:", FormCell());
    Hours(t, "затраты труда рабочих, чел.-ч", f.labor_hours);
    Hours(t, "затраты труда машинистов, чел.-ч", f.machinist_hours);
    t.Rule();
  }
  t.Heading("ИТОГИ ПО СМЕТЕ", /*bold=*/true);
  const core::Totals& tot = result.totals;
  const core::Figures& all = tot.figures;
  t.Sum("ВСЕГО строительные работы", MoneyCell(tot.construction.total), 0, /*bold=*/true);
  Breakdown(t, tot.construction, "прямые затраты", "", /*equipment=*/false, 1);
  t.Sum("ВСЕГО монтажные работы", MoneyCell(tot.installation.total), 0, /*bold=*/true);
  Breakdown(t, tot.installation, "прямые затраты", "", /*equipment=*/false, 1);
  t.Sum("ВСЕГО оборудование", MoneyCell(all.equipment), 0, /*bold=*/true);
  t.Sum("ВСЕГО по смете", MoneyCell(all.total), 0, /*bold=*/true);
  Breakdown(t, all, "Всего прямые затраты", "Всего ", /*equipment=*/true, 0);
  t.Sum("Справочно:", FormCell());
  t.Sum("материальные ресурсы, отсутствующие в ФРСН", MoneyCell(all.market_materials), 1);
  t.Sum("оборудование, отсутствующее в ФРСН", MoneyCell(all.market_equipment), 1);
  Hours(t, "затраты труда рабочих, чел.-ч", all.labor_hours);
  Hours(t, "затраты труда машинистов, чел.-ч", all.machinist_hours);
  return std::move(t.rows());
}

// ---------------------------------------------------------------------------------------------
// ЛСР by the base-index method

namespace {

using core::BaseIndexAmounts;

class BaseIndexRows {
 public:
  BaseIndexRows(const core::BaseIndexEstimate& e)
      : e_(e), by_element_(e.indices.indexing == core::BaseIndexIndexing::kByCostElement) {}

  std::vector<FormRow> Build(const core::BaseIndexResult& result) {
    std::size_t at = 0;
    for (std::size_t s = 0; s < e_.sections.size(); ++s) {
      const core::BaseIndexSection& section = e_.sections[s];
      if (!section.name.empty()) t_.Heading(section.name, /*bold=*/true);
      for (const core::BaseIndexPosition& p : section.positions) Position(p, result.positions[at++]);
      std::string_view bare = section.name;
      if (bare.rfind("Раздел ", 0) == 0) bare.remove_prefix(std::string_view("Раздел ").size());
      const std::string label = section.name.empty() ? std::string("по позициям, не вошедшим в разделы")
                                                     : "по разделу " + std::string(bare);
      const core::BaseIndexSectionResult& r = result.sections[s];
      t_.Rule();
      Breakdown(r.base, r.current, false, 0);
      Sum("Итого " + label, r.base.total, nullptr, nullptr, 0, true);
      t_.Sum("Справочно:", FormCell());
      Hours("затраты труда рабочих, чел.-ч", r.labor_hours);
      Hours("затраты труда машинистов, чел.-ч", r.machinist_hours);
      t_.Rule();
    }
    t_.Heading("ИТОГИ ПО СМЕТЕ", /*bold=*/true);
    const core::BaseIndexIndices& ix = e_.indices;
    const Decimal* smr = by_element_ ? nullptr : &ix.construction_installation;
    Sum("ВСЕГО строительные работы", result.construction.base.total, smr,
        &result.construction.current.total, 0, true);
    Breakdown(result.construction.base, result.construction.current, true, 1);
    Sum("ВСЕГО монтажные работы", result.installation.base.total, smr,
        &result.installation.current.total, 0, true);
    Breakdown(result.installation.base, result.installation.current, true, 1);
    const core::BaseIndexBlock& eq = result.equipment;
    Sum("ВСЕГО оборудование", eq.base.total, nullptr, &eq.current.total, 0, true);
    Sum("оборудование", eq.base.equipment, &ix.equipment, &eq.current.equipment, 1);
    Sum("перевозка оборудования", eq.base.equipment_transport, nullptr,
        &eq.current.equipment_transport, 1);
    const core::BaseIndexBlock& other = result.other;
    Sum("ВСЕГО прочие затраты", other.base.total, &ix.other, &other.current.total, 0, true);
    Sum("ВСЕГО по смете", result.total.base.total, nullptr, &result.total.current.total, 0, true);
    t_.Sum("Справочно:", FormCell());
    Hours("затраты труда рабочих, чел.-ч", result.total.labor_hours);
    Hours("затраты труда машинистов, чел.-ч", result.total.machinist_hours);
    return std::move(t_.rows());
  }

 private:
  // A label in графа 3 with the base figure (графа 10), the index (11) and the current one (12).
  void Sum(std::string label, const Decimal& base, const Decimal* index, const Decimal* current,
           int indent, bool bold = false) {
    FormRow& r = t_.Sum(std::move(label), FormCell(), indent, bold);
    r.cells[kBaseColBase] = MoneyCell(base);
    if (index != nullptr) r.cells[kBaseColIndex] = QtyCell(*index);
    if (current != nullptr) r.cells[kBaseColCurrent] = MoneyCell(*current);
  }

  void Hours(const char* label, const Decimal& hours) {
    FormRow& r = t_.Sum(label, FormCell(), 1);
    r.cells[kColPerUnit] = QtyCell(hours);
  }

  // The elements of a section (`block` false: only the per-position current figures) or of an
  // ИТОГИ block (`block` true: every current figure, with the block indices).
  void Breakdown(const BaseIndexAmounts& base, const BaseIndexAmounts& cur, bool block,
                 int level) {
    const core::BaseIndexIndices& ix = e_.indices;
    const Decimal* none = nullptr;
    const auto per_position = [&](const Decimal& d) { return by_element_ ? &d : none; };
    const auto on_block = [&](const Decimal& d) { return by_element_ && block ? &d : none; };
    Sum(block ? "прямые затраты" : "Итого прямые затраты", base.direct, nullptr,
        on_block(cur.direct), level);
    t_.Sum("в том числе:", FormCell(), level + 1);
    Sum("оплата труда (ОТ)", base.ot, nullptr, per_position(cur.ot), level + 2);
    Sum("эксплуатация машин (ЭМ)", base.em, on_block(ix.machines), on_block(cur.em), level + 2);
    Sum("в т.ч. оплата труда машинистов (ОТм)", base.otm, nullptr, per_position(cur.otm),
        level + 3);
    if (!base.otm_extra.IsZero()) {
      Sum("доплаты к оплате труда машинистов", base.otm_extra, nullptr, per_position(cur.otm_extra),
          level + 2);
    }
    Sum("материальные ресурсы (М)", base.m, on_block(ix.materials), on_block(cur.m), level + 2);
    if (!base.transport.IsZero()) {
      Sum("перевозка материалов", base.transport, nullptr, &cur.transport, level + 2);
    }
    if (!block && !(base.equipment + base.equipment_transport).IsZero()) {
      Sum("оборудование", base.equipment, nullptr, nullptr, level);
      Sum("перевозка оборудования", base.equipment_transport, nullptr, &cur.equipment_transport,
          level);
    }
    if (!block && !base.other.IsZero()) Sum("прочие затраты", base.other, nullptr, nullptr, level);
    Sum("ФОТ", base.fot, nullptr, per_position(cur.fot), level);
    Sum("накладные расходы", base.overhead, nullptr, per_position(cur.overhead), level);
    Sum("сметная прибыль", base.profit, nullptr, per_position(cur.profit), level);
  }

  // A line of a position block: графы 8–12.
  FormRow& Line(std::string code, std::string name, const Decimal* per_unit, const Decimal* k,
                const Decimal& base, const Decimal* index, const Decimal* current) {
    FormRow& r = t_.Row(FormRowKind::kLine);
    if (!code.empty()) r.cells[kColCode] = FormCell::Text(std::move(code));
    r.cells[kColName] = FormCell::Text(std::move(name));
    if (per_unit != nullptr) r.cells[kBaseColPerUnit] = MoneyCell(*per_unit);
    if (k != nullptr && *k != Decimal::FromInt(1)) r.cells[kBaseColCoefficient] = QtyCell(*k);
    r.cells[kBaseColBase] = MoneyCell(base);
    if (index != nullptr) r.cells[kBaseColIndex] = QtyCell(*index);
    if (current != nullptr) r.cells[kBaseColCurrent] = MoneyCell(*current);
    return r;
  }

  // A priced row (chosen material, equipment, transport) with its quantity.
  void Priced(const std::string& code, const std::string& name, const std::string& unit,
              const Decimal& quantity, const Decimal& price, const Decimal& factor,
              const Decimal* index, bool current) {
    const Decimal line = core::BaseIndexLine(quantity, price, factor);
    const Decimal line_current = index != nullptr ? (line * *index).Round(2) : Decimal();
    FormRow& r = Line(code, name, &price, &factor, line, index,
                      current && index != nullptr ? &line_current : nullptr);
    r.cells[kColUnit] = FormCell::Text(unit);
    r.cells[kColQuantity] = QtyCell(quantity);
  }

  void Position(const core::BaseIndexPosition& p, const core::BaseIndexPositionResult& r) {
    const core::BaseIndexIndices& ix = e_.indices;
    const Decimal* none = nullptr;
    FormRow& head = t_.Row(FormRowKind::kPosition);
    head.cells[kColNumber] = FormCell::Text(p.number);
    head.cells[kColCode] = FormCell::Text(p.code);
    head.cells[kColName] = FormCell::Text(p.name);
    head.cells[kColUnit] = FormCell::Text(p.unit);
    head.cells[kColQuantity] = QtyCell(p.quantity);
    if (p.type == core::BaseIndexPositionType::kResource) {
      const Decimal* index = p.column == core::CostColumn::kEquipment ? &ix.equipment
                             : p.column == core::CostColumn::kOther   ? &ix.other
                             : by_element_                            ? &ix.materials
                                                                      : none;
      head.cells[kBaseColPerUnit] = MoneyCell(p.base_price);
      if (p.price_factor != Decimal::FromInt(1)) head.cells[kBaseColCoefficient] = QtyCell(p.price_factor);
      head.cells[kBaseColBase] = MoneyCell(r.base.total - r.base.transport - r.base.equipment_transport);
      if (index != nullptr) head.cells[kBaseColIndex] = QtyCell(*index);
    } else {
      const core::BaseIndexUnitRate& u = p.unit_rate;
      for (const core::BaseIndexCoefficient& c : p.coefficients) {
        std::string factors;
        for (const auto& [label, value] :
             {std::pair{"ЗТ", &c.labor}, std::pair{"ЗТм", &c.machinist_labor},
              std::pair{"ЭМ", &c.machines}, std::pair{"М", &c.materials},
              std::pair{"ОТ", &c.workers_pay}, std::pair{"ОТм", &c.machinists_pay}}) {
          if (*value) factors += std::string(factors.empty() ? "" : "; ") + label + " " + Qty(**value);
        }
        FormRow& row = t_.Row(FormRowKind::kLine);
        row.cells[kColName] = FormCell::Text(c.name + (factors.empty() ? "" : " (" + factors + ")"));
      }
      const core::BaseIndexPayIndices indices = core::PayIndicesOf(p, ix);
      const Decimal& pay = indices.workers_pay;
      const Decimal& machinists = indices.machinists_pay;
      const auto per_position = [&](const Decimal& d) { return by_element_ ? &d : none; };
      Line("1", "Оплата труда рабочих (ОТ)", &u.workers_pay, &r.k.ot, r.base.ot, per_position(pay),
           per_position(r.current.ot));
      Line("2", "Эксплуатация машин (ЭМ)", &u.machines, &r.k.em, r.base.em,
           per_position(ix.machines), nullptr);
      Line("3", "в т.ч. оплата труда машинистов (ОТм)", &u.machinists_pay, &r.k.otm_in_machines,
           r.base.otm, per_position(machinists), per_position(r.current.otm));
      if (!r.base.otm_extra.IsZero()) {
        Line("", "Доплаты к оплате труда машинистов", nullptr, nullptr, r.base.otm_extra,
             per_position(machinists), per_position(r.current.otm_extra));
      }
      const Decimal norm_materials = r.norm_direct - r.base.ot - r.base.em;
      Line("4", "Материальные ресурсы (М)", &u.materials, &r.k.m, norm_materials,
           per_position(ix.materials), nullptr);
      for (const auto& l : p.materials) {
        Priced(l.code, l.name, l.unit, l.quantity, l.base_price, l.price_factor, nullptr, false);
      }
      for (const auto& l : p.equipment) {
        Priced(l.code, l.name, l.unit, l.quantity, l.base_price, l.price_factor, nullptr, false);
      }
    }
    for (const auto& l : p.transport) {
      std::string name = l.name.empty() ? l.code : l.name;
      if (name.rfind("Перевозк", 0) != 0) name = "Перевозка: " + name;
      Priced(l.code, name, core::kFreightUnit, l.quantity,
             l.base_price, l.price_factor, &l.index, true);
    }
    if (p.type == core::BaseIndexPositionType::kNorm) {
      const auto per_position = [&](const Decimal& d) { return by_element_ ? &d : none; };
      Line("", "ФОТ", nullptr, nullptr, r.base.fot, nullptr, per_position(r.current.fot));
      for (const auto& [rate, base, current, label] :
           {std::tuple{&p.overhead, &r.base.overhead, &r.current.overhead, "НР"},
            std::tuple{&p.profit, &r.base.profit, &r.current.profit, "СП"}}) {
        if (!*rate) continue;
        const core::BaseIndexRate& x = **rate;
        std::string name = std::string(label) + " " + Qty(x.percent) + "% ФОТ";
        if (x.k != Decimal::FromInt(1)) name += " × " + Qty(x.k);
        if (!x.code.empty()) name += " (" + x.code + ")";
        Line("", std::move(name), nullptr, nullptr, *base, nullptr, per_position(*current));
      }
      for (const auto& [label, per_unit, k, total] :
           {std::tuple{"Затраты труда рабочих", &p.unit_rate.labor_hours, &r.k.labor_hours,
                       &r.labor_hours},
            std::tuple{"Затраты труда машинистов", &p.unit_rate.machinist_hours,
                       &r.k.machinist_hours, &r.machinist_hours}}) {
        FormRow& row = t_.Row(FormRowKind::kLine);
        row.cells[kColName] = FormCell::Text(label);
        row.cells[kColUnit] = FormCell::Text("чел.-ч");
        row.cells[kColPerUnit] = QtyCell(*per_unit);
        if (*k != Decimal::FromInt(1)) row.cells[kColCoefficient] = QtyCell(*k);
        row.cells[kColQuantity] = QtyCell(*total);
      }
    }
    FormRow& total = t_.Row(FormRowKind::kPositionTotal);
    total.cells[kColName] = FormCell::Text("Всего по позиции");
    total.cells[kBaseColBase] = MoneyCell(r.base.total);
    total.bold = true;
  }

  const core::BaseIndexEstimate& e_;
  const bool by_element_;
  EstimateRows t_;
};

}  // namespace

std::vector<FormRow> BaseIndexFormRows(const core::BaseIndexEstimate& estimate,
                                       const core::BaseIndexResult& result) {
  return BaseIndexRows(estimate).Build(result);
}

std::vector<FormRow> ObjectEstimateFormRows(const core::ObjectEstimateInput& /*input*/,
                                            const core::ObjectEstimateResult& result) {
  CostRows t;
  for (std::size_t i = 0; i < result.rows.size(); ++i) {
    const core::ObjectEstimateRow& row = result.rows[i];
    t.Line(std::to_string(i + 1), row.number, row.name, row.amounts);
  }
  t.Sum("Всего по объектному сметному расчёту", result.total, /*bold=*/true);
  t.Row(FormRowKind::kSum, "", "", "в том числе:").indent = 1;
  const struct {
    const char* label;
    Decimal core::CostDetails::*field;
  } details[] = {
      {"оплата труда рабочих (ОТ)", &core::CostDetails::ot},
      {"эксплуатация машин (ЭМ)", &core::CostDetails::em},
      {"в т.ч. оплата труда машинистов (ОТм)", &core::CostDetails::otm},
      {"материалы (М)", &core::CostDetails::m},
      {"перевозка", &core::CostDetails::transport},
      {"накладные расходы", &core::CostDetails::overhead},
      {"сметная прибыль", &core::CostDetails::profit},
  };
  for (const auto& d : details) {
    FormRow& r = t.Row(FormRowKind::kSum, "", "", d.label);
    r.indent = 2;
    r.cells[kCostColTotal] = MoneyCell(result.details.*d.field);
  }
  return std::move(t.rows());
}

std::vector<FormRow> SummaryEstimateFormRows(const core::SummaryEstimateInput& input,
                                             const core::SummaryEstimateResult& result) {
  CostRows t;
  std::size_t at = 0;
  for (int c = 1; c <= core::kSummaryChapters; ++c) {
    const bool has_lines = at < result.lines.size() && result.lines[at].chapter == c;
    if (has_lines) {
      t.Heading("Глава " + std::to_string(c) + ". " + core::SummaryChapterTitle(c));
      for (; at < result.lines.size() && result.lines[at].chapter == c; ++at) {
        const core::SummaryLineResult& l = result.lines[at];
        t.Line(l.number, l.justification, l.name, l.amounts);
      }
      t.Sum("Итого по главе " + std::to_string(c), result.chapters[c - 1], /*bold=*/true);
    }
    if (c >= 2 && (has_lines || c == core::kSummaryChapters)) {
      t.Sum("Итого по главам 1–" + std::to_string(c), result.cumulative[c - 1], /*bold=*/true);
    }
  }
  t.Line("", "421/пр п.179",
         "Резерв на непредвиденные работы и затраты " + Qty(input.contingency_percent) + "%",
         result.contingency);
  t.Sum("Итого с непредвиденными", result.total_with_contingency, /*bold=*/true);
  if (result.vat_base.total != result.total_with_contingency.total) {
    t.Sum("в т.ч. облагаемые НДС", result.vat_base, /*bold=*/false).indent = 1;
  }
  t.Line("", "", "НДС " + Qty(result.vat_percent) + "%", result.vat);
  t.Sum("ВСЕГО по сводному сметному расчёту", result.total, /*bold=*/true);
  return std::move(t.rows());
}

namespace {

// The 12 графы of a ЛСР form: графы 1–7 are the same for both methods, графы 8–12 (the money
// columns under «Сметная стоимость, руб.») are the method's own.
FormHead EstimateHead(const std::array<const char*, 5>& money) {
  FormHead head{{{0, 0, "№ п/п"},
                 {1, 1, "Обоснование"},
                 {2, 2, "Наименование работ и затрат"},
                 {3, 3, "Единица измерения"},
                 {4, 6, "Количество"},
                 {7, 11, "Сметная стоимость, руб."}},
                {{4, 4, "на единицу измерения"},
                 {5, 5, "коэффициенты"},
                 {6, 6, "всего с учетом коэффициентов"}}};
  for (std::size_t i = 0; i < money.size(); ++i) head.sub.push_back({7 + i, 7 + i, money[i]});
  return head;
}

}  // namespace

const FormHead& EstimateFormHead() {
  static const FormHead head = EstimateHead(
      {"на единицу измерения в базисном уровне цен", "индекс",
       "на единицу измерения в текущем уровне цен", "коэффициенты", "всего в текущем уровне цен"});
  return head;
}

std::vector<FormField> EstimateFormFields(const PrintHeader& h) {
  return {
      {"Наименование программного продукта", h.software.empty() ? "estimate-service" : h.software},
      {"Наименование редакции сметных нормативов", h.norms_edition},
      {"Реквизиты приказа Минстроя России об утверждении дополнений и изменений к сметным "
       "нормативам",
       h.norms_orders},
      {"Реквизиты письма Минстроя России об индексах изменения сметной стоимости строительства, "
       "включаемые в федеральный реестр сметных нормативов и размещаемые в федеральной "
       "государственной информационной системе ценообразования в строительстве, подготовленного в "
       "соответствии пунктом 85 Методики расчета индексов изменения сметной стоимости "
       "строительства, утвержденной приказом Министерства строительства и жилищно-коммунального "
       "хозяйства Российской Федерации от 5 июня 2019 г. № 326/пр",
       h.index_letter},
      {"Реквизиты нормативного правового акта об утверждении оплаты труда, утверждаемый в "
       "соответствии с пунктом 22(1) Правилами мониторинга цен, утвержденными постановлением "
       "Правительства Российской Федерации от 23 декабря 2016 г. № 1452",
       h.salary_act},
      {"Обоснование принятых текущих цен на строительные ресурсы", h.prices_basis},
      {"Наименование субъекта Российской Федерации", h.region},
      {"Наименование зоны субъекта Российской Федерации", h.region_zone},
  };
}

EstimateFormFigures EstimateFormFiguresOf(const core::EstimateResult& result) {
  const core::Totals& tot = result.totals;
  const core::Figures& all = tot.figures;
  // The resource-index ЛСР has no «прочие затраты» column.
  return {"ресурсно-индексным", all.total,  tot.construction.total, tot.installation.total,
          all.equipment,        Decimal(),  all.ot,                 all.otm,
          all.labor_hours,      all.machinist_hours};
}

EstimateFormFigures EstimateFormFiguresOf(const core::BaseIndexEstimate& estimate,
                                          const core::BaseIndexResult& r) {
  const bool by_element = estimate.indices.indexing == core::BaseIndexIndexing::kByCostElement;
  const core::BaseIndexAmounts& cur = r.total.current;
  return {"базисно-индексным",
          cur.total,
          r.construction.current.total,
          r.installation.current.total,
          r.equipment.current.total,
          r.other.current.total,
          by_element ? std::optional<Decimal>(cur.ot) : std::nullopt,
          by_element ? std::optional<Decimal>(cur.otm + cur.otm_extra) : std::nullopt,
          r.total.labor_hours,
          r.total.machinist_hours};
}

const FormHead& BaseIndexFormHead() {
  static const FormHead head =
      EstimateHead({"на единицу измерения в базисном уровне цен", "коэффициенты",
                    "всего в базисном уровне цен", "индекс", "всего в текущем уровне цен"});
  return head;
}

FormHead CostFormHead(const char* name_heading) {
  return {{{0, 0, "№ п/п"},
           {1, 1, "Обоснование"},
           {2, 2, name_heading},
           {3, 7, "Сметная стоимость, тыс. руб."}},
          {{3, 3, "строительных (ремонтно-строительных, ремонтно-реставрационных) работ"},
           {4, 4, "монтажных работ"},
           {5, 5, "оборудования"},
           {6, 6, "прочих затрат"},
           {7, 7, "всего"}}};
}

}  // namespace estimate::formats
