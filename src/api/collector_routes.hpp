#pragma once
// The data collector and the releases' administration over HTTP:
//   GET  /api/v1/releases/{id}/diff?against=ID   what the release changes against another (the
//                                                active one by default): norms, the price book,
//                                                each price set's moved prices
//   POST /api/v1/releases/{id}/activate          admin; audited
//   POST /api/v1/releases/rollback               admin; audited
//   GET  /api/v1/collector/jobs[?limit&offset]   newest first
//   GET  /api/v1/collector/jobs/{id}             with its log and files
//   POST /api/v1/collector/jobs {what, region?, zone?, quarter?}  admin: «collect now», 202 — a
//                                                collector role runs it
#include "api/authenticate.hpp"
#include "http/router.hpp"
#include "services/collector_service.hpp"

namespace estimate::api {

void AddCollectorRoutes(http::Router& router, const AuthContext& context,
                        services::CollectorService& collector);

}  // namespace estimate::api
