#include "api/authenticate.hpp"

#include <boost/json.hpp>

#include <chrono>
#include <utility>

#include "api/problem.hpp"
#include "api/request_contract.hpp"
#include "core/clock.hpp"
#include "core/text.hpp"
#include "formats/json_syntax.hpp"
#include "services/auth_service.hpp"
#include "telemetry/system_clock.hpp"

namespace estimate::api {

namespace {

http::Response Unauthorized(const http::Request& request, const std::string& detail,
                            const char* error) {
  http::Response r = http::Response::Problem(401, {}, detail, request.path, request.request_id);
  std::string challenge = "Bearer realm=\"estimate-service\"";
  if (error != nullptr) challenge += std::string(", error=\"") + error + "\"";
  r.headers.emplace_back("www-authenticate", std::move(challenge));
  return r;
}

std::int64_t NowSeconds() {
  return core::NowSeconds(telemetry::SystemClock()).time_since_epoch().count();
}

// Fields of one line (names, numbers, codes, e-mail): no tab or line break either.
bool SingleLineField(std::string_view key) {
  return key == "name" || key.ends_with("_name") || key == "email" || key == "number" ||
         key == "code" || key == "title" || key == "role" || key == "unit" || key == "region" ||
         key == "zone" || key == "quarter" || key == "status";
}

// The first string under `v` holding a control character it may not hold: NUL, C0 controls
// and DEL everywhere (PostgreSQL refuses NUL in text; the others would reach printed forms and
// АРПС files raw), tab and line breaks too in single-line fields. Returns its JSON path.
std::optional<std::string> ControlCharacterPath(const boost::json::value& v, std::string& path,
                                                bool single_line) {
  if (v.is_string()) {
    if (HasControlCharacter(v.get_string(), !single_line)) return path;
    return std::nullopt;
  }
  if (v.is_object()) {
    for (const auto& [key, item] : v.get_object()) {
      const std::size_t mark = path.size();
      path += path.empty() ? "" : ".";
      path += std::string(key);
      if (auto bad = ControlCharacterPath(item, path, SingleLineField(key))) return bad;
      path.resize(mark);
    }
  } else if (v.is_array()) {
    std::size_t i = 0;
    for (const auto& item : v.get_array()) {
      const std::size_t mark = path.size();
      path += "[" + std::to_string(i++) + "]";
      if (auto bad = ControlCharacterPath(item, path, single_line)) return bad;
      path.resize(mark);
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string_view> BearerToken(const http::Request& request) {
  const std::string* header = request.Header("authorization");
  constexpr std::string_view kBearer = "Bearer ";
  if (header == nullptr || header->size() <= kBearer.size() ||
      !core::StartsWithIgnoringAsciiCase(*header, kBearer)) {
    return std::nullopt;
  }
  return std::string_view(*header).substr(kBearer.size());
}

bool HasControlCharacter(std::string_view text, bool multi_line) {
  for (unsigned char c : text) {
    const bool allowed_blank = multi_line && (c == '\t' || c == '\n' || c == '\r');
    if ((c < 0x20 && !allowed_blank) || c == 0x7f) return true;
  }
  return false;
}

http::Handler Guarded(const AuthContext& context, GuardedHandler handler) {
  return [context, handler = std::move(handler)](http::Request& request) -> http::Response {
    if (request.Header("authorization") == nullptr) {
      return Unauthorized(request, "authorization: sign in and send the access token as Bearer",
                          nullptr);
    }
    const std::optional<std::string_view> token = BearerToken(request);
    if (!token) {
      return Unauthorized(request, "authorization: expected \"Bearer <access token>\"",
                          "invalid_request");
    }
    auto claims = context.sessions->VerifyAccess(*token);
    if (!claims.ok()) {
      if (claims.status().code() != StatusCode::kUnauthenticated) {
        return ProblemOf(claims.status(), request);
      }
      return Unauthorized(request, claims.status().message(), "invalid_token");
    }
    services::Actor actor;
    const auto user = services::ParseId(claims->sub);
    const auto org = services::ParseId(claims->org);
    if (!user || !org) return Unauthorized(request, "token: malformed subject", "invalid_token");
    auto role = context.guard->CurrentRole(*user, *org, claims->fam);
    if (!role.ok()) {
      if (role.status().code() != StatusCode::kUnauthenticated) {
        return ProblemOf(role.status(), request);
      }
      return Unauthorized(request, role.status().message(), "invalid_token");
    }
    actor.user_id = *user;
    actor.organization_id = *org;
    actor.role = *role;
    actor.request_id = request.request_id;
    request.user_id = claims->sub;
    request.organization_id = claims->org;
    request.role = auth::RoleName(*role);
    if (context.user_limiter != nullptr) {
      const auto decision = context.user_limiter->Hit("user:" + claims->sub, NowSeconds());
      if (!decision.allowed) {
        http::Response r = http::Response::Problem(
            429, {}, "too many requests for this user; the limit is RATE_LIMIT_LIMIT per RATE_LIMIT_TTL",
            request.path, request.request_id);
        r.headers.emplace_back("retry-after", std::to_string(decision.retry_after.count()));
        return r;
      }
    }
    return handler(request, actor);
  };
}

std::optional<std::int64_t> PathId(const http::Request& request, const char* name) {
  auto it = request.path_params.find(name);
  if (it == request.path_params.end()) return std::nullopt;
  return services::ParseId(it->second);
}

http::Response NotFoundPath(const http::Request& request, const std::string& what) {
  return http::Response::Problem(404, {}, what + " does not exist", request.path,
                                 request.request_id);
}

std::optional<boost::json::value> JsonObjectBody(const http::Request& request,
                                                 http::Response& error) {
  if (const std::string* type = request.Header("content-type");
      type != nullptr && type->find("json") == std::string::npos) {
    error = http::Response::Problem(415, {}, "content-type: send the body as application/json",
                                    request.path, request.request_id);
    return std::nullopt;
  }
  boost::system::error_code ec;
  boost::json::parse_options options;
  options.max_depth = 64;
  boost::json::value v = boost::json::parse(request.body, ec, {}, options);
  if (ec) {
    std::string where = formats::JsonSyntaxErrorAt(request.body, options.max_depth);
    error = BadRequest(request, where.empty() ? "body: not valid JSON (" + ec.message() + ")"
                                              : "body: not valid JSON at " + where);
    return std::nullopt;
  }
  if (!v.is_object()) {
    error = BadRequest(request, "body: expected a JSON object");
    return std::nullopt;
  }
  std::string path;
  if (auto bad = ControlCharacterPath(v, path, false)) {
    error = BadRequest(request, *bad + ": control characters are not accepted" +
                                    (SingleLineField(bad->substr(bad->rfind('.') + 1))
                                         ? " (nor tabs or line breaks in this field)"
                                         : " (tab and line break are)"));
    return std::nullopt;
  }
  // The body the OpenAPI document describes for this route, or a 400 naming the field.
  if (auto bad = RequestContract::Embedded().Check(request.method, request.route, v)) {
    error = BadRequest(request, *bad);
    return std::nullopt;
  }
  return v;
}

std::optional<std::int64_t> IfMatchVersion(const http::Request& request, http::Response& error) {
  const std::string* header = request.Header("if-match");
  if (header == nullptr) {
    error = http::Response::Problem(
        428, {},
        "if-match: required; send the ETag of the estimate you changed (GET gives it), so that "
        "no one else's change is overwritten",
        request.path, request.request_id);
    return std::nullopt;
  }
  std::string_view v = *header;
  while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
  if (v.starts_with("W/")) {
    // RFC 9110 §13.1.1: If-Match compares strongly, and a weak tag never matches.
    error = http::Response::Problem(
        412, {}, "if-match: a weak ETag (W/…) never matches; send the ETag as GET gave it",
        request.path, request.request_id);
    return std::nullopt;
  }
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  auto version = services::ParseId(v);
  if (!version) {
    error = BadRequest(request, "if-match: \"" + *header + "\" is not a version ETag such as \"3\"");
    return std::nullopt;
  }
  return version;
}

std::string VersionTag(std::int64_t version) { return "\"" + std::to_string(version) + "\""; }

}  // namespace estimate::api
