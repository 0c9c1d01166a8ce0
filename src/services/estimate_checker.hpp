#pragma once
// The estimate checker's use case: the rules of ai/estimate_checks.hpp run over an estimate at
// its current version, against the active normative base and the comparison its import recorded,
// and the findings answered with the ids of the sections and positions they concern. Reads only;
// the same estimate at the same version and base gives the same report. Thread-safe.
#include <cstdint>

#include "services/assistant_types.hpp"
#include "services/estimate_deps.hpp"

namespace estimate::services {

class HistoryService;
class WorkingSet;

class EstimateChecker {
 public:
  EstimateChecker(const internal::EstimateDeps& deps, WorkingSet& working, HistoryService& history);

  Result<CheckReport> Check(const Actor& actor, std::int64_t estimate_id);

 private:
  const internal::EstimateDeps& deps_;
  WorkingSet& working_;
  HistoryService& history_;
};

}  // namespace estimate::services
