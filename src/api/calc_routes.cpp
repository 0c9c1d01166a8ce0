#include "api/calc_routes.hpp"

#include <boost/json.hpp>

#include "api/problem.hpp"
#include "formats/document/calc.hpp"

namespace estimate::api {

void AddCalcRoutes(http::Router& router) {
  router.Add("POST", "/api/v1/calc", [](http::Request& req) {
    const std::string format = req.QueryParam("format");
    if (!format.empty() && format != "json" && format != "text") {
      return BadRequest(req, "format: \"" + format + "\" is not json or text");
    }
    if (const std::string* type = req.Header("content-type");
        type != nullptr && type->find("json") == std::string::npos) {
      return http::Response::Problem(415, {}, "content-type: send the document as application/json",
                                     req.path, req.request_id);
    }
    const bool text = format == "text";
    // The body is parsed where it lies when its buffer has room for the reader's padding.
    const bool padded = req.body.capacity() - req.body.size() >= formats::kJsonPadding;
    auto outcome = formats::Calculate(
        req.body, text ? formats::OutputFormat::kText : formats::OutputFormat::kJson, padded);
    if (!outcome.ok()) {
      boost::json::object body{{"type", "about:blank"},
                               {"title", "Unprocessable Content"},
                               {"status", 422},
                               {"detail", outcome.problems.front()},
                               {"instance", req.path},
                               {"request_id", req.request_id}};
      boost::json::array problems;
      for (const auto& p : outcome.problems) problems.push_back(boost::json::string(p));
      body["problems"] = std::move(problems);
      http::Response r = http::Response::Json(422, boost::json::serialize(body));
      r.content_type = "application/problem+json";
      return r;
    }
    if (text) return http::Response::Text(200, std::move(outcome.text), "text/plain; charset=utf-8");
    return http::Response::Json(200, std::move(outcome.json));
  });
}

}  // namespace estimate::api
