#include "formats/boq/xlsx_reader.hpp"

#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlreader.h>
#include <zip.h>

#include <memory>
#include <mutex>
#include <utility>

namespace estimate::formats {

namespace {

constexpr const char* kRelationshipsNs =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
constexpr int kMaxRow = 1048576;  // Excel's own limits
constexpr int kMaxColumn = 16384;

Status Exhausted(std::string message) {
  return {StatusCode::kResourceExhausted, std::move(message)};
}

std::string Megabytes(std::uint64_t bytes) {
  if (bytes >= (1ull << 20)) return std::to_string(bytes >> 20) + " MB";
  return std::to_string(bytes) + " bytes";
}

// ---------------------------------------------------------------------------------------------
// The archive: libzip over the caller's buffer, every read counted against the limits.

struct ZipDiscard {
  void operator()(zip_t* z) const { zip_discard(z); }
};
struct ZipFileClose {
  void operator()(zip_file_t* f) const { zip_fclose(f); }
};

using Clock = core::XmlLimitScanner::Clock;

class Archive {
 public:
  Archive(std::unique_ptr<zip_t, ZipDiscard> zip, const XlsxLimits& limits)
      : zip_(std::move(zip)), limits_(limits) {}

  static Result<Archive> Open(std::string_view bytes, const XlsxLimits& limits) {
    if (bytes.empty()) return InvalidArgument("xlsx: the file is empty, not an XLSX workbook");
    if (bytes.size() < 4 || bytes.substr(0, 2) != "PK") {
      return InvalidArgument("xlsx: not an XLSX workbook (not a zip archive)");
    }
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
    if (source == nullptr) {
      zip_error_fini(&error);
      return InvalidArgument("xlsx: cannot read the archive");
    }
    zip_t* z = zip_open_from_source(source, ZIP_RDONLY, &error);
    if (z == nullptr) {
      std::string why = zip_error_strerror(&error);
      zip_source_free(source);
      zip_error_fini(&error);
      return InvalidArgument("xlsx: not an XLSX workbook (damaged zip archive: " + why + ")");
    }
    zip_error_fini(&error);
    Archive archive(std::unique_ptr<zip_t, ZipDiscard>(z), limits);
    Status s = archive.CheckDirectory();
    if (!s.ok()) return s;
    return archive;
  }

  bool Has(const std::string& name) const {
    return zip_name_locate(zip_.get(), name.c_str(), 0) >= 0;
  }

