// The PDF forms of pdf_forms.hpp: the rows of print_form.hpp laid out on A4 landscape pages with
// cairo (the PDF surface, written to memory) and pango (the fonts, the wrapping of long Cyrillic
// names inside a cell and the heights of the rows), under the header block of each form
// (docs/design/documents-io.md §7.1, §9).
//
// Everything is measured before anything is drawn: the header block, the table head, each row
// and the signatures become blocks of known height, the blocks are distributed over pages, and
// only then the pages are drawn, so that the footer knows the number of pages («Стр. N из M»).
#include "formats/print/pdf_forms.hpp"

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <tuple>
#include <unordered_map>
#include <string_view>
#include <utility>
#include <vector>

#include "core/resource_index_calculator.hpp"
#include "formats/print/detail/pdf_canvas.hpp"
#include "formats/print/detail/print_form.hpp"
#include "formats/print/detail/progress_steps.hpp"
#include "formats/print/detail/text_layout.hpp"

namespace estimate::formats {
namespace {

using core::Decimal;

using namespace pdf;  // the page, its fonts, Canvas and PageWriter (detail/pdf_canvas.hpp)

// Something drawn at a given top: its height is known before it is drawn.
struct Block {
  double height = 0;
  std::function<void(double y)> draw;
  bool keep_with_next = false;  // a section heading stays with the row under it
};

// A form: the header block (page 1), the table (head repeated on every page), the signatures
// (last page), the footer (every page).
class Form {
 public:
  // `widths` are relative (the XLSX column widths) and fill the width of the page.
  // `steps` counts the rows laid out and drawn for whoever watches (Body, Render).
  Form(Canvas& canvas, const std::vector<double>& widths, std::vector<Align> align,
       std::string footer, ProgressSteps& steps)
      : c_(canvas), align_(std::move(align)), footer_(std::move(footer)), steps_(steps) {
    double sum = 0;
    for (double w : widths) sum += w;
    double x = kMarginLeft;
    for (double w : widths) {
      x_.push_back(x);
      width_.push_back(w * kContentWidth / sum);
      x += width_.back();
    }
  }

  Canvas& canvas() { return c_; }
  std::size_t last() const { return x_.size() - 1; }
  double X(std::size_t col) const { return x_[col]; }
  // From the left of `first` to the right of `last`.
  double Span(std::size_t first, std::size_t last) const {
    return x_[last] + width_[last] - x_[first];
  }

  // ---- the header block ----

  void Header(double height, std::function<void(double y)> draw) {
    header_.push_back({height, std::move(draw)});
  }
  void Gap(double height) {
    Header(height, [](double) {});
  }

  // Small lines at the top right: «Приложение № …», the order that approved the form.
  void TopRight(std::string text) {
    const Font f{kCaptionSize + 0.5};
    Header(c_.LineHeight(f), [this, text = std::move(text), f](double y) {
      c_.Text(text, f, Align::kRight, kMarginLeft, y, kContentWidth);
    });
  }

  void Title(std::string text) {
    const Font f = Bold(kTitleSize);
    const double h = c_.Measure(text, f, kContentWidth);
    Header(h + 2, [this, text = std::move(text), f](double y) {
      c_.Text(text, f, Align::kCenter, kMarginLeft, y + 1, kContentWidth);
    });
  }

  void Centered(std::string text, const Font& f) {
    const double h = c_.Measure(text, f, kContentWidth);
    Header(h, [this, text = std::move(text), f](double y) {
      c_.Text(text, f, Align::kCenter, kMarginLeft, y, kContentWidth);
    });
  }

  // A value on a line across the form with its caption under it: «(наименование стройки)».
  void Captioned(std::string value, std::string caption) {
    const Font v = Bold(kHeaderSize + 1);
    const Font cf = Italic(kCaptionSize);
    const double inset = 60;
    const double w = kContentWidth - 2 * inset;
    const double hv = c_.Measure(value, v, w);
    const double hc = c_.LineHeight(cf);
    Header(hv + 1 + hc, [=, this, value = std::move(value),
                         caption = std::move(caption)](double y) {
      c_.Text(value, v, Align::kCenter, kMarginLeft + inset, y, w);
      c_.Line(kMarginLeft + inset, y + hv + 0.5, kMarginLeft + inset + w, y + hv + 0.5, kFieldLine);
      c_.Text(caption, cf, Align::kCenter, kMarginLeft + inset, y + hv + 1, w, 0.25);
    });
  }

