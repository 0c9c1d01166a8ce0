#pragma once
// Private to pdf_forms.cpp: the page of the PDF forms, its fonts, and the two pieces that set
// text and write pages — Canvas (pango on a cairo context: measuring without shaping what plainly
// fits, shaping each drawn text once, the grid stroked per page) and PageWriter (the pages
// written onto the PDF surface by a thread of their own). Included by pdf_forms.cpp only: pango
// and cairo stay out of every other file.
#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

namespace estimate::formats::pdf {

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

inline Font Bold(double size) { return {size, true, false}; }
inline Font Italic(double size) { return {size, false, true}; }

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

inline FontDescriptionPtr Describe(const Font& font) {
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

}  // namespace estimate::formats::pdf