  // The entry inflated; NotFound when the archive has no such entry.
  Result<std::string> Read(const std::string& name) {
    const zip_int64_t index = zip_name_locate(zip_.get(), name.c_str(), 0);
    if (index < 0) return NotFound("xlsx: no " + name + " in the workbook");
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(zip_.get(), static_cast<zip_uint64_t>(index), 0, &st) != 0) {
      return InvalidArgument("xlsx: cannot read " + name);
    }
    if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) != 0 && st.encryption_method != ZIP_EM_NONE) {
      return InvalidArgument("xlsx: " + name + " is encrypted (a password-protected workbook)");
    }
    std::unique_ptr<zip_file_t, ZipFileClose> file(
        zip_fopen_index(zip_.get(), static_cast<zip_uint64_t>(index), 0));
    if (!file)
      return InvalidArgument("xlsx: cannot open " + name + ": " + zip_strerror(zip_.get()));
    std::string out;
    out.reserve(static_cast<std::size_t>(st.size));  // checked against the limit in CheckDirectory
    char buffer[65536];
    std::uint64_t got = 0;
    for (;;) {
      const zip_int64_t n = zip_fread(file.get(), buffer, sizeof buffer);
      if (n < 0) {
        return InvalidArgument("xlsx: " + name + " is damaged: " + zip_file_strerror(file.get()));
      }
      if (n == 0) break;
      got += static_cast<std::uint64_t>(n);
      inflated_ += static_cast<std::uint64_t>(n);
      // The directory's sizes were checked already; these checks hold whatever it claimed.
      if (got > st.size) {
        return Exhausted("xlsx: refused: " + name + " inflates beyond the " +
                         std::to_string(st.size) + " bytes its zip header declares (a zip bomb?)");
      }
      if (inflated_ > limits_.max_total_bytes) {
        return Exhausted("xlsx: refused: the workbook inflates to more than " +
                         Megabytes(limits_.max_total_bytes) + " (a zip bomb?)");
      }
      if (got > limits_.ratio_exempt_bytes && got / (st.comp_size + 1) > limits_.max_ratio) {
        return Exhausted("xlsx: refused: " + name + " is compressed more than " +
                         std::to_string(limits_.max_ratio) + ":1 (a zip bomb?)");
      }
      out.append(buffer, static_cast<std::size_t>(n));
    }
    return out;
  }

 private:
  // What the central directory declares, before anything is inflated.
  Status CheckDirectory() const {
    const zip_int64_t count = zip_get_num_entries(zip_.get(), 0);
    if (count < 0) return InvalidArgument("xlsx: cannot read the zip directory");
    if (static_cast<std::uint64_t>(count) > limits_.max_entries) {
      return Exhausted("xlsx: refused: the archive has " + std::to_string(count) +
                       " entries, more than the limit of " + std::to_string(limits_.max_entries) +
                       " (a zip bomb?)");
    }
    std::uint64_t total = 0;
    for (zip_int64_t i = 0; i < count; ++i) {
      zip_stat_t st;
      zip_stat_init(&st);
      if (zip_stat_index(zip_.get(), static_cast<zip_uint64_t>(i), 0, &st) != 0 ||
          (st.valid & ZIP_STAT_SIZE) == 0 || (st.valid & ZIP_STAT_COMP_SIZE) == 0) {
        return InvalidArgument("xlsx: cannot read the zip directory (entry " + std::to_string(i) +
                               ")");
      }
      const std::string name = (st.valid & ZIP_STAT_NAME) != 0 ? st.name : "an entry";
      if (st.size > limits_.max_total_bytes || total + st.size > limits_.max_total_bytes) {
        return Exhausted("xlsx: refused: the archive would unpack to more than " +
                         Megabytes(limits_.max_total_bytes) + " (" + name + " alone declares " +
                         std::to_string(st.size) + " bytes; a zip bomb?)");
      }
      total += st.size;
      if (st.size > limits_.ratio_exempt_bytes &&
          st.size / (st.comp_size + 1) > limits_.max_ratio) {
        return Exhausted("xlsx: refused: " + name + " is compressed more than " +
                         std::to_string(limits_.max_ratio) + ":1 (" + std::to_string(st.size) +
                         " bytes from " + std::to_string(st.comp_size) + "; a zip bomb?)");
      }
    }
    return Status::Ok();
  }

  std::unique_ptr<zip_t, ZipDiscard> zip_;
  XlsxLimits limits_;
  std::uint64_t inflated_ = 0;
};

// ---------------------------------------------------------------------------------------------
// XML: libxml2's streaming reader, no network, no entities, no DTD.

void InitLibxml() {
  static std::once_flag once;
  std::call_once(once, [] { xmlInitParser(); });
}

class XmlStream {
 public:
  // The part is scanned against `limits` first (a DOCTYPE is refused then, before libxml2 parses
  // its internal subset); the deadline counts from `start`, when the workbook began to be read.
  XmlStream(std::string part, std::string_view xml, const core::XmlLimits& limits,
            Clock::time_point start)
      : part_(std::move(part)), scanner_("", limits, start) {
    InitLibxml();
    Status scanned = scanner_.Feed(xml);
    if (scanned.ok()) scanned = scanner_.Finish();
    if (scanner_.saw_doctype()) {
      status_ = InvalidArgument("xlsx: " + part_ +
                                ": a DOCTYPE (DTD, entities) is not accepted in a workbook");
      return;
    }
    if (!scanned.ok()) {
      status_ = Status(scanned.code(), "xlsx: " + part_ + ": " + scanned.message());
      return;
    }
    // No XML_PARSE_NOENT (entities stay unexpanded), no DTDLOAD/DTDATTR/DTDVALID, no XINCLUDE,
    // no HUGE (libxml2's own size limits stay on).
    reader_ = xmlReaderForMemory(xml.data(), static_cast<int>(xml.size()), part_.c_str(), nullptr,
                                 XML_PARSE_NONET);
    if (reader_ != nullptr) xmlTextReaderSetStructuredErrorHandler(reader_, OnError, this);
  }
  ~XmlStream() {
    if (reader_ != nullptr) xmlFreeTextReader(reader_);
  }
  XmlStream(const XmlStream&) = delete;
  XmlStream& operator=(const XmlStream&) = delete;

