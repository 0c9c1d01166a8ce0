#include "api/docs_routes.hpp"

#include "api/request_contract.hpp"

namespace estimate::api {

void AddDocsRoutes(http::Router& router) {
  // The request schemas of the document, compiled now rather than on the first request.
  RequestContract::Embedded();
  router.Add("GET", "/api/docs/openapi.json",
             [](http::Request&) { return http::Response::Json(200, OpenApiDocument()); },
             http::Execution::kInline);
  router.Add("GET", "/api/docs", [](http::Request&) {
    http::Response r = http::Response::Text(200, DocsPage(), "text/html; charset=utf-8");
    // The page's own script fetches the document from this origin; nothing else is allowed.
    r.headers.emplace_back("content-security-policy",
                           "default-src 'none'; script-src 'unsafe-inline'; style-src "
                           "'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'");
    return r;
  }, http::Execution::kInline);
}

}  // namespace estimate::api
