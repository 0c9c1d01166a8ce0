// ССР (`"format": "summary-estimate/1"`, docs/calc-document.md): chapters 1–12 of amounts and
// percentages in, running totals, contingency, VAT and the total out (тыс. руб.).
#include <boost/json.hpp>

#include <cstdio>
#include <optional>
#include <string>
#include <utility>

#include "core/summary_estimate.hpp"
#include "formats/document/detail/document_reader.hpp"
#include "formats/document/detail/documents.hpp"
#include "formats/document/detail/json_out.hpp"
#include "formats/print/detail/text_layout.hpp"

namespace estimate::formats {
namespace {

namespace json = boost::json;
using core::Decimal;

bool LeapYear(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// "YYYY-MM-DD", a real calendar date.
std::optional<core::CalendarDate> ParseDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  auto number = [&](std::size_t from, std::size_t n) {
    int v = 0;
    for (std::size_t i = from; i < from + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return -1;
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  const core::CalendarDate d{number(0, 4), number(5, 2), number(8, 2)};
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (d.year < 1900 || d.month < 1 || d.month > 12 || d.day < 1) return std::nullopt;
  if (d.day > kDays[d.month - 1] || (d.month == 2 && d.day == 29 && !LeapYear(d.year))) {
    return std::nullopt;
  }
  return d;
}

std::string DateText(const core::CalendarDate& d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
  return buf;
}

std::string Percent(const Decimal& d) { return d.Normalized().ToString(); }

core::SummaryLine LineAt(const JsonObject& o, const JsonPath& path, DocumentReader& r) {
  core::SummaryLine line;
  if (r.Required(o, "chapter", path)) {
    if (auto c = r.OptionalInteger(o, "chapter", path, 1, core::kSummaryChapters)) {
      line.chapter = *c;
    }
  }
  line.number = r.String(o, "number", path);
  line.justification = r.String(o, "justification", path);
  line.name = r.String(o, "name", path);
  line.vat_exempt = r.Bool(o, "vat_exempt", path);
  const bool percent = r.Choice(o, "type", path, {"amount", "percent"}, 0, "type") == 1;
  if (!percent) {
    line.kind = core::SummaryLineKind::kAmount;
    line.amounts = ReadCostColumns(o, path, r, /*required_one=*/true);
    return line;
  }
  line.kind = core::SummaryLineKind::kPercent;
  if (auto p = r.RequiredNumber(o, "percent", path)) line.percent = *p;
  if (r.Choice(o, "target", path, {"same_columns", "other"}, 0, "target") == 1) {
    line.target = core::PercentTarget::kOther;
  }
  core::PercentBase& base = line.base;
  base.first_chapter = 1;
  base.last_chapter = line.chapter - 1;
  const JsonPath bp = path.Key("base");
  const std::optional<JsonObject> b = r.Object(DocumentReader::Field(o, "base"), bp);
  if (!b) return line;
  if (auto first = r.OptionalInteger(*b, "first_chapter", bp, 1, core::kSummaryChapters)) {
    base.first_chapter = *first;
  }
  if (auto last = r.OptionalInteger(*b, "last_chapter", bp, 1, core::kSummaryChapters)) {
    base.last_chapter = *last;
  }
  const JsonPath ap = bp.Key("amount");
  if (const std::optional<JsonObject> a = r.Object(DocumentReader::Field(*b, "amount"), ap)) {
    base.amount = ReadCostColumns(*a, ap, r, /*required_one=*/true);
  }
  const JsonPath colp = bp.Key("columns");
  if (const std::optional<JsonArray> cols = r.Array(DocumentReader::Field(*b, "columns"), colp)) {
    base.construction = base.installation = base.equipment = base.other = false;
    std::size_t i = 0;
    for (const JsonValue v : *cols) {
      const std::size_t at = i++;
      const std::string_view s = v.is_string() ? std::string_view(v.get_string()) : "";
      if (s == "construction") {
        base.construction = true;
      } else if (s == "installation") {
        base.installation = true;
      } else if (s == "equipment") {
        base.equipment = true;
      } else if (s == "other") {
        base.other = true;
      } else {
        r.Problem(colp.At(at), "expected construction, installation, equipment or other");
      }
    }
  }
  return line;
}

void AppendLine(std::string* out, const core::SummaryLineResult& l) {
  out->push_back('{');
  bool f = true;
  AppendText(out, "chapter", std::to_string(l.chapter), &f);
  AppendText(out, "number", l.number, &f);
  AppendText(out, "justification", l.justification, &f);
  AppendText(out, "name", l.name, &f);
  AppendField(out, "construction", l.amounts.construction, 2, &f);
  AppendField(out, "installation", l.amounts.installation, 2, &f);
  AppendField(out, "equipment", l.amounts.equipment, 2, &f);
  AppendField(out, "other", l.amounts.other, 2, &f);
  AppendField(out, "total", l.amounts.total, 2, &f);
  out->push_back('}');
}

}  // namespace

std::optional<core::SummaryEstimateInput> ReadSummaryEstimateDocument(const JsonObject& root,
                                                                      DocumentReader& reader) {
  const JsonPath path;
  core::SummaryEstimateInput in;
  in.number = reader.String(root, "number", path);
  in.name = reader.String(root, "name", path);
  in.vat_percent = reader.OptionalNumber(root, "vat_percent", path);
  // The date decides the VAT rate; with vat_percent given it is only printed.
  const std::optional<std::string> date =
      in.vat_percent ? std::optional<std::string>(reader.String(root, "date", path))
                     : reader.RequiredString(root, "date", path);
  if (date && !date->empty()) {
    if (auto d = ParseDate(*date)) {
      in.date = *d;
    } else {
      reader.Problem(path.Key("date"), Quoted(*date) + " is not a date (YYYY-MM-DD)");
    }
  }
  if (auto c = reader.RequiredNumber(root, "contingency_percent", path)) {
    in.contingency_percent = *c;
  }
  const JsonPath xp = path.Key("vat_exempt_amount");
  if (const std::optional<JsonObject> x = reader.Object(DocumentReader::Field(root, "vat_exempt_amount"), xp)) {
    in.vat_exempt_amount = ReadCostColumns(*x, xp, reader, /*required_one=*/true);
  }
  const JsonPath lp = path.Key("lines");
  if (const std::optional<JsonArray> lines = reader.Array(reader.Required(root, "lines", path), lp)) {
    in.lines.reserve(lines->size());
    std::size_t i = 0;
    for (const JsonValue lines_item : *lines) {
      const JsonPath ip = lp.At(i++);
      if (const std::optional<JsonObject> o = reader.Object(lines_item, ip)) {
        core::SummaryLine line = LineAt(*o, ip, reader);
        if (line.kind == core::SummaryLineKind::kPercent && !line.base.amount &&
            (line.base.first_chapter > line.base.last_chapter ||
             line.base.last_chapter >= line.chapter)) {
          reader.Problem(ip.Key("base"), "chapters must lie before the line's own chapter " +
                                             std::to_string(line.chapter));
        }
        in.lines.push_back(std::move(line));
      }
    }
  }
  if (!reader.ok()) return std::nullopt;
  return in;
}

std::string WriteSummaryEstimateResult(const core::SummaryEstimateInput& input,
                                       const core::SummaryEstimateResult& result) {
  std::string out = "{\n  \"format\": \"summary-estimate-result/1\"";
  bool f = false;
  AppendText(&out, "number", input.number, &f);
  AppendText(&out, "name", input.name, &f);
  if (input.date.year != 0) AppendText(&out, "date", DateText(input.date), &f);
  AppendText(&out, "unit", "тыс. руб.", &f);
  out += ",\n  \"lines\": [";
  for (std::size_t i = 0; i < result.lines.size(); ++i) {
    out += i == 0 ? "\n    " : ",\n    ";
    AppendLine(&out, result.lines[i]);
  }
  out += "\n  ],\n  \"chapters\": [";
  for (int c = 0; c < core::kSummaryChapters; ++c) {
    out += c == 0 ? "\n    {" : ",\n    {";
    bool cf = true;
    AppendText(&out, "chapter", std::to_string(c + 1), &cf);
    AppendCostColumns(&out, "amounts", result.chapters[c], &cf);
    AppendCostColumns(&out, "cumulative", result.cumulative[c], &cf);
    out += "}";
  }
  out += "\n  ]";
  bool tf = true;
  // Each top-level figure on its own line.
  auto next = [&out, &tf] {
    out += ",\n  ";
    tf = true;
  };
  next();
  AppendText(&out, "contingency_percent", Percent(input.contingency_percent), &tf);
  next();
  AppendCostColumns(&out, "contingency", result.contingency, &tf);
  next();
  AppendCostColumns(&out, "total_with_contingency", result.total_with_contingency, &tf);
  next();
  AppendCostColumns(&out, "vat_base", result.vat_base, &tf);
  next();
  AppendText(&out, "vat_percent", Percent(result.vat_percent), &tf);
  next();
  AppendCostColumns(&out, "vat", result.vat, &tf);
  next();
  AppendCostColumns(&out, "total", result.total, &tf);
  out += "\n}\n";
  return out;
}

std::string WriteSummaryEstimateText(const core::SummaryEstimateInput& input,
                                     const core::SummaryEstimateResult& result) {
  TextTable t({{8, false},
               {22, false},
               {48, false},
               {15, true},
               {15, true},
               {15, true},
               {15, true},
               {16, true}});
  std::string title = "СВОДНЫЙ СМЕТНЫЙ РАСЧЁТ СТОИМОСТИ СТРОИТЕЛЬСТВА";
  if (!input.number.empty()) title += " № " + input.number;
  t.Line(title);
  if (!input.name.empty()) t.Line(input.name);
  if (input.date.year != 0) t.Line("Составлен " + DateText(input.date));
  t.Line("Сметная стоимость " + Money(result.total.total) + " тыс. руб.");
  t.Line("");
  t.Line("Сметная стоимость, тыс. руб.");
  t.Rule();
  t.Row({"№ п/п", "Обоснование", "Наименование глав, объектов, работ и затрат", "строительных",
         "монтажных", "оборудования", "прочих", "всего"});
  t.Rule();
  auto row = [&t](std::string number, std::string justification, std::string name,
                  const core::CostColumns& c) {
    std::vector<std::string> cells = {std::move(number), std::move(justification), std::move(name)};
    for (std::string& s : CostCells(c)) cells.push_back(std::move(s));
    t.Row(cells);
  };
  std::size_t at = 0;
  for (int c = 1; c <= core::kSummaryChapters; ++c) {
    const bool has_lines = at < result.lines.size() && result.lines[at].chapter == c;
    if (has_lines) {
      t.Line("Глава " + std::to_string(c) + ". " + core::SummaryChapterTitle(c));
      for (; at < result.lines.size() && result.lines[at].chapter == c; ++at) {
        const core::SummaryLineResult& l = result.lines[at];
        row(l.number, l.justification, l.name, l.amounts);
      }
      row("", "", "Итого по главе " + std::to_string(c), result.chapters[c - 1]);
    }
    if (c >= 2 && (has_lines || c == core::kSummaryChapters)) {
      row("", "", "Итого по главам 1–" + std::to_string(c), result.cumulative[c - 1]);
    }
  }
  t.Rule();
  row("", "421/пр п.179",
      "Резерв на непредвиденные работы и затраты " + Qty(input.contingency_percent) + "%",
      result.contingency);
  row("", "", "Итого с непредвиденными", result.total_with_contingency);
  if (result.vat_base.total != result.total_with_contingency.total) {
    row("", "", "в т.ч. облагаемые НДС", result.vat_base);
  }
  row("", "", "НДС " + Qty(result.vat_percent) + "%", result.vat);
  row("", "", "ВСЕГО по сводному сметному расчёту", result.total);
  return std::move(t.str());
}

}  // namespace estimate::formats