  // Next node; false at the end or on an error (status() says which).
  bool Read() {
    if (!status_.ok()) return false;
    if (reader_ == nullptr) {
      status_ = InvalidArgument("xlsx: " + part_ + ": cannot be parsed");
      return false;
    }
    if ((++nodes_ & 1023) == 0) {
      status_ = scanner_.CheckDeadline();
      if (!status_.ok()) {
        status_ = Status(status_.code(), "xlsx: " + part_ + ": " + status_.message());
        return false;
      }
    }
    const int r = xmlTextReaderRead(reader_);
    if (r == 1) {
      if (xmlTextReaderNodeType(reader_) == XML_READER_TYPE_DOCUMENT_TYPE) {
        status_ = InvalidArgument("xlsx: " + part_ +
                                  ": a DOCTYPE (DTD, entities) is not accepted in a workbook");
        return false;
      }
      return true;
    }
    if (r < 0 && status_.ok()) {
      status_ = InvalidArgument("xlsx: " + part_ + ": not well-formed XML" +
                                (error_.empty() ? std::string() : " (" + error_ + ")"));
    }
    return false;
  }

  const Status& status() const { return status_; }
  int type() const { return xmlTextReaderNodeType(reader_); }
  bool IsStart() const { return type() == XML_READER_TYPE_ELEMENT; }
  bool IsEnd() const { return type() == XML_READER_TYPE_END_ELEMENT; }
  bool IsEmptyElement() const { return xmlTextReaderIsEmptyElement(reader_) == 1; }
  bool IsText() const {
    const int t = type();
    return t == XML_READER_TYPE_TEXT || t == XML_READER_TYPE_CDATA ||
           t == XML_READER_TYPE_SIGNIFICANT_WHITESPACE || t == XML_READER_TYPE_WHITESPACE;
  }
  std::string_view name() const {
    const xmlChar* n = xmlTextReaderConstLocalName(reader_);
    return n == nullptr ? std::string_view() : reinterpret_cast<const char*>(n);
  }
  std::string_view value() const {
    const xmlChar* v = xmlTextReaderConstValue(reader_);
    return v == nullptr ? std::string_view() : reinterpret_cast<const char*>(v);
  }
  std::string Attr(const char* name) const {
    xmlChar* v = xmlTextReaderGetAttribute(reader_, BAD_CAST name);
    if (v == nullptr) return {};
    std::string out(reinterpret_cast<const char*>(v));
    xmlFree(v);
    return out;
  }
  std::string AttrNs(const char* name, const char* ns) const {
    xmlChar* v = xmlTextReaderGetAttributeNs(reader_, BAD_CAST name, BAD_CAST ns);
    if (v == nullptr) return {};
    std::string out(reinterpret_cast<const char*>(v));
    xmlFree(v);
    return out;
  }
  Status ErrorHere(const std::string& what) const {
    return InvalidArgument("xlsx: " + part_ + ": line " +
                           std::to_string(xmlTextReaderGetParserLineNumber(reader_)) + ": " + what);
  }

 private:
  static void OnError(void* self, xmlErrorPtr error) {
    auto* stream = static_cast<XmlStream*>(self);
    if (error == nullptr || !stream->error_.empty()) return;
    std::string message = error->message != nullptr ? error->message : "";
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
      message.pop_back();
    }
    stream->error_ = "line " + std::to_string(error->line) + ": " + message;
  }

  std::string part_;
  core::XmlLimitScanner scanner_;
  xmlTextReaderPtr reader_ = nullptr;
  Status status_;
  std::string error_;
  std::uint64_t nodes_ = 0;
};

// ---------------------------------------------------------------------------------------------
// The parts.

struct SheetRef {
  std::string name;
  std::string path;  // "xl/worksheets/sheet1.xml"
};

