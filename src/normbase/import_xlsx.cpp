// XLSX sources: the binding of НР (812/пр) and СП (774/пр) rates to norm collections
// ("Рекомендуемая привязка нормативов НР и СП к сборникам ГЭСН"). The workbook is read with
// libzip and its parts with the streaming XML reader: xl/sharedStrings.xml, then the first sheet.
//
// The table: a header row naming "Шифр без указания территории", "Виды работ", "Наименование
// сборников", "Норматив НР" (three columns: Территория, МПРКС, РКС) and "Норматив СП"; data rows
// carry a шифр "012.0". Merged cells (B39:B43 …) give every covered cell the top-left value, so a
// rate spread over several rows collects all its collections. A heading row without a шифр
// ("Земляные работы, выполняемые:") prefixes the work type and collections of its sub-items
// ("1.1", "1.2"). Rows with two rates in one ("021/021.1", "147/113") are skipped with a warning:
// they say that a norm group takes one of two rates, which a single rate cannot hold.
#include <zip.h>

#include <map>
#include <memory>
#include <optional>

#include "normbase/import_internal.hpp"

namespace estimate::normbase::import {

namespace {

struct ZipCloser {
  void operator()(zip_t* z) const {
    if (z != nullptr) zip_discard(z);
  }
};

struct ZipFileCloser {
  void operator()(zip_file_t* f) const { zip_fclose(f); }
};

// The part inflated, refused as a zip bomb past `options.max_whole_source_bytes` or
// `options.max_zip_ratio` (counted while inflating: the directory may lie).
Result<std::string> ReadMember(zip_t* z, const char* name, const ImportOptions& options) {
  zip_stat_t st;
  zip_stat_init(&st);
  if (zip_stat(z, name, 0, &st) != 0) return NotFound(std::string("no ") + name);
  const std::uint64_t compressed = (st.valid & ZIP_STAT_COMP_SIZE) != 0 ? st.comp_size : 0;
  std::unique_ptr<zip_file_t, ZipFileCloser> f(zip_fopen(z, name, 0));
  if (f == nullptr) return InvalidArgument(std::string("cannot open ") + name);
  std::string bytes;
  char buffer[65536];
  zip_int64_t n;
  while ((n = zip_fread(f.get(), buffer, sizeof buffer)) > 0) {
    bytes.append(buffer, static_cast<std::size_t>(n));
    if (bytes.size() > options.max_whole_source_bytes) {
      return InvalidArgument(std::string("refused: ") + name + " inflates to more than " +
                             std::to_string(options.max_whole_source_bytes >> 20) +
                             " MB (a zip bomb?)");
    }
    if (bytes.size() > (1u << 20) && bytes.size() / (compressed + 1) > options.max_zip_ratio) {
      return InvalidArgument(std::string("refused: ") + name + " inflates to more than " +
                             std::to_string(options.max_zip_ratio) +
                             " times its compressed size (a zip bomb?)");
    }
  }
  if (n < 0) return InvalidArgument(std::string("cannot read ") + name);
  return bytes;
}

// Collapses runs of whitespace (line breaks inside cells) into one space and trims.
std::string Squeeze(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool space = false;
  for (char c : s) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
      space = !out.empty();
    } else {
      if (space) out.push_back(' ');
      space = false;
      out.push_back(c);
    }
  }
  return out;
}

// The text of an <si> or <is>: its <t> runs, directly or inside <r>; phonetic runs left out.
Status RichText(XmlReader& r, std::string& out) {
  return r.Children([&](std::string_view name) -> Status {
    if (name == "t") {
      auto text = r.Text();
      if (!text.ok()) return text.status();
      out.append(*text);
      return Status::Ok();
    }
    if (name == "r") return RichText(r, out);
    return Status::Ok();  // rPh, phoneticPr: skipped
  });
}

