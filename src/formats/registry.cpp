#include "formats/registry.hpp"

#include <boost/json.hpp>

#include <array>
#include <utility>

#include "core/resource_index_calculator.hpp"
#include "formats/arps/arps.hpp"
#include "formats/document/detail/document_reader.hpp"
#include "formats/document/detail/documents.hpp"
#include "formats/document/estimate_document.hpp"
#include "formats/print/pdf_forms.hpp"
#include "formats/print/xlsx_forms.hpp"

namespace estimate::formats {

namespace json = boost::json;

namespace {

constexpr std::string_view kXml = "application/xml";
constexpr std::string_view kXlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
constexpr std::string_view kPdf = "application/pdf";
constexpr std::string_view kJsonType = "application/json";
constexpr std::string_view kTextType = "text/plain; charset=utf-8";
constexpr std::string_view kArpsType = "text/plain; charset=IBM866";

// The document a writer of kind `Kind` is given (the table below only pairs a writer with the
// kind it was registered for).
template <typename Computed>
const Computed& As(const ComputedDocument& document) {
  return std::get<Computed>(document);
}

ArpsHeader ArpsHeaderOf(const GgeHeader& h) {
  ArpsHeader a;
  a.number = h.number;
  a.name = h.name;
  a.construction_name = h.construction_name;
  a.object_name = h.object_name;
  return a;
}

// --- the writers of a ЛСР by the resource-index method ---------------------------------------

Result<std::string> EstimateJson(const ComputedDocument& d, const WriteHeaders&) {
  return WriteEstimateResult(As<ComputedEstimate>(d).estimate, As<ComputedEstimate>(d).result);
}
Result<std::string> EstimateText(const ComputedDocument& d, const WriteHeaders&) {
  return WriteEstimateText(As<ComputedEstimate>(d).estimate, As<ComputedEstimate>(d).result);
}
template <GgeVersion kVersion>
Result<std::string> EstimateGge(const ComputedDocument& d, const WriteHeaders& h) {
  const auto& c = As<ComputedEstimate>(d);
  return WriteGgeLocalEstimate(c.estimate, c.result, h.estimate, kVersion);
}
Result<std::string> EstimateXlsx(const ComputedDocument& d, const WriteHeaders& h) {
  const auto& c = As<ComputedEstimate>(d);
  return WriteEstimateXlsx(c.estimate, c.result, PrintHeaderOf(h.estimate), h.progress);
}
Result<std::string> EstimatePdf(const ComputedDocument& d, const WriteHeaders& h) {
  const auto& c = As<ComputedEstimate>(d);
  return WriteEstimatePdf(c.estimate, c.result, PrintHeaderOf(h.estimate), h.progress);
}
Result<std::string> EstimateArps(const ComputedDocument& d, const WriteHeaders& h) {
  const auto& c = As<ComputedEstimate>(d);
  return WriteArps(c.estimate, c.result, ArpsHeaderOf(h.estimate));
}

// --- a ЛСР by the base-index method -----------------------------------------------------------

Result<std::string> BaseIndexJson(const ComputedDocument& d, const WriteHeaders&) {
  const auto& c = As<ComputedBaseIndexEstimate>(d);
  return WriteBaseIndexResult(c.estimate, c.result);
}
Result<std::string> BaseIndexText(const ComputedDocument& d, const WriteHeaders&) {
  const auto& c = As<ComputedBaseIndexEstimate>(d);
  return WriteBaseIndexText(c.estimate, c.result);
}
template <GgeVersion kVersion>
Result<std::string> BaseIndexGge(const ComputedDocument& d, const WriteHeaders& h) {
  const auto& c = As<ComputedBaseIndexEstimate>(d);
  return WriteGgeBaseIndexEstimate(c.estimate, c.result, h.estimate, kVersion);
}
Result<std::string> BaseIndexXlsx(const ComputedDocument& d, const WriteHeaders& h) {
  const auto& c = As<ComputedBaseIndexEstimate>(d);
  return WriteBaseIndexEstimateXlsx(c.estimate, c.result, PrintHeaderOf(h.estimate), h.progress);
}
Result<std::string> BaseIndexPdf(const ComputedDocument& d, const WriteHeaders& h) {
  const auto& c = As<ComputedBaseIndexEstimate>(d);
  return WriteBaseIndexEstimatePdf(c.estimate, c.result, PrintHeaderOf(h.estimate), h.progress);
}

// --- ОСР and ССР --------------------------------------------------------------------------------

Result<std::string> ObjectJson(const ComputedDocument& d, const WriteHeaders&) {
  const auto& c = As<ComputedObjectEstimate>(d);
  return WriteObjectEstimateResult(c.input, c.result);
}
Result<std::string> ObjectText(const ComputedDocument& d, const WriteHeaders&) {
  const auto& c = As<ComputedObjectEstimate>(d);
  return WriteObjectEstimateText(c.input, c.result);
}
Result<std::string> ObjectGge(const ComputedDocument& d, const WriteHeaders& h) {
  const auto& c = As<ComputedObjectEstimate>(d);
  return WriteGgeObjectEstimate(c.input, c.result, h.object);
}
Result<std::string> ObjectXlsx(const ComputedDocument& d, const WriteHeaders& h) {
  const auto& c = As<ComputedObjectEstimate>(d);
  return WriteObjectEstimateXlsx(c.input, c.result, h.print, h.progress);
}
Result<std::string> ObjectPdf(const ComputedDocument& d, const WriteHeaders& h) {
  const auto& c = As<ComputedObjectEstimate>(d);
  return WriteObjectEstimatePdf(c.input, c.result, h.print, h.progress);
}

Result<std::string> SummaryJson(const ComputedDocument& d, const WriteHeaders&) {
  const auto& c = As<ComputedSummaryEstimate>(d);
  return WriteSummaryEstimateResult(c.input, c.result);
}
Result<std::string> SummaryText(const ComputedDocument& d, const WriteHeaders&) {
  const auto& c = As<ComputedSummaryEstimate>(d);
  return WriteSummaryEstimateText(c.input, c.result);
}
Result<std::string> SummaryGge(const ComputedDocument& d, const WriteHeaders& h) {
  const auto& c = As<ComputedSummaryEstimate>(d);
  return WriteGgeSummaryEstimate(c.input, c.result, h.summary);
}
Result<std::string> SummaryXlsx(const ComputedDocument& d, const WriteHeaders& h) {
  const auto& c = As<ComputedSummaryEstimate>(d);
  return WriteSummaryEstimateXlsx(c.input, c.result, h.print, h.progress);
}
Result<std::string> SummaryPdf(const ComputedDocument& d, const WriteHeaders& h) {
  const auto& c = As<ComputedSummaryEstimate>(d);
  return WriteSummaryEstimatePdf(c.input, c.result, h.print, h.progress);
}

using F = Format;
using K = DocumentKind;
constexpr std::string_view kRiXsd301 = "LocalEstimateResourceIndexMethod-3_01.xsd";
constexpr std::string_view kRiXsd302 = "LocalEstimateResourceIndexMethod-3_02-draft.xsd";
constexpr std::string_view kBiXsd302 = "LocalEstimateBaseIndexMethod-3_02-draft.xsd";

// Per kind, the exported formats in the order an error message lists them.
const std::array<Writer, 23> kWriters{{
    {F::kJson, K::kResourceIndexEstimate, "json", kJsonType, "json", "", {}, EstimateJson},
    {F::kText, K::kResourceIndexEstimate, "text", kTextType, "txt", "", {}, EstimateText},
    {F::kGge, K::kResourceIndexEstimate, "gge", kXml, "gge", kRiXsd301, {}, EstimateGge<GgeVersion::k301>},
    {F::kGge302, K::kResourceIndexEstimate, "gge-3.02", kXml, "gge", kRiXsd302, {}, EstimateGge<GgeVersion::k302>},
    {F::kXlsx, K::kResourceIndexEstimate, "xlsx", kXlsx, "xlsx", "", {}, EstimateXlsx},
    {F::kPdf, K::kResourceIndexEstimate, "pdf", kPdf, "pdf", "", {}, EstimatePdf},
    {F::kArps, K::kResourceIndexEstimate, "arps", kArpsType, "arp", "", {}, EstimateArps},

    {F::kJson, K::kBaseIndexEstimate, "json", kJsonType, "json", "", {}, BaseIndexJson},
    {F::kText, K::kBaseIndexEstimate, "text", kTextType, "txt", "", {}, BaseIndexText},
    {F::kGge, K::kBaseIndexEstimate, "gge", kXml, "gge", kBiXsd302, F::kGge302, BaseIndexGge<GgeVersion::k301>},
    {F::kGge302, K::kBaseIndexEstimate, "gge-3.02", kXml, "gge", kBiXsd302, {}, BaseIndexGge<GgeVersion::k302>},
    {F::kXlsx, K::kBaseIndexEstimate, "xlsx", kXlsx, "xlsx", "", {}, BaseIndexXlsx},
    {F::kPdf, K::kBaseIndexEstimate, "pdf", kPdf, "pdf", "", {}, BaseIndexPdf},

    {F::kJson, K::kObjectEstimate, "json", kJsonType, "json", "", {}, ObjectJson},
    {F::kText, K::kObjectEstimate, "text", kTextType, "txt", "", {}, ObjectText},
    {F::kGge, K::kObjectEstimate, "gge", kXml, "gge", "ObjectEstimate-3_01.xsd", {}, ObjectGge},
    {F::kXlsx, K::kObjectEstimate, "xlsx", kXlsx, "xlsx", "", {}, ObjectXlsx},
    {F::kPdf, K::kObjectEstimate, "pdf", kPdf, "pdf", "", {}, ObjectPdf},

    {F::kJson, K::kSummaryEstimate, "json", kJsonType, "json", "", {}, SummaryJson},
    {F::kText, K::kSummaryEstimate, "text", kTextType, "txt", "", {}, SummaryText},
    {F::kGge, K::kSummaryEstimate, "gge", kXml, "gge", "SummaryEstimate-current.xsd", {}, SummaryGge},
    {F::kXlsx, K::kSummaryEstimate, "xlsx", kXlsx, "xlsx", "", {}, SummaryXlsx},
    {F::kPdf, K::kSummaryEstimate, "pdf", kPdf, "pdf", "", {}, SummaryPdf},
}};

bool Exported(const Writer& w) { return w.format != F::kJson && w.format != F::kText; }

}  // namespace

Result<GgeImport> ReadEstimateFile(Format format, std::string_view bytes) {
  if (format == F::kArps) {
    auto arps = ReadArps(bytes);
    if (!arps.ok()) return arps.status();
    GgeImport imported;
    imported.document_json = std::move(arps->document_json);
    imported.header.number = arps->header.number;
    imported.header.name = arps->header.name;
    imported.warnings = std::move(arps->warnings);
    imported.differences = std::move(arps->differences);
    imported.compared = arps->compared;
    return imported;
  }
  if (format != F::kGge) return InvalidArgument("a ЛСР is read from ГГЭ XML or АРПС");
  auto imported = ReadGgeLocalEstimate(bytes);
  if (!imported.ok() && imported.status().message().find("IndexType") != std::string::npos) {
    imported = ReadGgeBaseIndexEstimate(bytes);  // a ЛСР by the base-index method
  }
  return imported;
}

const Writer* FindWriter(Format format, DocumentKind kind) {
  for (const Writer& w : kWriters) {
    if (w.format == format && w.kind == kind) return &w;
  }
  return nullptr;
}

const Writer* FindExportWriter(std::string_view name, DocumentKind kind) {
  for (const Writer& w : kWriters) {
    if (w.name == name && w.kind == kind && Exported(w)) return &w;
  }
  return nullptr;
}

std::string ExportFormatList(DocumentKind kind) {
  std::string list;
  for (const Writer& w : kWriters) {
    if (w.kind != kind || !Exported(w)) continue;
    if (!list.empty()) list += ", ";
    list += w.name;
  }
  return list;
}

std::string FileName(const Writer& writer, std::string_view number) {
  const char* prefix = writer.kind == K::kObjectEstimate    ? "ОСР "
                       : writer.kind == K::kSummaryEstimate ? "ССР "
                                                            : "ЛСР ";
  return prefix + std::string(number) + "." + std::string(writer.extension);
}

SchemaCheck CheckSchema(const Writer& writer, const ComputedDocument& document,
                        const WriteHeaders& headers, std::string_view bytes,
                        const std::string& xsd_dir) {
  SchemaCheck check;
  if (writer.xsd.empty()) return check;
  Result<std::string> rendering = std::string();
  if (writer.checked_as) {
    rendering = FindWriter(*writer.checked_as, writer.kind)->write(document, headers);
    if (!rendering.ok()) {
      check.outcome = SchemaCheck::Outcome::kNotWritten;
      check.status = rendering.status();
      return check;
    }
    bytes = *rendering;
  }
  check.status = ValidateXml(bytes, xsd_dir + "/" + std::string(writer.xsd));
  if (!check.status.ok()) {
    check.outcome = check.status.code() == StatusCode::kNotFound ? SchemaCheck::Outcome::kSchemaMissing
                                                                 : SchemaCheck::Outcome::kInvalid;
  }
  return check;
}

}  // namespace estimate::formats
