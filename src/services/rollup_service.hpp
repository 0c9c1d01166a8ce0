#pragma once
// Roll-ups: the ОСР of an object (its estimates' totals) and the ССР of a project (chapters 1–12,
// temporary buildings, winter costs, contingency, VAT by date), as object-estimate-result/1 and
// summary-estimate-result/1 with the document they were computed from. Thread-safe.
#include <cstdint>
#include <string>

#include "services/estimate_deps.hpp"

namespace estimate::services {

class EstimateReader;

class RollupService {
 public:
  RollupService(const internal::EstimateDeps& deps, EstimateReader& reader);

  Result<std::string> ObjectEstimate(const Actor& actor, std::int64_t object_id);
  Result<std::string> SummaryEstimate(const Actor& actor, std::int64_t project_id,
                                      const SummaryRequest& request);
  // The summary-estimate/1 document of a project, not yet computed (the export computes it once).
  Result<std::string> SummaryEstimateDocument(const Actor& actor, std::int64_t project_id,
                                              const SummaryRequest& request);
  // The object-estimate/1 document of an object, its number and name.
  Result<std::string> ObjectEstimateDocument(const Actor& actor, std::int64_t object_id,
                                             std::string* number, std::string* name);

 private:
  store::EstimateRepository& estimates_;
  EstimateServicesOptions options_;
  EstimateReader& reader_;
};

}  // namespace estimate::services