// "worksheets/sheet1.xml" relative to xl/, or "/xl/worksheets/sheet1.xml" from the root.
std::string ResolveTarget(const std::string& target) {
  std::vector<std::string> parts;
  std::string path = target.starts_with('/') ? target.substr(1) : "xl/" + target;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    const std::string segment = path.substr(start, slash - start);
    if (segment == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!segment.empty() && segment != ".") {
      parts.push_back(segment);
    }
    start = slash + 1;
  }
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : "/") + p;
  return out;
}

// Relationship id → target path, and the shared strings part if the workbook names one.
struct WorkbookRels {
  std::map<std::string, std::string> targets;
  std::string shared_strings;
};

Result<WorkbookRels> ReadWorkbookRels(Archive& archive, const XlsxLimits& limits,
                                      Clock::time_point start) {
  WorkbookRels rels;
  const std::string name = "xl/_rels/workbook.xml.rels";
  if (!archive.Has(name)) return rels;
  auto xml = archive.Read(name);
  if (!xml.ok()) return xml.status();
  XmlStream x(name, *xml, limits.xml, start);
  while (x.Read()) {
    if (!x.IsStart() || x.name() != "Relationship") continue;
    if (x.Attr("TargetMode") == "External") continue;
    const std::string target = ResolveTarget(x.Attr("Target"));
    rels.targets[x.Attr("Id")] = target;
    if (x.Attr("Type").ends_with("/sharedStrings")) rels.shared_strings = target;
  }
  if (!x.status().ok()) return x.status();
  return rels;
}

Result<std::vector<SheetRef>> ReadSheetList(Archive& archive, const WorkbookRels& rels,
                                            const XlsxLimits& limits, Clock::time_point start) {
  const std::string name = "xl/workbook.xml";
  auto xml = archive.Read(name);
  if (!xml.ok()) return xml.status();
  std::vector<SheetRef> sheets;
  XmlStream x(name, *xml, limits.xml, start);
  while (x.Read()) {
    if (!x.IsStart() || x.name() != "sheet") continue;
    SheetRef sheet;
    sheet.name = x.Attr("name");
    const std::string id = x.AttrNs("id", kRelationshipsNs);
    if (auto it = rels.targets.find(id); it != rels.targets.end()) {
      sheet.path = it->second;
    } else {
      // No relationships part: the conventional name.
      sheet.path = "xl/worksheets/sheet" + std::to_string(sheets.size() + 1) + ".xml";
    }
    sheets.push_back(std::move(sheet));
  }
  if (!x.status().ok()) return x.status();
  return sheets;
}

// <si> items: the text of their <t> runs, directly or inside <r>; phonetic runs (<rPh>) left out.
Result<std::vector<std::string>> ReadSharedStrings(Archive& archive, const std::string& name,
                                                   const XlsxLimits& limits,
                                                   Clock::time_point start) {
  std::vector<std::string> strings;
  if (name.empty() || !archive.Has(name)) return strings;
  auto xml = archive.Read(name);
  if (!xml.ok()) return xml.status();
  XmlStream x(name, *xml, limits.xml, start);
  bool in_si = false, in_t = false;
  int phonetic = 0;
  while (x.Read()) {
    if (x.IsStart()) {
      const std::string_view n = x.name();
      if (n == "si") {
        if (strings.size() >= limits.max_cells) {
          return Exhausted("xlsx: refused: more than " + std::to_string(limits.max_cells) +
                           " shared strings");
        }
        strings.emplace_back();
        in_si = !x.IsEmptyElement();
      } else if (n == "rPh" && !x.IsEmptyElement()) {
        ++phonetic;
      } else if (n == "t" && in_si && phonetic == 0 && !x.IsEmptyElement()) {
        in_t = true;
      }
    } else if (x.IsEnd()) {
      const std::string_view n = x.name();
      if (n == "si") in_si = false;
      if (n == "rPh" && phonetic > 0) --phonetic;
      if (n == "t") in_t = false;
    } else if (in_t && x.IsText()) {
      strings.back().append(x.value());
    }
  }
  if (!x.status().ok()) return x.status();
  return strings;
}