  // «label  value» with the label wrapped in the first `label_width` points and the value on a
  // line after it (the line at the foot of the taller of the two); a caption under the line.
  void Field(std::string label, std::string value, double label_width,
             std::string caption = std::string()) {
    const Font f{kHeaderSize};
    const Font cf = Italic(kCaptionSize);
    const double vx = kMarginLeft + label_width + 6;
    const double vw = kMarginLeft + kContentWidth - vx;
    const double hl = c_.Measure(label, f, label_width);
    const double hv = c_.Measure(value, Font{kHeaderSize, true}, vw);
    const double h = std::max(hl, hv);
    const double hc = caption.empty() ? 0 : c_.LineHeight(cf);
    Header(h + 2 + hc, [=, this, label = std::move(label), value = std::move(value),
                        caption = std::move(caption)](double y) {
      c_.Text(label, f, Align::kLeft, kMarginLeft, y, label_width);
      c_.Text(value, Font{kHeaderSize, true}, Align::kLeft, vx, y + h - hv, vw);
      c_.Line(vx, y + h + 0.5, vx + vw, y + h + 0.5, kFieldLine);
      if (!caption.empty()) c_.Text(caption, cf, Align::kCenter, vx, y + h + 1, vw, 0.25);
    });
  }

  // A column of «label  figure  unit» lines of the header block (the cost block of the ЛСР):
  // drawn at `x`, the label in `label_width`, the figure right-aligned on a line of
  // `figure_width`. A line without figure is a label only («в том числе:»).
  struct Amount {
    std::string label;
    int indent = 0;
    std::optional<Decimal> figure;
    std::string unit;
  };
  struct AmountColumn {
    double x = 0, label_width = 0, figure_width = 0;
    std::vector<Amount> lines;
  };
  void Amounts(std::vector<AmountColumn> columns) {
    const Font f{kHeaderSize};
    const double line = c_.LineHeight(f) + 2;
    std::size_t rows = 0;
    for (const AmountColumn& col : columns) rows = std::max(rows, col.lines.size());
    Header(line * static_cast<double>(rows), [=, this, columns = std::move(columns)](double y) {
      for (const AmountColumn& col : columns) {
        double at = y;
        for (const Amount& a : col.lines) {
          const double indent = kIndent * a.indent;
          c_.Text(a.label, f, Align::kLeft, col.x + indent, at, col.label_width - indent);
          if (a.figure) {
            const double fx = col.x + col.label_width;
            c_.Text(Money(*a.figure), Bold(kHeaderSize), Align::kRight, fx, at,
                    col.figure_width - 2);
            c_.Line(fx, at + line - 1.5, fx + col.figure_width, at + line - 1.5, kFieldLine);
            c_.Text(a.unit, f, Align::kLeft, fx + col.figure_width + 4, at, 60);
          }
          at += line;
        }
      }
    });
  }

  // СОГЛАСОВАНО / УТВЕРЖДАЮ (ЛСР), «УТВЕРЖДЕН» (ССР): a bold title, a line with who signs, the
  // date to fill in; at `x`, `width` wide.
  struct Approval {
    double x = 0, width = 0;
    std::string title, signatory;
    bool signatory_line = true;
  };
  void Approvals(std::vector<Approval> approvals) {
    const Font f{kHeaderSize};
    const double line = c_.LineHeight(f) + 3;
    std::size_t lines = 2;
    for (const Approval& a : approvals)
      lines = std::max<std::size_t>(lines, a.signatory_line ? 3 : 2);
    Header(line * static_cast<double>(lines),
           [=, this, approvals = std::move(approvals)](double y) {
             for (const Approval& a : approvals) {
               double at = y;
               c_.Text(a.title, Bold(kHeaderSize), Align::kLeft, a.x, at, a.width);
               at += line;
               if (a.signatory_line) {
                 c_.Text(a.signatory, f, Align::kLeft, a.x, at, a.width);
                 c_.Line(a.x, at + line - 1.5, a.x + a.width, at + line - 1.5, kFieldLine);
                 at += line;
               }
               c_.Text("«____» ________________ 20___ года", f, Align::kLeft, a.x, at, a.width);
             }
           });
  }

  // A line of small text at `x`, `width` wide.
  void Note(std::string text, double x, double width, const Font& font) {
    const double h = c_.Measure(text, font, width);
    Header(h, [=, this, text = std::move(text)](double y) {
      c_.Text(text, font, Align::kLeft, x, y, width, 0.25);
    });
  }

