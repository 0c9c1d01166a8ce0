// The ЛСР printed as a plain-text Russian table (`estimate-service calc --format text`), laid
// out after the form of 421/пр приложение № 3: position blocks, section totals, ИТОГИ ПО СМЕТЕ.
#include <string>
#include <string_view>
#include <vector>

#include "core/resource_index_calculator.hpp"
#include "formats/estimate_document.hpp"
#include "formats/text_layout.hpp"

namespace estimate::formats {
namespace {

using core::Decimal;

struct Columns {
  std::string number, code, name, unit, per_unit, k, quantity, base, index, price, total;
};

class Table {
 public:
  static constexpr std::size_t kWidth = 178;

  void Row(const Columns& c) {
    out_ += Pad(c.number, 6, false) + " " + Pad(c.code, 22, false) + " " +
            Pad(c.name, 46, false) + " " + Pad(c.unit, 8, false) + " " +
            Pad(c.per_unit, 11, true) + " " + Pad(c.k, 6, true) + " " +
            Pad(c.quantity, 13, true) + " " + Pad(c.base, 12, true) + " " +
            Pad(c.index, 6, true) + " " + Pad(c.price, 12, true) + " " +
            Pad(c.total, 14, true);
    while (!out_.empty() && out_.back() == ' ') out_.pop_back();
    out_ += '\n';
  }
  // A label row with a sum in the last column.
  // A label row with a sum in the last column; the label may run across the middle columns.
  void Sum(std::string_view label, const std::string& total, std::string_view indent = "") {
    std::string line(30, ' ');
    line += Pad(std::string(indent) + std::string(label), kWidth - 30 - 15, false);
    line += " " + Pad(total, 14, true);
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out_ += line + '\n';
  }
  void Line(std::string_view text) {
    out_ += text;
    out_ += '\n';
  }
  void Rule() { Line(std::string(kWidth, '-')); }
  std::string& str() { return out_; }

