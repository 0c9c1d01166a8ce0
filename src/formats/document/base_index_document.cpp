// The ЛСР of the base-index method (`"method": "base-index"`, docs/calc-document.md): reading it
// into core::BaseIndexEstimate, and writing base-index-result/1 and the printed form.
#include <boost/json.hpp>

#include <optional>
#include <string>
#include <utility>

#include "core/base_index_calculator.hpp"
#include "formats/document/detail/document_reader.hpp"
#include "formats/document/detail/documents.hpp"
#include "formats/document/detail/json_out.hpp"
#include "formats/print/detail/text_layout.hpp"

namespace estimate::formats {
namespace {

namespace json = boost::json;
using core::BaseIndexAmounts;
using core::CostColumn;
using core::Decimal;

constexpr std::string_view kColumnNames[] = {"construction", "installation", "equipment", "other"};

CostColumn ColumnAt(std::size_t i) {
  switch (i) {
    case 1:
      return CostColumn::kInstallation;
    case 2:
      return CostColumn::kEquipment;
    case 3:
      return CostColumn::kOther;
    default:
      return CostColumn::kConstruction;
  }
}

std::string_view ColumnName(CostColumn c) { return kColumnNames[static_cast<int>(c)]; }

class Reader {
 public:
  explicit Reader(DocumentReader& r) : r_(r) {}

  template <typename Read>
  void EachObject(const JsonObject& o, std::string_view key, const JsonPath& path, Read read) {
    const std::optional<JsonValue> v = r_.Field(o, key);
    if (!v) return;
    const JsonPath ap = path.Key(key);
    const std::optional<JsonArray> a = r_.Array(v, ap);
    if (!a) return;
    std::size_t i = 0;
    for (const JsonValue a_item : *a) {
      const JsonPath ip = ap.At(i++);
      if (const std::optional<JsonObject> item = r_.Object(a_item, ip)) read(*item, ip);
    }
  }

  Decimal NumberOr(const JsonObject& o, std::string_view key, const JsonPath& path,
                   Decimal fallback) {
    const std::optional<Decimal> d = r_.OptionalNumber(o, key, path);
    return d ? *d : fallback;
  }

  Decimal Needed(const JsonObject& o, std::string_view key, const JsonPath& path) {
    const std::optional<Decimal> d = r_.RequiredNumber(o, key, path);
    return d ? *d : Decimal();
  }

  std::optional<Decimal> NonNegative(const JsonObject& o, std::string_view key,
                                     const JsonPath& path) {
    std::optional<Decimal> d = r_.OptionalNumber(o, key, path);
    if (d && d->IsNegative()) {
      r_.Problem(path.Key(key), "must not be negative");
      return std::nullopt;
    }
    return d;
  }

  core::BaseIndexCoefficient CoefficientAt(const JsonObject& o, const JsonPath& path) {
    core::BaseIndexCoefficient c;
    c.name = r_.String(o, "name", path);
    switch (r_.Choice(o, "combine", path, {"multiply", "additive", "appendix10_multiply"}, 0,
                      "combination")) {
      case 1:
        c.combination = core::BaseIndexCombination::kAppendix10Additive;
        break;
      case 2:
        c.combination = core::BaseIndexCombination::kAppendix10Multiply;
        break;
      default:
        break;
    }
    c.labor = NonNegative(o, "labor", path);
    c.machinist_labor = NonNegative(o, "machinist_labor", path);
    c.machines = NonNegative(o, "machines", path);
    c.materials = NonNegative(o, "materials", path);
    c.workers_pay = NonNegative(o, "workers_pay", path);
    c.machinists_pay = NonNegative(o, "machinists_pay", path);
    return c;
  }

  core::BaseIndexPricedLine PricedLineAt(const JsonObject& o, const JsonPath& path) {
    core::BaseIndexPricedLine l;
    l.code = r_.String(o, "code", path);
    l.name = r_.String(o, "name", path);
    l.unit = r_.String(o, "unit", path);
    l.quantity = Needed(o, "quantity", path);
    l.base_price = Needed(o, "base_price", path);
    l.price_factor = NumberOr(o, "price_factor", path, Decimal::FromInt(1));
    return l;
  }

