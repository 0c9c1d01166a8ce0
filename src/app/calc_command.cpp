#include "app/calc_command.hpp"

#include <boost/json.hpp>
#include <unistd.h>  // isatty

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <ostream>
#include <sstream>
#include <string>

#include "formats/boq/boq_import.hpp"
#include "formats/document/calc.hpp"
#include "formats/gge/gge.hpp"
#include "formats/registry.hpp"

namespace estimate::app {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitIoError = 1;
constexpr int kExitBadInput = 2;

// The progress of a long writer (PDF, XLSX) as a bar on `err` when it is the terminal's stderr;
// nothing otherwise (a pipe, a file, a test's stream). Redrawn when it has moved by 2 % or more,
// and wiped when the file is written, so that only the command's own messages stay.
class ExportProgressBar : public formats::WriteProgress {
 public:
  explicit ExportProgressBar(std::ostream& err)
      : err_(err), enabled_(&err == &std::cerr && isatty(STDERR_FILENO) != 0) {}
  ExportProgressBar(const ExportProgressBar&) = delete;
  ExportProgressBar& operator=(const ExportProgressBar&) = delete;
  ~ExportProgressBar() { Clear(); }

  void Report(std::size_t done, std::size_t total) override {
    if (!enabled_ || total == 0) return;
    const int percent = static_cast<int>(100 * done / total);
    if (drawn_ && percent < shown_ + 2 && percent < 100) return;
    shown_ = percent;
    constexpr int kWidth = 40;
    const int filled = kWidth * percent / 100;
    err_ << '\r' << '[' << std::string(filled, '#') << std::string(kWidth - filled, ' ') << "] "
         << percent << " %" << std::flush;
    drawn_ = true;
  }
  bool Cancelled() const override { return false; }

  void Clear() {
    if (!drawn_) return;
    err_ << '\r' << std::string(50, ' ') << '\r' << std::flush;
    drawn_ = false;
  }

 private:
  std::ostream& err_;
  bool enabled_;
  bool drawn_ = false;
  int shown_ = 0;
};

// What --format names for a document of `kind`: its writer, or the message of the refusal.
const formats::Writer* ExportWriter(const std::string& format, formats::DocumentKind kind,
                                    std::ostream& err) {
  const formats::Writer* writer = formats::FindExportWriter(format, kind);
  if (writer != nullptr) return writer;
  if (kind == formats::DocumentKind::kObjectEstimate) {
    err << "estimate-service export: an object-estimate/1 goes out as gge, xlsx or pdf\n";
  } else if (kind == formats::DocumentKind::kSummaryEstimate) {
    err << "estimate-service export: an summary-estimate/1 goes out as gge, xlsx or pdf\n";
  } else {
    err << "estimate-service export: АРПС is written for the resource-index method only\n";
  }
  return nullptr;
}

}  // namespace

