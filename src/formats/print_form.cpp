#include "formats/print_form.hpp"

#include <string_view>
#include <utility>

#include "core/resource_index_calculator.hpp"
#include "formats/text_layout.hpp"

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

const FormHead& EstimateFormHead() {
  static const FormHead head{{{0, 0, "№ п/п"},
                              {1, 1, "Обоснование"},
                              {2, 2, "Наименование работ и затрат"},
                              {3, 3, "Единица измерения"},
                              {4, 6, "Количество"},
                              {7, 11, "Сметная стоимость, руб."}},
                             {{4, 4, "на единицу измерения"},
                              {5, 5, "коэффициенты"},
                              {6, 6, "всего с учетом коэффициентов"},
                              {7, 7, "на единицу измерения в базисном уровне цен"},
                              {8, 8, "индекс"},
                              {9, 9, "на единицу измерения в текущем уровне цен"},
                              {10, 10, "коэффициенты"},
                              {11, 11, "всего в текущем уровне цен"}}};
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
