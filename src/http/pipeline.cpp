#include "http/pipeline.hpp"

#include <random>

#include "telemetry/log.hpp"

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

Pipeline::Pipeline(const Router& router, telemetry::Registry& registry)
    : router_(router),
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
  if (prepared.route == nullptr && prepared.status == 405) {
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
  Record(request, response, started);
  return response;
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
