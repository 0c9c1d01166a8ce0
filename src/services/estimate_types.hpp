#pragma once
// What the estimate services take and answer: requests, outcomes, views and files.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace boost::json {
class value;
}  // namespace boost::json

namespace estimate::core {
class Clock;
}  // namespace estimate::core

namespace estimate::services {

// A new estimate: header fields as JSON (the API's body), optionally with its content.
struct NewEstimateRequest {
  std::string json;  // {"name", "number", "method", "region", "zone", "quarter", "date",
                     //  "vat_date", "options", "release_id", "sections": [{"name",
                     //  "positions": [position objects]}]} or {"document": estimate document}
  // The same already parsed, when the caller has it (then `json` is not read): a 10,000-position
  // body is 25 MB, parsed in a quarter of a second. Borrowed for the call.
  const boost::json::value* body = nullptr;
  // An imported file's report (JSON object: {"source", "compared", "differences"}), kept in the
  // estimate's "create" audit record, in the same transaction, for the checker.
  std::string import_report{};
};

// The answer to a write of an estimate.
struct EditOutcome {
  std::int64_t version = 0;
  std::vector<std::int64_t> added_ids;
  std::string updated_at;
  std::string json;  // {"id", "version", "added_ids", "positions": [...], "sections", "totals"}
  std::int64_t estimate_id = 0;  // set by the imports: the estimate they made
};

// The served JSON of an estimate at one version.
struct EstimateView {
  std::int64_t version = 0;
  std::shared_ptr<const std::string> json;
};

// A document to download.
struct ExportedFile {
  std::string content_type;
  std::string filename;
  std::string bytes;
};

// Summary estimate (ССР) options of a project.
struct SummaryRequest {
  std::string date;                  // YYYY-MM-DD: the VAT rate; empty: today (UTC)
  std::string contingency_percent = "0";
  std::string temporary_buildings_percent;  // ВЗиС, chapter 8; empty: none
  std::string winter_percent;               // зимнее удорожание, chapter 9; empty: none
};

// A document to export: an estimate (ЛСР), the ОСР of an object or the ССР of a project, in
// `format` (?format=… of the export routes).
enum class ExportTargetKind { kEstimate, kObjectEstimate, kSummaryEstimate };

struct ExportTarget {
  ExportTargetKind kind = ExportTargetKind::kEstimate;
  std::int64_t id = 0;
  std::string format;
  SummaryRequest summary;  // kSummaryEstimate only
};

// What an export will give and how big its document is, known before any file is written.
struct ExportPlan {
  std::string content_type;
  std::string filename;
  std::size_t positions = 0;      // positions of a ЛСР, lines of an ОСР or ССР
  std::size_t resource_rows = 0;  // resource lines under the positions of a ЛСР
};

// How the estimate services are set up.
struct EstimateServicesOptions {
  const core::Clock* clock = nullptr;  // "now" for documents that name no date; null: the system's
  std::size_t working_set_positions = 200'000;  // memory bound of the in-memory estimates
  std::string gge_xsd_dir;  // the ГГЭ schemas every XML export is validated against
};

// Documents in: what completes or overrides an imported file's header.
struct ImportOptions {
  std::string region, zone, quarter;
};

}  // namespace estimate::services
