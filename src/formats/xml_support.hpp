#pragma once
// Private to src/formats: the small pieces every XML format shares — a streaming writer into
// memory (libxml2 escapes the text) and look-ups in a parsed DOM. Included by .cpp files only.
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlwriter.h>

#include <cstdio>
#include <ctime>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/decimal.hpp"
#include "core/object_estimate.hpp"
#include "core/status.hpp"
#include "formats/gge_xml.hpp"

namespace estimate::formats::xml {

using core::Decimal;

inline void InitLibxml() {
  static std::once_flag once;
  std::call_once(once, [] { xmlInitParser(); });
}

// A streaming XML writer into memory (libxml2 escapes the text).
class XmlOut {
 public:
  XmlOut() : buffer_(xmlBufferCreate()), writer_(xmlNewTextWriterMemory(buffer_, 0)) {
    xmlTextWriterSetIndent(writer_, 1);
    xmlTextWriterSetIndentString(writer_, BAD_CAST "  ");
    xmlTextWriterStartDocument(writer_, "1.0", "utf-8", nullptr);
  }
  ~XmlOut() {
    if (writer_ != nullptr) xmlFreeTextWriter(writer_);
    xmlBufferFree(buffer_);
  }
  XmlOut(const XmlOut&) = delete;
  XmlOut& operator=(const XmlOut&) = delete;

  void Open(const char* name) { xmlTextWriterStartElement(writer_, BAD_CAST name); }
  void Close() { xmlTextWriterEndElement(writer_); }
  void Attribute(const char* name, const char* value) {
    xmlTextWriterWriteAttribute(writer_, BAD_CAST name, BAD_CAST value);
  }
  void Text(const char* name, std::string_view value) {
    const std::string v(value);
    xmlTextWriterWriteElement(writer_, BAD_CAST name, BAD_CAST v.c_str());
  }
  void Number(const char* name, const Decimal& d, int places) { Text(name, d.ToFixed(places)); }
  // A decimal as given (consumptions, coefficients: no padding).
  void Plain(const char* name, const Decimal& d) { Text(name, d.ToString()); }

  std::string Finish() {
    xmlTextWriterEndDocument(writer_);
    xmlFreeTextWriter(writer_);
    writer_ = nullptr;
    return std::string(reinterpret_cast<const char*>(xmlBufferContent(buffer_)),
                       static_cast<std::size_t>(xmlBufferLength(buffer_)));
  }

 private:
  xmlBufferPtr buffer_;
  xmlTextWriterPtr writer_;
};

inline std::string Content(const xmlNode* n) {
  if (n == nullptr) return {};
  xmlChar* c = xmlNodeGetContent(n);
  std::string out = c != nullptr ? reinterpret_cast<const char*>(c) : "";
  xmlFree(c);
  const auto first = out.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  return out.substr(first, out.find_last_not_of(" \t\r\n") - first + 1);
}

inline bool Is(const xmlNode* n, std::string_view name) {
  return n != nullptr && n->type == XML_ELEMENT_NODE &&
         std::string_view(reinterpret_cast<const char*>(n->name)) == name;
}

inline const xmlNode* Child(const xmlNode* n, std::string_view name) {
  if (n == nullptr) return nullptr;
  for (const xmlNode* c = n->children; c != nullptr; c = c->next) {
    if (Is(c, name)) return c;
  }
  return nullptr;
}

// Child by a path of names: "Totals/Current".
inline const xmlNode* At(const xmlNode* n, std::string_view path) {
  while (n != nullptr && !path.empty()) {
    const std::size_t slash = path.find('/');
    n = Child(n, path.substr(0, slash));
    path = slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);
  }
  return n;
}

inline std::string TextAt(const xmlNode* n, std::string_view path) { return Content(At(n, path)); }

inline std::vector<const xmlNode*> Children(const xmlNode* n) {
  std::vector<const xmlNode*> out;
  if (n == nullptr) return out;
  for (const xmlNode* c = n->children; c != nullptr; c = c->next) {
    if (c->type == XML_ELEMENT_NODE) out.push_back(c);
  }
  return out;
}

