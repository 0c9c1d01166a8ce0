#pragma once
// GET /api/docs/openapi.json (OpenAPI 3.1, src/api/docs/openapi.json compiled in) and GET
// /api/docs (a page that renders it, without anything fetched from outside).
#include "http/router.hpp"

namespace estimate::api {

const char* OpenApiDocument();
const char* DocsPage();
void AddDocsRoutes(http::Router& router);

}  // namespace estimate::api