  // ---- the table ----

  // The head: `top` cells over two rows (a group cell spans several columns and has `sub`
  // headings under it), then the row of графа numbers.
  void TableHead(const FormHead& head) {
    const std::vector<HeadCell>& top = head.top;
    const std::vector<HeadCell>& sub = head.sub;
    const Font f{kHeadSize};
    // A group cell has sub-headings under it and is one row high; the others take both rows.
    std::vector<bool> group;
    for (const HeadCell& h : top) {
      group.push_back(std::any_of(sub.begin(), sub.end(), [&](const HeadCell& s) {
        return s.first >= h.first && s.last <= h.last;
      }));
    }
    double h_top = 0, h_sub = 0, h_both = 0;
    for (const HeadCell& h : sub) h_sub = std::max(h_sub, CellHeight(h.text, f, h.first, h.last));
    for (std::size_t i = 0; i < top.size(); ++i) {
      double& into = group[i] ? h_top : h_both;
      into = std::max(into, CellHeight(top[i].text, f, top[i].first, top[i].last));
    }
    h_sub = std::max(h_sub, h_both - h_top);
    const double h_numbers = c_.LineHeight(f) + 2 * kCellPadY;
    head_.height = h_top + h_sub + h_numbers;
    head_.draw = [=, this, top = std::move(top), sub = std::move(sub)](double y) {
      for (std::size_t i = 0; i < top.size(); ++i) {
        HeadText(top[i], f, y, group[i] ? h_top : h_top + h_sub);
      }
      for (const HeadCell& h : sub) HeadText(h, f, y + h_top, h_sub);
      const double yn = y + h_top + h_sub;
      for (std::size_t col = 0; col <= last(); ++col) {
        c_.Fill(X(col), yn, width_[col], h_numbers, 0.9);
        c_.Box(X(col), yn, width_[col], h_numbers);
        c_.Text(std::to_string(col + 1), f, Align::kCenter, X(col), yn + kCellPadY, width_[col]);
      }
    };
  }