Result<std::vector<std::string>> SharedStrings(const std::string& file, std::string_view xml,
                                               const core::XmlLimits& limits) {
  std::vector<std::string> strings;
  auto r = XmlReader::OpenMemory(file + "!/xl/sharedStrings.xml", xml, limits);
  if (!r->Next())
    return r->status().ok() ? InvalidArgument(file + ": empty sharedStrings") : r->status();
  Status s = r->Children([&](std::string_view name) -> Status {
    if (name != "si") return Status::Ok();
    std::string& text = strings.emplace_back();
    return RichText(*r, text);
  });
  if (!s.ok()) return s;
  return strings;
}

// "AB12" → column 27 (0-based), row 12.
bool ParseRef(std::string_view ref, int& column, int& row) {
  std::size_t i = 0;
  column = 0;
  while (i < ref.size() && ref[i] >= 'A' && ref[i] <= 'Z')
    column = column * 26 + (ref[i++] - 'A' + 1);
  if (i == 0 || i == ref.size()) return false;
  row = 0;
  for (; i < ref.size(); ++i) {
    if (ref[i] < '0' || ref[i] > '9') return false;
    row = row * 10 + (ref[i] - '0');
  }
  --column;
  return true;
}

std::string ColumnName(int column) {
  std::string name;
  for (int c = column + 1; c > 0; c = (c - 1) / 26) {
    name.insert(name.begin(), static_cast<char>('A' + (c - 1) % 26));
  }
  return name;
}

using Sheet = std::map<int, std::map<int, std::string>>;  // row → column → text

Status ReadSheet(const std::string& name, std::string_view xml,
                 const std::vector<std::string>& strings, const core::XmlLimits& limits,
                 Sheet& sheet) {
  auto r = XmlReader::OpenMemory(name, xml, limits);
  if (!r->Next()) return r->status().ok() ? InvalidArgument(name + ": empty sheet") : r->status();
  std::vector<std::pair<std::string, std::string>> merges;  // "A39", "A43"
  Status s = r->Children([&](std::string_view part) -> Status {
    if (part == "mergeCells") {
      return r->Children([&](std::string_view child) -> Status {
        if (child != "mergeCell") return Status::Ok();
        const std::string_view ref = r->Attr("ref");
        const std::size_t colon = ref.find(':');
        if (colon != std::string_view::npos) {
          merges.emplace_back(std::string(ref.substr(0, colon)),
                              std::string(ref.substr(colon + 1)));
        }
        return Status::Ok();
      });
    }
    if (part != "sheetData") return Status::Ok();
    return r->Children([&](std::string_view row_name) -> Status {
      if (row_name != "row") return Status::Ok();
      return r->Children([&](std::string_view cell_name) -> Status {
        if (cell_name != "c") return Status::Ok();
        int column = 0, row = 0;
        if (!ParseRef(r->Attr("r"), column, row)) {
          return r->ErrorHere("cell without a reference (r=\"A1\")");
        }
        const std::string type(r->Attr("t"));
        std::string value;
        bool has_value = false;
        Status cs = r->Children([&](std::string_view part_name) -> Status {
          if (part_name == "v") {
            auto text = r->Text();
            if (!text.ok()) return text.status();
            value = std::string(*text);
            has_value = true;
            return Status::Ok();
          }
          if (part_name == "is") {
            has_value = true;
            return RichText(*r, value);
          }
          return Status::Ok();
        });
        if (!cs.ok()) return cs;
        if (!has_value) return Status::Ok();
        if (type == "s") {
          auto index = Context::ParseDecimal(value);
          std::size_t i = 0;
          if (!index || index->scale() != 0 || index->IsNegative() ||
              (i = static_cast<std::size_t>(index->mantissa())) >= strings.size()) {
            return r->ErrorHere("shared string index \"" + value + "\" out of range");
          }
          value = strings[i];
        }
        sheet[row][column] = Squeeze(value);
        return Status::Ok();
      });
    });
  });
  if (!s.ok()) return s;
  for (const auto& [from, to] : merges) {
    int c0, r0, c1, r1;
    if (!ParseRef(from, c0, r0) || !ParseRef(to, c1, r1)) continue;
    auto row_it = sheet.find(r0);
    if (row_it == sheet.end()) continue;
    auto cell_it = row_it->second.find(c0);
    if (cell_it == row_it->second.end()) continue;
    const std::string value = cell_it->second;
    for (int row = r0; row <= r1; ++row) {
      for (int column = c0; column <= c1; ++column) {
        if (row != r0 || column != c0) sheet[row][column] = value;
      }
    }
  }
  return Status::Ok();
}

