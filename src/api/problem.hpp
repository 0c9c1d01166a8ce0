#pragma once
// One table from Status codes to HTTP statuses, and the problem+json answer of a Status.
#include "core/status.hpp"
#include "http/message.hpp"

namespace estimate::api {

int HttpStatusOf(StatusCode code);
// The problem of `status`; a 503 says Retry-After: 5.
http::Response ProblemOf(const Status& status, const http::Request& request);
// Sets (or replaces) a 503's Retry-After; other answers are left alone.
void SetRetryAfter(http::Response& response, int seconds);
// 400 naming the query parameter or field: "region: is required with quarter".
http::Response BadRequest(const http::Request& request, const std::string& detail);

}  // namespace estimate::api
