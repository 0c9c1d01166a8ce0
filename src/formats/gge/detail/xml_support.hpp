#pragma once
// Private to src/formats: the small pieces every XML format shares — a streaming writer into
// memory (libxml2 escapes the text) and look-ups in a parsed DOM. Included by .cpp files only.
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlwriter.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/decimal.hpp"
#include "core/object_estimate.hpp"
#include "core/status.hpp"
#include "core/text.hpp"
#include "core/xml_limits.hpp"
#include "formats/gge/gge.hpp"

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
  return std::string(core::TrimWhitespace(out));
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

// "2025-08-14" → {2025, 8, 14}; false for anything else.
inline bool SplitDate(const std::string& date, int& y, int& m, int& d) {
  return date.size() == 10 && std::sscanf(date.c_str(), "%4d-%2d-%2d", &y, &m, &d) == 3 &&
         m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

inline void WriteDate(XmlOut& x, const char* name, const std::string& date) {
  int y = 0, m = 0, d = 0;
  SplitDate(date, y, m, d);
  x.Open(name);
  x.Text("Year", std::to_string(y));
  x.Text("Month", std::to_string(m));
  x.Text("Day", std::to_string(d));
  x.Close();
}

inline void WriteLegal(XmlOut& x, const char* element, const GgeLegal& l) {
  x.Open(element);
  x.Text("Name", l.name);
  x.Text("Type", l.type);
  WriteDate(x, "Date", l.date);
  x.Text("Num", l.number);
  if (!l.orders.empty()) x.Text("Orders", l.orders);
  x.Close();
}

inline bool IsPositiveInteger(const std::string& s) {
  if (s.empty() || s.size() > 9 || s[0] == '0') return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The Cost/Prefix of a norm code ("ГЭСН16-06-005-01" → "ГЭСН", "16-06-005-01"); the longest
// prefix the schema's pattern allows wins; a space after it is dropped.
inline std::optional<std::pair<std::string, std::string>> SplitCode(const std::string& code) {
  static const char* const kPrefixes[] = {"ГЭСНмр", "ГЭСНм", "ГЭСНр", "ГЭСНп", "ГЭСН",
                                          "ФЕРмр",  "ФЕРм",  "ФЕРр",  "ФЕРп",  "ФЕР",
                                          "ТЕРмр",  "ТЕРкр", "ТЕРм",  "ТЕРр",  "ТЕРп",
                                          "ТЕР",    "ФССЦпг", "ФССЦ", "ТССЦпг", "ТССЦ",
                                          "ФСЭМ",   "ТСЭМ",  "КСР"};
  for (const char* prefix : kPrefixes) {
    const std::string p(prefix);
    if (code.rfind(p, 0) == 0 && code.size() > p.size()) {
      std::string rest = code.substr(p.size());
      while (!rest.empty() && rest.front() == ' ') rest.erase(0, 1);
      if (!rest.empty()) return std::make_pair(p, rest);
    }
  }
  return std::nullopt;
}


// The 3.01 ЛСР schemas spell this one element with the Cyrillic Т (U+0422) at positions 1 and 9;
// ГРАНД-Смета and ГОССТРОЙСМЕТА write it so. The 3.02 drafts spell it TerritoryType.
inline constexpr const char* kTerritoryType301 = "\xD0\xA2" "erritory" "\xD0\xA2" "ype";

// The header fields every ЛСР of ГГЭ XML needs, one problem per missing or malformed field.
inline void CheckGgeHeader(const GgeHeader& h, std::vector<std::string>& problems) {
  const auto require = [&](const std::string& value, const char* field) {
    if (value.empty()) problems.push_back(std::string("header.") + field + ": is required for ГГЭ XML");
  };
  require(h.construction_name, "construction.name");
  require(h.object_name, "object.name");
  require(h.number, "number");
  require(h.name, "name");
  require(h.region_code, "region.code");
  require(h.region_name, "region.name");
  if (h.price_year < 1964 || h.price_year > 2100 || h.price_quarter < 1 || h.price_quarter > 4) {
    problems.push_back("header.price_level: the year and quarter of current prices are required");
  }
  if (h.territory != "Территория" && h.territory != "МПРКС" && h.territory != "РКС") {
    problems.push_back("header.territory: expected Территория, МПРКС or РКС");
  }
  if (h.object_type != "Производственный" && h.object_type != "Непроизводственный" &&
      h.object_type != "Линейный") {
    problems.push_back(
        "header.object_type: expected Производственный, Непроизводственный or Линейный");
  }
  int y = 0, m = 0, d = 0;
  if (!h.date.empty() && !SplitDate(h.date, y, m, d)) {
    problems.push_back("header.date: expected YYYY-MM-DD");
  }
  const std::pair<const GgeLegal*, const char*> legal[] = {{&h.main, "main"},
                                                           {&h.methodology, "methodology"},
                                                           {&h.overheads, "overheads"},
                                                           {&h.profits, "profits"}};
  for (const auto& [l, name] : legal) {
    if (l->name.empty() || !IsPositiveInteger(l->number) || !SplitDate(l->date, y, m, d)) {
      problems.push_back(std::string("header.legal.") + name +
                         ": name, date (YYYY-MM-DD) and number (ФРСН) are required");
    }
  }
  for (std::size_t i = 0; i < h.indexes.size(); ++i) {
    const GgeLegal& l = h.indexes[i];
    if (l.name.empty() || !IsPositiveInteger(l.number) || !SplitDate(l.date, y, m, d)) {
      problems.push_back("header.legal.indexes[" + std::to_string(i) +
                         "]: name, date (YYYY-MM-DD) and number (ФРСН) are required");
    }
  }
  if (!h.guid.empty() && (h.guid.size() != 38 || h.guid.front() != '{')) {
    problems.push_back("header.guid: expected {XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}");
  }
}

// The kinds of works of a ЛСР (3.01 EstimateType by name; 3.02 tConstructionType by number 1–5).
inline constexpr const char* kConstructionTypes[] = {
    "Строительство", "Реконструкция", "Капитальный ремонт", "Снос",
    "Сохранение объекта культурного наследия"};

// The tConstructionType number of a kind of works, 0 when it is not one.
inline int ConstructionTypeCode(std::string_view type) {
  for (int i = 0; i < 5; ++i) {
    if (type == kConstructionTypes[i]) return i + 1;
  }
  return 0;
}

// GUID?, Legal {Main, Metodology, Overheads, Profits, Indexes*} and Salary of a ЛСР.
inline void WriteGuidLegalSalary(XmlOut& x, const GgeHeader& h) {
  if (!h.guid.empty()) x.Text("GUID", h.guid);
  x.Open("Legal");
  WriteLegal(x, "Main", h.main);
  WriteLegal(x, "Metodology", h.methodology);
  WriteLegal(x, "Overheads", h.overheads);
  WriteLegal(x, "Profits", h.profits);
  for (const auto& l : h.indexes) WriteLegal(x, "Indexes", l);
  x.Close();
  x.Text("Salary", h.salary_act);
}

// Region {RegionCode, RegionName, SubRegion?}, the territory type (3.01: the Cyrillic
// ТerritoryТype; 3.02: TerritoryType and ObjectType), Num, Name and Date of a ЛСР.
inline void WriteRegionAndName(XmlOut& x, const GgeHeader& h, bool v302) {
  x.Open("Region");
  x.Text("RegionCode", h.region_code);
  x.Text("RegionName", h.region_name);
  if (!h.zone_code.empty()) {
    x.Open("SubRegion");
    x.Text("SubRegionCode", h.zone_code);
    x.Text("SubRegionName", h.zone_name.empty() ? h.region_name : h.zone_name);
    x.Close();
  }
  x.Close();
  if (v302) {
    x.Text("TerritoryType", h.territory);
    x.Text("ObjectType", h.object_type);
  } else {
    x.Text(kTerritoryType301, h.territory);
  }
  x.Text("Num", h.number);
  x.Text("Name", h.name);
  if (!h.date.empty()) WriteDate(x, "Date", h.date);
}

// PriceLevelCur {Year, Quarter} of a ЛСР.
inline void WritePriceLevelCur(XmlOut& x, const GgeHeader& h) {
  x.Open("PriceLevelCur");
  x.Text("Year", std::to_string(h.price_year));
  x.Text("Quarter", std::to_string(h.price_quarter));
  x.Close();
}

// The problems as one InvalidArgument message, one line each.
inline Status Problems(const std::vector<std::string>& problems) {
  std::string message;
  for (const auto& p : problems) message += (message.empty() ? "" : "\n") + p;
  return InvalidArgument(message);
}

inline GgeLegal LegalOf(const xmlNode* n) {
  return {TextAt(n, "Name"), TextAt(n, "Type"), DateOf(Child(n, "Date")), TextAt(n, "Num"),
          TextAt(n, "Orders")};
}

// The header of a ЛСР (either method, either spelling of TerritoryType) into `h`.
inline void ReadGgeHeader(const xmlNode* root, const xmlNode* e, GgeHeader& h) {
  h.software_version = TextAt(root, "Meta/Soft/Version");
  h.construction_number = TextAt(root, "Num");
  h.construction_name = TextAt(root, "Name");
  h.object_number = TextAt(root, "Object/Num");
  h.object_name = TextAt(root, "Object/Name");
  h.object_address = TextAt(root, "Object/Address");
  h.guid = TextAt(e, "GUID");
  const xmlNode* legal = Child(e, "Legal");
  h.main = LegalOf(Child(legal, "Main"));
  h.methodology = LegalOf(Child(legal, "Metodology"));
  h.overheads = LegalOf(Child(legal, "Overheads"));
  h.profits = LegalOf(Child(legal, "Profits"));
  for (const xmlNode* c : Children(legal)) {
    if (Is(c, "Indexes")) h.indexes.push_back(LegalOf(c));
  }
  h.salary_act = TextAt(e, "Salary");
  h.region_code = TextAt(e, "Region/RegionCode");
  h.region_name = TextAt(e, "Region/RegionName");
  h.zone_code = TextAt(e, "Region/SubRegion/SubRegionCode");
  h.zone_name = TextAt(e, "Region/SubRegion/SubRegionName");
  h.territory = TextAt(e, kTerritoryType301);
  if (h.territory.empty()) h.territory = TextAt(e, "TerritoryType");
  h.number = TextAt(e, "Num");
  h.name = TextAt(e, "Name");
  h.date = DateOf(Child(e, "Date"));
  h.basis = TextAt(e, "Reason");
  h.price_year = std::atoi(TextAt(e, "PriceLevelCur/Year").c_str());
  h.price_quarter = std::atoi(TextAt(e, "PriceLevelCur/Quarter").c_str());
  h.composed_by = TextAt(e, "Signatures/ComposeFIO");
  h.verified_by = TextAt(e, "Signatures/VerifyFIO");
  h.export_time = TextAt(root, "ExportDateTime");
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

// A ЛСР (`method`: "LocalEstimateResourceIndexMethod" or "LocalEstimateBaseIndexMethod") up to
// its open Estimate: the root of 3.01 (Construction, schema …-3_01.xsd) or of the 3.02 draft (the
// method's name, …-3_02.xsd), Meta, стройка and объект. CloseLocalEstimate ends it.
inline void OpenLocalEstimate(XmlOut& x, const GgeHeader& h, const std::string& method,
                              bool v302) {
  if (v302) {
    OpenGgeRoot(x, (method + "-3_02.xsd").c_str(), "ЛС", h.software_version, method.c_str(),
                "3.02");
  } else {
    OpenGgeRoot(x, (method + "-3_01.xsd").c_str(), "ЛС", h.software_version);
  }
  x.Text("Num", h.construction_number);
  x.Text("Name", h.construction_name);
  x.Open("Object");
  x.Text("Num", h.object_number);
  x.Text("Name", h.object_name);
  if (!h.object_address.empty()) x.Text("Address", h.object_address);
  x.Open("Estimate");
}

inline void CloseLocalEstimate(XmlOut& x, const GgeHeader& h) {
  x.Close();  // Estimate
  x.Close();  // Object
  x.Text("ExportDateTime", h.export_time);
  x.Close();  // the root
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

// The parse of ParseGgeFile, with the deadline looked at every 256 elements. libxml2 offers no
// deadline of its own; a SAX hook that stops the parser is the one place to check it without
// giving up xmlCtxtReadMemory (the push parser rescans unfinished tags on every chunk).
struct GuardedParse {
  startElementNsSAX2Func start_element = nullptr;
  const core::XmlLimitScanner* scanner = nullptr;
  Status status;
  unsigned elements = 0;

  static void StartElement(void* context, const xmlChar* local_name, const xmlChar* prefix,
                           const xmlChar* uri, int nb_namespaces, const xmlChar** namespaces,
                           int nb_attributes, int nb_defaulted, const xmlChar** attributes) {
    auto* ctxt = static_cast<xmlParserCtxtPtr>(context);
    auto* self = static_cast<GuardedParse*>(ctxt->_private);
    if ((++self->elements & 255) == 0) {
      self->status = self->scanner->CheckDeadline();
      if (!self->status.ok()) {
        xmlStopParser(ctxt);
        return;
      }
    }
    self->start_element(context, local_name, prefix, uri, nb_namespaces, namespaces,
                        nb_attributes, nb_defaulted, attributes);
  }
};

// Parses a ГГЭ file safely: no network, no DTD, no entity substitution (a DOCTYPE is refused,
// before libxml2 sees it); a UTF-8 BOM is skipped. The bytes are first checked against `limits`
// (attributes per element, depth, names, namespaces: what would make libxml2 slow), and the
// parse stops at the deadline. InvalidArgument naming the line of a well-formedness error or of
// the limit exceeded; ResourceExhausted past the deadline.
inline Result<DocPtr> ParseGgeFile(std::string_view bytes, const core::XmlLimits& limits = {}) {
  InitLibxml();
  if (bytes.size() >= 3 && bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3);
  core::XmlLimits strict = limits;
  strict.allow_doctype = false;
  core::XmlLimitScanner scanner("", strict);
  Status scanned = scanner.Feed(bytes);
  if (scanned.ok()) scanned = scanner.Finish();
  if (scanner.saw_doctype()) {
    return InvalidArgument("xml: a DOCTYPE (DTD, entities) is not accepted in ГГЭ XML");
  }
  if (!scanned.ok()) return Status(scanned.code(), "xml: " + scanned.message());

  std::unique_ptr<xmlParserCtxt, decltype(&xmlFreeParserCtxt)> ctxt(xmlNewParserCtxt(),
                                                                     xmlFreeParserCtxt);
  if (!ctxt || ctxt->sax == nullptr) return Internal("xml: cannot create a parser");
  GuardedParse guard;
  guard.start_element = ctxt->sax->startElementNs;
  guard.scanner = &scanner;
  ctxt->sax->startElementNs = &GuardedParse::StartElement;
  ctxt->_private = &guard;
  DocPtr doc(xmlCtxtReadMemory(ctxt.get(), bytes.data(), static_cast<int>(bytes.size()),
                               "import.xml", nullptr,
                               XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING),
             xmlFreeDoc);
  if (!guard.status.ok()) return Status(guard.status.code(), "xml: " + guard.status.message());
  if (!doc) {
    const xmlError* e = xmlCtxtGetLastError(ctxt.get());
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

// The entry of a reader of ГГЭ XML: the file parsed as ParseGgeFile does, its root handed to
// `Reader().Read(root)`.
template <typename Reader>
auto ReadGgeFile(std::string_view bytes) -> decltype(Reader().Read(nullptr)) {
  auto doc = ParseGgeFile(bytes);
  if (!doc.ok()) return doc.status();
  return Reader().Read(xmlDocGetRootElement(doc->get()));
}

}  // namespace estimate::formats::xml