  // The rows of print_form.hpp; `name_col` is the графа of the names (sum labels start there).
  // Each row is a step of the progress twice: laid out here, drawn by Render. Stops early when
  // the file is no longer wanted (Render then returns kAborted).
  void Body(const std::vector<FormRow>& rows, std::size_t name_col) {
    steps_.Start(2 * rows.size());
    for (const FormRow& r : rows) {
      if (steps_.Step()) return;
      switch (r.kind) {
        case FormRowKind::kRule:
          continue;  // the grid separates the totals already
        case FormRowKind::kHeading:
          HeadingRow(r);
          continue;
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

  // Signature lines under the table: «label ____ name» with the caption under the line.
  void Signatures(std::vector<std::pair<std::string, std::string>> lines) {
    if (lines.empty()) return;
    const Font f{kHeaderSize};
    const Font cf = Italic(kCaptionSize);
    const double line = c_.LineHeight(f) + c_.LineHeight(cf) + 6;
    const double label_width = 190;
    const double name_width = 320;
    signatures_.height = 14 + line * static_cast<double>(lines.size());
    signatures_.draw = [=, this, lines = std::move(lines)](double y) {
      double at = y + 14;
      for (const auto& [label, name] : lines) {
        const double nx = kMarginLeft + label_width;
        c_.Text(label, Bold(kHeaderSize), Align::kLeft, kMarginLeft, at, label_width);
        c_.Text(name, f, Align::kCenter, nx, at, name_width);
        const double ly = at + c_.LineHeight(f) + 0.5;
        c_.Line(nx, ly, nx + name_width, ly, kFieldLine);
        c_.Text("[должность, подпись (инициалы, фамилия)]", cf, Align::kCenter, nx, ly + 0.5,
                name_width, 0.25);
        at += line;
      }
    };
  }

  // ---- pages ----

  // Distributes the blocks over pages and draws them; `cr` is the PDF surface's context.
  // kAborted "cancelled" when the file is no longer wanted.
  Status Render(cairo_t* cr) {
    if (steps_.Cancelled()) return ProgressSteps::Aborted();
    struct Page {
      bool header = false;
      bool head = false;
      std::size_t first = 0, end = 0;  // rows [first, end)
      bool signatures = false;
    };
    auto need = [&](std::size_t i) {
      double n = rows_[i].height;
      if (rows_[i].keep_with_next && i + 1 < rows_.size()) n += rows_[i + 1].height;
      if (i + 1 == rows_.size()) n += signatures_.height;
      return n;
    };
    std::vector<Page> pages(1);
    pages[0].header = true;
    double y = kMarginTop;
    for (const Block& b : header_) y += b.height;
    y += 6;
    const double first_need = rows_.empty() ? signatures_.height : need(0);
    if (y + head_.height + first_need > kContentBottom && !header_.empty()) {
      pages.push_back(Page{});
      y = kMarginTop;
    }
    pages.back().head = true;
    y += head_.height;
    bool page_has_rows = false;
    for (std::size_t i = 0; i < rows_.size(); ++i) {
      if (page_has_rows && y + need(i) > kContentBottom) {
        pages.push_back(Page{false, true, i, i, false});
        y = kMarginTop + head_.height;
        page_has_rows = false;
      }
      if (!page_has_rows) pages.back().first = i;
      pages.back().end = i + 1;
      y += rows_[i].height;
      page_has_rows = true;
    }
    if (y + signatures_.height > kContentBottom && page_has_rows) {
      pages.push_back(Page{false, true, rows_.size(), rows_.size(), false});
    }
    pages.back().signatures = true;

    const std::string count = std::to_string(pages.size());
    PageWriter writer(cr);
    const cairo_rectangle_t extents{0, 0, kPageWidth, kPageHeight};
    for (std::size_t p = 0; p < pages.size(); ++p) {
      const Page& page = pages[p];
      SurfacePtr recording(cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, &extents));
      CairoPtr page_cr(cairo_create(recording.get()));
      c_.SetTarget(page_cr.get());
      struct Restore {
        Canvas& c;
        cairo_t* cr;
        ~Restore() { c.SetTarget(cr); }
      } restore{c_, cr};
      double at = kMarginTop;
      if (page.header) {
        for (const Block& b : header_) {
          b.draw(at);
          at += b.height;
        }
        at += 6;
      }
      if (page.head) {
        head_.draw(at);
        at += head_.height;
      }
      for (std::size_t i = page.first; i < page.end; ++i) {
        if (steps_.Step()) {
          writer.Abandon();
          return ProgressSteps::Aborted();
        }
        rows_[i].draw(at);
        at += rows_[i].height;
      }
      if (page.signatures && signatures_.draw) signatures_.draw(at);
      const Font f{kCaptionSize + 0.5};
      c_.Line(kMarginLeft, kFooterTop - 3, kMarginLeft + kContentWidth, kFooterTop - 3, 0.3);
      c_.Text(footer_, f, Align::kLeft, kMarginLeft, kFooterTop, kContentWidth / 2, 0.3);
      c_.Text("Стр. " + std::to_string(p + 1) + " из " + count, f, Align::kRight,
              kMarginLeft + kContentWidth / 2, kFooterTop, kContentWidth / 2);
      c_.StrokeGrid();
      if (cairo_status(page_cr.get()) != CAIRO_STATUS_SUCCESS) {
        writer.Abandon();
        return Internal(std::string("drawing the PDF form: ") +
                        cairo_status_to_string(cairo_status(page_cr.get())));
      }
      page_cr.reset();
      writer.Push(std::move(recording));
    }
    writer.Finish();
    if (steps_.Finish()) return ProgressSteps::Aborted();
    return Status::Ok();
  }

 private:
  double CellHeight(std::string_view text, const Font& f, std::size_t first, std::size_t last) {
    return c_.Measure(text, f, Span(first, last) - 2 * kCellPadX) + 2 * kCellPadY;
  }

  void HeadText(const HeadCell& h, const Font& f, double y, double height) {
    const double w = Span(h.first, h.last);
    const double th = c_.Measure(h.text, f, w - 2 * kCellPadX);
    c_.Box(X(h.first), y, w, height);
    c_.Text(h.text, f, Align::kCenter, X(h.first) + kCellPadX, y + (height - th) / 2,
            w - 2 * kCellPadX);
  }

  static Font RowFont(const FormRow& r) {
    return Font{kBodySize, r.bold || r.kind == FormRowKind::kPosition, false};
  }

  void HeadingRow(const FormRow& r) {
    const Font f{kBodySize + 0.5, r.bold, false};
    const double w = Span(0, last());
    const double h = c_.Measure(r.text, f, w - 2 * kCellPadX) + 2 * kCellPadY + 1;
    rows_.push_back({h,
                     [=, this, text = r.text](double y) {
                       c_.Fill(X(0), y, w, h, 0.95);
                       c_.Box(X(0), y, w, h);
                       c_.Text(text, f, Align::kLeft, X(0) + kCellPadX, y + kCellPadY + 0.5,
                               w - 2 * kCellPadX);
                     },
                     /*keep_with_next=*/true});
  }

  // One cell per графа.
  void CellsRow(const FormRow& r) {
    const Font f = RowFont(r);
    std::vector<std::string> texts;
    double h = 0;
    for (std::size_t col = 0; col <= last(); ++col) {
      texts.push_back(col < r.cells.size() ? CellText(r.cells[col]) : std::string());
      h = std::max(h, CellHeight(texts.back(), f, col, col));
    }
    rows_.push_back({h, [=, this, texts = std::move(texts)](double y) {
                       for (std::size_t col = 0; col <= last(); ++col) {
                         c_.Box(X(col), y, width_[col], h);
                         c_.Text(texts[col], f, align_[col], X(col) + kCellPadX, y + kCellPadY,
                                 width_[col] - 2 * kCellPadX);
                       }
                     }});
  }

  // The label runs from the name column over the empty cells up to the first figure.
  void SumRow(const FormRow& r, std::size_t name_col) {
    const Font f = RowFont(r);
    std::size_t end = name_col + 1;
    while (end <= last() && end < r.cells.size() && r.cells[end].empty()) ++end;
    const std::string label = CellText(r.cells[name_col]);
    const double indent = kIndent * r.indent;
    const double label_width = Span(name_col, end - 1) - 2 * kCellPadX - indent;
    double h = c_.Measure(label, f, label_width) + 2 * kCellPadY;
    std::vector<std::string> texts(last() + 1);
    for (std::size_t col = end; col <= last() && col < r.cells.size(); ++col) {
      texts[col] = CellText(r.cells[col]);
      h = std::max(h, CellHeight(texts[col], f, col, col));
    }
    rows_.push_back({h, [=, this, texts = std::move(texts)](double y) {
                       for (std::size_t col = 0; col < name_col; ++col) {
                         c_.Box(X(col), y, width_[col], h);
                       }
                       c_.Box(X(name_col), y, Span(name_col, end - 1), h);
                       c_.Text(label, f, Align::kLeft, X(name_col) + kCellPadX + indent,
                               y + kCellPadY, label_width);
                       for (std::size_t col = end; col <= last(); ++col) {
                         c_.Box(X(col), y, width_[col], h);
                         c_.Text(texts[col], f, align_[col], X(col) + kCellPadX, y + kCellPadY,
                                 width_[col] - 2 * kCellPadX);
                       }
                     }});
  }

  Canvas& c_;
  std::vector<double> x_, width_;
  std::vector<Align> align_;
  std::string footer_;
  std::vector<Block> header_;
  Block head_;
  std::vector<Block> rows_;
  Block signatures_;
  ProgressSteps& steps_;
};

std::string Or(const std::string& value, const std::string& fallback) {
  return value.empty() ? fallback : value;
}

// «№ 02-01-05», or a line to write the number on.
std::string NumberText(const std::string& number) { return "№ " + Or(number, "________"); }

Decimal Thousands(const Decimal& roubles) {
  return Decimal::Divide(roubles, Decimal::FromInt(1000), 2);
}

cairo_status_t AppendTo(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

// The font every text is set in, when it is installed: fontconfig always finds some font, so the
// one it found is checked, rather than printing the form in another face.
Status CheckFont(PangoContext* context) {
  FontDescriptionPtr wanted = Describe(Font{});
  FontPtr font(pango_context_load_font(context, wanted.get()));
  if (!font) return FailedPrecondition("no font for the PDF forms: install fonts-dejavu-core");
  FontDescriptionPtr got(pango_font_describe(font.get()));
  const char* family = pango_font_description_get_family(got.get());
  if (family == nullptr || std::string_view(family).rfind("DejaVu Sans", 0) != 0) {
    return FailedPrecondition(std::string("the PDF forms need the font DejaVu Sans Condensed "
                                          "(fonts-dejavu-core); fontconfig offers ") +
                              (family == nullptr ? "none" : family));
  }
  return Status::Ok();
}

// The PDF written in memory: `fill` lays its form out on the canvas and renders the pages onto
// `cr`; returns the file's bytes.
Result<std::string> RenderPdf(const std::string& title,
                              const std::function<Status(Canvas&, cairo_t*)>& fill) {
  std::string bytes;
  SurfacePtr surface(
      cairo_pdf_surface_create_for_stream(&AppendTo, &bytes, kPageWidth, kPageHeight));
  if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) {
    return Internal(std::string("cannot create the PDF surface: ") +
                    cairo_status_to_string(cairo_surface_status(surface.get())));
  }
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_TITLE, title.c_str());
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATOR, "estimate-service");
  // No creation date: the same document gives the same bytes (cairo writes the clock otherwise),
  // so a form can be cached, compared and checked by its hash like the XML and АРПС exports.
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATE_DATE, "");
  {
    CairoPtr cr(cairo_create(surface.get()));
    ContextPtr context(pango_cairo_create_context(cr.get()));
    if (Status font = CheckFont(context.get()); !font.ok()) return font;
    Canvas canvas(cr.get(), context.get());
    if (Status filled = fill(canvas, cr.get()); !filled.ok()) return filled;
    if (canvas.unknown_glyphs() > 0) {
      return Internal(std::to_string(canvas.unknown_glyphs()) +
                      " characters of the form are missing from the font " + kFamily);
    }
    if (cairo_status(cr.get()) != CAIRO_STATUS_SUCCESS) {
      return Internal(std::string("drawing the PDF form: ") +
                      cairo_status_to_string(cairo_status(cr.get())));
    }
  }
  cairo_surface_finish(surface.get());
  if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) {
    return Internal(std::string("writing the PDF form: ") +
                    cairo_status_to_string(cairo_surface_status(surface.get())));
  }
  surface.reset();
  return bytes;
}

