#pragma once
// Private to src/formats: the printed forms as rows of cells, built once from a document and its
// computed result (docs/design/documents-io.md §7, §9):
//   - the ЛСР of Приложение № 3 к Методике 421/пр: 12 графы, position blocks, section totals and
//     ИТОГИ ПО СМЕТЕ (§7.2–§7.4);
//   - the ОСР and the ССР: 8 графы, тыс. руб. (§5, §7.5).
// The renderers only lay the rows out: the text table of `calc --format text` (estimate_text.cpp)
// and the XLSX forms (xlsx_forms.cpp). The header block above a table is each renderer's own.
//
// A cell keeps its figure as the exact Decimal; the renderer decides how it is printed (Russian
// text, or an XLSX number with a number format).
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/base_index_calculator.hpp"
#include "core/decimal.hpp"
#include "core/estimate.hpp"
#include "core/object_estimate.hpp"
#include "core/summary_estimate.hpp"
#include "formats/print/xlsx_forms.hpp"  // PrintHeader

namespace estimate::formats {

struct FormCell {
  enum class Kind {
    kEmpty,
    kText,
    kMoney,     // printed with 2 decimals
    kQuantity,  // quantities, coefficients, percents, indices, hours: as given, no padding zeros
  };
  Kind kind = Kind::kEmpty;
  std::string text;     // kText
  core::Decimal value;  // kMoney, kQuantity

