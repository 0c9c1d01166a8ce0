#pragma once
// Private to services: planning an edit — each op of a change set checked against the estimate
// as it is, its new position document built, parsed and computed once — and applying the saved
// ops to the estimate in memory.
#include <boost/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/resource_index_calculator.hpp"
#include "core/status.hpp"
#include "services/estimate_internal.hpp"

namespace estimate::services::internal {

// One op of a change set, checked against the estimate before the set and ready to save.
struct PreparedOp {
  explicit PreparedOp(store::EstimateChange c) : change(std::move(c)) {}
  store::EstimateChange change;
  std::string document;                        // positions: the new document
  std::optional<core::Position> position;       // positions, resource-index: the parsed document
  std::optional<core::PositionResult> figures;  // …and its figures, computed once
  std::vector<std::string> warnings;            // pricing: resources left unpriced
  boost::json::value before = nullptr;          // the item before, for the audit record
};

// Checks one op ({"op": …}) against `w` and prepares it; errors name the field under `path`.
Result<PreparedOp> PrepareOp(const WorkingEstimate& w, BaseService& base,
                             const boost::json::object& op, const std::string& path);

// Applies the saved ops to the in-memory estimate, in order, as the store applied them.
void ApplyToWorking(WorkingEstimate& w, std::vector<PreparedOp>& ops,
                    const std::vector<std::int64_t>& added_ids);

const char* OpName(const store::EstimateChange& change);
// The ids a change touches, for the audit record.
std::int64_t ItemIdOf(const store::EstimateChange& change);
std::string ItemList(const std::vector<std::int64_t>& ids);

}  // namespace estimate::services::internal
