// The ЛСР printed as a plain-text Russian table (`estimate-service calc --format text`), laid
// out after the form of 421/пр приложение № 3: the rows of print_form.hpp (position blocks,
// section totals, ИТОГИ ПО СМЕТЕ) under a short header. Графа 11 (cost coefficients) is left out.
#include <string>
#include <string_view>
#include <vector>

#include "formats/document/estimate_document.hpp"
#include "formats/print/detail/print_form.hpp"
#include "formats/print/detail/text_layout.hpp"

namespace estimate::formats {
namespace {

using core::Decimal;

class Table {
 public:
  static constexpr std::size_t kWidth = 178;

  // The графы 1–10 and 12, in fixed widths.
  void Row(const std::vector<std::string>& c) {
    static constexpr struct {
      std::size_t width;
      bool right;
    } kColumns[] = {{6, false}, {22, false}, {46, false}, {8, false}, {11, true}, {6, true},
                    {13, true}, {12, true},  {6, true},   {12, true}, {14, true}};
    std::string line;
    for (std::size_t i = 0; i < std::size(kColumns); ++i) {
      if (i > 0) line += ' ';
      line += Pad(i < c.size() ? c[i] : std::string(), kColumns[i].width, kColumns[i].right);
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out_ += line + '\n';
  }
  void Row(const FormRow& r) {
    std::vector<std::string> cells;
    for (std::size_t i = 0; i < kEstimateColumns; ++i) {
      if (i != kColCostCoefficient) cells.push_back(CellText(r.cells[i]));
    }
    Row(cells);
  }
  // A label row with a sum in the last column; the label may run across the middle columns.
  void Sum(std::string_view label, const std::string& total) {
    std::string line(30, ' ');
    line += Pad(label, kWidth - 30 - 15, false);
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

void PrintRow(Table& t, const FormRow& r) {
  switch (r.kind) {
    case FormRowKind::kHeading:
      t.Line(r.text);
      return;
    case FormRowKind::kRule:
      t.Rule();
      return;
    case FormRowKind::kSum: {
      std::string label = std::string(2 * r.indent, ' ') + CellText(r.cells[kColName]);
      // The справочно hours ride in графа 5; the text prints them after the label.
      if (!r.cells[kColPerUnit].empty()) label += ": " + CellText(r.cells[kColPerUnit]);
      t.Sum(label, CellText(r.cells[kColTotal]));
      return;
    }
    case FormRowKind::kPosition:
    case FormRowKind::kLine:
    case FormRowKind::kPositionTotal:
      t.Row(r);
      return;
  }
}

std::string Thousands(const Decimal& roubles) {
  return Ru(Decimal::Divide(roubles, Decimal::FromInt(1000), 2), 2);
}

}  // namespace

std::string WriteEstimateText(const core::Estimate& estimate, const core::EstimateResult& result) {
  Table t;
  t.Line("ЛОКАЛЬНЫЙ СМЕТНЫЙ РАСЧЁТ (СМЕТА)" +
         (estimate.name.empty() ? std::string() : " " + estimate.name));
  t.Line("Составлен ресурсно-индексным методом");
  const core::Figures& all = result.totals.figures;
  t.Line("Сметная стоимость " + Thousands(all.total) + " тыс. руб.: строительных работ " +
         Thousands(result.totals.construction.total) + ", монтажных работ " +
         Thousands(result.totals.installation.total) + ", оборудования " +
         Thousands(all.equipment));
  t.Line("");
  t.Rule();
  t.Row({"№ п/п", "Обоснование", "Наименование работ и затрат", "Ед. изм.", "На ед.", "Коэф.",
         "Всего с коэф.", "Цена баз.", "Индекс", "Цена тек.", "Всего, руб."});
  t.Rule();
  for (const FormRow& r : EstimateFormRows(estimate, result)) PrintRow(t, r);
  return std::move(t.str());
}

}  // namespace estimate::formats
