#pragma once
// GET /health (the process is alive), GET /health/ready (every dependency answers: 200, else
// 503 with the reasons), GET /metrics (Prometheus text format).
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
};

void AddHealthRoutes(http::Router& router, std::vector<ReadinessCheck> checks,
                     const telemetry::Registry& registry, bool metrics_enabled);

}  // namespace estimate::api
