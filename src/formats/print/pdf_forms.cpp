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
#include "formats/print/detail/print_form.hpp"
#include "formats/print/detail/progress_steps.hpp"
#include "formats/print/detail/text_layout.hpp"

namespace estimate::formats {
namespace {

using core::Decimal;

// ---------------------------------------------------------------------------------------------
// The page, in points (1/72 in): A4 landscape.

constexpr double kPageWidth = 842;
constexpr double kPageHeight = 595;
constexpr double kMarginLeft = 28;  // ~10 mm: room to bind
constexpr double kMarginRight = 20;
constexpr double kMarginTop = 20;
constexpr double kMarginBottom = 30;  // the footer lives in it
constexpr double kFooterTop = kPageHeight - 21;
constexpr double kContentWidth = kPageWidth - kMarginLeft - kMarginRight;
constexpr double kContentBottom = kPageHeight - kMarginBottom;

// DejaVu Sans Condensed covers Cyrillic, «», №, – and ё; a narrow face keeps 12 графы readable.
constexpr const char* kFamily = "DejaVu Sans Condensed";
constexpr double kBodySize = 7;     // the table
constexpr double kHeadSize = 6.5;   // the table's column head
constexpr double kHeaderSize = 8;   // the header block and the signatures
constexpr double kCaptionSize = 6;  // «(наименование стройки)» under a line
constexpr double kTitleSize = 12;  // «ЛОКАЛЬНЫЙ СМЕТНЫЙ РАСЧЕТ (СМЕТА)»
constexpr double kCellPadX = 2;
constexpr double kCellPadY = 1.5;
constexpr double kIndent = 8;  // one level of «в том числе:»
constexpr double kGridLine = 0.4;
constexpr double kFieldLine = 0.5;  // the line a value is written on

enum class Align { kLeft, kCenter, kRight };

struct Font {
  double size = kBodySize;
  bool bold = false;
  bool italic = false;
};

Font Bold(double size) { return {size, true, false}; }
Font Italic(double size) { return {size, false, true}; }

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
struct GObjectDeleter {
  void operator()(void* p) const { g_object_unref(p); }
};
using SurfacePtr =
    std::unique_ptr<cairo_surface_t, Deleter<cairo_surface_t, cairo_surface_destroy>>;
using CairoPtr = std::unique_ptr<cairo_t, Deleter<cairo_t, cairo_destroy>>;
using FontDescriptionPtr =
    std::unique_ptr<PangoFontDescription,
                    Deleter<PangoFontDescription, pango_font_description_free>>;
using ContextPtr = std::unique_ptr<PangoContext, GObjectDeleter>;
using LayoutPtr = std::unique_ptr<PangoLayout, GObjectDeleter>;
using FontPtr = std::unique_ptr<PangoFont, GObjectDeleter>;

FontDescriptionPtr Describe(const Font& font) {
  FontDescriptionPtr d(pango_font_description_from_string(kFamily));
  // Absolute: in the surface's units, which are points; no dpi conversion.
  pango_font_description_set_absolute_size(d.get(), font.size * PANGO_SCALE);
  pango_font_description_set_weight(d.get(), font.bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_font_description_set_style(d.get(), font.italic ? PANGO_STYLE_OBLIQUE : PANGO_STYLE_NORMAL);
  return d;
}

// Text set with pango on one cairo context: measured, then drawn.
class Canvas {
 public:
  Canvas(cairo_t* cr, PangoContext* context) : cr_(cr), context_(context) {}

  // Where the drawing goes from now on: the page being recorded (PageWriter).
  void SetTarget(cairo_t* cr) { cr_ = cr; }

  // The height of `text` in `font`, wrapped to `width`.
  // Most texts of a form are figures that plainly fit their cell on one line: such a text is
  // one line high, which is known without shaping it (FitsOnOneLine), so each is shaped once,
  // when it is drawn. The others (names, codes, labels) repeat, so each is shaped for its height
  // once per font and width.
  double Measure(std::string_view text, const Font& font, double width) {
    if (text.empty()) return LineHeight(font);
    if (FitsOnOneLine(text, font, width)) return LineHeight(font);
    std::string key(text);
    key += '\0';
    key += std::to_string(static_cast<int>(width * PANGO_SCALE));
    key += font.bold ? 'b' : '-';
    key += font.italic ? 'i' : '-';
    key += std::to_string(font.size);
    if (auto it = heights_.find(key); it != heights_.end()) return it->second;
    PangoLayout* layout = Layout(text, font, Align::kLeft, width);
    int w = 0, h = 0;
    pango_layout_get_size(layout, &w, &h);
    return heights_[std::move(key)] = static_cast<double>(h) / PANGO_SCALE;
  }

  double LineHeight(const Font& font) {
    const Key key{font.size, font.bold, font.italic, Align::kLeft, -1};
    if (auto it = line_heights_.find(key); it != line_heights_.end()) return it->second;
    PangoLayout* layout = Layout("Ё", font, Align::kLeft, -1);
    int w = 0, h = 0;
    pango_layout_get_size(layout, &w, &h);
    return line_heights_[key] = static_cast<double>(h) / PANGO_SCALE;
  }

  // Draws `text` with its top left corner at (x, y), wrapped to `width` and aligned in it.
  void Text(std::string_view text, const Font& font, Align align, double x, double y, double width,
            double gray = 0) {
    if (text.empty()) return;
    PangoLayout* layout = Drawn(text, font, align, width);
    cairo_set_source_rgb(cr_, gray, gray, gray);
    cairo_move_to(cr_, x, y);
    pango_cairo_show_layout(cr_, layout);
  }

  void Line(double x1, double y1, double x2, double y2, double width) {
    cairo_set_source_rgb(cr_, 0, 0, 0);
    cairo_set_line_width(cr_, width);
    cairo_move_to(cr_, x1, y1);
    cairo_line_to(cr_, x2, y2);
    cairo_stroke(cr_);
  }

  // A cell of the grid. The cells of a page are stroked together when the page is finished
  // (StrokeGrid), as the lines they make: one drawing operation per page instead of one per
  // cell, and a line per row and per column instead of four per cell, which was most of what
  // cairo spent on a page of the table. Nothing is drawn over the grid lines, and square caps
  // close the corners as the joins of a stroked rectangle did, so the page looks the same.
  void Box(double x, double y, double w, double h) {
    const auto at = [](double v) { return std::llround(v * kGridUnits); };
    horizontal_[at(y)].push_back({at(x), at(x + w)});
    horizontal_[at(y + h)].push_back({at(x), at(x + w)});
    vertical_[at(x)].push_back({at(y), at(y + h)});
    vertical_[at(x + w)].push_back({at(y), at(y + h)});
  }

  // Strokes the cells of the page (Box); called before the page is shown. Edges that touch or
  // overlap on one line become one segment.
  void StrokeGrid() {
    if (horizontal_.empty() && vertical_.empty()) return;
    cairo_save(cr_);
    cairo_set_source_rgb(cr_, 0, 0, 0);
    cairo_set_line_width(cr_, kGridLine);
    cairo_set_line_cap(cr_, CAIRO_LINE_CAP_SQUARE);
    const auto segments = [&](Edges& edges, bool across) {
      for (auto& [line, spans] : edges) {
        std::sort(spans.begin(), spans.end());
        for (std::size_t i = 0; i < spans.size();) {
          long long from = spans[i].first, to = spans[i].second;
          for (++i; i < spans.size() && spans[i].first <= to; ++i) to = std::max(to, spans[i].second);
          const double l = static_cast<double>(line) / kGridUnits;
          const double a = static_cast<double>(from) / kGridUnits;
          const double b = static_cast<double>(to) / kGridUnits;
          if (across) {
            cairo_move_to(cr_, a, l);
            cairo_line_to(cr_, b, l);
          } else {
            cairo_move_to(cr_, l, a);
            cairo_line_to(cr_, l, b);
          }
        }
      }
      edges.clear();
    };
    segments(horizontal_, true);
    segments(vertical_, false);
    cairo_stroke(cr_);
    cairo_restore(cr_);
  }

  void Fill(double x, double y, double w, double h, double gray) {
    cairo_set_source_rgb(cr_, gray, gray, gray);
    cairo_rectangle(cr_, x, y, w, h);
    cairo_fill(cr_);
  }

  // Characters no installed font could show (pango would draw a box): must stay 0.
  int unknown_glyphs() const { return unknown_glyphs_; }

 private:
  // One layout per font, alignment and width, its text set anew for each use: a form has a few
  // dozen such combinations and hundreds of thousands of texts, and creating a layout (with its
  // font description) for each text cost more than shaping it.
  struct Key {
    double size;
    bool bold, italic;
    Align align;
    int width;
    bool operator<(const Key& o) const {
      return std::tie(size, bold, italic, align, width) <
             std::tie(o.size, o.bold, o.italic, o.align, o.width);
    }
  };

  // True when `text` certainly takes one line of `font` in `width`: every character is one the
  // font itself has (so the line is as high as LineHeight's), none breaks a line, and the sum of
  // their advances, with room to spare for kerning, is narrower than `width`. False says nothing:
  // the text is then shaped.
  bool FitsOnOneLine(std::string_view text, const Font& font, double width) {
    if (width <= 0) return false;
    Advances& advances = advances_[Key{font.size, font.bold, font.italic, Align::kLeft, -1}];
    if (advances.width.empty()) advances.width.assign(kAdvanceTableSize, kUnmeasured);
    const int limit = static_cast<int>(width * PANGO_SCALE);
    long long sum = 0;
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    const auto* end = p + text.size();
    while (p < end) {
      char32_t cp = 0;
      if (*p < 0x80) {
        cp = *p++;
      } else if ((*p & 0xE0) == 0xC0 && end - p >= 2) {
        cp = (static_cast<char32_t>(p[0] & 0x1F) << 6) | (p[1] & 0x3F);
        p += 2;
      } else if ((*p & 0xF0) == 0xE0 && end - p >= 3) {
        cp = (static_cast<char32_t>(p[0] & 0x0F) << 12) |
             (static_cast<char32_t>(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
        p += 3;
      } else {
        return false;
      }
      const int advance = Advance(advances, cp, font);
      if (advance < 0) return false;
      sum += advance;
      // Kerning and rounding never widen a line by a tenth; a point more for good measure.
      if (sum + sum / 10 + PANGO_SCALE > limit) return false;
    }
    return true;
  }

  // Code points whose advance is kept: Latin, Greek, Cyrillic, and the general punctuation and
  // letterlike symbols (– — « » … №) of the forms. Any other character sends its text to pango.
  static constexpr std::size_t kAdvanceTableSize = 0x2200;
  static constexpr int kUnmeasured = -2;
  static constexpr int kUnsafe = -1;
  struct Advances {
    std::vector<int> width;  // pango units; kUnsafe, kUnmeasured
    FontPtr font;            // the font of the form's text in this Font
  };

  // The advance of one character alone, or kUnsafe when it is not a plain glyph of the font:
  // a control or a line or paragraph separator, a right-to-left or combining character, one the
  // font lacks (another font, or a box, would set it) or that makes the line higher.
  int Advance(Advances& advances, char32_t cp, const Font& font) {
    if (cp >= kAdvanceTableSize) return kUnsafe;
    int& width = advances.width[cp];
    if (width != kUnmeasured) return width;
    const bool plain = cp >= 0x20 && cp != 0x7F && !(cp >= 0x80 && cp < 0xA0) &&
                       !(cp >= 0x300 && cp < 0x370) && !(cp >= 0x483 && cp < 0x48A) &&
                       (cp < 0x590 || cp >= 0x2000) && !(cp >= 0x200B && cp <= 0x200F) &&
                       !(cp >= 0x2028 && cp <= 0x202E) && !(cp >= 0x2060 && cp <= 0x206F);
    if (!plain) return width = kUnsafe;
    char utf8[4];
    int n = 0;
    if (cp < 0x80) {
      utf8[n++] = static_cast<char>(cp);
    } else if (cp < 0x800) {
      utf8[n++] = static_cast<char>(0xC0 | (cp >> 6));
      utf8[n++] = static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      utf8[n++] = static_cast<char>(0xE0 | (cp >> 12));
      utf8[n++] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      utf8[n++] = static_cast<char>(0x80 | (cp & 0x3F));
    }
    // The references first: they are set on the same layout as the character.
    const double line_height = LineHeight(font);
    if (!advances.font) {
      PangoFont* zero = RunFont(Layout("0", font, Align::kLeft, -1));
      if (zero == nullptr) return width = kUnsafe;
      advances.font.reset(PANGO_FONT(g_object_ref(zero)));
    }
    const int unknown_before = unknown_glyphs_;
    PangoLayout* layout = Layout(std::string_view(utf8, n), font, Align::kLeft, -1);
    const bool known = unknown_glyphs_ == unknown_before;
    unknown_glyphs_ = unknown_before;  // measuring is not printing
    int w = 0, h = 0;
    pango_layout_get_size(layout, &w, &h);
    const bool one_run = static_cast<double>(h) / PANGO_SCALE == line_height &&
                         RunFont(layout) == advances.font.get();
    return width = known && one_run ? w : kUnsafe;
  }

  // The font of the only run of the layout's only line; nullptr when there are more.
  static PangoFont* RunFont(PangoLayout* layout) {
    if (pango_layout_get_line_count(layout) != 1) return nullptr;
    PangoLayoutLine* line = pango_layout_get_line_readonly(layout, 0);
    if (line == nullptr || line->runs == nullptr || line->runs->next != nullptr) return nullptr;
    return static_cast<const PangoGlyphItem*>(line->runs->data)->item->analysis.font;
  }

  // The layout `text` is drawn with. A form draws the same texts again and again (the column
  // head on every page, units, codes, names, coefficients and indices), so a drawn layout is kept,
  // shaped, for the next time; the cache is emptied when it grows past kDrawnCacheSize layouts.
  static constexpr std::size_t kDrawnCacheSize = 20000;
  PangoLayout* Drawn(std::string_view text, const Font& font, Align align, double width) {
    const int pango_width = width > 0 ? static_cast<int>(width * PANGO_SCALE) : -1;
    drawn_key_.assign(text);
    drawn_key_ += '\0';
    const Key key{font.size, font.bold, font.italic, align, pango_width};
    drawn_key_.append(reinterpret_cast<const char*>(&key.size), sizeof key.size);
    drawn_key_ += static_cast<char>((key.bold ? 1 : 0) | (key.italic ? 2 : 0) |
                                    (static_cast<int>(align) << 2));
    drawn_key_.append(reinterpret_cast<const char*>(&key.width), sizeof key.width);
    if (auto it = drawn_.find(drawn_key_); it != drawn_.end()) {
      unknown_glyphs_ += it->second.unknown_glyphs;
      return it->second.layout.get();
    }
    if (drawn_.size() >= kDrawnCacheSize) drawn_.clear();
    // A copy of the settings only (pango_layout_copy does not copy the lines): shaped once, here.
    LayoutPtr layout(pango_layout_copy(Template(font, align, width)));
    PangoLayout* p = layout.get();
    pango_layout_set_text(p, text.data(), static_cast<int>(text.size()));
    const int unknown = pango_layout_get_unknown_glyphs_count(p);
    unknown_glyphs_ += unknown;
    drawn_.emplace(drawn_key_, DrawnLayout{std::move(layout), unknown});
    return p;
  }

  PangoLayout* Layout(std::string_view text, const Font& font, Align align, double width) {
    PangoLayout* layout = Template(font, align, width);
    pango_layout_set_text(layout, text.data(), static_cast<int>(text.size()));
    unknown_glyphs_ += pango_layout_get_unknown_glyphs_count(layout);
    return layout;
  }

  // The layout of one font, alignment and width, reused for every text measured in them.
  PangoLayout* Template(const Font& font, Align align, double width) {
    const int pango_width = width > 0 ? static_cast<int>(width * PANGO_SCALE) : -1;
    const Key key{font.size, font.bold, font.italic, align, pango_width};
    auto it = layouts_.find(key);
    if (it == layouts_.end()) {
      LayoutPtr layout(pango_layout_new(context_));
      FontDescriptionPtr d = Describe(font);
      pango_layout_set_font_description(layout.get(), d.get());
      if (pango_width > 0) {
        pango_layout_set_width(layout.get(), pango_width);
        pango_layout_set_wrap(layout.get(), PANGO_WRAP_WORD_CHAR);
      }
      pango_layout_set_alignment(layout.get(), align == Align::kLeft     ? PANGO_ALIGN_LEFT
                                               : align == Align::kCenter ? PANGO_ALIGN_CENTER
                                                                         : PANGO_ALIGN_RIGHT);
      it = layouts_.emplace(key, std::move(layout)).first;
    }
    return it->second.get();
  }

  cairo_t* cr_;
  PangoContext* context_;
  int unknown_glyphs_ = 0;
  std::map<Key, LayoutPtr> layouts_;
  std::map<Key, double> line_heights_;
  std::unordered_map<std::string, double> heights_;
  std::map<Key, Advances> advances_;
  // The grid of the page: segments on each line, in cairo's own units (1/256 pt), so that the
  // edges of neighbouring cells fall on the same line.
  static constexpr double kGridUnits = 256;
  using Edges = std::map<long long, std::vector<std::pair<long long, long long>>>;
  Edges horizontal_, vertical_;
  struct DrawnLayout {
    LayoutPtr layout;
    int unknown_glyphs = 0;
  };
  std::unordered_map<std::string, DrawnLayout> drawn_;
  std::string drawn_key_;  // reused: no allocation per lookup
};

// Writes the pages of a form onto the PDF surface in a thread of its own, in order, while the
// next pages are set: a page is drawn (pango shapes its texts) onto a recording surface, and
// this thread paints the recording onto the PDF surface and shows the page, which is where cairo
// spends its time (each drawing operation is analysed, its numbers printed and the page's
// content compressed). The two halves take about as long as each other, so a form is written in
// about half the time on two cores. Pango is used by the drawing thread only; the two threads
// share only cairo's scaled fonts, which cairo locks. At most kQueued pages wait.
class PageWriter {
 public:
  explicit PageWriter(cairo_t* pdf) : pdf_(pdf), thread_([this] { Run(); }) {}
  PageWriter(const PageWriter&) = delete;
  PageWriter& operator=(const PageWriter&) = delete;
  ~PageWriter() { Finish(); }

  // The next page, recorded (nothing draws on it any more).
  void Push(SurfacePtr page) {
    std::unique_lock lock(mutex_);
    room_.wait(lock, [&] { return queue_.size() < kQueued; });
    queue_.push_back(std::move(page));
    ready_.notify_one();
  }

  // Waits until every page pushed is written.
  void Finish() {
    {
      std::lock_guard lock(mutex_);
      done_ = true;
    }
    ready_.notify_one();
    if (thread_.joinable()) thread_.join();
  }

  // The form is no longer wanted: the pages waiting are dropped.
  void Abandon() {
    {
      std::lock_guard lock(mutex_);
      queue_.clear();
    }
    Finish();
  }

 private:
  static constexpr std::size_t kQueued = 4;

  void Run() {
    for (;;) {
      SurfacePtr page;
      {
        std::unique_lock lock(mutex_);
        ready_.wait(lock, [&] { return !queue_.empty() || done_; });
        if (queue_.empty()) return;
        page = std::move(queue_.front());
        queue_.pop_front();
        room_.notify_one();
      }
      cairo_set_source_surface(pdf_, page.get(), 0, 0);
      cairo_paint(pdf_);
      cairo_show_page(pdf_);
      cairo_set_source_rgb(pdf_, 0, 0, 0);  // lets the recording go
    }
  }

  cairo_t* pdf_;
  std::mutex mutex_;
  std::condition_variable ready_, room_;
  std::deque<SurfacePtr> queue_;
  bool done_ = false;
  std::thread thread_;  // last: started once the members it uses are
};

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
