#pragma once
// Reading estimates: the current version, the view with sections, positions, figures and totals
// (served from the result cache under its version), one position with its computed lines, the
// calc-v1 document, and the view of an earlier version. Thread-safe.
#include <cstdint>
#include <optional>
#include <string>

#include "services/assistant_types.hpp"
#include "services/estimate_deps.hpp"

namespace estimate::services {

class WorkingSet;

class EstimateReader {
 public:
  EstimateReader(const internal::EstimateDeps& deps, WorkingSet& working);

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
  // The view of the estimate as it was at `version`.
  Result<std::string> VersionView(const Actor& actor, std::int64_t estimate_id,
                                  std::int64_t version);
  // The estimate as the assistant's chat reads it: header and totals in a line, and each position
  // with its figures (resource-index; base-index positions without them).
  Result<EstimateDigest> Digest(const Actor& actor, std::int64_t estimate_id);

 private:
  store::EstimateRepository& estimates_;
  cache::ResultCache& results_;
  WorkingSet& working_;
};

}  // namespace estimate::services