 private:
  std::string out_;
};

const char* KindGroup(core::ResourceKind kind) {
  switch (kind) {
    case core::ResourceKind::kLabor:
      return "ОТ";
    case core::ResourceKind::kMachine:
      return "ЭМ";
    case core::ResourceKind::kMaterial:
      return "М";
    case core::ResourceKind::kEquipment:
      return "Оборудование";
  }
  return "";
}

void PriceColumns(const core::UnitPrice& p, const core::ComputedLine& line, Columns* c) {
  if (p.source == core::UnitPrice::Source::kBaseIndex) {
    c->base = Money(p.base_price);
    c->index = Qty(p.index);
  }
  if (line.priced) {
    c->price = Money(line.price);
    c->total = Money(line.total);
  }
}

void PrintNorm(Table& t, const core::Position& pos, const core::PositionResult& r,
               const core::PositionDetail& d) {
  for (const core::Coefficient& k : pos.coefficients) {
    Columns c;
    c.code = k.name;
    c.name = "ЗТ " + Qty(k.labor) + "; ЗТм " + Qty(k.machinist_labor) + "; ЭМ " +
             Qty(k.machines) + "; М " + Qty(k.materials) +
             (k.combination == core::CoefficientCombination::kAdditive ? " (суммируется)" : "");
    t.Row(c);
  }
  if (!pos.coefficients.empty()) {
    t.Sum("Результирующие коэффициенты: ЗТ " + Qty(d.k.labor) + "; ЭМ " + Qty(d.k.machines) +
              "; ЗТм " + Qty(d.k.machinist_labor) + "; М " + Qty(d.k.materials),
          "");
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
        if (kind == core::ResourceKind::kEquipment) group = Decimal();
        Columns g;
        g.name = KindGroup(kind);
        if (kind == core::ResourceKind::kLabor) {
          g.unit = "чел.-ч";
          g.quantity = Qty(r.figures.labor_hours);
        }
        if (kind != core::ResourceKind::kEquipment) g.total = Money(group);
        t.Row(g);
        if (kind == core::ResourceKind::kMachine && r.figures.machinist_hours != Decimal()) {
          Columns m;
          m.name = "ОТм(ЗТм)";
          m.unit = "чел.-ч";
          m.quantity = Qty(r.figures.machinist_hours);
          m.total = Money(r.figures.otm);
          t.Row(m);
        }
      }
      const core::ComputedLine& line = d.resources[i];
      Columns c;
      c.code = res.code;
      c.name = res.name;
      c.unit = res.unit;
      if (res.by_project) {
        c.per_unit = "П";
      } else {
        c.per_unit = Qty(res.consumption);
        c.quantity = Qty(line.quantity);
      }
      PriceColumns(res.price, line, &c);
      t.Row(c);
      if (res.machinist) {
        const core::ComputedLine& ml = d.machinists[i];
        Columns m;
        m.code = res.machinist->code;
        m.name = "Затраты труда машинистов";
        m.unit = "чел.-ч";
        m.per_unit = Qty(res.consumption * res.machinist->labor_per_machine_hour);
        m.quantity = Qty(ml.quantity);
        PriceColumns(res.machinist->price, ml, &m);
        t.Row(m);
      }
    }
  }
  t.Sum("Итого прямые затраты", Money(r.figures.direct - r.figures.extra));
  for (std::size_t i = 0; i < pos.extra.size(); ++i) {
    const core::ExtraRow& x = pos.extra[i];
    Columns c;
    c.number = x.number.empty() ? pos.number + "." + std::to_string(i + 1) : x.number;
    c.code = x.code;
    c.name = x.name;
    c.unit = x.unit;
    c.quantity = Qty(d.extra[i].quantity);
    PriceColumns(x.price, d.extra[i], &c);
    t.Row(c);
  }
  if (pos.auxiliary_materials) {
    Columns c;
    c.number = pos.number + "." + std::to_string(pos.extra.size() + 1);
    c.code = pos.auxiliary_materials->name.empty() ? "421/пр_2020_п.75_пп.а"
                                                   : pos.auxiliary_materials->name;
    c.name = "Вспомогательные ненормируемые материальные ресурсы, " +
             Qty(pos.auxiliary_materials->percent) + "%";
    c.unit = "%";
    c.per_unit = Qty(pos.auxiliary_materials->percent);
    c.total = Money(d.auxiliary_materials);
    t.Row(c);
  }
  t.Sum("ФОТ", Money(r.figures.fot));
  if (pos.overhead) {
    Columns c;
    c.code = d.overhead.code;
    c.name = "НР " + d.overhead.name;
    c.unit = "%";
    c.per_unit = Qty(d.overhead.percent);
    c.k = Qty(d.overhead.k);
    c.quantity = Qty(d.overhead_percent);
    c.total = Money(r.figures.overhead);
    t.Row(c);
  }
  if (pos.profit) {
    Columns c;
    c.code = d.profit.code;
    c.name = "СП " + d.profit.name;
    c.unit = "%";
    c.per_unit = Qty(d.profit.percent);
    c.k = Qty(d.profit.k);
    c.quantity = Qty(d.profit_percent);
    c.total = Money(r.figures.profit);
    t.Row(c);
  }
}

void PrintBreakdown(Table& t, const core::Figures& f, std::string_view direct_label,
                    std::string_view prefix, bool equipment) {
  t.Sum(direct_label, Money(f.direct));
  t.Sum("в том числе:", "", "  ");
  t.Sum("оплата труда (ОТ)", Money(f.ot), "    ");
  t.Sum("эксплуатация машин и механизмов", Money(f.em), "    ");
  t.Sum("оплата труда машинистов (ОТм)", Money(f.otm), "    ");
  t.Sum("материальные ресурсы", Money(f.m), "    ");
  t.Sum(std::string(prefix) + "ФОТ", Money(f.fot));
  t.Sum(std::string(prefix) + "накладные расходы", Money(f.overhead));
  t.Sum(std::string(prefix) + "сметная прибыль", Money(f.profit));
  if (equipment) t.Sum(std::string(prefix) + "оборудование", Money(f.equipment));
}

void PrintHours(Table& t, const core::Figures& f) {
  t.Sum("Справочно:", "");
  t.Sum("затраты труда рабочих, чел.-ч: " + Qty(f.labor_hours), "", "  ");
  t.Sum("затраты труда машинистов, чел.-ч: " + Qty(f.machinist_hours), "", "  ");
}

}  // namespace

