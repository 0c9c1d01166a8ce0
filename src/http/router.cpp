#include "http/router.hpp"

#include <set>

namespace estimate::http {
namespace {

std::vector<std::string_view> Split(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    auto j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    out.push_back(path.substr(i, j - i));
    i = j;
  }
  return out;
}

bool IsParam(const std::string& segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

bool Matches(const Route& route, const std::vector<std::string_view>& parts,
             std::unordered_map<std::string, std::string>* params) {
  if (route.segments.size() != parts.size()) return false;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const std::string& seg = route.segments[i];
    if (IsParam(seg)) {
      if (params) (*params)[seg.substr(1, seg.size() - 2)] = std::string(parts[i]);
    } else if (seg != parts[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace

void Router::Add(std::string method, std::string pattern, Handler handler, Execution execution) {
  Route route;
  route.method = std::move(method);
  for (auto s : Split(pattern)) route.segments.emplace_back(s);
  route.pattern = std::move(pattern);
  route.handler = std::move(handler);
  route.execution = execution;
  routes_.push_back(std::move(route));
}

void Router::SetFallback(std::string label, Handler handler, std::vector<std::string> reserved,
                         Execution execution) {
  Route route;
  route.method = "GET";
  route.pattern = std::move(label);
  route.handler = std::move(handler);
  route.execution = execution;
  fallback_ = std::move(route);
  reserved_ = std::move(reserved);
}

bool Router::FallbackServes(const std::vector<std::string_view>& parts) const {
  if (!fallback_) return false;
  if (parts.empty()) return true;
  for (const auto& first : reserved_) {
    if (parts.front() == first) return false;
  }
  return true;
}

RouteMatch Router::Find(std::string_view method, std::string_view path) const {
  RouteMatch match;
  auto parts = Split(path);
  std::string_view wanted = method == "HEAD" ? std::string_view("GET") : method;
  std::set<std::string> allowed;
  for (const Route& route : routes_) {
    if (route.method == wanted) {
      std::unordered_map<std::string, std::string> params;
      if (Matches(route, parts, &params)) {
        match.route = &route;
        match.params = std::move(params);
        return match;
      }
    } else if (Matches(route, parts, nullptr)) {
      allowed.insert(route.method);
      if (route.method == "GET") allowed.insert("HEAD");
    }
  }
  if (allowed.empty() && FallbackServes(parts)) {
    if (wanted == "GET") {
      match.route = &*fallback_;
      return match;
    }
    allowed = {"GET", "HEAD"};
  }
  if (allowed.empty()) {
    match.status = 404;
    return match;
  }
  match.status = 405;
  for (const auto& m : allowed) {
    if (!match.allow.empty()) match.allow += ", ";
    match.allow += m;
  }
  return match;
}

}  // namespace estimate::http