// Every document kind goes out through the registry of formats: the ЛСР (either method) as ГГЭ
// XML 3.01 or the 3.02 draft, XLSX, PDF or АРПС; the ОСР and ССР as ГГЭ XML, XLSX or PDF. An XML
// export is validated against its schema before it is written.
int RunExport(const std::string& path, const std::string& format, const std::string& xsd_dir,
              const std::string& version, std::ostream& out, std::ostream& err,
              const core::Clock& clock) {
  const core::Timestamp now = clock.Now();
  using formats::DocumentKind;
  if (formats::FindExportWriter(format, DocumentKind::kResourceIndexEstimate) == nullptr) {
    err << "estimate-service export: --format " << format << " is not one of "
        << formats::ExportFormatList(DocumentKind::kResourceIndexEstimate) << "\n";
    return kExitBadInput;
  }
  std::string text, error;
  if (!ReadDocumentFile(path, &text, &error)) {
    err << "estimate-service export: " << error << "\n";
    return kExitIoError;
  }
  const DocumentKind kind =
      formats::PeekDocumentKind(text).value_or(DocumentKind::kResourceIndexEstimate);
  const formats::Writer* writer = ExportWriter(format, kind, err);
  if (writer == nullptr) return kExitBadInput;
  const bool estimate = kind == DocumentKind::kResourceIndexEstimate ||
                        kind == DocumentKind::kBaseIndexEstimate;
  // A ЛСР reports its document's problems before its header's; an ОСР or ССР the other way.
  Result<formats::GgeHeader> header = formats::ParseGgeHeader(
      text, kind == DocumentKind::kBaseIndexEstimate ? formats::Fer2001Header()
                                                     : formats::Fsnb2022Header());
  Result<formats::Document> document = formats::ReadDocument(text);
  for (const Status& s : estimate ? std::vector<Status>{document.status(), header.status()}
                                  : std::vector<Status>{header.status(), document.status()}) {
    if (!s.ok()) {
      err << s.message() << "\n";
      return kExitBadInput;
    }
  }
  auto computed = formats::Compute(std::move(document).value());
  if (!computed.ok()) {
    err << computed.status().message() << "\n";
    return kExitBadInput;
  }
  formats::WriteHeaders headers;
  if (estimate) {
    headers.estimate = std::move(header).value();
    if (headers.estimate.name.empty()) {
      headers.estimate.name = kind == DocumentKind::kBaseIndexEstimate
                                  ? std::get<formats::ComputedBaseIndexEstimate>(*computed).estimate.name
                                  : std::get<formats::ComputedEstimate>(*computed).estimate.name;
    }
    headers.estimate.software_version = version;
    if (headers.estimate.export_time.empty()) {
      headers.estimate.export_time = core::FormatXsdDateTime(now);
    }
  } else {
    const std::string date = header->date.empty() ? core::FormatUtcDate(now) : header->date;
    headers.print.construction = header->construction_name;
    headers.print.object = header->object_name;
    headers.object.construction_number = header->construction_number;
    headers.object.construction_name = header->construction_name;
    headers.object.region_code = header->region_code;
    headers.object.created = headers.object.approved = date;
    headers.object.price_year = headers.summary.price_year = header->price_year;
    headers.object.price_quarter = headers.summary.price_quarter = header->price_quarter;
    headers.object.software_version = headers.summary.software_version = version;
    headers.summary.created = headers.summary.approved = date;
    headers.object.export_time = headers.summary.export_time = core::FormatXsdDateTime(now);
  }
  ExportProgressBar bar(err);
  headers.progress = &bar;
  const Result<std::string> bytes = writer->write(*computed, headers);
  bar.Clear();
  headers.progress = nullptr;
  if (!bytes.ok()) {
    err << bytes.status().message() << "\n";
    return kExitBadInput;
  }
  if (!writer->xsd.empty()) {
    if (xsd_dir.empty()) {
      err << "estimate-service export: GGE_XSD_DIR (or --xsd-dir) must name the folder of the "
             "ГГЭ schemas: an export is validated before it is written\n";
      return kExitIoError;
    }
    const formats::SchemaCheck check = formats::CheckSchema(*writer, *computed, headers, *bytes, xsd_dir);
    switch (check.outcome) {
      case formats::SchemaCheck::Outcome::kValid:
        break;
      case formats::SchemaCheck::Outcome::kNotWritten:
        err << check.status.message() << "\n";
        return kExitBadInput;
      case formats::SchemaCheck::Outcome::kSchemaMissing:
      case formats::SchemaCheck::Outcome::kInvalid:
        err << "estimate-service export: " << check.status.message() << "\n";
        return check.outcome == formats::SchemaCheck::Outcome::kSchemaMissing ? kExitIoError
                                                                                : kExitBadInput;
    }
  }
  out << *bytes;
  out.flush();
  return out ? kExitOk : kExitIoError;
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
  if (!ReadDocumentFile(path, &text, &error)) {
    err << "estimate-service import-estimate: " << error << "\n";
    return kExitIoError;
  }
  const auto fail = [&](const Status& s) {
    err << "estimate-service import-estimate: " << path << ": " << s.message() << "\n";
    return kExitBadInput;
  };
  if (text.starts_with("1#")) {
    auto arps = formats::ReadEstimateFile(formats::Format::kArps, text);
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
  auto imported = formats::ReadEstimateFile(formats::Format::kGge, text);
  return imported.ok() ? Report(*imported, out, err) : fail(imported.status());
}

}  // namespace estimate::app