std::string WriteEstimateText(const core::Estimate& estimate, const core::EstimateResult& result) {
  Table t;
  t.Line("ЛОКАЛЬНЫЙ СМЕТНЫЙ РАСЧЁТ (СМЕТА)" +
         (estimate.name.empty() ? std::string() : " " + estimate.name));
  t.Line("Составлен ресурсно-индексным методом");
  const core::Figures& all = result.totals.figures;
  t.Line("Сметная стоимость " + Ru(Decimal::Divide(all.total, Decimal::FromInt(1000), 2), 2) +
         " тыс. руб.: строительных работ " +
         Ru(Decimal::Divide(result.totals.construction.total, Decimal::FromInt(1000), 2), 2) +
         ", монтажных работ " +
         Ru(Decimal::Divide(result.totals.installation.total, Decimal::FromInt(1000), 2), 2) +
         ", оборудования " + Ru(Decimal::Divide(all.equipment, Decimal::FromInt(1000), 2), 2));
  t.Line("");
  t.Rule();
  t.Row({"№ п/п", "Обоснование", "Наименование работ и затрат", "Ед. изм.", "На ед.", "Коэф.",
         "Всего с коэф.", "Цена баз.", "Индекс", "Цена тек.", "Всего, руб."});
  t.Rule();
  for (std::size_t s = 0; s < estimate.sections.size(); ++s) {
    const core::Section& section = estimate.sections[s];
    if (!section.name.empty()) t.Line(section.name);
    for (std::size_t p = 0; p < section.positions.size(); ++p) {
      const core::Position& pos = section.positions[p];
      const core::PositionResult& r = result.positions[s][p];
      Columns head;
      head.number = pos.number;
      head.code = pos.code;
      head.name = pos.name;
      head.unit = pos.unit;
      head.quantity = Qty(pos.quantity);
      if (pos.type == core::PositionType::kResource) {
        core::PositionDetail none;
        core::ComputedLine line{pos.quantity, Decimal(), r.figures.total, pos.price.priced()};
        if (pos.price.priced()) {
          line.price = pos.price.source == core::UnitPrice::Source::kCurrent
                           ? pos.price.price
                           : Decimal::MulRound(pos.price.base_price, pos.price.index, 2);
        }
        PriceColumns(pos.price, line, &head);
        t.Row(head);
      } else {
        t.Row(head);
        core::PositionDetail detail;
        core::CalculatePosition(pos, estimate.options, &detail);
        PrintNorm(t, pos, r, detail);
      }
      Columns total;
      total.name = "Всего по позиции";
      total.price = Money(r.per_unit);
      total.total = Money(r.figures.total);
      t.Row(total);
    }
    const core::Figures& f = result.sections[s].figures;
    std::string_view bare = section.name;
    if (bare.rfind("Раздел ", 0) == 0) bare.remove_prefix(std::string_view("Раздел ").size());
    const std::string label = section.name.empty()
                                  ? std::string("по позициям, не вошедшим в разделы")
                                  : "по разделу " + std::string(bare);
    t.Rule();
    PrintBreakdown(t, f, "Итого прямые затраты " + label, "Итого ", /*equipment=*/true);
    t.Sum("Итого " + label, Money(f.total));
    PrintHours(t, f);
    t.Rule();
  }
  t.Line("ИТОГИ ПО СМЕТЕ");
  const core::Totals& tot = result.totals;
  t.Sum("ВСЕГО строительные работы", Money(tot.construction.total));
  PrintBreakdown(t, tot.construction, "  прямые затраты", "  ", /*equipment=*/false);
  t.Sum("ВСЕГО монтажные работы", Money(tot.installation.total));
  PrintBreakdown(t, tot.installation, "  прямые затраты", "  ", /*equipment=*/false);
  t.Sum("ВСЕГО оборудование", Money(all.equipment));
  t.Sum("ВСЕГО по смете", Money(all.total));
  PrintBreakdown(t, all, "Всего прямые затраты", "Всего ", /*equipment=*/true);
  t.Sum("Справочно:", "");
  t.Sum("материальные ресурсы, отсутствующие в ФРСН", Money(all.market_materials), "  ");
  t.Sum("оборудование, отсутствующее в ФРСН", Money(all.market_equipment), "  ");
  t.Sum("затраты труда рабочих, чел.-ч: " + Qty(all.labor_hours), "", "  ");
  t.Sum("затраты труда машинистов, чел.-ч: " + Qty(all.machinist_hours), "", "  ");
  return std::move(t.str());
}

}  // namespace estimate::formats
