#pragma once
// Routes: method + path pattern with {parameters} → handler. A path that matches no pattern is
// 404; a path that matches only under other methods is 405 with Allow. HEAD is served by GET.
// An optional fallback answers GET of the paths no pattern matches (the web application).
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "http/message.hpp"

namespace estimate::http {

using Handler = std::function<Response(Request&)>;

// Where a handler runs. kInline: on the network thread — only for handlers that never block and
// finish in microseconds (/health, /metrics). kWorker: on the worker pool (database, the API).
// kHeavy: on a small pool of its own with a bounded queue (parsing uploads, writing big
// documents), so that heavy requests wait for each other and never for the API's workers; past
// the queue the server answers 429 with Retry-After.
enum class Execution { kInline, kWorker, kHeavy };

struct Route {
  std::string method;
  std::string pattern;
  std::vector<std::string> segments;  // "{name}" segments capture
  Handler handler;
  Execution execution = Execution::kWorker;
};

struct RouteMatch {
  const Route* route = nullptr;  // null: status says why
  int status = 200;              // 200, 404 or 405
  std::string allow;             // for 405
  std::unordered_map<std::string, std::string> params;
};

class Router {
 public:
  void Add(std::string method, std::string pattern, Handler handler,
           Execution execution = Execution::kWorker);
  // The handler of GET (and HEAD) of every path that no route matches and whose first segment is
  // none of `reserved` ("api", "health", "metrics": there an unknown path stays the usual 404).
  // Another method on such a path is 405 with Allow: GET, HEAD, as on any path served by GET
  // only. `label` stands for the route in Request::route (metrics and the access log). The
  // fallback is not one of routes(). Set once, before the router serves.
  void SetFallback(std::string label, Handler handler, std::vector<std::string> reserved,
                   Execution execution = Execution::kWorker);
  RouteMatch Find(std::string_view method, std::string_view path) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  bool FallbackServes(const std::vector<std::string_view>& parts) const;

  std::vector<Route> routes_;
  std::optional<Route> fallback_;
  std::vector<std::string> reserved_;
};

}  // namespace estimate::http
