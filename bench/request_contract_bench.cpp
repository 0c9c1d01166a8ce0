// The cost of holding a request body to its OpenAPI schema (issue 11), against what reading the
// body costs anyway: PATCH /api/v1/estimates/{id}/positions/{pid} {"quantity": "…"} with the
// embedded document, and a POST /changes of one update_position against a contract as tight as
// the typed one (a oneOf on op with a discriminator, decimal patterns, additionalProperties).
#include <benchmark/benchmark.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>

#include "api/authenticate.hpp"
#include "api/docs_routes.hpp"
#include "api/json_schema.hpp"
#include "api/request_contract.hpp"

namespace {

using namespace estimate;
namespace json = boost::json;

constexpr const char* kPatchRoute = "/api/v1/estimates/{id}/positions/{position_id}";
constexpr const char* kPatchBody = R"({"quantity": "12.375"})";

http::Request PatchRequest() {
  http::Request r;
  r.method = "PATCH";
  r.route = kPatchRoute;
  r.path = "/api/v1/estimates/1/positions/2";
  r.headers.emplace_back("content-type", "application/json");
  r.body = kPatchBody;
  return r;
}

// The body as the handler read it before issue 11: parse and the control-character walk are
// inside JsonObjectBody, so this is parse alone, the floor of any body read.
void BM_ParseBodyOnly(benchmark::State& state) {
  for (auto _ : state) {
    boost::system::error_code ec;
    json::value v = json::parse(kPatchBody, ec);
    benchmark::DoNotOptimize(v);
  }
}
BENCHMARK(BM_ParseBodyOnly);

// JsonObjectBody as the PATCH handler calls it now: parse, control characters, contract.
void BM_JsonObjectBodyPatchPosition(benchmark::State& state) {
  api::RequestContract::Embedded();
  const http::Request request = PatchRequest();
  http::Response error;
  for (auto _ : state) {
    auto v = api::JsonObjectBody(request, error);
    benchmark::DoNotOptimize(v);
  }
}
BENCHMARK(BM_JsonObjectBodyPatchPosition);

// The contract's share alone: find the route's schema and validate.
void BM_ContractCheckPatchPosition(benchmark::State& state) {
  const auto& contract = api::RequestContract::Embedded();
  const json::value body = json::parse(kPatchBody);
  for (auto _ : state) {
    auto error = contract.Check("PATCH", kPatchRoute, body);
    benchmark::DoNotOptimize(error);
  }
}
BENCHMARK(BM_ContractCheckPatchPosition);

// A typed contract: what the document's Change will look like.
constexpr const char* kTyped = R"({
  "type": "object", "required": ["changes"], "additionalProperties": false,
  "properties": {"summary": {"type": "string", "maxLength": 500},
                 "changes": {"type": "array", "minItems": 1,
                             "items": {"$ref": "#/components/schemas/Change"}}},
  "components": {"schemas": {
    "Decimal": {"type": "string", "pattern": "^-?[0-9]+(\\.[0-9]+)?$"},
    "Change": {"oneOf": [{"$ref": "#/components/schemas/AddSection"},
                         {"$ref": "#/components/schemas/RemovePosition"},
                         {"$ref": "#/components/schemas/UpdatePosition"}],
               "discriminator": {"propertyName": "op"}},
    "AddSection": {"type": "object", "required": ["op", "name"], "additionalProperties": false,
                   "properties": {"op": {"const": "add_section"},
                                  "name": {"type": "string", "minLength": 1},
                                  "index": {"type": "integer", "minimum": 0}}},
    "RemovePosition": {"type": "object", "required": ["op", "position_id"],
                       "additionalProperties": false,
                       "properties": {"op": {"const": "remove_position"},
                                      "position_id": {"type": "integer", "minimum": 1}}},
    "UpdatePosition": {"type": "object", "required": ["op", "position_id"],
                       "additionalProperties": false,
                       "properties": {"op": {"const": "update_position"},
                                      "position_id": {"type": "integer", "minimum": 1},
                                      "quantity": {"$ref": "#/components/schemas/Decimal"},
                                      "name": {"type": "string"},
                                      "number": {"type": ["string", "null"]},
                                      "price": {"anyOf": [{"$ref": "#/components/schemas/Decimal"},
                                                          {"type": "null"}]}}}}}})";

void BM_TypedChangeOneUpdatePosition(benchmark::State& state) {
  auto schema = api::JsonSchema::Compile(json::parse(kTyped));
  if (!schema.ok()) {
    state.SkipWithError(schema.status().message().c_str());
    return;
  }
  const json::value body = json::parse(
      R"({"changes": [{"op": "update_position", "position_id": 17, "quantity": "12.375"}]})");
  for (auto _ : state) {
    auto error = schema->Validate(body);
    benchmark::DoNotOptimize(error);
  }
}
BENCHMARK(BM_TypedChangeOneUpdatePosition);

// The PATCH of one position against another document, e.g. the typed contract before it is
// merged: ESTIMATE_BENCH_OPENAPI=path/to/openapi.json (skipped without it).
void BM_OtherDocumentCheckPatchPosition(benchmark::State& state) {
  const char* file = std::getenv("ESTIMATE_BENCH_OPENAPI");
  if (file == nullptr) {
    state.SkipWithError("ESTIMATE_BENCH_OPENAPI is not set");
    return;
  }
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  auto contract = api::RequestContract::Compile(text.str());
  if (!contract.ok()) {
    state.SkipWithError(contract.status().message().c_str());
    return;
  }
  const json::value body = json::parse(kPatchBody);
  for (auto _ : state) {
    auto error = contract->Check("PATCH", kPatchRoute, body);
    benchmark::DoNotOptimize(error);
  }
}
BENCHMARK(BM_OtherDocumentCheckPatchPosition);

// What one pattern costs: std::regex_search of a decimal, most of a typed check.
void BM_DecimalPatternSearch(benchmark::State& state) {
  const std::regex decimal("^-?[0-9]{1,15}(\\.[0-9]{1,10})?$",
                           std::regex::ECMAScript | std::regex::optimize);
  const std::string text = "12.375";
  for (auto _ : state) {
    bool ok = std::regex_search(text, decimal);
    benchmark::DoNotOptimize(ok);
  }
}
BENCHMARK(BM_DecimalPatternSearch);

// Compiling the whole embedded document once, at start.
void BM_CompileEmbeddedDocument(benchmark::State& state) {
  for (auto _ : state) {
    auto contract = api::RequestContract::Compile(api::OpenApiDocument());
    benchmark::DoNotOptimize(contract);
  }
}
BENCHMARK(BM_CompileEmbeddedDocument)->Unit(benchmark::kMillisecond);

}  // namespace
