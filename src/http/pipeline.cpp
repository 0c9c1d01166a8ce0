#include "http/pipeline.hpp"

#include <algorithm>
#include <random>

#include "core/clock.hpp"
#include "telemetry/log.hpp"
#include "telemetry/system_clock.hpp"

namespace estimate::http {
namespace {

// A client-supplied id is kept when it is short and printable, so that it can be followed
// through proxies; anything else is replaced.
bool AcceptableRequestId(const std::string& id) {
  if (id.empty() || id.size() > 128) return false;
  for (unsigned char c : id) {
    if (c < 0x21 || c > 0x7e || c == '"' || c == '\\') return false;
  }
  return true;
}

}  // namespace

std::string NewRequestId() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static const char* kHex = "0123456789abcdef";
  std::string id(32, '0');
  std::uint64_t a = rng(), b = rng();
  for (int i = 0; i < 16; ++i) {
    id[i] = kHex[(a >> (i * 4)) & 0xf];
    id[16 + i] = kHex[(b >> (i * 4)) & 0xf];
  }
  return id;
}

Pipeline::Pipeline(const Router& router, telemetry::Registry& registry, EdgeOptions edge)
    : router_(router),
      edge_(std::move(edge)),
      rate_limited_(registry.Counter("http_rate_limited_total",
                                     "Requests refused with 429 by the rate limit.")),
      requests_(registry.Counter("http_requests_total", "HTTP requests answered.")),
      duration_(registry.Histogram(
          "http_request_duration_seconds", "Time from the request read to the response ready.",
          {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10})) {}

Pipeline::Prepared Pipeline::Prepare(Request& request) {
  const std::string* id = request.Header("x-request-id");
  request.request_id = (id && AcceptableRequestId(*id)) ? *id : NewRequestId();
  RouteMatch match = router_.Find(request.method, request.path);
  Prepared prepared;
  prepared.route = match.route;
  prepared.status = match.status;
  prepared.allow = std::move(match.allow);
  if (match.route != nullptr) {
    request.route = match.route->pattern;
    request.path_params = std::move(match.params);
    prepared.execution = match.route->execution;
  }
  return prepared;
}

Response Pipeline::Execute(Request& request, const Prepared& prepared,
                           std::chrono::steady_clock::time_point started) {
  Response response;
  const bool limited_path = request.path.rfind("/api/", 0) == 0;
  cache::RateDecision decision;
  if (limited_path && edge_.rate_limiter != nullptr && !IsPreflight(request)) {
    const auto now = core::NowSeconds(telemetry::SystemClock()).time_since_epoch().count();
    decision = edge_.rate_limiter->Hit("ip:" + request.remote_address, now);
  }
  if (IsPreflight(request)) {
    response = Preflight(request);
  } else if (!decision.allowed) {
    rate_limited_.Increment({});
    response = Response::Problem(429, {}, "rate limit reached (RATE_LIMIT_LIMIT per "
                                          "RATE_LIMIT_TTL); retry after " +
                                              std::to_string(decision.retry_after.count()) + " s",
                                 request.path, request.request_id);
    response.headers.emplace_back("retry-after", std::to_string(decision.retry_after.count()));
  } else if (prepared.route == nullptr && prepared.status == 405) {
    response = Response::Problem(405, {}, "method " + request.method + " is not allowed on " +
                                              request.path + "; allowed: " + prepared.allow,
                                 request.path, request.request_id);
    response.headers.emplace_back("allow", prepared.allow);
  } else if (prepared.route == nullptr) {
    response = Response::Problem(404, {}, "no resource at " + request.path, request.path,
                                 request.request_id);
  } else {
    try {
      response = prepared.route->handler(request);
    } catch (const std::exception& e) {
      telemetry::LogError("unhandled exception in handler",
                          {{"request_id", request.request_id},
                           {"route", request.route},
                           {"error", e.what()}});
      response = Response::Problem(500, {}, "internal error; quote request id " +
                                                request.request_id + " to the operator",
                                   request.path, request.request_id);
    }
  }
  if (edge_.compressor != nullptr && request.method != "HEAD" && !response.stream) {
    edge_.compressor->Apply(request, response);
  }
  AddEdgeHeaders(request, response);
  Record(request, response, started);
  return response;
}

