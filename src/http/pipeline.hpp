#pragma once
// What happens to every request between the socket and the handler, independent of Beast:
// request id, routing (404/405), the handler with exceptions turned into 500 problems, the
// metrics http_requests_total / http_request_duration_seconds and the access log line.
#include <chrono>
#include <memory>

#include "cache/rate_limiter.hpp"
#include "http/compression.hpp"
#include "http/router.hpp"
#include "telemetry/metrics.hpp"

namespace estimate::http {

// What every answer gets at the edge: CORS for the allowed browser origins (CORS_ORIGIN; "*" for
// any), security headers, rate limiting of /api/ requests per client address, and the content
// coding of large text answers (compression.hpp).
struct EdgeOptions {
  std::vector<std::string> cors_origins;
  cache::RateLimiter* rate_limiter = nullptr;  // null: no limit
  ResponseCompressor* compressor = nullptr;    // null: every answer in identity coding
};

class Pipeline {
 public:
  Pipeline(const Router& router, telemetry::Registry& registry, EdgeOptions edge = {});

  struct Prepared {
    const Route* route = nullptr;  // null: answer with `status` (404 or 405)
    int status = 200;
    std::string allow;
    Execution execution = Execution::kInline;
  };
  // Assigns the request id and resolves the route; tells the server where to run Execute.
  Prepared Prepare(Request& request);
  // Runs the handler (or the 404/405 answer) and records metrics and the access log.
  Response Execute(Request& request, const Prepared& prepared,
                   std::chrono::steady_clock::time_point started);
  // The answer to a request that never reaches a handler (malformed, too large, timed out, over
  // a capacity): a problem with the edge headers every answer has, recorded like any other.
  // `retry_after_seconds` > 0 adds Retry-After.
  Response Refuse(Request& request, int status, std::string_view detail,
                  std::chrono::steady_clock::time_point started, int retry_after_seconds = 0);

 private:
  // CORS preflight (OPTIONS with Access-Control-Request-Method), answered before routing.
  bool IsPreflight(const Request& request) const;
  Response Preflight(const Request& request) const;
  // The allowed origin to echo for this request, or empty.
  std::string AllowedOrigin(const Request& request) const;
  void AddEdgeHeaders(const Request& request, Response& response) const;
  void Record(const Request& request, const Response& response,
              std::chrono::steady_clock::time_point started);

  const Router& router_;
  EdgeOptions edge_;
  telemetry::CounterFamily& rate_limited_;
  telemetry::CounterFamily& requests_;
  telemetry::HistogramFamily& duration_;
};

// A new random request id (32 hex digits).
std::string NewRequestId();

}  // namespace estimate::http
