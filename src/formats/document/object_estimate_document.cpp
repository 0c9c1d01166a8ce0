// ОСР (`"format": "object-estimate/1"`, docs/calc-document.md): the ЛСР of one object in roubles
// in, the object estimate in thousands of roubles out.
#include <boost/json.hpp>

#include <optional>
#include <string>
#include <utility>

#include "core/object_estimate.hpp"
#include "formats/document/detail/document_reader.hpp"
#include "formats/document/detail/documents.hpp"
#include "formats/document/detail/json_out.hpp"
#include "formats/print/detail/text_layout.hpp"

namespace estimate::formats {

namespace json = boost::json;
using core::Decimal;

core::CostColumns ReadCostColumns(const JsonObject& o, const JsonPath& path,
                                  DocumentReader& reader, bool required_one) {
  core::CostColumns c;
  bool any = false;
  const struct {
    std::string_view key;
    Decimal core::CostColumns::*field;
  } kColumns[] = {{"construction", &core::CostColumns::construction},
                  {"installation", &core::CostColumns::installation},
                  {"equipment", &core::CostColumns::equipment},
                  {"other", &core::CostColumns::other}};
  for (const auto& col : kColumns) {
    if (DocumentReader::Field(o, col.key)) any = true;
    if (auto d = reader.OptionalNumber(o, col.key, path)) c.*col.field = *d;
  }
  if (required_one && !any) {
    reader.Problem(path, "give at least one of construction, installation, equipment, other");
  }
  c.Sum();
  return c;
}

void AppendCostColumns(std::string* out, std::string_view key, const core::CostColumns& c,
                       bool* first) {
  AppendKey(out, key, first);
  out->push_back('{');
  bool f = true;
  AppendField(out, "construction", c.construction, 2, &f);
  AppendField(out, "installation", c.installation, 2, &f);
  AppendField(out, "equipment", c.equipment, 2, &f);
  AppendField(out, "other", c.other, 2, &f);
  AppendField(out, "total", c.total, 2, &f);
  out->push_back('}');
}

std::vector<std::string> CostCells(const core::CostColumns& c) {
  return {Money(c.construction), Money(c.installation), Money(c.equipment), Money(c.other),
          Money(c.total)};
}

namespace {

const struct {
  std::string_view key;
  Decimal core::CostDetails::*field;
  std::string_view label;
} kDetails[] = {
    {"ot", &core::CostDetails::ot, "оплата труда рабочих (ОТ)"},
    {"em", &core::CostDetails::em, "эксплуатация машин (ЭМ)"},
    {"otm", &core::CostDetails::otm, "в т.ч. оплата труда машинистов (ОТм)"},
    {"m", &core::CostDetails::m, "материалы (М)"},
    {"transport", &core::CostDetails::transport, "перевозка"},
    {"overhead", &core::CostDetails::overhead, "накладные расходы"},
    {"profit", &core::CostDetails::profit, "сметная прибыль"},
};

core::CostDetails ReadDetails(const JsonObject& o, const JsonPath& path, DocumentReader& reader) {
  core::CostDetails d;
  for (const auto& f : kDetails) {
    if (auto v = reader.OptionalNumber(o, f.key, path)) d.*f.field = *v;
  }
  return d;
}

void AppendDetails(std::string* out, const core::CostDetails& d, bool* first) {
  AppendKey(out, "details", first);
  out->push_back('{');
  bool f = true;
  for (const auto& k : kDetails) AppendField(out, k.key, d.*k.field, 2, &f);
  out->push_back('}');
}

}  // namespace

std::optional<core::ObjectEstimateInput> ReadObjectEstimateDocument(const JsonObject& root,
                                                                    DocumentReader& reader) {
  const JsonPath path;
  core::ObjectEstimateInput in;
  in.number = reader.String(root, "number", path);
  in.name = reader.String(root, "name", path);
  if (auto m = reader.OptionalNumber(root, "measure_quantity", path)) {
    if (!(*m > Decimal())) reader.Problem(path.Key("measure_quantity"), "must be positive");
    in.measure_quantity = *m;
  }
  const JsonPath lp = path.Key("lines");
  if (const std::optional<JsonArray> lines = reader.Array(reader.Required(root, "lines", path), lp)) {
    in.lines.reserve(lines->size());
    std::size_t i = 0;
    for (const JsonValue lines_item : *lines) {
      const JsonPath ip = lp.At(i++);
      const std::optional<JsonObject> o = reader.Object(lines_item, ip);
      if (!o) continue;
      core::ObjectEstimateLine line;
      line.number = reader.String(*o, "number", ip);
      line.name = reader.String(*o, "name", ip);
      const core::CostColumns c = ReadCostColumns(*o, ip, reader, /*required_one=*/true);
      line.construction = c.construction;
      line.installation = c.installation;
      line.equipment = c.equipment;
      line.other = c.other;
      const JsonPath dp = ip.Key("details");
      if (const std::optional<JsonObject> d = reader.Object(DocumentReader::Field(*o, "details"), dp)) {
        line.details = ReadDetails(*d, dp, reader);
      }
      in.lines.push_back(std::move(line));
    }
  }
  if (!reader.ok()) return std::nullopt;
  return in;
}

std::string WriteObjectEstimateResult(const core::ObjectEstimateInput& input,
                                      const core::ObjectEstimateResult& result) {
  std::string out = "{\n  \"format\": \"object-estimate-result/1\"";
  bool f = false;
  AppendText(&out, "number", input.number, &f);
  AppendText(&out, "name", input.name, &f);
  AppendText(&out, "unit", "тыс. руб.", &f);
  out += ",\n  \"rows\": [";
  for (std::size_t i = 0; i < result.rows.size(); ++i) {
    const core::ObjectEstimateRow& row = result.rows[i];
    out += i == 0 ? "\n    {" : ",\n    {";
    bool rf = true;
    AppendText(&out, "number", row.number, &rf);
    AppendText(&out, "name", row.name, &rf);
    AppendField(&out, "construction", row.amounts.construction, 2, &rf);
    AppendField(&out, "installation", row.amounts.installation, 2, &rf);
    AppendField(&out, "equipment", row.amounts.equipment, 2, &rf);
    AppendField(&out, "other", row.amounts.other, 2, &rf);
    AppendField(&out, "total", row.amounts.total, 2, &rf);
    AppendDetails(&out, row.details, &rf);
    out += "}";
  }
  out += "\n  ],\n  ";
  bool tf = true;
  AppendCostColumns(&out, "total", result.total, &tf);
  out += ",\n  ";
  tf = true;
  AppendDetails(&out, result.details, &tf);
  if (result.unit_cost) {
    out += ",\n  ";
    tf = true;
    AppendField(&out, "unit_cost", *result.unit_cost, 2, &tf);
  }
  out += "\n}\n";
  return out;
}

std::string WriteObjectEstimateText(const core::ObjectEstimateInput& input,
                                    const core::ObjectEstimateResult& result) {
  TextTable t(
      {{12, false}, {44, false}, {15, true}, {15, true}, {15, true}, {15, true}, {16, true}});
  std::string title = "ОБЪЕКТНЫЙ СМЕТНЫЙ РАСЧЁТ (СМЕТА)";
  if (!input.number.empty()) title += " № " + input.number;
  t.Line(title);
  if (!input.name.empty()) t.Line(input.name);
  t.Line("Сметная стоимость " + Money(result.total.total) + " тыс. руб.");
  if (result.unit_cost) {
    t.Line("Показатель единичной стоимости " + Money(*result.unit_cost) + " тыс. руб. на " +
           Qty(*input.measure_quantity) + " ед. измерителя");
  }
  t.Line("");
  t.Line("Сметная стоимость, тыс. руб.");
  t.Rule();
  t.Row({"Номер сметы", "Наименование работ и затрат", "строительных", "монтажных", "оборудования",
         "прочих", "всего"});
  t.Rule();
  for (const core::ObjectEstimateRow& row : result.rows) {
    std::vector<std::string> cells = {row.number, row.name};
    for (std::string& c : CostCells(row.amounts)) cells.push_back(std::move(c));
    t.Row(cells);
  }
  t.Rule();
  std::vector<std::string> total = {"", "Всего по объектному сметному расчёту"};
  for (std::string& c : CostCells(result.total)) total.push_back(std::move(c));
  t.Row(total);
  t.Row({"", "в том числе:"});
  for (const auto& d : kDetails) {
    t.Row({"", "  " + std::string(d.label), "", "", "", "", Money(result.details.*d.field)});
  }
  return std::move(t.str());
}

}  // namespace estimate::formats
