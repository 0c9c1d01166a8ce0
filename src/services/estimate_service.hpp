#pragma once
// Projects (стройки) → objects → estimates (ЛСР) as a multi-user service: every use case checks
// the actor's role (auth/policy.hpp) and organization (the repository scopes every row by it),
// writes the change and its audit record in one transaction, and keeps the figures current.
//
// Estimates. An estimate fixes its release, region, zone, quarter, method and date; its positions
// are calc-v1 position objects (docs/calc-document.md), so the estimate's document
// (EstimateDocument) computes in `estimate-service calc` to exactly the figures shown here.
// Positions are added by norm code (priced from the active release for the estimate's region,
// zone and quarter), by price-book resource code, or as a whole document; edits patch fields of a
// position (quantity, coefficients, НР/СП, extra rows, prices, …) and are validated as a document
// would be. Only drafts change; the status workflow is draft → review → approved (and back, by
// the roles policy.hpp names).
//
// Versions and concurrency. Every write names the version it was based on (HTTP If-Match); a
// stale one is Aborted and writes nothing. Every accepted write is one version of the store and
// one audit record, in one transaction.
//
// Speed. The last estimates used are kept in memory, parsed and computed, at their version: an
// edit of one position re-prices that position and the totals (core::ResourceIndexCalculation::
// Reprice) and writes one row, whatever the size of the estimate. The served JSON of an estimate
// is kept in the result cache (Redis when configured) under its version, so a read costs one
// version look-up and a cache hit. Another instance's write moves the version on, which every
// instance sees at its next read.
//
// Errors: InvalidArgument naming the field ("changes[1].quantity: …", "name: is required"),
// NotFound (also for every row of another organization), PermissionDenied, FailedPrecondition
// (not a draft, a project with objects, a release that is not active), Aborted (stale version),
// Unavailable (database).
//
// Thread-safe.
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cache/result_cache.hpp"
#include "formats/boq/boq_import.hpp"
#include "formats/gge/gge.hpp"
#include "core/status.hpp"
#include "services/actor.hpp"
#include "services/base_service.hpp"
#include "store/audit_repository.hpp"
#include "store/database.hpp"
#include "store/estimate_repository.hpp"

namespace estimate::services {

struct WorkingEstimate;  // estimate_service.cpp

// A new estimate: header fields as JSON (the API's body), optionally with its content.
struct NewEstimateRequest {
  std::string json;  // {"name", "number", "method", "region", "zone", "quarter", "date",
                     //  "vat_date", "options", "release_id", "sections": [{"name",
                     //  "positions": [position objects]}]} or {"document": estimate document}
};

// The answer to a write of an estimate.
struct EditOutcome {
  std::int64_t version = 0;
  std::vector<std::int64_t> added_ids;
  std::string updated_at;
  std::string json;  // {"id", "version", "added_ids", "positions": [...], "sections", "totals"}
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

class EstimateService {
 public:
  struct Options {
    std::size_t working_set_positions = 200'000;  // memory bound of the in-memory estimates
    std::string gge_xsd_dir;  // the ГГЭ schemas every XML export is validated against
  };

  EstimateService(store::Database& db, store::EstimateRepository& estimates,
                  store::AuditRepository& audit, BaseService& base, cache::ResultCache& results,
                  Options options);
  ~EstimateService();

  // Projects. Answers are JSON objects ({"id", "name", "version", …}) or arrays of them. A rename
  // names the version it was based on; Aborted when that is stale.
  Result<std::string> ListProjects(const Actor& actor);
  Result<std::string> CreateProject(const Actor& actor, const std::string& name);
  Result<std::string> GetProject(const Actor& actor, std::int64_t project_id);
  Result<std::string> RenameProject(const Actor& actor, std::int64_t project_id,
                                    std::int64_t expected_version, const std::string& name);
  Status DeleteProject(const Actor& actor, std::int64_t project_id);

  // Objects of a project.
  Result<std::string> ListObjects(const Actor& actor, std::int64_t project_id);
  Result<std::string> CreateObject(const Actor& actor, std::int64_t project_id,
                                   const std::string& name);
  Result<std::string> GetObject(const Actor& actor, std::int64_t object_id);
  Result<std::string> RenameObject(const Actor& actor, std::int64_t object_id,
                                   std::int64_t expected_version, const std::string& name);
  Status DeleteObject(const Actor& actor, std::int64_t object_id);

