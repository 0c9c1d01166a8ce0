#pragma once
// Import of a bill of quantities (ВОР, ведомость объёмов работ) from XLSX or CSV, after
// docs/design/documents-io.md §8: the ГГЭ example layout and the files estimators actually send.
//
// The table is found by its header, not by fixed letters: the first row naming a name column
// ("Наименование…"), a unit column ("Ед. изм.", "Единица измерения") and a quantity column
// ("Объем…", "Кол-во", "Количество"). Other headings map the number ("№ п.п.", "№ п/п", not
// "№ в ЛСР"), the code ("Шифр…", "Код…", "Обоснование") and the formula text ("Формула…").
// Below the header:
// - the row of column numbers (1 2 3 4 …) is skipped, wherever it repeats;
// - a row with text but no unit and no quantity starts a section ("Раздел 1. Подготовка
//   котлована"); if it has no number, starts with a lowercase letter, a digit or punctuation and
//   follows a line, it continues that line's name instead (names split over rows);
// - "Итого…"/"Всего…" rows are skipped; a row starting "Составил"/"Проверил" ends the table;
// - every other row is a line. Its quantity is the cell's value (XLSX: the cached value, float
//   noise rounded to 7 decimals; text: decimal comma or point, spaces as thousands separators).
//   A quantity that is not a number is an error naming the row and column; all such errors are
//   collected into one message, one per line. A formula cell never computed takes the value of
//   the formula column's text.
// Warnings (the import goes on): the formula column's text evaluates (+ - * / ( ) %, х/x for ×,
// decimal commas) to another value than the quantity, compared at the quantity's own decimals;
// a repeated work number (kept, not merged); a formula cell never computed (its value then comes
// from the formula column); a line without a name, a unit or a quantity (taken as 0).
//
// CSV: UTF-8 (with or without BOM), else cp1251; the separator ';', tab or ',' is the most
// frequent one on the header row; quoted fields may hold separators, quotes ("") and newlines.
// A CSV row number is the record's number (the row a spreadsheet shows it on).
//
// Thread-safety: pure functions.
#include <string>
#include <string_view>
#include <vector>

#include "core/decimal.hpp"
#include "core/status.hpp"
#include "formats/boq/xlsx_reader.hpp"

namespace estimate::formats {

struct BoqLine {
  std::string number;  // "1", "1.1" (a resource of work 1), as written; may be empty
  std::string code;    // шифр / обоснование, if the file has such a column
  std::string name;
  std::string unit;
  core::Decimal quantity;
  std::string formula;  // the text of the formula column ("11,8*8,3*0,4"), as written
  std::string section;  // the name of the section the line is in; empty before the first
  int row = 0;          // the sheet row (1-based) or the CSV record number
};

struct BoqImport {
  std::vector<BoqLine> lines;
  // "row 17: …": what was noticed and what was done about it.
  std::vector<std::string> warnings;
};

// The first worksheet with a ВОР header. Besides the errors above: everything ReadXlsx refuses
// (not an .xlsx, a zip bomb — kResourceExhausted —, a DOCTYPE).
Result<BoqImport> ReadBoqXlsx(std::string_view bytes);
Result<BoqImport> ReadBoqXlsx(std::string_view bytes, const XlsxLimits& limits);

Result<BoqImport> ReadBoqCsv(std::string_view bytes);

// A bill of quantities in ГГЭ XML (QuantityTakeoff 3.01, or the namespaced «Минстрой» layout):
// each work a line, each of its resources a line numbered "work.resource", in their sections.
Result<BoqImport> ReadBoqGge(std::string_view bytes);

}  // namespace estimate::formats
