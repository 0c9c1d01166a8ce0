#include "api/health.hpp"

#include <boost/json.hpp>

#include "api/authenticate.hpp"
#include "auth/password.hpp"

namespace estimate::api {

void AddHealthRoutes(http::Router& router, std::vector<ReadinessCheck> checks,
                     std::vector<std::string> roles, const telemetry::Registry& registry,
                     MetricsAccess metrics) {
  boost::json::array role_names;
  for (auto& role : roles) role_names.emplace_back(std::move(role));
  router.Add("GET", "/health",
             [](http::Request&) { return http::Response::Json(200, R"({"status":"ok"})"); },
             http::Execution::kInline);

  // Readiness touches the database and Redis, so it runs on the worker pool.
  router.Add(
      "GET", "/health/ready",
      [checks = std::move(checks), role_names = std::move(role_names)](http::Request& request) {
        boost::json::object body;
        boost::json::object detail;
        bool ready = true;
        for (const auto& c : checks) {
          Status s = c.check();
          boost::json::object one;
          one["status"] = s.ok() ? "ok" : c.advisory ? "degraded" : "unavailable";
          if (!s.ok()) {
            one["reason"] = s.message();
            if (!c.advisory) ready = false;
          }
          detail[c.name] = std::move(one);
        }
        body["status"] = ready ? "ok" : "unavailable";
        body["checks"] = std::move(detail);
        body["roles"] = role_names;
        if (!ready) {
          // A problem document that also carries the per-check detail.
          body["type"] = "about:blank";
          body["title"] = "Service Unavailable";
          body["status"] = 503;
          std::string reasons;
          for (const auto& [name, value] : body["checks"].as_object()) {
            if (value.as_object().at("status").as_string() != "unavailable") continue;
            if (const auto* r = value.as_object().if_contains("reason")) {
              if (!reasons.empty()) reasons += "; ";
              reasons += std::string(name) + ": " + std::string(r->as_string());
            }
          }
          body["detail"] = reasons;
          body["instance"] = request.path;
          body["request_id"] = request.request_id;
          http::Response r = http::Response::Json(503, boost::json::serialize(body));
          r.content_type = "application/problem+json";
          r.headers.emplace_back("retry-after", "5");
          return r;
        }
        return http::Response::Json(200, boost::json::serialize(body));
      });

  AddMetricsRoute(router, registry, std::move(metrics));
}

namespace {

bool Loopback(const std::string& address) {
  return address.rfind("127.", 0) == 0 || address == "::1" || address.rfind("::ffff:127.", 0) == 0;
}

bool MayReadMetrics(const MetricsAccess& access, const http::Request& request) {
  if (access.open) return true;
  if (!access.token.empty()) {
    const auto presented = BearerToken(request);
    return presented && auth::SecretsEqual(*presented, access.token);
  }
  return access.loopback && Loopback(request.remote_address) &&
         request.Header("x-forwarded-for") == nullptr &&
         request.Header("forwarded") == nullptr && request.Header("x-real-ip") == nullptr;
}

}  // namespace

void AddMetricsRoute(http::Router& router, const telemetry::Registry& registry,
                     MetricsAccess metrics) {
  if (!metrics.enabled) return;
  router.Add("GET", "/metrics", [&registry, metrics](http::Request& request) {
    if (!MayReadMetrics(metrics, request)) {
      return http::Response::Problem(404, {}, "no resource at /metrics", request.path,
                                     request.request_id);
    }
    return http::Response::Text(200, registry.Render(), "text/plain; version=0.0.4; charset=utf-8");
  }, http::Execution::kInline);
}

}  // namespace estimate::api
