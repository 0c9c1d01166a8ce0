#pragma once
// Reading the cells of an .xlsx workbook held in memory, for importers (the ВОР of
// docs/design/documents-io.md §8). It opens the zip with libzip, follows xl/workbook.xml and its
// relationships to the worksheets, resolves shared and inline strings, and returns every sheet as
// a grid of cell texts. Styles, number formats, dates and formulas are not interpreted: a cell
// gives the text of its cached value and, if it has one, its formula as written.
//
// Uploads are untrusted, so the reader promises:
// - a zip bomb is refused: the entry count, the sum of the uncompressed sizes and the
//   compression ratio of each entry are checked from the central directory before anything is
//   inflated, and again by counting the bytes while inflating (a header that lies about an
//   entry's size does not help); the cell texts a sheet expands to (shared strings referenced
//   many times) are bounded by the same total;
// - anything that is not an .xlsx (empty input, not a zip, a .docx, a zip without
//   xl/workbook.xml) is refused with an error saying what it is;
// - XML is parsed by libxml2 without network access, without entity substitution and without
//   loading a DTD; a part carrying a DOCTYPE is refused;
// - every XML part is scanned before libxml2 parses it (core/xml_limits.hpp: attributes per
//   element, depth, name lengths, namespaces in scope — what would make libxml2 take minutes),
//   and the whole workbook is read within one deadline.
//
// libzip and libxml2 stay in xlsx_reader.cpp. Thread-safety: no shared state; calls on different
// threads are independent.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.hpp"
#include "core/xml_limits.hpp"

namespace estimate::formats {

struct XlsxLimits {
  // The sum of the uncompressed sizes of all entries, as declared and as inflated; also the bound
  // on the cell texts of one sheet after shared strings are resolved.
  std::uint64_t max_total_bytes = 50ull << 20;
  // Entries in the archive (a real workbook has a few dozen).
  std::uint64_t max_entries = 1000;
  // Uncompressed : compressed size of one entry. XML of real workbooks stays far below 100.
  std::uint64_t max_ratio = 100;
  // Entries up to this uncompressed size are exempt from the ratio check (tiny parts compress
  // well and cannot hurt).
  std::uint64_t ratio_exempt_bytes = 1ull << 20;
  // Cells with a value in one workbook.
  std::uint64_t max_cells = 1'000'000;
  // Each XML part; the deadline holds for the whole workbook.
  core::XmlLimits xml;
};

enum class XlsxCellType { kString, kNumber, kBoolean, kError };

struct XlsxCell {
  XlsxCellType type = XlsxCellType::kString;
  // The cached value as the file writes it: the string itself, or the number's text
  // ("39.176000000000002", "8.6599999999999996E-2"); empty for a formula never computed.
  std::string text;
  bool has_value = false;
  // The cell has a formula (<f>); `formula` is its text, empty for a shared formula's followers.
  bool has_formula = false;
  std::string formula;
};

struct XlsxSheet {
  std::string name;
  // row (1-based, as Excel shows it) → column (0-based: A = 0) → cell. Cells with neither a value
  // nor a formula are left out.
  std::map<int, std::map<int, XlsxCell>> rows;
  // Merged ranges as written ("A14:I14"); only the top-left cell of a range holds the value.
  std::vector<std::string> merges;
};

struct XlsxWorkbook {
  std::vector<XlsxSheet> sheets;  // in the workbook's order
};

// Reads every worksheet of the workbook. Errors: kInvalidArgument for input that is not an
// .xlsx, is damaged, carries a DOCTYPE or exceeds an XML limit (the message names the part, the
// line and the limit); kResourceExhausted when a size limit is exceeded (the message says which
// and that the file is refused as a possible zip bomb) or the deadline has passed.
Result<XlsxWorkbook> ReadXlsx(std::string_view bytes, const XlsxLimits& limits = {});

// "A" for 0, "D" for 3, "AA" for 26.
std::string XlsxColumnName(int column);

}  // namespace estimate::formats