// ---------------------------------------------------------------------------------------------
// ЛСР

// Графы 1–12, relative widths: those of the XLSX form, with графы 6 and 11 wide enough for
// «коэффициенты» on one line.
const std::vector<double> kEstimateWidths = {5, 17, 40, 9, 11, 11, 12, 11, 7, 11, 11, 14};
const std::vector<Align> kEstimateAlign = {
    Align::kCenter, Align::kLeft,  Align::kLeft,  Align::kCenter, Align::kRight, Align::kRight,
    Align::kRight,  Align::kRight, Align::kRight, Align::kRight,  Align::kRight, Align::kRight};

// The header block of a ЛСР form (§7.1), its table and the signatures.
void FillEstimate(Form& f, const std::string& name, const EstimateFormFigures& fig, const FormHead& head,
                  const std::vector<FormRow>& rows, const PrintHeader& h) {
  if (!h.appendix.empty()) f.TopRight(h.appendix);
  f.TopRight("Утверждено приказом Минстроя РФ № 421/пр от 4 августа 2020 г.");
  f.TopRight("в редакции приказа № 557/пр от 7 июля 2022 г.");
  f.Gap(4);
  const double approval_width = 230;
  f.Approvals({{kMarginLeft, approval_width, "СОГЛАСОВАНО:", h.agreed_by},
               {kMarginLeft + kContentWidth - approval_width, approval_width,
                "УТВЕРЖДАЮ:", h.approved_by}});
  f.Gap(6);

  const double label = 400;
  for (const FormField& field : EstimateFormFields(h)) f.Field(field.label, field.value, label);
  f.Gap(6);
  f.Captioned(h.construction, "(наименование стройки)");
  f.Captioned(h.object, "(наименование объекта капитального строительства)");
  f.Gap(6);
  f.Title("ЛОКАЛЬНЫЙ СМЕТНЫЙ РАСЧЕТ (СМЕТА) " + NumberText(h.number));
  f.Captioned(Or(h.name, name), "(наименование работ и затрат)");
  f.Gap(2);
  f.Centered(std::string("Составлен ") + fig.method + " методом", Font{kHeaderSize});
  f.Gap(2);
  f.Field("Основание", h.basis, 120, "(проектная и (или) иная техническая документация)");
  f.Field("Составлен(а) в текущем уровне цен", h.price_level, 160);
  f.Gap(6);

  // The figures in тыс. руб. on the left, pay and hours on the right.
  const auto thousands = [](const std::optional<Decimal>& d) {
    return d ? std::optional<Decimal>(Thousands(*d)) : std::nullopt;
  };
  f.Amounts({
      {kMarginLeft,
       130,
       80,
       {{"Сметная стоимость", 0, Thousands(fig.total), "тыс.руб."},
        {"в том числе:", 1, std::nullopt, ""},
        {"строительных работ", 2, Thousands(fig.construction), "тыс.руб."},
        {"монтажных работ", 2, Thousands(fig.installation), "тыс.руб."},
        {"оборудования", 2, Thousands(fig.equipment), "тыс.руб."},
        {"прочих затрат", 2, Thousands(fig.other), "тыс.руб."}}},
      {kMarginLeft + 420,
       190,
       80,
       {{"Средства на оплату труда рабочих", 0, thousands(fig.ot), "тыс.руб."},
        {"Средства на оплату труда машинистов", 0, thousands(fig.otm), "тыс.руб."},
        {"Нормативные затраты труда рабочих", 0, fig.labor_hours.RoundToScale(2), "чел.-ч."},
        {"Нормативные затраты труда машинистов", 0, fig.machinist_hours.RoundToScale(2),
         "чел.-ч."}}},
  });

  f.TableHead(head);
  f.Body(rows, kColName);
  f.Signatures({{"Составил", h.composed_by}, {"Проверил", h.checked_by}});
}