  static FormCell Text(std::string text);
  static FormCell Money(core::Decimal value);
  static FormCell Quantity(core::Decimal value);
  bool empty() const { return kind == Kind::kEmpty; }
};

// A cell as printed text: money with 2 decimals, quantities as given, Russian style ("1 234,50").
std::string CellText(const FormCell& cell);

// The 12 графы of the ЛСР (§7.2), as indices into FormRow::cells: 1 № п/п, 2 Обоснование,
// 3 Наименование работ и затрат, 4 Единица измерения; Количество: 5 на единицу измерения,
// 6 коэффициенты, 7 всего с учетом коэффициентов; Сметная стоимость: 8 на единицу в базисном
// уровне цен, 9 индекс, 10 на единицу в текущем уровне цен, 11 коэффициенты, 12 всего в текущем
// уровне цен.
inline constexpr std::size_t kColNumber = 0;
inline constexpr std::size_t kColCode = 1;
inline constexpr std::size_t kColName = 2;
inline constexpr std::size_t kColUnit = 3;
inline constexpr std::size_t kColPerUnit = 4;
inline constexpr std::size_t kColCoefficient = 5;
inline constexpr std::size_t kColQuantity = 6;
inline constexpr std::size_t kColBasePrice = 7;
inline constexpr std::size_t kColIndex = 8;
inline constexpr std::size_t kColPrice = 9;
inline constexpr std::size_t kColCostCoefficient = 10;
inline constexpr std::size_t kColTotal = 11;
inline constexpr std::size_t kEstimateColumns = 12;

// The 8 графы of the ОСР and the ССР: 1 № п/п, 2 Обоснование, 3 Наименование; Сметная
// стоимость, тыс. руб.: 4 строительных работ, 5 монтажных работ, 6 оборудования, 7 прочих
// затрат, 8 всего.
inline constexpr std::size_t kCostColNumber = 0;
inline constexpr std::size_t kCostColCode = 1;
inline constexpr std::size_t kCostColName = 2;
inline constexpr std::size_t kCostColConstruction = 3;
inline constexpr std::size_t kCostColInstallation = 4;
inline constexpr std::size_t kCostColEquipment = 5;
inline constexpr std::size_t kCostColOther = 6;
inline constexpr std::size_t kCostColTotal = 7;
inline constexpr std::size_t kCostColumns = 8;

enum class FormRowKind {
  // `text` across the table: a section's or a chapter's name, «ИТОГИ ПО СМЕТЕ».
  kHeading,
  // A position's own row (ЛСР).
  kPosition,
  // A row of a position block (coefficient, group, resource, machinist, sub-row, НР, СП), or a
  // line of an ОСР/ССР.
  kLine,
  // «Всего по позиции»: per unit in графа 10, total in графа 12.
  kPositionTotal,
  // A label in графа 3 (indented by `indent`) with its figures: графа 12 of the ЛСР (and
  // графа 5 for the справочно hours), графы 4–8 of the ОСР/ССР.
  kSum,
  // The separator that opens and closes a section's totals (ЛСР).
  kRule,
};

struct FormRow {
  FormRowKind kind = FormRowKind::kLine;
  std::string text;             // kHeading
  std::vector<FormCell> cells;  // one per графа; empty for kHeading and kRule
  int indent = 0;               // kSum: depth under «в том числе:»
  bool bold = false;            // the totals of a position, a section, a chapter, the whole form
};

// The table of the ЛСР (resource-index method) from its first section to the last line of
// ИТОГИ ПО СМЕТЕ, in the order of §7.3–§7.4. `result` is the estimate's computed result; the
// detail lines of each position are computed here (core::CalculatePosition).
std::vector<FormRow> EstimateFormRows(const core::Estimate& estimate,
                                      const core::EstimateResult& result);

// The 12 графы of the ЛСР by the base-index method (the form of Приложение № 2 к Методике
// 421/пр as peers print it; docs/design/documents-io.md §7.7): 1–7 as above; Сметная стоимость:
// 8 на единицу в базисном уровне цен, 9 коэффициенты, 10 всего в базисном уровне цен, 11 индекс,
// 12 всего в текущем уровне цен.
inline constexpr std::size_t kBaseColPerUnit = 7;
inline constexpr std::size_t kBaseColCoefficient = 8;
inline constexpr std::size_t kBaseColBase = 9;
inline constexpr std::size_t kBaseColIndex = 10;
inline constexpr std::size_t kBaseColCurrent = 11;

// The table of the ЛСР by the base-index method: position blocks (ОТ, ЭМ, ОТм, доплата, М with
// their base figures, factors and indices; chosen materials and equipment; transport line by
// line; ФОТ, НР, СП; the hours), section totals and ИТОГИ by block. A current figure is printed
// where the method computes one: per position for pay, НР, СП and transport; on the block totals
// for ЭМ, М, equipment and other costs (indexed «к СМР»: on each work block's total only).
std::vector<FormRow> BaseIndexFormRows(const core::BaseIndexEstimate& estimate,
                                       const core::BaseIndexResult& result);

// The table of the ОСР: a line per ЛСР, «Всего по объектному сметному расчёту», «в том числе:».
std::vector<FormRow> ObjectEstimateFormRows(const core::ObjectEstimateInput& input,
                                            const core::ObjectEstimateResult& result);

// The table of the ССР: chapters with their lines, «Итого по главе N», «Итого по главам 1–N»,
// the reserve, VAT and «ВСЕГО по сводному сметному расчёту».
std::vector<FormRow> SummaryEstimateFormRows(const core::SummaryEstimateInput& input,
                                             const core::SummaryEstimateResult& result);

// The labelled fields of a ЛСР form's header block (§7.1), in order: the software, the norms'
// edition and its orders, the letter of the indices, the act on pay, the basis of current prices,
// the region and its zone.
struct FormField {
  const char* label;
  std::string value;
};
std::vector<FormField> EstimateFormFields(const PrintHeader& header);

// What the header block of a ЛСР form states of its figures (roubles; the forms print тыс. руб.).
// A figure the method does not compute (ОТ in current prices of a ЛСР indexed «к СМР») is empty.
struct EstimateFormFigures {
  const char* method;  // «Составлен … методом»
  core::Decimal total, construction, installation, equipment, other;
  std::optional<core::Decimal> ot, otm;
  core::Decimal labor_hours, machinist_hours;
};
EstimateFormFigures EstimateFormFiguresOf(const core::EstimateResult& result);
EstimateFormFigures EstimateFormFiguresOf(const core::BaseIndexEstimate& estimate,
                                          const core::BaseIndexResult& result);

// The column head of a printed form, the same in every renderer: `top` cells over two rows
// (a group cell spans columns `first`..`last` and has `sub` headings under it).
struct HeadCell {
  std::size_t first, last;
  std::string text;
};
struct FormHead {
  std::vector<HeadCell> top;
  std::vector<HeadCell> sub;
};

// The 12 columns of the ЛСР form (Приложение № 3 к Методике 421/пр).
const FormHead& EstimateFormHead();
// The 12 columns of the base-index ЛСР form.
const FormHead& BaseIndexFormHead();
// The 8 columns of the ОСР and ССР forms; `name_heading` is the third column's title.
FormHead CostFormHead(const char* name_heading);

}  // namespace estimate::formats
