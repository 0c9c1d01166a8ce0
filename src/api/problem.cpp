#include "api/problem.hpp"

namespace estimate::api {

int HttpStatusOf(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return 200;
    case StatusCode::kInvalidArgument: return 400;
    case StatusCode::kNotFound: return 404;
    case StatusCode::kAlreadyExists: return 409;
    case StatusCode::kFailedPrecondition: return 409;
    case StatusCode::kPermissionDenied: return 403;
    case StatusCode::kUnauthenticated: return 401;
    case StatusCode::kResourceExhausted: return 429;
    case StatusCode::kAborted: return 412;
    case StatusCode::kUnavailable: return 503;
    case StatusCode::kInternal: return 500;
  }
  return 500;
}

http::Response ProblemOf(const Status& status, const http::Request& request) {
  http::Response r = http::Response::Problem(HttpStatusOf(status.code()), {}, status.message(),
                                             request.path, request.request_id);
  // A dependency that is down (the database, the file storage): worth trying again shortly.
  if (r.status == 503) r.headers.emplace_back("retry-after", "5");
  return r;
}

void SetRetryAfter(http::Response& r, int seconds) {
  if (r.status != 503) return;
  std::erase_if(r.headers, [](const auto& h) { return h.first == "retry-after"; });
  r.headers.emplace_back("retry-after", std::to_string(seconds));
}

http::Response BadRequest(const http::Request& request, const std::string& detail) {
  return http::Response::Problem(400, {}, detail, request.path, request.request_id);
}

}  // namespace estimate::api