// "AB12" → column 27 (0-based), row 12. False when it is no cell reference or out of Excel's
// range.
bool ParseRef(std::string_view ref, int& column, int& row) {
  std::size_t i = 0;
  column = 0;
  while (i < ref.size() && ref[i] >= 'A' && ref[i] <= 'Z') {
    column = column * 26 + (ref[i++] - 'A' + 1);
    if (column > kMaxColumn) return false;
  }
  if (i == 0 || i == ref.size()) return false;
  row = 0;
  for (; i < ref.size(); ++i) {
    if (ref[i] < '0' || ref[i] > '9') return false;
    row = row * 10 + (ref[i] - '0');
    if (row > kMaxRow) return false;
  }
  if (row == 0) return false;
  --column;
  return true;
}

// Parses a positive integer attribute ("12"); 0 when absent or not one.
int ParseIndex(std::string_view text, int max) {
  if (text.empty() || text.size() > 9) return 0;
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return 0;
    value = value * 10 + (c - '0');
  }
  return value <= max ? value : 0;
}

class SheetParser {
 public:
  SheetParser(const std::vector<std::string>& strings, const XlsxLimits& limits,
              Clock::time_point start, std::uint64_t& cells, std::uint64_t& text_bytes)
      : strings_(strings), limits_(limits), start_(start), cells_(cells), text_bytes_(text_bytes) {}

  Status Parse(const std::string& part, std::string_view xml, XlsxSheet& sheet) {
    XmlStream x(part, xml, limits_.xml, start_);
    int row = 0, column = -1;
    bool in_cell = false;
    XlsxCell cell;
    int cell_row = 0, cell_column = 0;
    std::string* collect = nullptr;  // <v>, <f> or a <t> of an inline string
    bool in_inline = false;
    int phonetic = 0;
    while (x.Read()) {
      if (x.IsStart()) {
        const std::string_view n = x.name();
        if (n == "row") {
          const int r = ParseIndex(x.Attr("r"), kMaxRow);
          row = r > 0 ? r : row + 1;
          column = -1;
        } else if (n == "c") {
          const std::string ref = x.Attr("r");
          if (!ref.empty()) {
            if (!ParseRef(ref, cell_column, cell_row)) {
              return x.ErrorHere("the cell reference \"" + ref + "\" is not valid");
            }
          } else {  // r is optional: the next cell of the current row
            cell_row = row > 0 ? row : 1;
            cell_column = column + 1;
          }
          row = cell_row;
          column = cell_column;
          cell = XlsxCell();
          const std::string t = x.Attr("t");
          if (t == "s" || t == "inlineStr" || t == "str") {
            cell.type = XlsxCellType::kString;
          } else if (t == "b") {
            cell.type = XlsxCellType::kBoolean;
          } else if (t == "e") {
            cell.type = XlsxCellType::kError;
          } else {
            cell.type = XlsxCellType::kNumber;
          }
          shared_ = t == "s";
          in_cell = !x.IsEmptyElement();
        } else if (in_cell && n == "v" && !x.IsEmptyElement()) {
          cell.has_value = true;
          collect = &cell.text;
        } else if (in_cell && n == "f") {
          cell.has_formula = true;
          if (!x.IsEmptyElement()) collect = &cell.formula;
        } else if (in_cell && n == "is") {
          cell.has_value = true;
          in_inline = !x.IsEmptyElement();
        } else if (in_inline && n == "rPh" && !x.IsEmptyElement()) {
          ++phonetic;
        } else if (in_inline && n == "t" && phonetic == 0 && !x.IsEmptyElement()) {
          collect = &cell.text;
        } else if (n == "mergeCell") {
          sheet.merges.push_back(x.Attr("ref"));
        }
      } else if (x.IsEnd()) {
        const std::string_view n = x.name();
        if (n == "v" || n == "f" || n == "t") {
          collect = nullptr;
        } else if (n == "rPh" && phonetic > 0) {
          --phonetic;
        } else if (n == "is") {
          in_inline = false;
        } else if (n == "c" && in_cell) {
          in_cell = false;
          Status s = Store(x, cell, cell_row, cell_column, sheet);
          if (!s.ok()) return s;
        }
      } else if (collect != nullptr && x.IsText()) {
        if (collect->size() + x.value().size() > limits_.max_total_bytes) {
          return Exhausted("xlsx: refused: a cell of " + part + " holds more than " +
                           Megabytes(limits_.max_total_bytes));
        }
        collect->append(x.value());
      }
    }
    return x.status();
  }