  core::BaseIndexTransportLine TransportAt(const JsonObject& o, const JsonPath& path) {
    core::BaseIndexTransportLine t;
    t.code = r_.String(o, "code", path);
    t.name = r_.String(o, "name", path);
    t.quantity = Needed(o, "quantity", path);
    t.base_price = Needed(o, "base_price", path);
    t.price_factor = NumberOr(o, "price_factor", path, Decimal::FromInt(1));
    t.index = Needed(o, "index", path);
    return t;
  }

  std::optional<core::BaseIndexRate> RateAt(const JsonObject& o, std::string_view key,
                                            const JsonPath& path) {
    const std::optional<JsonValue> v = r_.Field(o, key);
    if (!v) return std::nullopt;
    const JsonPath p = path.Key(key);
    const std::optional<JsonObject> r = r_.Object(v, p);
    if (!r) return std::nullopt;
    core::BaseIndexRate rate;
    rate.code = r_.String(*r, "code", p);
    rate.percent = Needed(*r, "percent", p);
    rate.k = NumberOr(*r, "k", p, Decimal::FromInt(1));
    return rate;
  }

  core::BaseIndexPosition PositionAt(const JsonObject& o, const JsonPath& path) {
    core::BaseIndexPosition p;
    if (auto number = r_.RequiredString(o, "number", path)) p.number = std::move(*number);
    p.code = r_.String(o, "code", path);
    p.name = r_.String(o, "name", path);
    p.unit = r_.String(o, "unit", path);
    if (auto q = r_.RequiredNumber(o, "quantity", path)) {
      if (q->IsNegative()) r_.Problem(path.Key("quantity"), "must not be negative");
      p.quantity = *q;
    }
    p.column = ColumnAt(r_.Choice(
        o, "column", path, {"construction", "installation", "equipment", "other"}, 0, "column"));
    uses_equipment_ |= p.column == CostColumn::kEquipment;
    uses_other_ |= p.column == CostColumn::kOther;
    EachObject(o, "transport", path, [&](const JsonObject& t, const JsonPath& tp) {
      p.transport.push_back(TransportAt(t, tp));
    });
    const std::optional<std::string> type = r_.RequiredString(o, "type", path);
    if (!type) return p;
    if (*type == "resource") {
      p.type = core::BaseIndexPositionType::kResource;
      p.base_price = Needed(o, "base_price", path);
      p.price_factor = NumberOr(o, "price_factor", path, Decimal::FromInt(1));
      return p;
    }
    if (*type != "norm") {
      r_.Problem(path.Key("type"),
                 "unknown type " + Quoted(*type) + " (expected norm or resource)");
      return p;
    }
    p.type = core::BaseIndexPositionType::kNorm;
    if (p.column == CostColumn::kEquipment) {
      r_.Problem(path.Key("column"), "a norm counts in construction, installation or other");
    }
    const JsonPath up = path.Key("unit_rate");
    if (const std::optional<JsonObject> u = r_.Object(r_.Required(o, "unit_rate", path), up)) {
      core::BaseIndexUnitRate& rate = p.unit_rate;
      rate.workers_pay = Needed(*u, "workers_pay", up);
      rate.machines = Needed(*u, "machines", up);
      rate.machinists_pay = NumberOr(*u, "machinists_pay", up, Decimal());
      rate.materials = Needed(*u, "materials", up);
      rate.labor_hours = NumberOr(*u, "labor_hours", up, Decimal());
      rate.machinist_hours = NumberOr(*u, "machinist_hours", up, Decimal());
      if (rate.machinists_pay > rate.machines) {
        r_.Problem(up.Key("machinists_pay"), "is part of machines and cannot exceed it");
      }
    }
    EachObject(o, "coefficients", path, [&](const JsonObject& c, const JsonPath& cp) {
      p.coefficients.push_back(CoefficientAt(c, cp));
    });
    EachObject(o, "materials", path, [&](const JsonObject& m, const JsonPath& mp) {
      p.materials.push_back(PricedLineAt(m, mp));
    });
    EachObject(o, "equipment", path, [&](const JsonObject& e, const JsonPath& ep) {
      p.equipment.push_back(PricedLineAt(e, ep));
      uses_equipment_ = true;
    });
    p.overhead = RateAt(o, "overhead", path);
    p.profit = RateAt(o, "profit", path);
    p.pay_index = r_.OptionalNumber(o, "pay_index", path);
    return p;
  }