// ---------------------------------------------------------------------------------------------
// ОСР and ССР

// Графы 1–8: № п/п, Обоснование, Наименование, then the four columns and всего (тыс. руб.);
// графа 4 is wider for its long heading.
const std::vector<double> kCostWidths = {5, 16, 45, 19, 16, 16, 16, 16};
const std::vector<Align> kCostAlign = {Align::kCenter, Align::kLeft,  Align::kLeft,  Align::kRight,
                                       Align::kRight,  Align::kRight, Align::kRight, Align::kRight};

void CostTableHead(Form& f, const char* name_heading) { f.TableHead(CostFormHead(name_heading)); }

void FillObjectEstimate(Form& f, const core::ObjectEstimateInput& input,
                        const core::ObjectEstimateResult& result, const PrintHeader& h) {
  if (!h.appendix.empty()) f.TopRight(h.appendix);
  f.Gap(10);
  f.Captioned(h.construction, "(наименование стройки)");
  f.Gap(10);
  f.Title("ОБЪЕКТНЫЙ СМЕТНЫЙ РАСЧЕТ (СМЕТА) " + NumberText(Or(h.number, input.number)));
  f.Captioned(Or(h.object, input.name), "(наименование объекта капитального строительства)");
  f.Gap(10);
  f.Field("Основание", h.basis, 120, "(проектная и (или) иная техническая документация)");
  f.Gap(4);
  Form::AmountColumn amounts{kMarginLeft, 200, 80, {}};
  amounts.lines.push_back({"Сметная стоимость", 0, result.total.total, "тыс. руб."});
  if (result.unit_cost && input.measure_quantity) {
    amounts.lines.push_back(
        {"Расчетный измеритель единичной стоимости: " + Qty(*input.measure_quantity), 0,
         std::nullopt, ""});
    amounts.lines.push_back({"Показатель единичной стоимости", 0, *result.unit_cost, "тыс. руб."});
  }
  f.Amounts({std::move(amounts)});
  f.Field("Составлен(а) в текущем уровне цен", h.price_level, 200);
  f.Gap(8);
  CostTableHead(f, "Наименование локальных сметных расчетов (смет), работ и затрат");
  f.Body(ObjectEstimateFormRows(input, result), kCostColName);
  f.Signatures({{"Главный инженер проекта", h.chief_engineer},
                {"Начальник отдела", h.department_head},
                {"Составил", h.composed_by},
                {"Проверил", h.checked_by}});
}