bool IsRateCode(std::string_view s) {
  return s.size() == 5 && s[3] == '.' && s[0] >= '0' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9' &&
         s[2] >= '0' && s[2] <= '9' && s[4] >= '0' && s[4] <= '9';
}

// "021/021.1", "023.1/023.2": two rates in one row.
bool IsCombinedCode(std::string_view s) {
  auto part = [](std::string_view p) {
    return (p.size() == 3 || IsRateCode(p)) && p[0] >= '0' && p[0] <= '9' && p[1] >= '0' &&
           p[1] <= '9' && p[2] >= '0' && p[2] <= '9';
  };
  const std::size_t slash = s.find('/');
  return slash != std::string_view::npos && part(s.substr(0, slash)) && part(s.substr(slash + 1));
}

bool Contains(const std::string& s, std::string_view part) {
  return s.find(part) != std::string::npos;
}

class RatesTable {
 public:
  RatesTable(const std::string& file, Sheet& sheet, Context& ctx)
      : file_(file), sheet_(sheet), ctx_(ctx) {}

  // False when the sheet has no НР/СП header: not this table.
  bool FindHeader() {
    for (auto& [row, cells] : sheet_) {
      int code = -1, nr = -1, sp = -1;
      for (auto& [column, text] : cells) {
        if (code < 0 && Contains(text, "Шифр")) code = column;
        if (nr < 0 && Contains(text, "Норматив НР")) nr = column;
        if (sp < 0 && Contains(text, "Норматив СП")) sp = column;
      }
      if (code < 0 || nr < 0 || sp < 0) continue;
      header_row_ = row;
      code_ = code;
      nr_ = nr;
      sp_ = sp;
      bool item = false, work = false, collections = false;
      for (auto& [column, text] : cells) {
        if (!item && text.rfind("№", 0) == 0) item = (item_ = column, true);
        if (!work && Contains(text, "Виды работ")) work = (work_ = column, true);
        if (!collections && Contains(text, "сборник")) collections = (collections_ = column, true);
      }
      return true;
    }
    return false;
  }