  // Reads `indices` after the sections, so that it knows whether equipment and other costs occur.
  void Indices(const JsonObject& root, const JsonPath& path, core::BaseIndexIndices* indices) {
    const JsonPath ip = path.Key("indices");
    const std::optional<JsonObject> o = r_.Object(r_.Required(root, "indices", path), ip);
    if (!o) return;
    const bool to_smr =
        r_.Choice(*o, "indexing", ip, {"by_cost_element", "construction_installation"}, 0,
                  "indexing") == 1;
    const Decimal one = Decimal::FromInt(1);
    if (to_smr) {
      indices->indexing = core::BaseIndexIndexing::kToConstructionInstallation;
      indices->construction_installation = Needed(*o, "construction_installation", ip);
    } else {
      indices->workers_pay = Needed(*o, "workers_pay", ip);
      indices->machinists_pay = r_.OptionalNumber(*o, "machinists_pay", ip);
      indices->machines = Needed(*o, "machines", ip);
      indices->materials = Needed(*o, "materials", ip);
    }
    // An index of a block the estimate has is required: a forgotten one would leave that block
    // at base prices, a silently wrong total.
    indices->equipment =
        uses_equipment_ ? Needed(*o, "equipment", ip) : NumberOr(*o, "equipment", ip, one);
    indices->other = uses_other_ ? Needed(*o, "other", ip) : NumberOr(*o, "other", ip, one);
  }

  std::optional<core::BaseIndexEstimate> Document(const JsonObject& root) {
    const JsonPath path;
    core::BaseIndexEstimate e;
    e.name = r_.String(root, "name", path);
    const JsonPath sp = path.Key("sections");
    if (const std::optional<JsonArray> sections = r_.Array(r_.Required(root, "sections", path), sp)) {
      e.sections.reserve(sections->size());
      std::size_t s = 0;
      for (const JsonValue sections_item : *sections) {
        const JsonPath sip = sp.At(s++);
        const std::optional<JsonObject> so = r_.Object(sections_item, sip);
        if (!so) continue;
        core::BaseIndexSection section;
        section.name = r_.String(*so, "name", sip);
        const JsonPath pp = sip.Key("positions");
        if (const std::optional<JsonArray> positions = r_.Array(r_.Required(*so, "positions", sip), pp)) {
          section.positions.reserve(positions->size());
          std::size_t i = 0;
          for (const JsonValue positions_item : *positions) {
            const JsonPath ip = pp.At(i++);
            if (const std::optional<JsonObject> po = r_.Object(positions_item, ip)) {
              section.positions.push_back(PositionAt(*po, ip));
            }
          }
        }
        e.sections.push_back(std::move(section));
      }
    }
    Indices(root, path, &e.indices);
    if (!r_.ok()) return std::nullopt;
    return e;
  }