inline std::string Name(const xmlNode* n) { return reinterpret_cast<const char*>(n->name); }

inline std::string DateOf(const xmlNode* n) {
  if (n == nullptr) return {};
  const int y = std::atoi(TextAt(n, "Year").c_str());
  const int m = std::atoi(TextAt(n, "Month").c_str());
  const int d = std::atoi(TextAt(n, "Day").c_str());
  if (y == 0) return {};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m == 0 ? 1 : m, d == 0 ? 1 : d);
  return buf;
}

// --- shared by the ГГЭ XML formats ----------------------------------------------------------

// Now as xs:dateTime with its offset (UTC), as ExportDateTime wants it.
inline std::string NowUtc() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S+00:00", &tm);
  return buf;
}

// The problems as one InvalidArgument message, one line each.
inline Status Problems(const std::vector<std::string>& problems) {
  std::string message;
  for (const auto& p : problems) message += (message.empty() ? "" : "\n") + p;
  return InvalidArgument(message);
}

// Opens the root `Construction` of a ГГЭ file with its schema location and the Meta block.
inline void OpenGgeRoot(XmlOut& x, const char* schema, const char* type,
                        const std::string& software_version, const char* root = "Construction",
                        const char* version = "3.01") {
  x.Open(root);
  x.Attribute("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance");
  x.Attribute("xsi:noNamespaceSchemaLocation", schema);
  x.Open("Meta");
  x.Open("Soft");
  x.Text("Name", "Estimate Service");
  x.Text("Version", software_version.empty() ? "1" : software_version);
  x.Close();
  x.Open("File");
  x.Text("Type", type);
  x.Text("Version", version);
  x.Close();
  x.Close();
}

// The five money columns of ОСР/ССР rows (TPriceElements), in тыс. руб.
inline void WriteCostColumns(XmlOut& x, const core::CostColumns& c) {
  x.Number("Building", c.construction, 2);
  x.Number("Mounting", c.installation, 2);
  x.Number("Equipment", c.equipment, 2);
  x.Number("Other", c.other, 2);
  x.Number("Total", c.total, 2);
}

// Compares a figure the file states (`stated`, absent: nothing to compare) with the
// recalculation; counts it, and records a difference, never a silent fix.
inline void CompareStated(const std::string& path, const xmlNode* stated, const Decimal& computed,
                          int places, std::vector<GgeDifference>& differences,
                          std::size_t& compared) {
  if (stated == nullptr) return;
  ++compared;
  auto value = Decimal::Parse(Content(stated));
  if (value.ok() && *value == computed) return;
  differences.push_back({path, Content(stated), computed.ToFixed(places)});
}

using DocPtr = std::unique_ptr<xmlDoc, decltype(&xmlFreeDoc)>;

// Parses a ГГЭ file safely: no network, no DTD, no entity substitution (a DOCTYPE is refused);
// a UTF-8 BOM is skipped. InvalidArgument naming the line of a well-formedness error.
inline Result<DocPtr> ParseGgeFile(std::string_view bytes) {
  InitLibxml();
  if (bytes.size() >= 3 && bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3);
  DocPtr doc(xmlReadMemory(bytes.data(), static_cast<int>(bytes.size()), "import.xml", nullptr,
                           XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING),
             xmlFreeDoc);
  if (!doc) {
    const xmlError* e = xmlGetLastError();
    return InvalidArgument(
        "xml: not well-formed" +
        (e != nullptr ? " (line " + std::to_string(e->line) + ": " +
                            std::string(e->message != nullptr ? e->message : "") + ")"
                      : std::string()));
  }
  if (doc->intSubset != nullptr || doc->extSubset != nullptr) {
    return InvalidArgument("xml: a DOCTYPE (DTD, entities) is not accepted in ГГЭ XML");
  }
  return doc;
}

}  // namespace estimate::formats::xml
