#pragma once
// Sign-in and the administration of an organization:
//   POST /api/v1/auth/login    {"email", "password", "organization_id"?} → token pair
//   POST /api/v1/auth/refresh  {"refresh_token"} → a new pair (the old one is used up)
//   POST /api/v1/auth/logout   {"refresh_token"} → 204, the session is revoked
//   GET  /api/v1/auth/me       the user, the organization, the role, every membership
//   GET|POST /api/v1/users, PATCH|DELETE /api/v1/users/{id}   members (manage_users)
//   GET  /api/v1/audit         the audit log (read_audit), filters as query parameters
#include "api/authenticate.hpp"
#include "http/router.hpp"
#include "services/account_service.hpp"
#include "services/auth_service.hpp"
#include "services/estimate_service.hpp"

namespace estimate::api {

void AddAuthRoutes(http::Router& router, const AuthContext& context,
                   services::AuthService& auth_service, services::AccountService& accounts,
                   services::EstimateServices& estimates);

}  // namespace estimate::api