  Status Import() {
    std::string heading_item, heading_work, heading_collections;
    for (auto& [row, cells] : sheet_) {
      if (row <= header_row_) continue;
      auto cell = [&](int column) -> const std::string& {
        static const std::string kEmpty;
        auto it = cells.find(column);
        return it == cells.end() ? kEmpty : it->second;
      };
      const std::string& item = cell(item_);
      const std::string& code = cell(code_);
      const std::string& work = cell(work_);
      const std::string& collections = cell(collections_);
      if (code.empty()) {
        // A heading of sub-items ("1", "Земляные работы, выполняемые:") or of a part ("I").
        heading_item = work.empty() ? std::string() : item;
        heading_work = work;
        heading_collections = collections;
        continue;
      }
      if (!IsRateCode(code)) {
        // The header's second row and the column numbers are no data; a "021/021.1" row is.
        if (IsCombinedCode(code)) {
          ctx_.Warn(0, "row " + std::to_string(row) + ": шифр \"" + code +
                           "\" gives two rates in one row; the row is skipped");
        }
        continue;
      }
      core::Decimal overhead[3];
      core::Decimal profit;
      bool bad = false;
      for (int i = 0; i < 4 && !bad; ++i) {
        const int column = i < 3 ? nr_ + i : sp_;
        const std::string& text = cell(column);
        auto value = Context::ParseDecimal(text);
        if (!value) {
          bad = true;
          Status s = ctx_.Error(0, "row " + std::to_string(row) + ", cell " + ColumnName(column) +
                                       std::to_string(row) + ": \"" + text +
                                       "\" is not a decimal percentage");
          if (!s.ok()) return s;
          break;
        }
        (i < 3 ? overhead[i] : profit) = *value;
      }
      if (bad) continue;

      const bool sub_item = !heading_item.empty() && item.size() > heading_item.size() &&
                            item.compare(0, heading_item.size(), heading_item) == 0 &&
                            item[heading_item.size()] == '.';
      std::string work_type = sub_item ? heading_work + " " + work : work;
      std::string bound = sub_item && !heading_collections.empty()
                              ? heading_collections + "; " + collections
                              : collections;
      const std::string overhead_code = "Пр/812-" + code;
      if (auto it = ctx_.rate_index.find(overhead_code); it != ctx_.rate_index.end()) {
        OverheadProfitRate& rate = ctx_.release.rates[it->second];
        if (rate.overhead_percent[0] != overhead[0] || rate.overhead_percent[1] != overhead[1] ||
            rate.overhead_percent[2] != overhead[2] || rate.profit_percent != profit) {
          Status s = ctx_.Error(
              0, "row " + std::to_string(row) + ": шифр " + code + " again with other percentages");
          if (!s.ok()) return s;
          continue;
        }
        // A rate over several rows (merged cells): its collections add up.
        if (!collections.empty() && !Contains(std::string(rate.collections), collections)) {
          rate.collections = ctx_.Intern(std::string(rate.collections) + "; " + collections);
        }
        continue;
      }
      OverheadProfitRate rate;
      rate.item = ctx_.Intern(item);
      rate.code = ctx_.Intern(overhead_code);
      rate.profit_code = ctx_.Intern("Пр/774-" + code);
      rate.work_type = ctx_.Intern(work_type);
      rate.collections = ctx_.Intern(bound);
      for (int i = 0; i < 3; ++i) rate.overhead_percent[i] = overhead[i];
      rate.profit_percent = profit;
      ctx_.rate_index.emplace(rate.code, static_cast<std::uint32_t>(ctx_.release.rates.size()));
      ctx_.release.rates.push_back(rate);
      ctx_.file().records += 1;
    }
    return Status::Ok();
  }

 private:
  const std::string& file_;
  Sheet& sheet_;
  Context& ctx_;
  int header_row_ = 0;
  int item_ = 0, code_ = 1, work_ = 2, collections_ = 3, nr_ = 4, sp_ = 7;
};

// A КСР code of a resource: "02.2.01.02-1042", "91.05.01-017", "01.7.03.04-0001".
bool IsResourceCode(std::string_view s) {
  const std::size_t dash = s.find('-');
  if (dash == std::string_view::npos || dash == 0 || dash + 1 >= s.size()) return false;
  int dots = 0;
  for (std::size_t i = 0; i < dash; ++i) {
    if (s[i] == '.') ++dots;
    else if (s[i] < '0' || s[i] > '9') return false;
  }
  for (std::size_t i = dash + 1; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return dots >= 2;
}

// A number of a workbook cell. Excel keeps numbers as binary doubles and may write 2.7 as
// "2.7000000000000002": more than six fraction digits are such an artefact, rounded to two
// (ФГИС ЦС publishes indices and prices to two).
std::optional<core::Decimal> CellNumber(const std::string& text) {
  auto d = Context::ParseDecimal(text);
  if (!d) return std::nullopt;
  if (d->scale() > 6) return d->Round(2);
  return d;
}

// ФГИС ЦС's report of resource-group indices (IndicesForResourcesGroups/GenerateCustomReport):
// per sheet (materials and equipment; machines), title rows, then rows of code | name | unit |
// base price 01.01.2022 | group number | group name | index. Each index applies to its code.
class IndicesTable {
 public:
  IndicesTable(Sheet& sheet, Context& ctx) : sheet_(sheet), ctx_(ctx) {}

  // True when the sheet has rows of that shape (a code in A, numbers in D and G).
  bool Recognised() const {
    for (auto& [row, cells] : sheet_) {
      auto a = cells.find(0), d = cells.find(3), g = cells.find(6);
      if (a == cells.end() || d == cells.end() || g == cells.end()) continue;
      if (IsResourceCode(a->second) && CellNumber(d->second) && CellNumber(g->second)) return true;
    }
    return false;
  }

  Status Import(RegionalPrices& into) {
    for (auto& [row, cells] : sheet_) {
      auto a = cells.find(0);
      if (a == cells.end() || !IsResourceCode(a->second)) continue;  // titles, group headings
      auto g = cells.find(6);
      const std::string text = g == cells.end() ? std::string() : g->second;
      if (text.empty() || text == "-" || text == "—") {
        ctx_.Warn(0, "row " + std::to_string(row) + ": " + a->second + " has no index; skipped");
        continue;
      }
      auto index = CellNumber(text);
      if (!index || index->IsNegative() || index->IsZero()) {
        Status s = ctx_.Error(0, "row " + std::to_string(row) + ", cell G" + std::to_string(row) + ": \"" +
                                     text + "\" is not an index");
        if (!s.ok()) return s;
        continue;
      }
      const std::string_view code = ctx_.Intern(a->second);
      auto [it, added] = into.group_indices.emplace(code, *index);
      if (!added && it->second != *index) {
        Status s = ctx_.Error(0, "row " + std::to_string(row) + ": " + a->second + " again with index " +
                                     index->ToString() + " (was " + it->second.ToString() + ")");
        if (!s.ok()) return s;
        continue;
      }
      ctx_.file().records += added ? 1 : 0;
    }
    return Status::Ok();
  }

 private:
  Sheet& sheet_;
  Context& ctx_;
};

}  // namespace

