#pragma once
// Routes: method + path pattern with {parameters} → handler. A path that matches no pattern is
// 404; a path that matches only under other methods is 405 with Allow. HEAD is served by GET.
#include <functional>
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
  RouteMatch Find(std::string_view method, std::string_view path) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

}  // namespace estimate::http
