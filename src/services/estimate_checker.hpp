#pragma once
// The estimate checker's use case: the rules of ai/estimate_checks.hpp run over an estimate at
// its current version, against the active normative base and the comparison its import recorded,
// and the findings answered with the ids of the positions they concern. Reads only; the same
// estimate at the same version and base gives the same answer. Thread-safe.
#include <cstdint>
#include <string>

#include "services/estimate_deps.hpp"

namespace estimate::services {

class WorkingSet;

class EstimateChecker {
 public:
  EstimateChecker(const internal::EstimateDeps& deps, WorkingSet& working);

  // {"estimate_id", "version", "release": {"id", "name"} | null, "rules", "summary": {"error",
  //  "warning", "info"}, "findings": [{"rule", "severity", "title", "section_id", "position_id",
  //  "number", "code", "field", "message", "fix"}]}
  Result<std::string> Check(const Actor& actor, std::int64_t estimate_id);

 private:
  const internal::EstimateDeps& deps_;
  WorkingSet& working_;
};

}  // namespace estimate::services
