#pragma once
// The authentication guard of the API and the request helpers the resource routes share.
//
// A guarded route needs `Authorization: Bearer <access token>`; a missing, malformed, expired,
// tampered or `alg: none` token is 401 with `WWW-Authenticate: Bearer …` (RFC 6750) and no detail
// of the token, and so is the token of a session that ended (services::SessionGuard: logout,
// refresh reuse, password or role change, removal). A valid one becomes the services::Actor
// (user, organization, and the role the user holds now) of the handler,
// is copied into the request for the access log, and counts against the per-user rate limit
// (RATE_LIMIT_LIMIT per RATE_LIMIT_TTL, like the per-IP limit at the edge).
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "api/heavy_work.hpp"
#include "auth/session_manager.hpp"
#include "cache/rate_limiter.hpp"
#include "core/status.hpp"
#include "http/router.hpp"
#include "services/actor.hpp"
#include "services/session_guard.hpp"

namespace boost::json {
class value;
}

namespace estimate::api {

struct AuthContext {
  auth::SessionManager* sessions = nullptr;
  services::SessionGuard* guard = nullptr;  // required: every request is checked against it
  cache::RateLimiter* user_limiter = nullptr;  // null: no per-user limit
  HeavyWorkGate* heavy = nullptr;               // null: document reads and writes not capped
};

using GuardedHandler = std::function<http::Response(http::Request&, const services::Actor&)>;

// A handler that runs `handler` only for a valid access token.
http::Handler Guarded(const AuthContext& context, GuardedHandler handler);

// The token of an `Authorization: Bearer <token>` header (the scheme in any case); nullopt when
// the header is absent or of another form.
std::optional<std::string_view> BearerToken(const http::Request& request);

// Whether `text` holds a control character (C0 or DEL); tab and line breaks count only when not
// `multi_line`.
bool HasControlCharacter(std::string_view text, bool multi_line);

// The positive integer id of path parameter `name`; nullopt (answer 404) otherwise.
std::optional<std::int64_t> PathId(const http::Request& request, const char* name);
http::Response NotFoundPath(const http::Request& request, const std::string& what);

// The JSON object body (415 for another media type, 400 naming the problem: not JSON, not an
// object, a control character, or what the OpenAPI document's request schema of the matched
// route refuses — api::RequestContract). On failure `error` holds the answer.
std::optional<boost::json::value> JsonObjectBody(const http::Request& request,
                                                 http::Response& error);

// The version of an `If-Match` header ("3" or 3); 428 when absent, 400 when malformed, 412 for a
// weak tag (W/"3": RFC 9110's strong comparison never matches it).
std::optional<std::int64_t> IfMatchVersion(const http::Request& request, http::Response& error);

// `"3"`: the ETag of version 3.
std::string VersionTag(std::int64_t version);

}  // namespace estimate::api