 private:
  Status Store(const XmlStream& x, XlsxCell& cell, int row, int column, XlsxSheet& sheet) {
    if (shared_ && cell.has_value) {
      const int index = ParseIndex(cell.text, 1 << 30);
      if ((index == 0 && cell.text != "0") || static_cast<std::size_t>(index) >= strings_.size()) {
        return x.ErrorHere("shared string index \"" + cell.text + "\" out of range");
      }
      cell.text = strings_[static_cast<std::size_t>(index)];
    }
    if (!cell.has_value && !cell.has_formula) return Status::Ok();
    // One shared string referenced a million times is a bomb too: bound what the sheet expands to.
    text_bytes_ += cell.text.size() + cell.formula.size();
    if (text_bytes_ > limits_.max_total_bytes) {
      return Exhausted("xlsx: refused: the cells expand to more than " +
                       Megabytes(limits_.max_total_bytes) + " of text (a zip bomb?)");
    }
    if (++cells_ > limits_.max_cells) {
      return Exhausted("xlsx: refused: more than " + std::to_string(limits_.max_cells) + " cells");
    }
    sheet.rows[row][column] = std::move(cell);
    return Status::Ok();
  }

  const std::vector<std::string>& strings_;
  const XlsxLimits& limits_;
  Clock::time_point start_;
  std::uint64_t& cells_;
  std::uint64_t& text_bytes_;
  bool shared_ = false;
};

}  // namespace

std::string XlsxColumnName(int column) {
  std::string name;
  for (int c = column + 1; c > 0; c = (c - 1) / 26) {
    name.insert(name.begin(), static_cast<char>('A' + (c - 1) % 26));
  }
  return name;
}

Result<XlsxWorkbook> ReadXlsx(std::string_view bytes, const XlsxLimits& limits) {
  const Clock::time_point start = Clock::now();  // one deadline for every part
  auto opened = Archive::Open(bytes, limits);
  if (!opened.ok()) return opened.status();
  Archive& archive = *opened;
  if (!archive.Has("xl/workbook.xml")) {
    if (archive.Has("word/document.xml")) {
      return InvalidArgument("xlsx: not an XLSX workbook but a Word document (.docx)");
    }
    if (archive.Has("ppt/presentation.xml")) {
      return InvalidArgument("xlsx: not an XLSX workbook but a PowerPoint presentation (.pptx)");
    }
    if (archive.Has("content.xml")) {
      return InvalidArgument("xlsx: not an XLSX workbook but an OpenDocument file (.ods/.odt)");
    }
    return InvalidArgument("xlsx: not an XLSX workbook (a zip archive without xl/workbook.xml)");
  }
  auto rels = ReadWorkbookRels(archive, limits, start);
  if (!rels.ok()) return rels.status();
  auto sheets = ReadSheetList(archive, *rels, limits, start);
  if (!sheets.ok()) return sheets.status();
  if (sheets->empty()) return InvalidArgument("xlsx: the workbook has no sheets");
  const std::string shared_name =
      !rels->shared_strings.empty() ? rels->shared_strings : "xl/sharedStrings.xml";
  auto strings = ReadSharedStrings(archive, shared_name, limits, start);
  if (!strings.ok()) return strings.status();

  XlsxWorkbook book;
  std::uint64_t cells = 0, text_bytes = 0;
  for (const SheetRef& ref : *sheets) {
    if (!archive.Has(ref.path)) continue;  // a chart sheet or a dangling reference
    auto xml = archive.Read(ref.path);
    if (!xml.ok()) return xml.status();
    XlsxSheet& sheet = book.sheets.emplace_back();
    sheet.name = ref.name;
    SheetParser parser(*strings, limits, start, cells, text_bytes);
    Status s = parser.Parse(ref.path, *xml, sheet);
    if (!s.ok()) return s;
  }
  if (book.sheets.empty()) return InvalidArgument("xlsx: the workbook has no worksheets");
  return book;
}

}  // namespace estimate::formats