  // Estimates of an object (headers only).
  Result<std::string> ListEstimates(const Actor& actor, std::int64_t object_id);
  // 201: the new estimate's view.
  Result<EditOutcome> CreateEstimate(const Actor& actor, std::int64_t object_id,
                                     const NewEstimateRequest& request);
  // The current version of an estimate (for ETag and conditional reads).
  Result<std::int64_t> CurrentVersion(const Actor& actor, std::int64_t estimate_id);
  // The estimate with sections, positions and their figures, and the totals.
  Result<EstimateView> View(const Actor& actor, std::int64_t estimate_id);
  // One position: its whole document, figures and computed lines.
  Result<std::string> PositionView(const Actor& actor, std::int64_t estimate_id,
                                   std::int64_t position_id);
  // The calc-v1 document of the estimate (current, or at `version`).
  Result<std::string> Document(const Actor& actor, std::int64_t estimate_id,
                               std::optional<std::int64_t> version);
  // A batch of changes ({"op": …} objects as JSON text, an array) as one version. `path` names
  // the changes in errors ("changes" for a batch; "" when one op stands for the whole body).
  Result<EditOutcome> Edit(const Actor& actor, std::int64_t estimate_id,
                           std::int64_t expected_version, const std::string& changes_json,
                           const std::string& path, const std::string& summary);
  Result<EditOutcome> SetStatus(const Actor& actor, std::int64_t estimate_id,
                                std::int64_t expected_version, const std::string& status);
  Status DeleteEstimate(const Actor& actor, std::int64_t estimate_id,
                        std::int64_t expected_version);

  // History.
  Result<std::string> Versions(const Actor& actor, std::int64_t estimate_id);
  Result<std::string> VersionView(const Actor& actor, std::int64_t estimate_id,
                                  std::int64_t version);
  Result<std::string> Diff(const Actor& actor, std::int64_t estimate_id, std::int64_t from,
                           std::int64_t to);
  Result<EditOutcome> Restore(const Actor& actor, std::int64_t estimate_id, std::int64_t version,
                              std::int64_t expected_version);
  Result<EditOutcome> Duplicate(const Actor& actor, std::int64_t estimate_id,
                                std::int64_t object_id, const std::string& name);

  // Roll-ups: the ОСР of an object and the ССР of a project (object-estimate-result/1 and
  // summary-estimate-result/1 with the document they were computed from).
  Result<std::string> ObjectEstimate(const Actor& actor, std::int64_t object_id);
  Result<std::string> SummaryEstimate(const Actor& actor, std::int64_t project_id,
                                      const SummaryRequest& request);

  // Documents out: `format` gge (ГГЭ XML 3.01, validated against the XSD before it is returned).
  Result<ExportedFile> Export(const Actor& actor, std::int64_t estimate_id,
                              const std::string& format);
  // Documents in, as a new draft estimate of `object_id`: a ГГЭ XML ЛСР (either method), an
  // АРПС 1.10 file, or a bill of quantities (ВОР, XLSX or CSV: lines whose code is a norm of the
  // active release are priced for `options`' region and quarter, the others listed unpriced).
  // The answer's JSON names the new estimate and reports every figure the file states that the
  // recalculation does not reproduce, and what could not be read.
  struct ImportOptions {
    std::string region, zone, quarter;  // override or complete the file's
  };
  Result<EditOutcome> Import(const Actor& actor, std::int64_t object_id, std::string_view bytes,
                             const std::string& filename, const ImportOptions& options);

  // The ОСР of an object and the ССР of a project as files: gge (validated against the XSD),
  // xlsx or pdf.
  Result<ExportedFile> ExportObjectEstimate(const Actor& actor, std::int64_t object_id,
                                            const std::string& format);
  Result<ExportedFile> ExportSummaryEstimate(const Actor& actor, std::int64_t project_id,
                                             const SummaryRequest& request,
                                             const std::string& format);

  // The audit log of the actor's organization (read_audit), newest first.
  Result<std::string> Audit(const Actor& actor, const store::AuditQuery& query);

 private:
  using WorkingPtr = std::shared_ptr<WorkingEstimate>;

  // The in-memory estimate at the store's current version (loaded when missing or stale).
  Result<WorkingPtr> Working(const Actor& actor, std::int64_t estimate_id,
                             std::optional<std::int64_t> version_hint);
  void Remember(const WorkingPtr& working);
  void Forget(std::int64_t organization_id, std::int64_t estimate_id);
  EstimateView CachedView(const WorkingPtr& working);
  Result<EditOutcome> ImportDocument(const Actor& actor, std::int64_t object_id,
                                     formats::GgeImport imported, const std::string& filename,
                                     const ImportOptions& options);
  Result<EditOutcome> ImportBoq(const Actor& actor, std::int64_t object_id,
                                const formats::BoqImport& boq, const std::string& filename,
                                const ImportOptions& options);

  // Saves `changes` as one version with its audit record, in one transaction.
  Result<EditOutcome> Save(const Actor& actor, std::int64_t estimate_id,
                           std::int64_t expected_version, const store::ChangeSet& changes,
                           const std::string& action, const std::string& before_json,
                           const std::string& after_json);
  Result<std::string> ObjectEstimateDocument(const Actor& actor, std::int64_t object_id,
                                             std::string* number, std::string* name);

  store::Database& db_;
  store::EstimateRepository& estimates_;
  store::AuditRepository& audit_;
  BaseService& base_;
  cache::ResultCache& results_;
  Options options_;

  // The result cache's key of an estimate's view at its version.
  std::string ViewKey(const store::EstimateInfo& info);

  std::mutex mu_;  // guards working_ and cache_namespace_
  std::list<WorkingPtr> working_;  // most recently used first
  std::string cache_namespace_;    // the database's installation id, read once
};

}  // namespace estimate::services