Response Pipeline::Refuse(Request& request, int status, std::string_view detail,
                          std::chrono::steady_clock::time_point started,
                          int retry_after_seconds) {
  if (request.request_id.empty()) request.request_id = NewRequestId();
  Response response = Response::Problem(status, {}, detail, request.path, request.request_id);
  if (retry_after_seconds > 0) {
    response.headers.emplace_back("retry-after", std::to_string(retry_after_seconds));
  }
  AddEdgeHeaders(request, response);
  Record(request, response, started);
  return response;
}

bool Pipeline::IsPreflight(const Request& request) const {
  return request.method == "OPTIONS" && request.Header("origin") != nullptr &&
         request.Header("access-control-request-method") != nullptr;
}

std::string Pipeline::AllowedOrigin(const Request& request) const {
  const std::string* origin = request.Header("origin");
  if (origin == nullptr) return {};
  for (const auto& allowed : edge_.cors_origins) {
    if (allowed == "*" || allowed == *origin) return *origin;
  }
  return {};
}

Response Pipeline::Preflight(const Request& request) const {
  if (AllowedOrigin(request).empty()) {
    return Response::Problem(403, {}, "origin " + *request.Header("origin") +
                                          " is not allowed (CORS_ORIGIN)",
                             request.path, request.request_id);
  }
  Response r;
  r.status = 204;
  r.content_type.clear();
  r.headers.emplace_back("access-control-allow-methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS");
  r.headers.emplace_back("access-control-allow-headers",
                         "Authorization, Content-Type, If-Match, X-Request-Id, Prefer");
  r.headers.emplace_back("access-control-max-age", "600");
  return r;
}

void Pipeline::AddEdgeHeaders(const Request& request, Response& response) const {
  if (std::string origin = AllowedOrigin(request); !origin.empty()) {
    response.headers.emplace_back("access-control-allow-origin", std::move(origin));
    response.headers.emplace_back("access-control-expose-headers",
                                  "X-Request-Id, ETag, Retry-After, Location, Preference-Applied");
    // One Vary field: the server writes one value per name, so a handler's own (static files:
    // Accept-Encoding) is extended rather than replaced.
    auto vary = std::find_if(response.headers.begin(), response.headers.end(),
                             [](const auto& h) { return h.first == "vary"; });
    if (vary == response.headers.end()) {
      response.headers.emplace_back("vary", "Origin");
    } else {
      vary->second += ", Origin";
    }
  }
  // A handler may set its own (the docs page allows its inline script).
  auto add = [&response](const char* name, const char* value) {
    for (const auto& [k, v] : response.headers) {
      if (k == name) return;
    }
    response.headers.emplace_back(name, value);
  };
  add("x-content-type-options", "nosniff");
  add("x-frame-options", "DENY");
  add("referrer-policy", "no-referrer");
  add("content-security-policy", "default-src 'none'; frame-ancestors 'none'");
}

void Pipeline::Record(const Request& request, const Response& response,
                      std::chrono::steady_clock::time_point started) {
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const std::string& route = request.route.empty() ? std::string("unmatched") : request.route;
  const std::string method = request.method.empty() ? std::string("UNKNOWN") : request.method;
  requests_.Increment({{"method", method}, {"route", route}, {"status",
                       std::to_string(response.status)}});
  duration_.Observe({{"method", method}, {"route", route}}, seconds);
  // The path is logged without its query: tokens and search terms stay out of the log.
  telemetry::LogInfo("request", {{"request_id", request.request_id},
                                 {"method", method},
                                 {"path", request.path},
                                 {"route", route},
                                 {"status", std::to_string(response.status), true},
                                 {"duration_ms", std::to_string(seconds * 1000), true},
                                 {"remote", request.remote_address}});
}

}  // namespace estimate::http
