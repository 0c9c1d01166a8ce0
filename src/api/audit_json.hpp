#pragma once
// The API's JSON of the audit log (services/audit_types.hpp): GET /api/v1/audit answers an array
// of {"id", "at", "actor_user_id", "action", "entity_type", "entity_id", "request_id", "before",
// "after"}, the JSON texts of before/after parsed back into JSON (kept as a string if they are
// not JSON).
#include <boost/json/array.hpp>
#include <vector>

#include "services/audit_types.hpp"

namespace estimate::api {

boost::json::array AuditEntriesJson(const std::vector<services::AuditEntry>& entries);

}  // namespace estimate::api
