#include "services/audit_reader.hpp"

#include "services/estimate_service.hpp"
#include "services/store_views.hpp"

namespace estimate::services {

Result<std::string> ReadAudit(EstimateService& estimates, const Actor& actor,
                              const AuditFilter& filter) {
  return estimates.Audit(actor, QueryOf(filter));
}

}  // namespace estimate::services