Status ImportXlsx(std::string_view bytes, Context& ctx, std::string* kind) {
  *kind = "";
  const std::string& file = ctx.file_name();
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  if (source == nullptr) return InvalidArgument(file + ": cannot read the workbook");
  std::unique_ptr<zip_t, ZipCloser> z(zip_open_from_source(source, ZIP_RDONLY, &error));
  if (z == nullptr) {
    zip_source_free(source);
    zip_error_fini(&error);
    return InvalidArgument(file + ": not a readable XLSX (zip) file");
  }
  zip_error_fini(&error);
  if (zip_name_locate(z.get(), "xl/workbook.xml", 0) < 0) return Status::Ok();  // not a workbook

  std::vector<std::string> strings;
  const ImportOptions& options = ctx.options;
  auto shared = ReadMember(z.get(), "xl/sharedStrings.xml", options);
  if (shared.ok()) {
    auto parsed = SharedStrings(file, *shared, options.xml_limits);
    if (!parsed.ok()) return parsed.status();
    strings = std::move(*parsed);
  } else if (shared.status().code() != StatusCode::kNotFound) {
    return InvalidArgument(file + ": " + shared.status().message());
  }
  auto sheet_xml = ReadMember(z.get(), "xl/worksheets/sheet1.xml", options);
  if (!sheet_xml.ok()) return InvalidArgument(file + ": " + sheet_xml.status().message());
  Sheet sheet;
  Status s = ReadSheet(file + "!/xl/worksheets/sheet1.xml", *sheet_xml, strings, options.xml_limits,
                       sheet);
  if (!s.ok()) return s;
  RatesTable table(file, sheet, ctx);
  if (table.FindHeader()) {
    *kind = "rates";
    return table.Import();
  }
  if (!IndicesTable(sheet, ctx).Recognised()) return Status::Ok();  // some other workbook
  *kind = "group_indices";
  auto target = RegionalPricesOfOptions(ctx);
  if (!target.ok()) return target.status();
  for (int n = 1;; ++n) {
    Sheet more;
    Sheet* current = &sheet;
    if (n > 1) {
      const std::string member = "xl/worksheets/sheet" + std::to_string(n) + ".xml";
      auto xml = ReadMember(z.get(), member.c_str(), options);
      if (xml.status().code() == StatusCode::kNotFound) break;  // no more sheets
      if (!xml.ok()) return InvalidArgument(file + ": " + xml.status().message());
      if (Status s = ReadSheet(file + "!/" + member, *xml, strings, options.xml_limits, more); !s.ok()) return s;
      current = &more;
    }
    if (Status s = IndicesTable(*current, ctx).Import(**target); !s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace estimate::normbase::import
