#pragma once
// GET /api/v1/audit's use case in typed terms while EstimateService::Audit still takes the
// store's query: converts the filter and calls it. To go once EstimateService::Audit takes an
// AuditFilter (and returns AuditEntry values for the API to write).
#include <string>

#include "core/status.hpp"
#include "services/actor.hpp"
#include "services/audit_types.hpp"

namespace estimate::services {

class EstimateService;

// The records of the actor's organization matching `filter`, newest first, as the JSON array
// EstimateService::Audit writes. PermissionDenied without the read_audit permission.
Result<std::string> ReadAudit(EstimateService& estimates, const Actor& actor,
                              const AuditFilter& filter);

}  // namespace estimate::services
