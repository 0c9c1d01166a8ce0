#pragma once
// GET /health (the process is alive), GET /health/ready (every dependency answers: 200, else
// 503 with the reasons; both list the roles the process runs), GET /metrics (Prometheus text
// format). Served by every process whatever its roles.
#include <functional>
#include <string>
#include <vector>

#include "core/status.hpp"
#include "http/router.hpp"
#include "telemetry/metrics.hpp"

namespace estimate::api {

struct ReadinessCheck {
  std::string name;              // "database", "redis"
  std::function<Status()> check; // may block briefly (bounded by its own timeout)
  // Advisory: a failure is reported as "degraded" with its reason and leaves the service ready
  // (the ГГЭ schemas: without them only the ГГЭ XML exports are refused).
  bool advisory = false;
};

// Who may read GET /metrics on the router it is added to. With a token, requests must send
// `Authorization: Bearer <token>` (compared in constant time); without one and with `loopback`
// (not in production: a same-host proxy that adds no forwarding header would make every client
// look local), only clients on a loopback address not relayed by a proxy (no X-Forwarded-For /
// Forwarded / X-Real-IP) — a Prometheus on the same host. Anyone else gets 404, as if there were
// no such route. `open`: no check (the METRICS_ADDR listener, which only the scraper reaches).
struct MetricsAccess {
  bool enabled = true;
  bool open = false;
  std::string token;
  bool loopback = true;
};

// `roles`: the roles the process runs (app/roles.hpp), listed by /health/ready as "roles".
void AddHealthRoutes(http::Router& router, std::vector<ReadinessCheck> checks,
                     std::vector<std::string> roles, const telemetry::Registry& registry,
                     MetricsAccess metrics);

// GET /metrics alone, for the METRICS_ADDR listener.
void AddMetricsRoute(http::Router& router, const telemetry::Registry& registry,
                     MetricsAccess metrics);

}  // namespace estimate::api