 private:
  DocumentReader& r_;
  bool uses_equipment_ = false;
  bool uses_other_ = false;
};

// --- base-index-result/1 -------------------------------------------------------------------

// Which amounts a level carries: all of them (base, and the current level of a block), or only
// those indexed position by position (the current level of a position or section).
enum class Level { kAll, kPerPosition };

void AppendAmounts(std::string* out, std::string_view key, const BaseIndexAmounts& a, Level level,
                   bool* first) {
  AppendKey(out, key, first);
  out->push_back('{');
  bool f = true;
  if (level == Level::kAll) {
    AppendField(out, "ot", a.ot, 2, &f);
    AppendField(out, "em", a.em, 2, &f);
    AppendField(out, "otm", a.otm, 2, &f);
    AppendField(out, "otm_extra", a.otm_extra, 2, &f);
    AppendField(out, "m", a.m, 2, &f);
    AppendField(out, "transport", a.transport, 2, &f);
    AppendField(out, "equipment", a.equipment, 2, &f);
    AppendField(out, "equipment_transport", a.equipment_transport, 2, &f);
    AppendField(out, "other", a.other, 2, &f);
    AppendField(out, "direct", a.direct, 2, &f);
    AppendField(out, "fot", a.fot, 2, &f);
    AppendField(out, "overhead", a.overhead, 2, &f);
    AppendField(out, "profit", a.profit, 2, &f);
    AppendField(out, "total", a.total, 2, &f);
  } else {
    AppendField(out, "ot", a.ot, 2, &f);
    AppendField(out, "otm", a.otm, 2, &f);
    AppendField(out, "otm_extra", a.otm_extra, 2, &f);
    AppendField(out, "fot", a.fot, 2, &f);
    AppendField(out, "overhead", a.overhead, 2, &f);
    AppendField(out, "profit", a.profit, 2, &f);
    AppendField(out, "transport", a.transport, 2, &f);
    AppendField(out, "equipment_transport", a.equipment_transport, 2, &f);
  }
  out->push_back('}');
}

void AppendHours(std::string* out, const Decimal& labor, const Decimal& machinist, bool* first) {
  AppendField(out, "labor_hours", labor, 7, first);
  AppendField(out, "machinist_hours", machinist, 7, first);
}

void AppendCoefficients(std::string* out, const core::BaseIndexResultingCoefficients& k,
                        bool* first) {
  AppendKey(out, "k", first);
  out->push_back('{');
  bool f = true;
  AppendText(out, "ot", k.ot.Normalized().ToString(), &f);
  AppendText(out, "em", k.em.Normalized().ToString(), &f);
  AppendText(out, "otm_in_machines", k.otm_in_machines.Normalized().ToString(), &f);
  AppendText(out, "otm", k.otm.Normalized().ToString(), &f);
  AppendText(out, "m", k.m.Normalized().ToString(), &f);
  AppendText(out, "labor_hours", k.labor_hours.Normalized().ToString(), &f);
  AppendText(out, "machinist_hours", k.machinist_hours.Normalized().ToString(), &f);
  out->push_back('}');
}

void AppendBlock(std::string* out, std::string_view key, const core::BaseIndexBlock& b,
                 bool* first) {
  AppendKey(out, key, first);
  out->push_back('{');
  bool f = true;
  AppendAmounts(out, "base", b.base, Level::kAll, &f);
  AppendAmounts(out, "current", b.current, Level::kAll, &f);
  AppendHours(out, b.labor_hours, b.machinist_hours, &f);
  out->push_back('}');
}

// --- the printed form ------------------------------------------------------------------------

TextTable FormTable() {
  // № п/п, Обоснование, Наименование, Ед. изм., Количество, В базисном уровне, Индекс, В текущем.
  return TextTable({{6, false},
                    {24, false},
                    {48, false},
                    {8, false},
                    {13, true},
                    {15, true},
                    {8, true},
                    {16, true}});
}

// A line of text from the name column on, not cut to the column's width.
void Note(TextTable& t, const std::string& text) { t.Line(std::string(34, ' ') + text); }

void Figure(TextTable& t, std::string name, const Decimal& base, const std::string& index,
            std::optional<Decimal> current) {
  t.Row({"", "", "  " + name, "", "", Money(base), index, current ? Money(*current) : ""});
}

void PrintPosition(TextTable& t, const core::BaseIndexPosition& p,
                   const core::BaseIndexPositionResult& r, const core::BaseIndexIndices& indices) {
  t.Row({p.number, p.code, p.name, p.unit, Qty(p.quantity)});
  const bool by_element = indices.indexing == core::BaseIndexIndexing::kByCostElement;
  const core::BaseIndexPayIndices pay = core::PayIndicesOf(p, indices);
  const Decimal& pay_index = pay.workers_pay;
  const Decimal& machinists_index = pay.machinists_pay;
  auto cur = [&](const Decimal& d) {
    return by_element ? std::optional<Decimal>(d) : std::nullopt;
  };
  if (p.type == core::BaseIndexPositionType::kNorm) {
    for (const core::BaseIndexCoefficient& c : p.coefficients) Note(t, c.name);
    if (!p.coefficients.empty()) {
      Note(t, "Результирующие коэффициенты: ОТ " + Qty(r.k.ot) + "; ЭМ " + Qty(r.k.em) + "; ЗТм " +
                  Qty(r.k.otm_in_machines) + "; ОТм " + Qty(r.k.otm) + "; М " + Qty(r.k.m) +
                  "; ЗТ " + Qty(r.k.labor_hours));
    }
    Figure(t, "ОТ", r.base.ot, by_element ? Qty(pay_index) : "", cur(r.current.ot));
    Figure(t, "ЭМ", r.base.em, "", std::nullopt);
    Figure(t, "в т.ч. ОТм", r.base.otm, by_element ? Qty(machinists_index) : "",
           cur(r.current.otm));
    if (!r.base.otm_extra.IsZero()) {
      Figure(t, "Доплаты к оплате труда машинистов", r.base.otm_extra,
             by_element ? Qty(machinists_index) : "", cur(r.current.otm_extra));
    }
    Figure(t, "М", r.base.m, "", std::nullopt);
    for (const core::BaseIndexPricedLine& l : p.materials) {
      t.Row({"", l.code, "  " + l.name, l.unit, Qty(l.quantity),
             Money((l.quantity * l.base_price * l.price_factor).Round(2))});
    }
    for (const core::BaseIndexPricedLine& l : p.equipment) {
      t.Row({"", l.code, "  " + l.name, l.unit, Qty(l.quantity),
             Money((l.quantity * l.base_price * l.price_factor).Round(2))});
    }
  } else {
    t.Row({"", "", "  Цена за единицу в базисном уровне", "", "", Money(p.base_price)});
  }
  for (const core::BaseIndexTransportLine& l : p.transport) {
    const Decimal line = (l.quantity * l.base_price * l.price_factor).Round(2);
    t.Row({"", l.code, "  Перевозка " + l.name, "", Qty(l.quantity), Money(line), Qty(l.index),
           Money((line * l.index).Round(2))});
  }
  if (p.type == core::BaseIndexPositionType::kNorm) {
    Figure(t, "ФОТ", r.base.fot, "", cur(r.current.fot));
    if (p.overhead) {
      Figure(t,
             "НР " + Qty(p.overhead->percent) + "% × " + Qty(p.overhead->k) +
                 (p.overhead->code.empty() ? "" : " " + p.overhead->code),
             r.base.overhead, "", cur(r.current.overhead));
    }
    if (p.profit) {
      Figure(t,
             "СП " + Qty(p.profit->percent) + "% × " + Qty(p.profit->k) +
                 (p.profit->code.empty() ? "" : " " + p.profit->code),
             r.base.profit, "", cur(r.current.profit));
    }
    Note(t, "Затраты труда рабочих / машинистов, чел.-ч: " + Qty(r.labor_hours) + " / " +
                Qty(r.machinist_hours));
  }
  t.Row({"", "", "Всего по позиции", "", "", Money(r.base.total)});
}

void PrintBlock(TextTable& t, std::string_view title, const core::BaseIndexBlock& b,
                bool by_element) {
  t.Row({"", "", std::string(title), "", "", Money(b.base.total), "", Money(b.current.total)});
  if (!by_element && title != "ВСЕГО оборудование" && title != "ВСЕГО прочие затраты") {
    // Indexed «к СМР»: the current level is not split by element.
    t.Row({"", "", "  в том числе перевозка", "", "", Money(b.base.transport), "",
           Money(b.current.transport)});
    return;
  }
  const struct {
    const char* name;
    Decimal BaseIndexAmounts::*field;
  } kRows[] = {
      {"оплата труда (ОТ)", &BaseIndexAmounts::ot},
      {"эксплуатация машин (ЭМ)", &BaseIndexAmounts::em},
      {"в т.ч. оплата труда машинистов (ОТм)", &BaseIndexAmounts::otm},
      {"доплаты к оплате труда машинистов", &BaseIndexAmounts::otm_extra},
      {"материалы (М)", &BaseIndexAmounts::m},
      {"перевозка материалов", &BaseIndexAmounts::transport},
      {"оборудование", &BaseIndexAmounts::equipment},
      {"перевозка оборудования", &BaseIndexAmounts::equipment_transport},
      {"прочие затраты", &BaseIndexAmounts::other},
      {"прямые затраты (ПЗ)", &BaseIndexAmounts::direct},
      {"ФОТ", &BaseIndexAmounts::fot},
      {"накладные расходы", &BaseIndexAmounts::overhead},
      {"сметная прибыль", &BaseIndexAmounts::profit},
  };
  for (const auto& row : kRows) {
    const Decimal& base = b.base.*row.field;
    const Decimal& current = b.current.*row.field;
    if (base.IsZero() && current.IsZero()) continue;
    t.Row({"", "", std::string("  ") + row.name, "", "", Money(base), "", Money(current)});
  }
}

}  // namespace

std::optional<core::BaseIndexEstimate> ReadBaseIndexDocument(const JsonObject& root,
                                                             DocumentReader& reader) {
  return Reader(reader).Document(root);
}

std::string WriteBaseIndexResult(const core::BaseIndexEstimate& estimate,
                                 const core::BaseIndexResult& result) {
  std::string out;
  out.reserve(1024 + 1024 * result.positions.size());
  out += "{\n  \"format\": \"base-index-result/1\",\n  \"indexing\": ";
  AppendString(&out, estimate.indices.indexing == core::BaseIndexIndexing::kByCostElement
                         ? "by_cost_element"
                         : "construction_installation");
  out += ",\n  \"positions\": [";
  for (std::size_t i = 0; i < result.positions.size(); ++i) {
    const core::BaseIndexPositionResult& r = result.positions[i];
    out += i == 0 ? "\n    {" : ",\n    {";
    bool f = true;
    AppendText(&out, "number", r.number, &f);
    AppendText(&out, "column", ColumnName(r.column), &f);
    AppendCoefficients(&out, r.k, &f);
    AppendField(&out, "norm_direct", r.norm_direct, 2, &f);
    AppendHours(&out, r.labor_hours, r.machinist_hours, &f);
    out += ",\n     ";
    f = true;
    AppendAmounts(&out, "base", r.base, Level::kAll, &f);
    out += ",\n     ";
    f = true;
    AppendAmounts(&out, "current", r.current, Level::kPerPosition, &f);
    out += "}";
  }
  out += "\n  ],\n  \"sections\": [";
  for (std::size_t i = 0; i < result.sections.size(); ++i) {
    const core::BaseIndexSectionResult& s = result.sections[i];
    out += i == 0 ? "\n    {" : ",\n    {";
    bool f = true;
    AppendText(&out, "name", s.name, &f);
    AppendHours(&out, s.labor_hours, s.machinist_hours, &f);
    out += ",\n     ";
    f = true;
    AppendAmounts(&out, "base", s.base, Level::kAll, &f);
    out += ",\n     ";
    f = true;
    AppendAmounts(&out, "current", s.current, Level::kPerPosition, &f);
    out += "}";
  }
  out += "\n  ],\n  \"totals\": {";
  const std::pair<std::string_view, const core::BaseIndexBlock*> blocks[] = {
      {"construction", &result.construction},
      {"installation", &result.installation},
      {"equipment", &result.equipment},
      {"other", &result.other},
      {"total", &result.total}};
  for (std::size_t i = 0; i < std::size(blocks); ++i) {
    out += i == 0 ? "\n    " : ",\n    ";
    bool f = true;
    AppendBlock(&out, blocks[i].first, *blocks[i].second, &f);
  }
  out += "\n  }\n}\n";
  return out;
}

std::string WriteBaseIndexText(const core::BaseIndexEstimate& estimate,
                               const core::BaseIndexResult& result) {
  TextTable t = FormTable();
  const core::BaseIndexIndices& ix = estimate.indices;
  const bool by_element = ix.indexing == core::BaseIndexIndexing::kByCostElement;
  t.Line("ЛОКАЛЬНЫЙ СМЕТНЫЙ РАСЧЁТ (СМЕТА)" +
         (estimate.name.empty() ? std::string() : " " + estimate.name));
  t.Line("Составлен базисно-индексным методом");
  if (by_element) {
    t.Line("Индексы к элементам прямых затрат: ОТ " + Qty(ix.workers_pay) + ", ОТм " +
           Qty(ix.machinists_pay.value_or(ix.workers_pay)) + ", ЭМ " + Qty(ix.machines) + ", М " +
           Qty(ix.materials) + ", оборудование " + Qty(ix.equipment) + ", прочие " + Qty(ix.other));
  } else {
    t.Line("Индекс к СМР " + Qty(ix.construction_installation) + ", оборудование " +
           Qty(ix.equipment) + ", прочие " + Qty(ix.other));
  }
  t.Line("Сметная стоимость " + Money(result.total.current.total) + " руб. (в базисном уровне " +
         Money(result.total.base.total) + " руб.)");
  t.Line("");
  t.Rule();
  t.Row({"№ п/п", "Обоснование", "Наименование работ и затрат", "Ед. изм.", "Количество",
         "Базисная, руб.", "Индекс", "Текущая, руб."});
  t.Rule();
  std::size_t at = 0;
  for (std::size_t s = 0; s < estimate.sections.size(); ++s) {
    const core::BaseIndexSection& section = estimate.sections[s];
    if (!section.name.empty()) t.Line("Раздел " + std::to_string(s + 1) + ". " + section.name);
    for (const core::BaseIndexPosition& p : section.positions) {
      PrintPosition(t, p, result.positions[at++], ix);
    }
    const core::BaseIndexSectionResult& sr = result.sections[s];
    t.Rule();
    t.Row({"", "", "Итого по разделу " + std::to_string(s + 1), "", "", Money(sr.base.total)});
    if (by_element) {
      t.Row({"", "", "  ФОТ", "", "", Money(sr.base.fot), "", Money(sr.current.fot)});
      t.Row({"", "", "  накладные расходы", "", "", Money(sr.base.overhead), "",
             Money(sr.current.overhead)});
      t.Row({"", "", "  сметная прибыль", "", "", Money(sr.base.profit), "",
             Money(sr.current.profit)});
    }
    t.Rule();
  }
  t.Line("ИТОГИ ПО СМЕТЕ");
  PrintBlock(t, "ВСЕГО строительные работы", result.construction, by_element);
  PrintBlock(t, "ВСЕГО монтажные работы", result.installation, by_element);
  PrintBlock(t, "ВСЕГО оборудование", result.equipment, by_element);
  PrintBlock(t, "ВСЕГО прочие затраты", result.other, by_element);
  PrintBlock(t, "ВСЕГО по смете", result.total, by_element);
  t.Line("Справочно: затраты труда рабочих, чел.-ч: " + Qty(result.total.labor_hours));
  t.Line("Справочно: затраты труда машинистов, чел.-ч: " + Qty(result.total.machinist_hours));
  return std::move(t.str());
}

}  // namespace estimate::formats