std::string DateText(const core::CalendarDate& d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d.%02d.%04d", d.day, d.month, d.year);
  return buf;
}

void FillSummaryEstimate(Form& f, const core::SummaryEstimateInput& input,
                         const core::SummaryEstimateResult& result, const PrintHeader& h) {
  if (!h.appendix.empty()) f.TopRight(h.appendix);
  f.Gap(6);
  f.Field("Заказчик", h.customer, 60);
  f.Gap(10);
  f.Approvals({{kMarginLeft, 260, "«УТВЕРЖДЕН»", "", /*signatory_line=*/false}});
  f.Amounts({{kMarginLeft,
              170,
              90,
              {{"Сводный сметный расчет в сумме", 0, result.total.total, "тыс. руб."}}}});
  f.Note("(ссылка на документ об утверждении)", kMarginLeft, 260, Italic(kCaptionSize));
  f.Gap(10);
  f.Captioned(Or(h.construction, input.name), "(наименование стройки)");
  f.Gap(10);
  f.Title("СВОДНЫЙ СМЕТНЫЙ РАСЧЕТ СТОИМОСТИ СТРОИТЕЛЬСТВА " +
          NumberText(Or(h.number, input.number)));
  f.Gap(10);
  f.Field("Составлен(а) в текущем уровне цен", h.price_level, 200);
  if (input.date.year != 0) f.Field("Дата составления", DateText(input.date), 200);
  f.Gap(8);
  CostTableHead(f, "Наименование глав, объектов капитального строительства, работ и затрат");
  f.Body(SummaryEstimateFormRows(input, result), kCostColName);
  f.Signatures({{"Руководитель проектной организации", h.organization_head},
                {"Главный инженер проекта", h.chief_engineer},
                {"Начальник отдела", h.department_head},
                {"Заказчик", h.customer_signatory},
                {"Составил", h.composed_by},
                {"Проверил", h.checked_by}});
}

}  // namespace

