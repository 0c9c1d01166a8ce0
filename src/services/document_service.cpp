#include "services/document_service.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <span>
#include <utility>

#include "auth/policy.hpp"
#include "cache/result_cache.hpp"
#include "core/object_estimate.hpp"
#include "core/resource_index_calculator.hpp"
#include "formats/document/calc.hpp"
#include "formats/document/estimate_document.hpp"
#include "formats/document/estimate_document_writer.hpp"
#include "normbase/pricing.hpp"
#include "normbase/regions.hpp"
#include "services/base_service.hpp"
#include "services/estimate_internal.hpp"
#include "services/estimate_json.hpp"
#include "services/estimate_service.hpp"
#include "store/migrator.hpp"
#include "store/unit_of_work.hpp"
#include "formats/gge/gge.hpp"
#include "formats/registry.hpp"
#include "formats/boq/boq_import.hpp"
#include "services/catalog_service.hpp"
#include "services/editing_service.hpp"
#include "services/estimate_reader.hpp"
#include "services/rollup_service.hpp"
#include "services/working_set.hpp"

namespace estimate::services {

namespace json = boost::json;
using core::Decimal;
using namespace internal;

DocumentService::DocumentService(const EstimateDeps& deps, WorkingSet& working,
                                 EstimateReader& reader, CatalogService& catalog,
                                 EditingService& editing, RollupService& rollups)
    : estimates_(deps.estimates), base_(deps.base), results_(deps.results), options_(deps.options),
      working_(working), reader_(reader), catalog_(catalog), editing_(editing),
      rollups_(rollups) {}

namespace {

// Writes `document` with `writer` and checks the file against its schema: the service never
// offers a file the schema refuses. A file with a schema refuses what it cannot hold as the
// client's input; a printed form's refusal is the estimate's state.
Result<ExportedFile> WriteExport(const formats::Writer& writer,
                                 const formats::ComputedDocument& document,
                                 const formats::WriteHeaders& headers, const std::string& number,
                                 const std::string& xsd_dir) {
  auto bytes = writer.write(document, headers);
  if (!bytes.ok() && bytes.status().code() == StatusCode::kAborted) return bytes.status();
  if (!bytes.ok()) {
    return writer.xsd.empty() ? FailedPrecondition("export: " + bytes.status().message())
                              : InvalidArgument("export: " + bytes.status().message());
  }
  const formats::SchemaCheck check = formats::CheckSchema(writer, document, headers, *bytes, xsd_dir);
  switch (check.outcome) {
    case formats::SchemaCheck::Outcome::kValid:
      break;
    case formats::SchemaCheck::Outcome::kNotWritten:
      return InvalidArgument("export: " + check.status.message());
    case formats::SchemaCheck::Outcome::kSchemaMissing:
      return Unavailable("export: the ГГЭ schemas are not installed (GGE_XSD_DIR): " +
                         check.status.message());
    case formats::SchemaCheck::Outcome::kInvalid:
      return FailedPrecondition("export: the file would not pass the ГГЭ schema, so it is not "
                                "offered: " + check.status.message());
  }
  return ExportedFile{std::string(writer.content_type), formats::FileName(writer, number),
                      std::move(bytes).value()};
}

}  // namespace

Result<ExportedFile> DocumentService::Export(const Actor& actor, std::int64_t estimate_id,
                                            const std::string& format,
                                            formats::WriteProgress* progress) {
  if (Status s = Denied(actor, auth::Permission::kReadEstimates); !s.ok()) return s;
  using formats::DocumentKind;
  const formats::Writer* writer = formats::FindExportWriter(format, DocumentKind::kResourceIndexEstimate);
  if (writer == nullptr) {
    return InvalidArgument("format: \"" + format + "\" is not one of " +
                           formats::ExportFormatList(DocumentKind::kResourceIndexEstimate));
  }
  auto version = reader_.CurrentVersion(actor, estimate_id);
  if (!version.ok()) return version.status();
  auto working = working_.Get(actor, estimate_id, *version);
  if (!working.ok()) return working.status();
  // The document with its figures as the working copy computed them (a base-index estimate is
  // computed here, once): the writers never recalculate.
  std::optional<formats::ComputedDocument> computed;
  store::EstimateInfo info;
  {
    std::lock_guard lock((*working)->mu);
    const WorkingEstimate& w = **working;
    if (!w.problem.empty()) return FailedPrecondition("estimate: " + w.problem);
    if (!w.resource_index) {
      writer = formats::FindExportWriter(format, DocumentKind::kBaseIndexEstimate);
      if (writer == nullptr) {
        return FailedPrecondition("format: АРПС is written for the resource-index method only; "
                                  "a base-index estimate goes out as gge, gge-3.02, xlsx or pdf");
      }
      auto parsed =
          formats::ParseBaseIndexDocument(AssembleDocument(w.info, SectionNames(w), w.documents));
      if (!parsed.ok()) return FailedPrecondition("estimate: " + parsed.status().message());
      auto base_index = formats::Compute(std::move(parsed).value());
      if (!base_index.ok()) return FailedPrecondition("estimate: " + base_index.status().message());
      computed = std::move(base_index).value();
    } else if (w.calc) {
      computed = formats::ComputedEstimate{w.estimate, w.calc->result()};
    } else {
      return FailedPrecondition("estimate: the figures are not computed");
    }
    info = w.info;
  }
  const bool base_index = !std::holds_alternative<formats::ComputedEstimate>(*computed);
  auto object = estimates_.Get<store::SiteObject>(actor.organization_id, info.object_id);
  if (!object.ok()) return object.status();
  auto project = estimates_.Get<store::Project>(actor.organization_id, object->project_id);
  if (!project.ok()) return project.status();

  formats::GgeHeader h = base_index ? formats::Fer2001Header() : formats::Fsnb2022Header();
  const store::EstimateHeader& eh = info.header;
  // The ГГЭ header an imported estimate came with (normative acts, the letter of the indices,
  // signatures, GUID); what the service keeps of its own (стройка, объект, number, name, region,
  // price level) is filled in below and wins.
  {
    boost::system::error_code ec;
    const json::value options = json::parse(eh.options_json, ec);
    const json::value* stored =
        !ec && options.is_object() ? options.get_object().if_contains("header") : nullptr;
    if (stored != nullptr) {
      auto read = formats::ParseGgeHeader(json::serialize(json::object{{"header", *stored}}), h);
      if (read.ok()) h = std::move(read).value();
    }
  }
  h.construction_number = Id(project->id);
  h.construction_name = project->name;
  h.object_number = Id(object->id);
  h.object_name = object->name;
  h.number = eh.number.empty() ? Id(info.id) : eh.number;
  h.name = eh.name;
  h.date = eh.date;
  if (h.region_code != eh.region) h.region_name.clear();  // the stored header's, of another region
  if (h.zone_code != eh.zone) h.zone_name.clear();
  h.region_code = eh.region;
  h.zone_code = eh.zone;
  if (auto active = base_.Active(); active->release) {
    for (const auto& prices : active->release->prices) {
      if (prices.region_code == eh.region) h.region_name = std::string(prices.region_name);
    }
  }
  if (h.region_name.empty()) h.region_name = std::string(normbase::RegionName(eh.region));
  if (eh.quarter.size() == 7 && eh.quarter[4] == '-' && eh.quarter[5] == 'Q') {
    h.price_year = std::atoi(eh.quarter.substr(0, 4).c_str());
    h.price_quarter = eh.quarter[6] - '0';
  }
  // An unchanged version gives the same file: the next reader of it gets this one (a PDF of
  // 10,000 positions takes seconds). The key holds what the file states besides the version —
  // the names of the project and the object, the region — so a rename makes a new file.
  // ViewKey names the database and the version of the working copy read above.
  const std::string key = working_.ViewKey(info) + ":export:" + format + ":" + h.construction_name +
                          "\x1f" + h.object_name + "\x1f" + h.region_name;
  if (auto hit = results_.Get(key)) {
    const std::string_view v = *hit;
    const auto a = v.find('\x1f');
    const auto b = a == std::string_view::npos ? a : v.find('\x1f', a + 1);
    if (b != std::string_view::npos) {
      return ExportedFile{std::string(v.substr(0, a)), std::string(v.substr(a + 1, b - a - 1)),
                          std::string(v.substr(b + 1))};
    }
  }
  if (h.guid.empty()) {
    char guid[40];
    std::snprintf(guid, sizeof guid, "{00000000-0000-4000-8000-%012lld}",
                  static_cast<long long>(info.id));
    h.guid = guid;
  }
  if (h.export_time.empty()) h.export_time = core::FormatXsdDateTime(Now(options_));
  formats::WriteHeaders headers;
  headers.estimate = h;
  headers.progress = progress;
  auto file = WriteExport(*writer, *computed, headers, h.number, options_.gge_xsd_dir);
  if (file.ok()) {
    results_.Put(key, std::make_shared<const std::string>(file->content_type + "\x1f" +
                                                          file->filename + "\x1f" + file->bytes));
  }
  return file;
}

namespace {

bool EndsWith(const std::string& s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  std::string tail = s.substr(s.size() - suffix.size());
  for (char& c : tail) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return tail == suffix;
}

}  // namespace

Result<formats::BoqImport> DocumentService::ReadBoq(std::string_view bytes, const std::string& filename) {
  const auto fail = [&](const Status& s) -> Status {
    return InvalidArgument("file: " + (filename.empty() ? std::string() : filename + ": ") + s.message());
  };
  Result<formats::BoqImport> boq = bytes.starts_with("PK")      ? formats::ReadBoqXlsx(bytes)
                                   : EndsWith(filename, ".csv") ? formats::ReadBoqCsv(bytes)
                                                                : formats::ReadBoqGge(bytes);
  if (!boq.ok()) return fail(boq.status());
  if (boq->lines.empty()) return fail(InvalidArgument("the bill of quantities has no lines"));
  return boq;
}

Result<EditOutcome> DocumentService::Import(const Actor& actor, std::int64_t object_id,
                                            std::string_view bytes, const std::string& filename,
                                            const ImportOptions& options) {
  if (Status s = Denied(actor, auth::Permission::kCreateEstimate); !s.ok()) return s;
  // Whatever is wrong with an upload (malformed, a zip bomb, entities) is the client's 400.
  const auto fail = [&](const Status& s) -> Status {
    return InvalidArgument("file: " + (filename.empty() ? std::string() : filename + ": ") +
                           s.message());
  };
  // What the file is, by its first bytes: a zip (xlsx: a bill of quantities), АРПС ("1#"), or
  // XML (ГГЭ); a .csv name is a bill of quantities.
  if (bytes.starts_with("PK")) {
    auto boq = formats::ReadBoqXlsx(bytes);
    if (!boq.ok()) return fail(boq.status());
    return ImportBoq(actor, object_id, *boq, filename, options);
  }
  if (EndsWith(filename, ".csv")) {
    auto boq = formats::ReadBoqCsv(bytes);
    if (!boq.ok()) return fail(boq.status());
    return ImportBoq(actor, object_id, *boq, filename, options);
  }
  if (bytes.starts_with("1#")) {
    auto arps = formats::ReadEstimateFile(formats::Format::kArps, bytes);
    if (!arps.ok()) return fail(arps.status());
    return ImportDocument(actor, object_id, std::move(arps).value(), filename, options);
  }
  auto type = formats::GgeDocumentType(bytes);
  if (!type.ok() || *type == "Ведомость объемов работ") {
    // A ГГЭ bill of quantities (the «Минстрой» layout declares no Meta/File/Type).
    auto boq = formats::ReadBoqGge(bytes);
    if (boq.ok()) return ImportBoq(actor, object_id, *boq, filename, options);
    if (type.ok()) return fail(boq.status());
    return fail(type.status());
  }
  if (*type != "ЛС") {
    return fail(InvalidArgument("xml: a ГГЭ document of type " + *type +
                                "; an estimate is made from a ЛСР (ЛС) or a ВОР"));
  }
  auto imported = formats::ReadEstimateFile(formats::Format::kGge, bytes);
  if (!imported.ok()) return fail(imported.status());
  return ImportDocument(actor, object_id, std::move(imported).value(), filename, options);
}

Result<EditOutcome> DocumentService::ImportDocument(const Actor& actor, std::int64_t object_id,
                                                    formats::GgeImport imported_value,
                                                    const std::string& filename,
                                                    const ImportOptions& options) {
  auto imported = &imported_value;
  const formats::GgeHeader& h = imported->header;
  json::object body{{"name", h.name.empty() ? filename : h.name},
                    {"number", h.number},
                    {"region", h.region_code},
                    {"zone", h.zone_code},
                    {"date", h.date},
                    {"document", json::parse(imported->document_json)}};
  if (h.price_year > 0 && h.price_quarter > 0) {
    body["quarter"] = std::to_string(h.price_year) + "-Q" + std::to_string(h.price_quarter);
  }
  if (!options.region.empty()) body["region"] = options.region;
  if (!options.zone.empty()) body["zone"] = options.zone;
  if (!options.quarter.empty()) body["quarter"] = options.quarter;
  const json::value request_body(std::move(body));
  json::array differences, warnings;
  for (const auto& d : imported->differences) {
    differences.push_back(json::object{{"path", d.path}, {"stated", d.stated}, {"computed", d.computed}});
  }
  NewEstimateRequest request;
  request.body = &request_body;  // handed over parsed, not as text to be parsed again
  request.import_report = json::serialize(json::object{
      {"source", filename}, {"compared", imported->compared}, {"differences", differences}});
  auto created = catalog_.CreateEstimate(actor, object_id, request);
  if (!created.ok()) return created.status();
  for (const auto& w : imported->warnings) warnings.push_back(json::string(w));
  const json::value estimate = json::parse(created->json);
  created->estimate_id = estimate.at("id").as_int64();
  created->json = json::serialize(json::object{
      {"estimate_id", estimate.at("id")},
      {"version", created->version},
      {"source", filename},
      {"compared", imported->compared},
      {"reproduced", imported->differences.empty()},
      {"differences", std::move(differences)},
      {"warnings", std::move(warnings)},
      {"totals", estimate.as_object().contains("totals") ? estimate.at("totals") : json::value(nullptr)}});
  return created;
}

Result<EditOutcome> DocumentService::ImportBoq(const Actor& actor, std::int64_t object_id,
                                               const formats::BoqImport& boq,
                                               const std::string& filename,
                                               const ImportOptions& options) {
  if (boq.lines.empty()) return InvalidArgument("file: " + filename + ": the bill of quantities has no lines");
  // Sections in the order the ВОР names them.
  std::vector<std::string> sections;
  for (const auto& line : boq.lines) {
    const std::string name = line.section.empty() ? "Раздел 1" : line.section;
    if (std::find(sections.begin(), sections.end(), name) == sections.end()) sections.push_back(name);
  }
  std::string name = filename;
  // The file's name without its extension; a draft's name (BoqAssistant) has none.
  for (const char* extension : {".xlsx", ".csv", ".gge", ".xml"}) {
    if (EndsWith(name, extension)) name.resize(name.size() - std::string_view(extension).size());
  }
  json::array section_list;
  for (const auto& s : sections) section_list.push_back(json::object{{"name", s}});
  json::object body{{"name", name.empty() ? std::string("ВОР") : name},
                    {"region", options.region},
                    {"zone", options.zone},
                    {"quarter", options.quarter},
                    {"sections", std::move(section_list)}};
  const json::value request_body(std::move(body));
  NewEstimateRequest request;
  request.body = &request_body;  // handed over parsed, not as text to be parsed again
  auto created = catalog_.CreateEstimate(actor, object_id, request);
  if (!created.ok()) return created.status();
  const json::value view = json::parse(created->json);
  const std::int64_t estimate_id = view.at("id").as_int64();
  std::map<std::string, std::int64_t> section_ids;
  for (const auto& s : view.at("sections").as_array()) {
    section_ids[std::string(s.at("name").as_string())] = s.at("id").as_int64();
  }
  // A line whose code is a norm of the active release is priced from it; any other is listed
  // unpriced, as the estimator's work list, with a warning.
  auto active = base_.Active();
  json::array ops, warnings;
  for (const auto& w : boq.warnings) warnings.push_back(json::string(w));
  std::size_t priced = 0;
  for (const auto& line : boq.lines) {
    const std::int64_t section = section_ids[line.section.empty() ? "Раздел 1" : line.section];
    bool norm = false;
    if (auto split = SplitNormCode(line.code); split && active->release &&
        !options.region.empty() && !options.quarter.empty()) {
      norm = active->release->FindNorm(split->first, split->second) != nullptr;
    }
    if (norm) {
      ++priced;
      ops.push_back(json::object{{"op", "add_position"}, {"section_id", section},
                                 {"code", line.code}, {"quantity", line.quantity.ToString()},
                                 {"number", line.number.empty() ? json::value(nullptr) : json::value(line.number)}});
      continue;
    }
    json::object doc{{"type", "resource"}, {"kind", "material"},
                     {"code", line.code.empty() ? "ВОР-" + std::to_string(line.row) : line.code},
                     {"name", line.name}, {"unit", line.unit}, {"quantity", line.quantity.ToString()}};
    if (!line.number.empty()) doc["number"] = line.number;
    ops.push_back(json::object{{"op", "add_position"}, {"section_id", section}, {"position", std::move(doc)}});
    warnings.push_back(json::string("row " + std::to_string(line.row) + ": «" + line.name +
                                    "» is listed unpriced" +
                                    (line.code.empty() ? std::string(" (no code)")
                                                       : " (" + line.code + " is not a norm of the active release"
                                                         " or no region/quarter was given)")));
  }
  auto edited = editing_.Edit(actor, estimate_id, created->version, json::serialize(ops), "lines",
                     "ВОР " + filename);
  if (!edited.ok()) {
    (void)catalog_.DeleteEstimate(actor, estimate_id, created->version);  // nothing half-made stays
    return edited.status();
  }
  const json::value after = json::parse(edited->json);
  edited->estimate_id = estimate_id;
  edited->json = json::serialize(json::object{
      {"estimate_id", estimate_id},
      {"version", edited->version},
      {"source", filename},
      {"lines", boq.lines.size()},
      {"priced", priced},
      {"warnings", std::move(warnings)},
      {"totals", after.as_object().contains("totals") ? after.at("totals") : json::value(nullptr)}});
  return edited;
}

namespace {

// The registry's writer of `format` for an ОСР or ССР (the two take the same formats).
Result<const formats::Writer*> RollUpWriter(const std::string& format, formats::DocumentKind kind) {
  const formats::Writer* writer = formats::FindExportWriter(format, kind);
  if (writer == nullptr) {
    return InvalidArgument("format: \"" + format + "\" is not one of " +
                           formats::ExportFormatList(kind));
  }
  return writer;
}

}  // namespace

Result<ExportedFile> DocumentService::ExportObjectEstimate(const Actor& actor,
                                                           std::int64_t object_id,
                                                           const std::string& format,
                                                           formats::WriteProgress* progress) {
  if (Status s = Denied(actor, auth::Permission::kReadEstimates); !s.ok()) return s;
  auto writer = RollUpWriter(format, formats::DocumentKind::kObjectEstimate);
  if (!writer.ok()) return writer.status();
  std::string number, name;
  auto document = rollups_.ObjectEstimateDocument(actor, object_id, &number, &name);
  if (!document.ok()) return document.status();
  auto input = formats::ParseObjectEstimateDocument(*document);
  if (!input.ok()) return FailedPrecondition("object estimate: " + input.status().message());
  auto object = estimates_.Get<store::SiteObject>(actor.organization_id, object_id);
  if (!object.ok()) return object.status();
  auto project = estimates_.Get<store::Project>(actor.organization_id, object->project_id);
  if (!project.ok()) return project.status();
  auto computed = formats::Compute(std::move(input).value());
  if (!computed.ok()) return FailedPrecondition("object estimate: " + computed.status().message());
  formats::WriteHeaders headers;
  headers.progress = progress;
  formats::GgeObjectHeader& h = headers.object;
  h.construction_number = Id(project->id);
  h.construction_name = project->name;
  auto list = estimates_.ListEstimates(actor.organization_id, object_id);
  if (list.ok() && !list->empty()) h.region_code = list->front().header.region;
  const core::Timestamp now = Now(options_);
  h.created = h.approved = core::FormatUtcDate(now);
  h.export_time = core::FormatXsdDateTime(now);
  headers.print.construction = project->name;
  headers.print.object = object->name;
  headers.print.number = number;
  return WriteExport(**writer, *computed, headers, number, options_.gge_xsd_dir);
}

Result<ExportedFile> DocumentService::ExportSummaryEstimate(const Actor& actor,
                                                            std::int64_t project_id,
                                                            const SummaryRequest& request,
                                                            const std::string& format,
                                                            formats::WriteProgress* progress) {
  auto writer = RollUpWriter(format, formats::DocumentKind::kSummaryEstimate);
  if (!writer.ok()) return writer.status();
  auto document = rollups_.SummaryEstimateDocument(actor, project_id, request);
  if (!document.ok()) return document.status();
  auto input = formats::ParseSummaryEstimateDocument(*document);
  if (!input.ok()) return FailedPrecondition("summary estimate: " + input.status().message());
  auto project = estimates_.Get<store::Project>(actor.organization_id, project_id);
  if (!project.ok()) return project.status();
  const std::string number = input->number;
  auto computed = formats::Compute(std::move(input).value());
  if (!computed.ok()) return FailedPrecondition("summary estimate: " + computed.status().message());
  formats::WriteHeaders headers;
  headers.progress = progress;
  const core::Timestamp now = Now(options_);
  headers.summary.created = headers.summary.approved =
      request.date.empty() ? core::FormatUtcDate(now) : request.date;
  headers.summary.export_time = core::FormatXsdDateTime(now);
  headers.print.construction = project->name;
  return WriteExport(**writer, *computed, headers, number, options_.gge_xsd_dir);
}

Result<ExportedFile> DocumentService::Export(const Actor& actor, const ExportTarget& target,
                                            formats::WriteProgress* progress) {
  switch (target.kind) {
    case ExportTargetKind::kEstimate:
      return Export(actor, target.id, target.format, progress);
    case ExportTargetKind::kObjectEstimate:
      return ExportObjectEstimate(actor, target.id, target.format, progress);
    case ExportTargetKind::kSummaryEstimate:
      return ExportSummaryEstimate(actor, target.id, target.summary, target.format, progress);
  }
  return Internal("export: unknown target");
}

Result<ExportPlan> DocumentService::Plan(const Actor& actor, const ExportTarget& target) {
  if (Status s = Denied(actor, auth::Permission::kReadEstimates); !s.ok()) return s;
  using formats::DocumentKind;
  ExportPlan plan;
  if (target.kind == ExportTargetKind::kEstimate) {
    const formats::Writer* writer =
        formats::FindExportWriter(target.format, DocumentKind::kResourceIndexEstimate);
    if (writer == nullptr) {
      return InvalidArgument("format: \"" + target.format + "\" is not one of " +
                             formats::ExportFormatList(DocumentKind::kResourceIndexEstimate));
    }
    auto version = reader_.CurrentVersion(actor, target.id);
    if (!version.ok()) return version.status();
    auto working = working_.Get(actor, target.id, *version);
    if (!working.ok()) return working.status();
    std::lock_guard lock((*working)->mu);
    const WorkingEstimate& w = **working;
    if (!w.problem.empty()) return FailedPrecondition("estimate: " + w.problem);
    if (!w.resource_index) {
      writer = formats::FindExportWriter(target.format, DocumentKind::kBaseIndexEstimate);
      if (writer == nullptr) {
        return FailedPrecondition("format: АРПС is written for the resource-index method only; "
                                  "a base-index estimate goes out as gge, gge-3.02, xlsx or pdf");
      }
    }
    plan.positions = w.PositionCount();
    for (const auto& section : w.estimate.sections) {
      for (const auto& position : section.positions) plan.resource_rows += position.resources.size();
    }
    const std::string& number = w.info.header.number;
    plan.content_type = std::string(writer->content_type);
    plan.filename = formats::FileName(*writer, number.empty() ? Id(w.info.id) : number);
    return plan;
  }
  const DocumentKind kind = target.kind == ExportTargetKind::kObjectEstimate
                                ? DocumentKind::kObjectEstimate
                                : DocumentKind::kSummaryEstimate;
  auto writer = RollUpWriter(target.format, kind);
  if (!writer.ok()) return writer.status();
  // A roll-up's document is its lines (one per estimate or chapter row): small, and made from
  // stored totals. Its number names the file.
  std::string number;
  if (target.kind == ExportTargetKind::kObjectEstimate) {
    std::string name;
    auto document = rollups_.ObjectEstimateDocument(actor, target.id, &number, &name);
    if (!document.ok()) return document.status();
    plan.positions = static_cast<std::size_t>(std::count(document->begin(), document->end(), '{'));
  } else {
    auto document = rollups_.SummaryEstimateDocument(actor, target.id, target.summary);
    if (!document.ok()) return document.status();
    auto input = formats::ParseSummaryEstimateDocument(*document);
    if (!input.ok()) return FailedPrecondition("summary estimate: " + input.status().message());
    number = input->number;
    plan.positions = static_cast<std::size_t>(std::count(document->begin(), document->end(), '{'));
  }
  plan.content_type = std::string((*writer)->content_type);
  plan.filename = formats::FileName(**writer, number);
  return plan;
}

}  // namespace estimate::services
