#pragma once
// POST /api/v1/calc: computes any estimate document (docs/calc-document.md) and answers with the
// result JSON, or with `?format=text` the Russian table. Bad input is 422 problem+json whose
// `problems` list names each JSON path; nothing is stored.
#include "http/router.hpp"

namespace estimate::api {

void AddCalcRoutes(http::Router& router);

}  // namespace estimate::api