namespace {

// A ЛСР form of either method: its figures, column head and rows laid out on pages.
Result<std::string> RenderEstimatePdf(const std::string& name, const EstimateFormFigures& figures,
                                      const FormHead& head, const std::vector<FormRow>& rows,
                                      const PrintHeader& header, ProgressSteps& steps) {
  return RenderPdf("ЛОКАЛЬНЫЙ СМЕТНЫЙ РАСЧЕТ (СМЕТА) " + Or(header.number, name),
                   [&](Canvas& canvas, cairo_t* cr) {
                     Form f(canvas, kEstimateWidths, kEstimateAlign,
                            "ЛСР " + NumberText(header.number), steps);
                     FillEstimate(f, name, figures, head, rows, header);
                     return f.Render(cr);
                   });
}

}  // namespace

Result<std::string> WriteEstimatePdf(const core::Estimate& estimate,
                                     const core::EstimateResult& result, const PrintHeader& header,
                                     WriteProgress* progress) {
  if (estimate.method != core::Method::kResourceIndex) {
    return InvalidArgument("the PDF form of a ЛСР is for the resource-index method only");
  }
  ProgressSteps steps(progress);
  if (steps.Cancelled()) return ProgressSteps::Aborted();
  return RenderEstimatePdf(estimate.name, EstimateFormFiguresOf(result), EstimateFormHead(),
                           EstimateFormRows(estimate, result), header, steps);
}

Result<std::string> WriteBaseIndexEstimatePdf(const core::BaseIndexEstimate& estimate,
                                              const core::BaseIndexResult& computed,
                                              const PrintHeader& header, WriteProgress* progress) {
  const core::BaseIndexResult* result = &computed;
  ProgressSteps steps(progress);
  if (steps.Cancelled()) return ProgressSteps::Aborted();
  return RenderEstimatePdf(estimate.name, EstimateFormFiguresOf(estimate, *result),
                           BaseIndexFormHead(), BaseIndexFormRows(estimate, *result), header,
                           steps);
}

Result<std::string> WriteObjectEstimatePdf(const core::ObjectEstimateInput& input,
                                           const core::ObjectEstimateResult& computed,
                                           const PrintHeader& header, WriteProgress* progress) {
  const core::ObjectEstimateResult* result = &computed;
  const std::string number = Or(header.number, input.number);
  ProgressSteps steps(progress);
  if (steps.Cancelled()) return ProgressSteps::Aborted();
  return RenderPdf("ОБЪЕКТНЫЙ СМЕТНЫЙ РАСЧЕТ (СМЕТА) " + number, [&](Canvas& canvas, cairo_t* cr) {
    Form f(canvas, kCostWidths, kCostAlign, "ОСР " + NumberText(number), steps);
    FillObjectEstimate(f, input, *result, header);
    return f.Render(cr);
  });
}

Result<std::string> WriteSummaryEstimatePdf(const core::SummaryEstimateInput& input,
                                            const core::SummaryEstimateResult& computed,
                                            const PrintHeader& header, WriteProgress* progress) {
  const core::SummaryEstimateResult* result = &computed;
  const std::string number = Or(header.number, input.number);
  ProgressSteps steps(progress);
  if (steps.Cancelled()) return ProgressSteps::Aborted();
  return RenderPdf("СВОДНЫЙ СМЕТНЫЙ РАСЧЕТ СТОИМОСТИ СТРОИТЕЛЬСТВА " + number,
                   [&](Canvas& canvas, cairo_t* cr) {
                     Form f(canvas, kCostWidths, kCostAlign, "ССР " + NumberText(number), steps);
                     FillSummaryEstimate(f, input, *result, header);
                     return f.Render(cr);
                   });
}

}  // namespace estimate::formats
