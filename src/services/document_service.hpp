#pragma once
// Documents out and in. Out: an estimate as ГГЭ XML (3.01 or 3.02, validated against the XSD
// before it is returned), XLSX, PDF or АРПС; the ОСР of an object and the ССР of a project as
// ГГЭ XML, XLSX or PDF. In, as a new draft estimate of an object: a ГГЭ XML ЛСР (either method),
// an АРПС 1.10 file, or a bill of quantities (ВОР, XLSX, CSV or ГГЭ XML: lines whose code is a
// norm of the active release are priced for the region and quarter, the others listed
// unpriced); the answer reports every figure the file states that the recalculation does not
// reproduce, and what could not be read. Thread-safe.
#include <cstdint>
#include <string>
#include <string_view>

#include "services/estimate_deps.hpp"

namespace estimate::formats {
class WriteProgress;
struct GgeImport;
struct BoqImport;
}  // namespace estimate::formats

namespace estimate::services {

class CatalogService;
class EditingService;
class EstimateReader;
class RollupService;
class WorkingSet;

class DocumentService {
 public:
  DocumentService(const internal::EstimateDeps& deps, WorkingSet& working, EstimateReader& reader,
                  CatalogService& catalog, EditingService& editing, RollupService& rollups);

  // `progress` (optional) watches the writer and may cancel it (formats/progress.hpp): the
  // answer is then Aborted "cancelled". A file served again from the result cache is not watched.
  Result<ExportedFile> Export(const Actor& actor, std::int64_t estimate_id,
                              const std::string& format,
                              formats::WriteProgress* progress = nullptr);
  Result<EditOutcome> Import(const Actor& actor, std::int64_t object_id, std::string_view bytes,
                             const std::string& filename, const ImportOptions& options);
  Result<ExportedFile> ExportObjectEstimate(const Actor& actor, std::int64_t object_id,
                                            const std::string& format,
                                            formats::WriteProgress* progress = nullptr);
  Result<ExportedFile> ExportSummaryEstimate(const Actor& actor, std::int64_t project_id,
                                             const SummaryRequest& request,
                                             const std::string& format,
                                             formats::WriteProgress* progress = nullptr);
  // Any of the three above, by target.
  Result<ExportedFile> Export(const Actor& actor, const ExportTarget& target,
                              formats::WriteProgress* progress = nullptr);
  // What Export(target) would give (content type, file name) and the size of the document it
  // writes, without writing it: the same errors as Export for a format it does not take or a
  // document the actor may not read. Cheap: an estimate comes from the working set.
  Result<ExportPlan> Plan(const Actor& actor, const ExportTarget& target);

  // A bill of quantities (ВОР) read, nothing stored: XLSX (by its first bytes), CSV (by a .csv
  // name) or ГГЭ XML. InvalidArgument naming the file for what cannot be read.
  static Result<formats::BoqImport> ReadBoq(std::string_view bytes, const std::string& filename);
  // A draft estimate of `object_id` from the lines of a bill of quantities: a line whose code is
  // a norm of the active release (with a region and quarter given) becomes a priced position,
  // any other an unpriced line of the work list, with a warning. One version; nothing is left
  // when it fails.
  Result<EditOutcome> ImportBoq(const Actor& actor, std::int64_t object_id,
                                const formats::BoqImport& boq, const std::string& filename,
                                const ImportOptions& options);

 private:
  Result<EditOutcome> ImportDocument(const Actor& actor, std::int64_t object_id,
                                     formats::GgeImport imported, const std::string& filename,
                                     const ImportOptions& options);

  store::EstimateRepository& estimates_;
  BaseService& base_;
  cache::ResultCache& results_;
  EstimateServicesOptions options_;
  WorkingSet& working_;
  EstimateReader& reader_;
  CatalogService& catalog_;
  EditingService& editing_;
  RollupService& rollups_;
};

}  // namespace estimate::services
