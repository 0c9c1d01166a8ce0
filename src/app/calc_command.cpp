#include "app/calc_command.hpp"

#include <boost/json.hpp>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <ostream>
#include <sstream>
#include <string>

#include "formats/arps.hpp"
#include "formats/boq_import.hpp"
#include "formats/calc.hpp"
#include "formats/estimate_document.hpp"
#include "formats/gge_xml.hpp"
#include "formats/pdf_forms.hpp"
#include "formats/xlsx_forms.hpp"

namespace estimate::app {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitIoError = 1;
constexpr int kExitBadInput = 2;

bool ReadAll(const std::string& path, std::string* text, std::string* error) {
  if (path == "-") {
    std::ostringstream buffer;
    buffer << std::cin.rdbuf();
    if (std::cin.bad()) {
      *error = "cannot read standard input";
      return false;
    }
    *text = buffer.str();
    return true;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = "cannot open " + path + ": " + std::strerror(errno);
    return false;
  }
  // One read of the whole file: an istreambuf_iterator copy goes character by character.
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  in.seekg(0, std::ios::beg);
  if (size > 0) {
    text->resize(static_cast<std::size_t>(size));
    in.read(text->data(), size);
  } else {
    text->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  if (in.bad() || (size > 0 && in.gcount() != size)) {
    *error = "cannot read " + path;
    return false;
  }
  return true;
}

}  // namespace

int RunCalc(const std::string& path, const std::string& format, std::ostream& out,
            std::ostream& err) {
  if (format != "json" && format != "text") {
    err << "calc: unknown --format \"" << format << "\" (expected json or text)\n";
    return kExitBadInput;
  }
  std::string text;
  std::string error;
  if (!ReadAll(path, &text, &error)) {
    err << "calc: " << error << "\n";
    return kExitIoError;
  }
  const formats::CalcOutcome outcome = formats::Calculate(
      text, format == "json" ? formats::OutputFormat::kJson : formats::OutputFormat::kText);
  if (!outcome.ok()) {
    err << outcome.ProblemText() << "\n";
    return kExitBadInput;
  }
  // Built whole before writing, so that a failure never leaves half a document on stdout.
  const std::string& rendered = format == "json" ? outcome.json : outcome.text;
  out << rendered;
  out.flush();
  if (!out) {
    err << "calc: cannot write the result\n";
    return kExitIoError;
  }
  return kExitOk;
}

namespace {

// Validates an XML export and writes it; an invalid one is an error with the schema's messages.
int WriteValidated(const Result<std::string>& xml, const std::string& xsd_dir, const char* xsd,
                   std::ostream& out, std::ostream& err) {
  if (!xml.ok()) {
    err << xml.status().message() << "\n";
    return kExitBadInput;
  }
  if (xsd_dir.empty()) {
    err << "estimate-service export: GGE_XSD_DIR (or --xsd-dir) must name the folder of the "
           "ГГЭ schemas: an export is validated before it is written\n";
    return kExitIoError;
  }
  if (Status s = formats::ValidateXml(*xml, xsd_dir + "/" + xsd); !s.ok()) {
    err << "estimate-service export: " << s.message() << "\n";
    return s.code() == StatusCode::kNotFound ? kExitIoError : kExitBadInput;
  }
  out << *xml;
  out.flush();
  return out ? kExitOk : kExitIoError;
}

int WriteBytes(const Result<std::string>& bytes, std::ostream& out, std::ostream& err) {
  if (!bytes.ok()) {
    err << bytes.status().message() << "\n";
    return kExitBadInput;
  }
  out << *bytes;
  out.flush();
  return out ? kExitOk : kExitIoError;
}

// The ОСР and ССР documents (object-estimate/1, summary-estimate/1) as ГГЭ XML, XLSX or PDF.
int ExportRollUp(const std::string& text, const std::string& kind, const std::string& format,
                 const std::string& xsd_dir, const std::string& version, core::Timestamp now,
                 std::ostream& out, std::ostream& err) {
  if (format != "gge" && format != "xlsx" && format != "pdf") {
    err << "estimate-service export: an " << kind << " goes out as gge, xlsx or pdf\n";
    return kExitBadInput;
  }
  auto header = formats::ParseGgeHeader(text, formats::Fsnb2022Header());
  if (!header.ok()) {
    err << header.status().message() << "\n";
    return kExitBadInput;
  }
  formats::PrintHeader print;
  print.construction = header->construction_name;
  print.object = header->object_name;
  const std::string date = header->date.empty() ? core::FormatUtcDate(now) : header->date;
  if (kind == "object-estimate/1") {
    auto input = formats::ParseObjectEstimateDocument(text);
    if (!input.ok()) {
      err << input.status().message() << "\n";
      return kExitBadInput;
    }
    if (format == "gge") {
      formats::GgeObjectHeader h;
      h.construction_number = header->construction_number;
      h.construction_name = header->construction_name;
      h.region_code = header->region_code;
      h.created = h.approved = date;
      h.price_year = header->price_year;
      h.price_quarter = header->price_quarter;
      h.software_version = version;
      h.export_time = core::FormatXsdDateTime(now);
      return WriteValidated(formats::WriteGgeObjectEstimate(*input, h), xsd_dir,
                            "ObjectEstimate-3_01.xsd", out, err);
    }
    return WriteBytes(format == "pdf" ? formats::WriteObjectEstimatePdf(*input, print)
                                      : formats::WriteObjectEstimateXlsx(*input, print),
                      out, err);
  }
  auto input = formats::ParseSummaryEstimateDocument(text);
  if (!input.ok()) {
    err << input.status().message() << "\n";
    return kExitBadInput;
  }
  if (format == "gge") {
    formats::GgeSummaryHeader h;
    h.created = h.approved = date;
    h.price_year = header->price_year;
    h.price_quarter = header->price_quarter;
    h.software_version = version;
    h.export_time = core::FormatXsdDateTime(now);
    return WriteValidated(formats::WriteGgeSummaryEstimate(*input, h), xsd_dir,
                          "SummaryEstimate-current.xsd", out, err);
  }
  return WriteBytes(format == "pdf" ? formats::WriteSummaryEstimatePdf(*input, print)
                                    : formats::WriteSummaryEstimateXlsx(*input, print),
                    out, err);
}

bool IsBaseIndexDocument(const std::string& text) {
  boost::system::error_code ec;
  const boost::json::value v = boost::json::parse(text, ec);
  const boost::json::value* method =
      !ec && v.is_object() ? v.get_object().if_contains("method") : nullptr;
  return method != nullptr && method->is_string() && method->get_string() == "base-index";
}

// A ЛСР by the base-index method: ГГЭ XML in the 3.01 shape (no published schema: the same
// document rendered for the 3.02 draft is what is validated) or the 3.02 draft itself, or the
// printed form in XLSX or PDF.
int ExportBaseIndex(const std::string& text, const std::string& format, const std::string& xsd_dir,
                    const std::string& version, core::Timestamp now, std::ostream& out,
                    std::ostream& err) {
  if (format == "arps") {
    err << "estimate-service export: АРПС is written for the resource-index method only\n";
    return kExitBadInput;
  }
  auto estimate = formats::ParseBaseIndexDocument(text);
  if (!estimate.ok()) {
    err << estimate.status().message() << "\n";
    return kExitBadInput;
  }
  auto header = formats::ParseGgeHeader(text, formats::Fer2001Header());
  if (!header.ok()) {
    err << header.status().message() << "\n";
    return kExitBadInput;
  }
  if (header->name.empty()) header->name = estimate->name;
  header->software_version = version;
  if (header->export_time.empty()) header->export_time = core::FormatXsdDateTime(now);
  if (format == "xlsx" || format == "pdf") {
    const formats::PrintHeader print = formats::PrintHeaderOf(*header);
    return WriteBytes(format == "pdf" ? formats::WriteBaseIndexEstimatePdf(*estimate, print)
                                      : formats::WriteBaseIndexEstimateXlsx(*estimate, print),
                      out, err);
  }
  const char* xsd = "LocalEstimateBaseIndexMethod-3_02-draft.xsd";
  const auto draft = formats::WriteGgeBaseIndexEstimate(*estimate, *header, formats::GgeVersion::k302);
  if (format == "gge-3.02") return WriteValidated(draft, xsd_dir, xsd, out, err);
  std::ostringstream checked;  // the 3.01 shape is valid when its 3.02 rendering is
  if (const int rc = WriteValidated(draft, xsd_dir, xsd, checked, err); rc != kExitOk) return rc;
  return WriteBytes(formats::WriteGgeBaseIndexEstimate(*estimate, *header), out, err);
}

}  // namespace

int RunExport(const std::string& path, const std::string& format, const std::string& xsd_dir,
              const std::string& version, std::ostream& out, std::ostream& err,
              const core::Clock& clock) {
  const core::Timestamp now = clock.Now();
  if (format != "gge" && format != "gge-3.02" && format != "xlsx" && format != "pdf" &&
      format != "arps") {
    err << "estimate-service export: --format " << format
        << " is not one of gge, gge-3.02, xlsx, pdf, arps\n";
    return kExitBadInput;
  }
  std::string text, error;
  if (!ReadAll(path, &text, &error)) {
    err << "estimate-service export: " << error << "\n";
    return kExitIoError;
  }
  {
    boost::system::error_code ec;
    const boost::json::value v = boost::json::parse(text, ec);
    const boost::json::value* kind = !ec && v.is_object() ? v.get_object().if_contains("format") : nullptr;
    if (kind != nullptr && kind->is_string() &&
        (kind->get_string() == "object-estimate/1" || kind->get_string() == "summary-estimate/1")) {
      return ExportRollUp(text, std::string(kind->get_string()), format, xsd_dir, version, now, out,
                          err);
    }
  }
  if (IsBaseIndexDocument(text)) {
    return ExportBaseIndex(text, format, xsd_dir, version, now, out, err);
  }
  auto estimate = formats::ParseEstimateDocument(text);
  if (!estimate.ok()) {
    err << estimate.status().message() << "\n";
    return kExitBadInput;
  }
  auto header = formats::ParseGgeHeader(text, formats::Fsnb2022Header());
  if (!header.ok()) {
    err << header.status().message() << "\n";
    return kExitBadInput;
  }
  if (header->name.empty()) header->name = estimate->name;
  header->software_version = version;
  if (header->export_time.empty()) header->export_time = core::FormatXsdDateTime(now);
  if (format == "arps") {
    formats::ArpsHeader a;
    a.number = header->number;
    a.name = header->name;
    a.construction_name = header->construction_name;
    a.object_name = header->object_name;
    return WriteBytes(formats::WriteArps(*estimate, a), out, err);
  }
  if (format == "xlsx" || format == "pdf") {
    const formats::PrintHeader print = formats::PrintHeaderOf(*header);
    return WriteBytes(format == "pdf" ? formats::WriteEstimatePdf(*estimate, print)
                                      : formats::WriteEstimateXlsx(*estimate, print),
                      out, err);
  }
  const bool draft = format == "gge-3.02";
  return WriteValidated(
      formats::WriteGgeLocalEstimate(*estimate, *header,
                                     draft ? formats::GgeVersion::k302 : formats::GgeVersion::k301),
      xsd_dir,
      draft ? "LocalEstimateResourceIndexMethod-3_02-draft.xsd"
            : "LocalEstimateResourceIndexMethod-3_01.xsd",
      out, err);
}

namespace {

// The report of an import on `err` and its document on `out`.
template <typename Import>
int Report(const Import& imported, std::ostream& out, std::ostream& err) {
  for (const auto& w : imported.warnings) err << "warning: " << w << "\n";
  for (const auto& d : imported.differences) {
    err << "differs: " << d.path << ": the file states " << d.stated << ", recomputed "
        << d.computed << "\n";
  }
  err << imported.compared << " figures compared, "
      << (imported.differences.empty() ? std::string("пересчёт совпадает")
                                       : std::to_string(imported.differences.size()) + " differ")
      << "\n";
  out << imported.document_json << "\n";
  return kExitOk;
}

}  // namespace

int RunImportEstimate(const std::string& path, std::ostream& out, std::ostream& err) {
  std::string text, error;
  if (!ReadAll(path, &text, &error)) {
    err << "estimate-service import-estimate: " << error << "\n";
    return kExitIoError;
  }
  const auto fail = [&](const Status& s) {
    err << "estimate-service import-estimate: " << path << ": " << s.message() << "\n";
    return kExitBadInput;
  };
  if (text.starts_with("1#")) {
    auto arps = formats::ReadArps(text);
    return arps.ok() ? Report(*arps, out, err) : fail(arps.status());
  }
  auto type = formats::GgeDocumentType(text);
  if (!type.ok() || *type == "Ведомость объемов работ") {
    // A bill of quantities (ВОР, СВОР; the Минстрой layouts declare no Meta/File/Type).
    auto boq = formats::ReadBoqGge(text);
    if (!boq.ok()) return fail(type.ok() ? boq.status() : type.status());
    for (const auto& w : boq->warnings) err << "warning: " << w << "\n";
    boost::json::array lines;
    for (const auto& l : boq->lines) {
      lines.push_back(boost::json::object{{"number", l.number}, {"code", l.code}, {"name", l.name},
                                          {"unit", l.unit}, {"quantity", l.quantity.ToString()},
                                          {"section", l.section}});
    }
    err << boq->lines.size() << " lines read\n";
    out << boost::json::serialize(boost::json::object{{"format", "bill-of-quantities/1"},
                                                      {"lines", std::move(lines)}})
        << "\n";
    return kExitOk;
  }
  if (*type == "СЗ") {
    auto report = formats::ReadGgeCostsSummary(text);
    return report.ok() ? Report(*report, out, err) : fail(report.status());
  }
  if (*type == "КА") {
    auto report = formats::ReadGgeMarketAnalysis(text);
    return report.ok() ? Report(*report, out, err) : fail(report.status());
  }
  if (*type == "ОСР") {
    auto imported = formats::ReadGgeObjectEstimate(text);
    return imported.ok() ? Report(*imported, out, err) : fail(imported.status());
  }
  if (*type == "ССР") {
    auto imported = formats::ReadGgeSummaryEstimate(text);
    return imported.ok() ? Report(*imported, out, err) : fail(imported.status());
  }
  if (*type != "ЛС") {
    return fail(InvalidArgument("xml: a ГГЭ document of type " + *type +
                                " (ЛС, ОСР, ССР, СЗ, КА and ВОР are read)"));
  }
  auto imported = formats::ReadGgeLocalEstimate(text);
  if (!imported.ok() && imported.status().message().find("IndexType") != std::string::npos) {
    imported = formats::ReadGgeBaseIndexEstimate(text);  // the base-index method
  }
  return imported.ok() ? Report(*imported, out, err) : fail(imported.status());
}

}  // namespace estimate::app
