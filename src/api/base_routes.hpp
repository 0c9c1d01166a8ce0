#pragma once
// The normative base over HTTP:
//   GET /api/v1/releases
//   GET /api/v1/norms?q=&family=&collection=&unit=&limit=&offset=
//   GET /api/v1/norms/{family}/{code}[?region=&zone=&quarter=&quantity=&territory=]
//   GET /api/v1/resources?q=&kind=&limit=&offset=
//   GET /api/v1/resources/{code}[?region=&zone=&quarter=&quantity=]
// Reads use the in-memory active release; none active is 503 with how to import one.
#include "http/router.hpp"
#include "services/base_service.hpp"

namespace estimate::api {

void AddBaseRoutes(http::Router& router, services::BaseService& base);

}  // namespace estimate::api
