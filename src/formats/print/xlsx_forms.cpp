// The XLSX forms of xlsx_forms.hpp: the rows of print_form.hpp laid out on a sheet with
// libxlsxwriter, under the header block of each form (docs/design/documents-io.md §7.1, §7.5).
#include "formats/print/xlsx_forms.hpp"

#include <stdlib.h>  // mkstemps
#include <unistd.h>  // close, unlink
#include <xlsxwriter.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <optional>
#include <tuple>
#include <string_view>
#include <utility>
#include <vector>

#include "core/resource_index_calculator.hpp"
#include "formats/print/detail/print_form.hpp"
#include "formats/print/detail/progress_steps.hpp"
#include "formats/print/detail/text_layout.hpp"

namespace estimate::formats {
namespace {

using core::Decimal;

// Arial 8 pt, as the ГРАНД-Смета sample (§7.5); a line of it is 11.25 pt high.
constexpr const char* kFont = "Arial";
constexpr double kFontSize = 8;
constexpr double kLineHeight = 11.25;
// Characters of Arial 8 per unit of column width (a unit is one '0' of the default Calibri 11):
// a little more than one, rounded down so that a wrapped row is never too low.
constexpr double kCharsPerWidth = 1.2;
constexpr const char* kMoneyFormat = "#,##0.00";

// Significant digits a double keeps exactly (DBL_DIG).
constexpr int kExactDigits = 15;

// The figure as a double, when the double shows exactly this decimal. A decimal of at most 15
// significant digits comes back from its nearest double, and from any double a few units in the
// last place away, when printed at 15 significant digits (DBL_DIG), which is the most Excel and
// LibreOffice show. libxlsxwriter stores the double as text with 16 digits ("%.16G"), so the file
// may hold 8944235.390000001 for 8944235.39 or 0.6828187999999999 for 0.6828188; every reader
// still shows the computed figure. Money has 2 decimals and quantities 7, so any realistic figure
// qualifies; a longer one is written as text by the caller rather than rounded.
std::optional<double> ExactDouble(const Decimal& d) {
  if (!d.ok()) return std::nullopt;
  const Decimal n = d.Normalized();
  core::Int128 m = n.mantissa() < 0 ? -n.mantissa() : n.mantissa();
  int digits = 0;
  do {
    ++digits;
    m /= 10;
  } while (m != 0);
  if (digits > kExactDigits) return std::nullopt;
  const std::string text = n.ToString();
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// "#,##0" with the decimals the figure has ("#,##0.0000000" for 0.0000001): quantities are
// printed as given, like the text form.
std::string QuantityFormat(const Decimal& d) {
  const int scale = d.Normalized().scale();
  std::string f = "#,##0";
  if (scale > 0) f += "." + std::string(scale, '0');
  return f;
}

enum class Align { kLeft, kCenter, kRight };

struct Style {
  bool bold = false;
  bool italic = false;
  double size = kFontSize;
  Align align = Align::kLeft;
  bool wrap = false;
  bool border = false;     // thin on every side: the table
  bool underline = false;  // thin bottom only: a value written on a line
  bool top = false;        // vertical alignment top (table rows), else centre
  int indent = 0;
  std::string num_format;  // empty: General

  // The order of the formats of a sheet: every cell looks its format up, so the key is the
  // style itself rather than a text made of it.
  bool operator<(const Style& o) const {
    return std::tie(bold, italic, size, align, wrap, border, underline, top, indent, num_format) <
           std::tie(o.bold, o.italic, o.size, o.align, o.wrap, o.border, o.underline, o.top,
                    o.indent, o.num_format);
  }
};

// One worksheet with its formats; remembers the first libxlsxwriter error.
class Sheet {
 public:
  Sheet(lxw_workbook* workbook, const char* name, std::vector<double> widths)
      : workbook_(workbook), widths_(std::move(widths)) {
    ws_ = workbook_add_worksheet(workbook, name);
    if (ws_ == nullptr) {
      status_ = Internal(std::string("cannot add the worksheet ") + name);
      return;
    }
    for (std::size_t c = 0; c < widths_.size(); ++c) {
      Check(worksheet_set_column(ws_, Col(c), Col(c), widths_[c], Format(Style{})));
    }
    worksheet_set_default_row(ws_, kLineHeight, LXW_FALSE);
    worksheet_gridlines(ws_, LXW_HIDE_ALL_GRIDLINES);
  }

  bool ok() const { return status_.ok() && ws_ != nullptr; }
  const Status& status() const { return status_; }
  lxw_worksheet* worksheet() { return ws_; }
  std::size_t columns() const { return widths_.size(); }

  lxw_format* Format(const Style& s) {
    auto it = formats_.find(s);
    if (it != formats_.end()) return it->second;
    lxw_format* f = workbook_add_format(workbook_);
    format_set_font_name(f, kFont);
    format_set_font_size(f, s.size);
    if (s.bold) format_set_bold(f);
    if (s.italic) format_set_italic(f);
    format_set_align(f, s.align == Align::kLeft     ? LXW_ALIGN_LEFT
                        : s.align == Align::kCenter ? LXW_ALIGN_CENTER
                                                    : LXW_ALIGN_RIGHT);
    format_set_align(f, s.top ? LXW_ALIGN_VERTICAL_TOP : LXW_ALIGN_VERTICAL_CENTER);
    if (s.wrap) format_set_text_wrap(f);
    if (s.border) format_set_border(f, LXW_BORDER_THIN);
    if (s.underline) format_set_bottom(f, LXW_BORDER_THIN);
    if (s.indent > 0) format_set_indent(f, static_cast<uint8_t>(s.indent));
    if (!s.num_format.empty()) format_set_num_format(f, s.num_format.c_str());
    formats_.emplace(s, f);
    return f;
  }

  void Text(std::size_t row, std::size_t col, std::string_view text, const Style& s) {
    if (!ok()) return;
    Text(row, col, std::string(text), s);
  }
  void Text(std::size_t row, std::size_t col, const std::string& text, const Style& s) {
    if (!ok()) return;
    Check(worksheet_write_string(ws_, Row(row), Col(col), text.c_str(), Format(s)));
  }
  void Text(std::size_t row, std::size_t col, const char* text, const Style& s) {
    if (!ok()) return;
    Check(worksheet_write_string(ws_, Row(row), Col(col), text, Format(s)));
  }

  // A figure: a number with `s.num_format`, or its Russian text when a double cannot hold it.
  void Number(std::size_t row, std::size_t col, const Decimal& d, Style s, bool money) {
    if (!ok()) return;
    if (s.num_format.empty()) s.num_format = money ? kMoneyFormat : QuantityFormat(d);
    if (std::optional<double> v = ExactDouble(d)) {
      Check(worksheet_write_number(ws_, Row(row), Col(col), *v, Format(s)));
    } else {
      s.align = Align::kRight;
      Text(row, col, money ? Money(d) : Qty(d), s);
    }
  }

  void Cell(std::size_t row, std::size_t col, const FormCell& c, const Style& s) {
    switch (c.kind) {
      case FormCell::Kind::kEmpty:
        Blank(row, col, s);
        return;
      case FormCell::Kind::kText:
        Text(row, col, c.text, s);
        return;
      case FormCell::Kind::kMoney:
        Number(row, col, c.value, s, /*money=*/true);
        return;
      case FormCell::Kind::kQuantity:
        Number(row, col, c.value, s, /*money=*/false);
        return;
    }
  }

  void Blank(std::size_t row, std::size_t col, const Style& s) {
    if (!ok()) return;
    Check(worksheet_write_blank(ws_, Row(row), Col(col), Format(s)));
  }

  // Cells first..last of one row (or rows row..last_row) as one, holding `text`.
  void Merge(std::size_t row, std::size_t first, std::size_t last, std::string_view text,
             const Style& s, std::size_t last_row = 0) {
    if (!ok()) return;
    last_row = std::max(row, last_row);
    if (first == last && last_row == row) return Text(row, first, text, s);
    const std::string t(text);
    Check(worksheet_merge_range(ws_, Row(row), Col(first), Row(last_row), Col(last), t.c_str(),
                                Format(s)));
  }

  // A figure in merged cells: the merge first, then the number in its first cell.
  void MergeNumber(std::size_t row, std::size_t first, std::size_t last, const Decimal& d,
                   const Style& s, bool money) {
    Style f = s;
    f.num_format = money ? kMoneyFormat : QuantityFormat(d);
    if (first != last) Merge(row, first, last, "", f);
    Number(row, first, d, f, money);
  }

  // Lines that `text` wraps to over columns first..last, at `size` pt.
  int Lines(std::string_view text, std::size_t first, std::size_t last,
            double size = kFontSize) const {
    double width = 0;
    for (std::size_t c = first; c <= last && c < widths_.size(); ++c) width += widths_[c];
    const double per_line = std::max(1.0, std::floor(width * kCharsPerWidth * kFontSize / size));
    return std::max(1, static_cast<int>(std::ceil(static_cast<double>(Width(text)) / per_line)));
  }
  void Height(std::size_t row, double points) {
    if (!ok()) return;
    Check(worksheet_set_row(ws_, Row(row), points, nullptr));
  }

 private:
  static lxw_row_t Row(std::size_t r) { return static_cast<lxw_row_t>(r); }
  static lxw_col_t Col(std::size_t c) { return static_cast<lxw_col_t>(c); }
  void Check(lxw_error e) {
    if (e != LXW_NO_ERROR && status_.ok()) {
      status_ = Internal(std::string("writing the XLSX form: ") + lxw_strerror(e));
    }
  }

  lxw_workbook* workbook_;
  lxw_worksheet* ws_ = nullptr;
  std::vector<double> widths_;
  std::map<Style, lxw_format*> formats_;
  Status status_;
};

// A form on one sheet, written top to bottom: the header block, the table, the signatures.
class Form {
 public:
  // `wrap` marks the columns whose text wraps (the code and the name); `align` aligns each.
  // `steps` counts the rows written for whoever watches (Body).
  Form(lxw_workbook* workbook, const char* sheet_name, std::vector<double> widths,
       std::vector<Align> align, std::vector<bool> wrap, ProgressSteps& steps)
      : sheet_(workbook, sheet_name, std::move(widths)),
        align_(std::move(align)),
        wrap_(std::move(wrap)),
        steps_(&steps) {}

  Sheet& sheet() { return sheet_; }
  std::size_t last() const { return sheet_.columns() - 1; }
  std::size_t row() const { return row_; }
  void Skip(std::size_t rows = 1) { row_ += rows; }

  // Right-aligned text in the last column, flowing left over the empty cells.
  void TopRight(std::string_view text) {
    Style s;
    s.align = Align::kRight;
    sheet_.Text(row_++, last(), text, s);
  }

  void Title(std::string_view text) {
    Style s;
    s.bold = true;
    s.size = 14;
    s.align = Align::kCenter;
    s.wrap = true;
    sheet_.Merge(row_, 0, last(), text, s);
    sheet_.Height(row_, 18.75 * sheet_.Lines(text, 0, last(), s.size));
    ++row_;
  }

  // A centred line of text across the form.
  void Centered(std::string_view text, bool bold = false) {
    Style s;
    s.bold = bold;
    s.align = Align::kCenter;
    s.wrap = true;
    sheet_.Merge(row_, 0, last(), text, s);
    sheet_.Height(row_, kLineHeight * sheet_.Lines(text, 0, last()));
    ++row_;
  }

  // A value on a line across the form with its caption under it: «(наименование стройки)».
  void Captioned(std::string_view value, std::string_view caption) {
    Style v;
    v.align = Align::kCenter;
    v.wrap = true;
    v.underline = true;
    v.bold = true;
    sheet_.Merge(row_, 0, last(), value, v);
    sheet_.Height(row_, kLineHeight * sheet_.Lines(value, 0, last()));
    ++row_;
    Style c;
    c.italic = true;
    c.size = 7;
    c.align = Align::kCenter;
    sheet_.Merge(row_++, 0, last(), caption, c);
  }

  // «label: value» with the label over columns 0..split-1 and the value on a line after it.
  void Field(std::string_view label, std::string_view value, std::size_t split) {
    Style l;
    l.wrap = true;
    l.top = true;
    Style v = l;
    v.underline = true;
    sheet_.Merge(row_, 0, split - 1, label, l);
    sheet_.Merge(row_, split, last(), value, v);
    const int lines =
        std::max(sheet_.Lines(label, 0, split - 1), sheet_.Lines(value, split, last()));
    sheet_.Height(row_, kLineHeight * lines);
    ++row_;
  }

  // «label  figure  unit» in columns label_first..label_last, figure_first..figure_last, unit.
  // No figure when `figure` is null.
  void Amount(std::size_t row, std::size_t label_first, std::size_t label_last,
              std::string_view label, int indent, std::size_t figure_first, std::size_t figure_last,
              const Decimal* figure, std::string_view unit, std::size_t unit_col) {
    Style l;
    l.indent = indent;
    sheet_.Merge(row, label_first, label_last, label, l);
    if (figure != nullptr) {
      Style f;
      f.align = Align::kRight;
      f.underline = true;
      sheet_.MergeNumber(row, figure_first, figure_last, *figure, f, /*money=*/true);
      sheet_.Text(row, unit_col, unit, Style{});
    }
  }

  // The table head: `top` cells over two rows (group cells may span several columns, with
  // `sub` headings under them), then the row of графа numbers, which repeats on every page.
  void TableHead(const FormHead& head) {
    const std::vector<HeadCell>& top = head.top;
    const std::vector<HeadCell>& sub = head.sub;
    Style s;
    s.align = Align::kCenter;
    s.wrap = true;
    s.border = true;
    int lines_top = 1, lines_sub = 1, lines_both = 1;
    for (const HeadCell& h : sub) {
      sheet_.Merge(row_ + 1, h.first, h.last, h.text, s);
      lines_sub = std::max(lines_sub, sheet_.Lines(h.text, h.first, h.last));
    }
    for (const HeadCell& h : top) {
      // A cell with sub-headings under it is one row high; the others take both rows.
      const bool group = std::any_of(sub.begin(), sub.end(), [&](const HeadCell& c) {
        return c.first >= h.first && c.last <= h.last;
      });
      sheet_.Merge(row_, h.first, h.last, h.text, s, group ? row_ : row_ + 1);
      int& lines = group ? lines_top : lines_both;
      lines = std::max(lines, sheet_.Lines(h.text, h.first, h.last));
    }
    lines_top = std::max(lines_top, lines_both - lines_sub);
    sheet_.Height(row_, kLineHeight * lines_top);
    sheet_.Height(row_ + 1, kLineHeight * lines_sub);
    row_ += 2;
    numbers_row_ = row_;
    for (std::size_t c = 0; c <= last(); ++c) sheet_.Text(row_, c, std::to_string(c + 1), s);
    ++row_;
  }

  // Each row is a step of the progress; the other half of the steps is the file written by
  // libxlsxwriter (WriteWorkbook), which it cannot report from inside. Stops early when the file
  // is no longer wanted: Finish then returns kAborted.
  void Body(const std::vector<FormRow>& rows, std::size_t name_col) {
    steps_->Start(2 * rows.size());
    for (const FormRow& r : rows) {
      if (steps_->Step()) {
        status_ = ProgressSteps::Aborted();
        return;
      }
      switch (r.kind) {
        case FormRowKind::kRule:
          continue;
        case FormRowKind::kHeading: {
          Style s;
          s.bold = r.bold;
          s.wrap = true;
          s.border = true;
          s.top = true;
          sheet_.Merge(row_, 0, last(), r.text, s);
          sheet_.Height(row_, kLineHeight * sheet_.Lines(r.text, 0, last()));
          ++row_;
          continue;
        }
        case FormRowKind::kSum:
          SumRow(r, name_col);
          continue;
        case FormRowKind::kPosition:
        case FormRowKind::kLine:
        case FormRowKind::kPositionTotal:
          CellsRow(r);
          continue;
      }
    }
  }

  // Signature lines under the table: «label ____ name» with the caption under the name.
  void Signatures(const std::vector<std::pair<std::string, std::string>>& lines,
                  std::size_t label_col, std::size_t name_first, std::size_t name_last) {
    ++row_;
    for (const auto& [label, name] : lines) {
      Style l;
      l.bold = true;
      sheet_.Text(row_, label_col, label, l);
      Style v;
      v.underline = true;
      v.align = Align::kCenter;
      sheet_.Merge(row_, name_first, name_last, name, v);
      ++row_;
      Style c;
      c.italic = true;
      c.size = 7;
      c.align = Align::kCenter;
      sheet_.Merge(row_++, name_first, name_last, "[должность, подпись (инициалы, фамилия)]", c);
    }
  }

  // Page setup of §7.5 and the final status.
  Status Finish() {
    if (status_.code() == StatusCode::kAborted) return status_;
    lxw_worksheet* ws = sheet_.worksheet();
    if (sheet_.ok()) {
      worksheet_set_landscape(ws);
      worksheet_set_paper(ws, 9);  // A4
      worksheet_set_margins(ws, 0.315, 0.315, 0.787, 0.787);
      worksheet_fit_to_pages(ws, 1, 0);
      Check(worksheet_set_footer(ws, "&RСтр. &P из &N"));
      Check(worksheet_repeat_rows(ws, static_cast<lxw_row_t>(numbers_row_),
                                  static_cast<lxw_row_t>(numbers_row_)));
      Check(worksheet_print_area(ws, 0, 0, static_cast<lxw_row_t>(row_ == 0 ? 0 : row_ - 1),
                                 static_cast<lxw_col_t>(last())));
    }
    if (!sheet_.status().ok()) return sheet_.status();
    return status_;
  }

 private:
  void Check(lxw_error e) {
    if (e != LXW_NO_ERROR && status_.ok()) {
      status_ = Internal(std::string("XLSX page setup: ") + lxw_strerror(e));
    }
  }

  Style CellStyle(std::size_t col, bool bold) const {
    Style s;
    s.bold = bold;
    s.border = true;
    s.top = true;
    s.align = align_[col];
    s.wrap = wrap_[col];
    return s;
  }

  void CellsRow(const FormRow& r) {
    const bool bold = r.bold || r.kind == FormRowKind::kPosition;
    int lines = 1;
    for (std::size_t c = 0; c < r.cells.size() && c <= last(); ++c) {
      sheet_.Cell(row_, c, r.cells[c], CellStyle(c, bold));
      if (wrap_[c] && r.cells[c].kind == FormCell::Kind::kText) {
        lines = std::max(lines, sheet_.Lines(r.cells[c].text, c, c));
      }
    }
    if (lines > 1) sheet_.Height(row_, kLineHeight * lines);
    ++row_;
  }

  // The label runs from the name column over the empty cells up to the first figure.
  void SumRow(const FormRow& r, std::size_t name_col) {
    for (std::size_t c = 0; c < name_col; ++c) sheet_.Blank(row_, c, CellStyle(c, r.bold));
    std::size_t end = name_col + 1;
    while (end <= last() && r.cells[end].empty()) ++end;
    Style label = CellStyle(name_col, r.bold);
    label.indent = r.indent;
    label.wrap = true;
    const std::string& text = r.cells[name_col].text;
    sheet_.Merge(row_, name_col, end - 1, text, label);
    for (std::size_t c = end; c <= last(); ++c)
      sheet_.Cell(row_, c, r.cells[c], CellStyle(c, r.bold));
    const int lines = sheet_.Lines(std::string(2 * r.indent, ' ') + text, name_col, end - 1);
    if (lines > 1) sheet_.Height(row_, kLineHeight * lines);
    ++row_;
  }

  Sheet sheet_;
  std::vector<Align> align_;
  std::vector<bool> wrap_;
  std::size_t row_ = 0;
  std::size_t numbers_row_ = 0;
  Status status_;
  ProgressSteps* steps_;
};

std::string Or(const std::string& value, const std::string& fallback) {
  return value.empty() ? fallback : value;
}

Decimal Thousands(const Decimal& roubles) {
  return Decimal::Divide(roubles, Decimal::FromInt(1000), 2);
}

// Runs `fill` on a new workbook and returns the file's bytes. libxlsxwriter writes only to a
// file (1.1.4 has no memory output), so the workbook goes to a temporary file that is removed
// before returning, whatever happens.
//
// `progress` hears of the rows written by `fill` (the first half of the steps) and of the file
// written (the second half, at once); a workbook that is not to be written (cancelled, or
// refused by `fill`) is freed without writing it.
Result<std::string> WriteWorkbook(const std::string& title, WriteProgress* progress,
                                  const std::function<Status(lxw_workbook*, ProgressSteps&)>& fill) {
  ProgressSteps steps(progress);
  if (steps.Cancelled()) return ProgressSteps::Aborted();
  std::error_code ec;
  const std::filesystem::path dir = std::filesystem::temp_directory_path(ec);
  if (ec) return Internal("no temporary directory for the XLSX form: " + ec.message());
  std::string path = (dir / "estimate-form-XXXXXX.xlsx").string();
  const int fd = mkstemps(path.data(), 5);
  if (fd < 0) {
    return Internal("cannot create a temporary file in " + dir.string() + ": " +
                    std::strerror(errno));
  }
  ::close(fd);
  struct Remove {
    const std::string& path;
    ~Remove() { ::unlink(path.c_str()); }
  } remove{path};

  std::string tmpdir = dir.string();
  lxw_workbook_options options{};
  options.tmpdir = tmpdir.data();
  lxw_workbook* workbook = workbook_new_opt(path.c_str(), &options);
  if (workbook == nullptr) return Internal("cannot create the XLSX workbook");
  std::string title_text = title;
  std::string author = "estimate-service";
  lxw_doc_properties properties{};
  properties.title = title_text.data();
  properties.author = author.data();
  workbook_set_properties(workbook, &properties);

  const Status filled = fill(workbook, steps);
  if (!filled.ok()) {
    lxw_workbook_free(workbook);
    return filled;
  }
  const lxw_error closed = workbook_close(workbook);  // writes the file and frees the workbook
  if (closed != LXW_NO_ERROR) {
    return Internal(std::string("writing the XLSX file: ") + lxw_strerror(closed));
  }
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) return Internal("cannot read back the XLSX file " + path);
  if (steps.Finish()) return ProgressSteps::Aborted();
  return bytes;
}

// ---------------------------------------------------------------------------------------------
// ЛСР

// Графы 1–12: A № п/п … L всего в текущем уровне цен.
const std::vector<double> kEstimateWidths = {6, 18, 44, 9, 11, 8, 12, 11, 7, 11, 12, 14};

// The header block of a ЛСР form (§7.1), its table and the signatures.
Status FillEstimate(lxw_workbook* workbook, const std::string& name, const EstimateFormFigures& fig,
                    const FormHead& head, const std::vector<FormRow>& rows, const PrintHeader& h,
                    ProgressSteps& steps) {
  Form f(workbook, "ЛСР", kEstimateWidths,
         {Align::kCenter, Align::kLeft, Align::kLeft, Align::kCenter, Align::kRight, Align::kRight,
          Align::kRight, Align::kRight, Align::kRight, Align::kRight, Align::kRight, Align::kRight},
         {false, true, true, true, false, false, false, false, false, false, false, false}, steps);
  Sheet& s = f.sheet();

  if (!h.appendix.empty()) f.TopRight(h.appendix);
  f.TopRight("Утверждено приказом Минстроя РФ № 421/пр от 4 августа 2020 г.");
  f.TopRight("в редакции приказа № 557/пр от 7 июля 2022 г.");
  f.Skip();

  // СОГЛАСОВАНО on the left, УТВЕРЖДАЮ on the right.
  {
    Style b;
    b.bold = true;
    Style line;
    line.underline = true;
    const std::size_t r = f.row();
    s.Text(r, 1, "СОГЛАСОВАНО:", b);
    s.Merge(r, 9, 11, "УТВЕРЖДАЮ:", b);
    s.Merge(r + 1, 1, 2, h.agreed_by, line);
    s.Merge(r + 1, 9, 11, h.approved_by, line);
    s.Merge(r + 2, 1, 2, "\"____\" ________________ 20___ года", Style{});
    s.Merge(r + 2, 9, 11, "\"____\" ________________ 20___ года", Style{});
    f.Skip(4);
  }

  constexpr std::size_t kSplit = 6;  // labels in A–F, values in G–L
  for (const FormField& field : EstimateFormFields(h)) f.Field(field.label, field.value, kSplit);
  f.Skip();
  f.Captioned(h.construction, "(наименование стройки)");
  f.Captioned(h.object, "(наименование объекта капитального строительства)");
  f.Skip();
  f.Title("ЛОКАЛЬНЫЙ СМЕТНЫЙ РАСЧЕТ (СМЕТА) № " + h.number);
  f.Captioned(Or(h.name, name), "(наименование работ и затрат)");
  f.Centered(std::string("Составлен ") + fig.method + " методом");
  f.Field("Основание", h.basis, 2);
  {
    Style c;
    c.italic = true;
    c.size = 7;
    c.align = Align::kCenter;
    s.Merge(f.row(), 2, f.last(), "(проектная и (или) иная техническая документация)", c);
    f.Skip();
  }
  f.Field("Составлен(а) в текущем уровне цен", h.price_level, 3);
  f.Skip();

  // The cost block: the estimate's figures in тыс. руб. on the left, pay and hours on the right.
  const Decimal total = Thousands(fig.total);
  const Decimal construction = Thousands(fig.construction);
  const Decimal installation = Thousands(fig.installation);
  const Decimal equipment = Thousands(fig.equipment);
  const Decimal other = Thousands(fig.other);
  const Decimal ot = fig.ot ? Thousands(*fig.ot) : Decimal();
  const Decimal otm = fig.otm ? Thousands(*fig.otm) : Decimal();
  const Decimal hours = fig.labor_hours.RoundToScale(2);
  const Decimal machinist_hours = fig.machinist_hours.RoundToScale(2);
  const std::size_t r = f.row();
  f.Amount(r, 0, 2, "Сметная стоимость", 0, 3, 4, &total, "тыс.руб.", 5);
  f.Amount(r + 1, 0, 2, "в том числе:", 1, 3, 4, nullptr, "", 5);
  f.Amount(r + 2, 0, 2, "строительных работ", 2, 3, 4, &construction, "тыс.руб.", 5);
  f.Amount(r + 3, 0, 2, "монтажных работ", 2, 3, 4, &installation, "тыс.руб.", 5);
  f.Amount(r + 4, 0, 2, "оборудования", 2, 3, 4, &equipment, "тыс.руб.", 5);
  f.Amount(r + 5, 0, 2, "прочих затрат", 2, 3, 4, &other, "тыс.руб.", 5);
  f.Amount(r, 6, 9, "Средства на оплату труда рабочих", 0, 10, 10, fig.ot ? &ot : nullptr,
           "тыс.руб.", 11);
  f.Amount(r + 1, 6, 9, "Средства на оплату труда машинистов", 0, 10, 10,
           fig.otm ? &otm : nullptr, "тыс.руб.", 11);
  f.Amount(r + 2, 6, 9, "Нормативные затраты труда рабочих", 0, 10, 10, &hours, "чел.-ч.", 11);
  f.Amount(r + 3, 6, 9, "Нормативные затраты труда машинистов", 0, 10, 10, &machinist_hours,
           "чел.-ч.", 11);
  f.Skip(7);

  f.TableHead(head);
  f.Body(rows, kColName);
  f.Signatures({{"Составил", h.composed_by}, {"Проверил", h.checked_by}}, 1, 2, 5);
  return f.Finish();
}

// ---------------------------------------------------------------------------------------------
// ОСР and ССР

// Графы 1–8: № п/п, Обоснование, Наименование, then the four columns and всего (тыс. руб.).
const std::vector<double> kCostWidths = {6, 18, 50, 16, 16, 16, 16, 16};

Form CostForm(lxw_workbook* workbook, const char* sheet_name, ProgressSteps& steps) {
  return Form(workbook, sheet_name, kCostWidths,
              {Align::kCenter, Align::kLeft, Align::kLeft, Align::kRight, Align::kRight,
               Align::kRight, Align::kRight, Align::kRight},
              {false, true, true, false, false, false, false, false}, steps);
}

void CostTableHead(Form& f, const char* name_heading) { f.TableHead(CostFormHead(name_heading)); }

Status FillObjectEstimate(lxw_workbook* workbook, const core::ObjectEstimateInput& input,
                          const core::ObjectEstimateResult& result, const PrintHeader& h,
                          ProgressSteps& steps) {
  Form f = CostForm(workbook, "ОСР", steps);
  if (!h.appendix.empty()) f.TopRight(h.appendix);
  f.Skip();
  f.Captioned(h.construction, "(наименование стройки)");
  f.Skip();
  f.Title("ОБЪЕКТНЫЙ СМЕТНЫЙ РАСЧЕТ (СМЕТА) № " + Or(h.number, input.number));
  f.Captioned(Or(h.object, input.name), "(наименование объекта капитального строительства)");
  f.Skip();
  f.Field("Основание", h.basis, 2);
  const std::size_t r = f.row();
  f.Amount(r, 0, 2, "Сметная стоимость", 0, 3, 3, &result.total.total, "тыс. руб.", 4);
  f.Skip();
  if (result.unit_cost && input.measure_quantity) {
    Style l;
    f.sheet().Merge(f.row(), 0, 2, "Расчетный измеритель единичной стоимости", l);
    Style q;
    q.align = Align::kRight;
    q.underline = true;
    f.sheet().Number(f.row(), 3, *input.measure_quantity, q, /*money=*/false);
    f.Skip();
    f.Amount(f.row(), 0, 2, "Показатель единичной стоимости", 0, 3, 3, &*result.unit_cost,
             "тыс. руб.", 4);
    f.Skip();
  }
  f.Field("Составлен(а) в текущем уровне цен", h.price_level, 3);
  f.Skip();
  CostTableHead(f, "Наименование локальных сметных расчетов (смет), работ и затрат");
  f.Body(ObjectEstimateFormRows(input, result), kCostColName);
  f.Signatures({{"Главный инженер проекта", h.chief_engineer},
                {"Начальник отдела", h.department_head},
                {"Составил", h.composed_by},
                {"Проверил", h.checked_by}},
               2, 3, 5);
  return f.Finish();
}

std::string DateText(const core::CalendarDate& d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d.%02d.%04d", d.day, d.month, d.year);
  return buf;
}

Status FillSummaryEstimate(lxw_workbook* workbook, const core::SummaryEstimateInput& input,
                           const core::SummaryEstimateResult& result, const PrintHeader& h,
                           ProgressSteps& steps) {
  Form f = CostForm(workbook, "ССР", steps);
  Sheet& s = f.sheet();
  if (!h.appendix.empty()) f.TopRight(h.appendix);
  f.Skip();
  f.Field("Заказчик", h.customer, 2);
  f.Skip();
  {
    Style b;
    b.bold = true;
    s.Text(f.row(), 2, "«УТВЕРЖДЕН»", b);
    f.Skip();
    s.Text(f.row(), 2, "«____» ________________ 20___ г.", Style{});
    f.Skip();
    f.Amount(f.row(), 2, 2, "Сводный сметный расчет в сумме", 0, 3, 3, &result.total.total,
             "тыс. руб.", 4);
    f.Skip();
    Style c;
    c.italic = true;
    c.size = 7;
    s.Text(f.row(), 2, "(ссылка на документ об утверждении)", c);
    f.Skip(2);
  }
  f.Captioned(Or(h.construction, input.name), "(наименование стройки)");
  f.Skip();
  f.Title("СВОДНЫЙ СМЕТНЫЙ РАСЧЕТ СТОИМОСТИ СТРОИТЕЛЬСТВА № " + Or(h.number, input.number));
  f.Skip();
  f.Field("Составлен(а) в текущем уровне цен", h.price_level, 3);
  if (input.date.year != 0) f.Field("Дата составления", DateText(input.date), 3);
  f.Skip();
  CostTableHead(f, "Наименование глав, объектов капитального строительства, работ и затрат");
  f.Body(SummaryEstimateFormRows(input, result), kCostColName);
  f.Signatures({{"Руководитель проектной организации", h.organization_head},
                {"Главный инженер проекта", h.chief_engineer},
                {"Начальник отдела", h.department_head},
                {"Заказчик", h.customer_signatory},
                {"Составил", h.composed_by},
                {"Проверил", h.checked_by}},
               2, 3, 5);
  return f.Finish();
}

}  // namespace

PrintHeader PrintHeaderOf(const GgeHeader& h) {
  PrintHeader print;
  print.construction = h.construction_name;
  print.object = h.object_name;
  print.number = h.number;
  print.name = h.name;
  print.region = h.region_name;
  print.region_zone = h.zone_name.empty() ? h.zone_code : h.zone_name;
  print.norms_edition = h.main.name;
  print.norms_orders = h.main.orders;
  if (!h.indexes.empty()) print.index_letter = h.indexes.front().name;
  print.salary_act = h.salary_act;
  print.basis = h.basis;
  if (h.price_year > 0) {
    print.price_level =
        std::to_string(h.price_quarter) + " квартал " + std::to_string(h.price_year) + " г.";
  }
  print.composed_by = h.composed_by;
  print.checked_by = h.verified_by;
  return print;
}

Result<std::string> WriteEstimateXlsx(const core::Estimate& estimate,
                                     const core::EstimateResult& result, const PrintHeader& header,
                                     WriteProgress* progress) {
  if (estimate.method != core::Method::kResourceIndex) {
    return InvalidArgument("the XLSX form of a ЛСР is for the resource-index method only");
  }
  return WriteWorkbook("ЛОКАЛЬНЫЙ СМЕТНЫЙ РАСЧЕТ (СМЕТА) " + Or(header.number, estimate.name),
                       progress, [&](lxw_workbook* workbook, ProgressSteps& steps) {
                         return FillEstimate(workbook, estimate.name,
                                             EstimateFormFiguresOf(result), EstimateFormHead(),
                                             EstimateFormRows(estimate, result), header, steps);
                       });
}

Result<std::string> WriteBaseIndexEstimateXlsx(const core::BaseIndexEstimate& estimate,
                                               const core::BaseIndexResult& result,
                                               const PrintHeader& header, WriteProgress* progress) {
  return WriteWorkbook("ЛОКАЛЬНЫЙ СМЕТНЫЙ РАСЧЕТ (СМЕТА) " + Or(header.number, estimate.name),
                       progress, [&](lxw_workbook* workbook, ProgressSteps& steps) {
                         return FillEstimate(workbook, estimate.name,
                                             EstimateFormFiguresOf(estimate, result),
                                             BaseIndexFormHead(),
                                             BaseIndexFormRows(estimate, result), header, steps);
                       });
}

Result<std::string> WriteObjectEstimateXlsx(const core::ObjectEstimateInput& input,
                                            const core::ObjectEstimateResult& result,
                                            const PrintHeader& header, WriteProgress* progress) {
  return WriteWorkbook("ОБЪЕКТНЫЙ СМЕТНЫЙ РАСЧЕТ (СМЕТА) " + Or(header.number, input.number),
                       progress, [&](lxw_workbook* workbook, ProgressSteps& steps) {
                         return FillObjectEstimate(workbook, input, result, header, steps);
                       });
}

Result<std::string> WriteSummaryEstimateXlsx(const core::SummaryEstimateInput& input,
                                             const core::SummaryEstimateResult& result,
                                             const PrintHeader& header, WriteProgress* progress) {
  return WriteWorkbook(
      "СВОДНЫЙ СМЕТНЫЙ РАСЧЕТ СТОИМОСТИ СТРОИТЕЛЬСТВА " + Or(header.number, input.number),
      progress, [&](lxw_workbook* workbook, ProgressSteps& steps) {
        return FillSummaryEstimate(workbook, input, result, header, steps);
      });
}

}  // namespace estimate::formats
