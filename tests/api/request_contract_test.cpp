#include "api/request_contract.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "api/authenticate.hpp"

namespace estimate::api {
namespace {

namespace json = boost::json;

constexpr const char* kDocument = R"({
  "openapi": "3.1.0",
  "paths": {
    "/things/{id}": {
      "parameters": [],
      "patch": {"requestBody": {"content": {"application/json": {"schema": {
        "type": "object", "required": ["name"],
        "properties": {"name": {"$ref": "#/components/schemas/Name"}}}}}}},
      "get": {"responses": {}}
    },
    "/things": {
      "post": {"requestBody": {"$ref": "#/components/requestBodies/NewThing"}}
    },
    "/uploads": {
      "post": {"requestBody": {"content": {"multipart/form-data": {"schema": {
        "type": "object", "required": ["file", "object_id"],
        "properties": {"file": {"type": "string", "format": "binary"},
                       "object_id": {"type": "integer", "minimum": 1},
                       "quarter": {"type": "string", "pattern": "^[0-9]{4}-Q[1-4]$"}}}}}}}
    }
  },
  "components": {
    "schemas": {"Name": {"type": "string", "minLength": 1}},
    "requestBodies": {"NewThing": {"content": {"application/merge-patch+json": {"schema": {
      "type": "object", "properties": {"quarter": {"type": "string",
                                                   "pattern": "^[0-9]{4}-Q[1-4]$"}}}}}}}
  }
})";

TEST(RequestContract, CompilesTheJsonBodiesOfADocumentAndFindsThemByRoutePattern) {
  auto contract = RequestContract::Compile(kDocument);
  ASSERT_TRUE(contract.ok()) << contract.status().message();
  EXPECT_EQ(contract->size(), 2u);  // not the multipart upload, not the GET
  // Parameter names need not match the document's; the method's case does not matter.
  EXPECT_NE(contract->Find("PATCH", "/things/{thing_id}"), nullptr);
  EXPECT_NE(contract->Find("patch", "/things/{id}"), nullptr);
  EXPECT_EQ(contract->Find("GET", "/things/{id}"), nullptr);
  EXPECT_EQ(contract->Find("POST", "/uploads"), nullptr);
  EXPECT_EQ(contract->Find("POST", ""), nullptr);
  EXPECT_EQ(contract->Check("PATCH", "/things/{id}", json::parse(R"({})")).value_or(""),
            "name: is required");
  EXPECT_EQ(contract->Check("PATCH", "/things/{id}", json::parse(R"({"name": ""})")).value_or(""),
            "name: must not be empty");
  EXPECT_FALSE(contract->Check("PATCH", "/things/{id}", json::parse(R"({"name": "a"})")));
  EXPECT_EQ(
      contract->Check("POST", "/things", json::parse(R"({"quarter": "2025-Q9"})")).value_or(""),
      R"(quarter: must match ^[0-9]{4}-Q[1-4]$, got "2025-Q9")");
  // No JSON schema, no check of a JSON body.
  EXPECT_FALSE(contract->Check("POST", "/uploads", json::parse("{}")));
}

TEST(RequestContract, FormFieldsAreReadAsTheTypesTheFormSchemaWants) {
  auto contract = RequestContract::Compile(kDocument);
  ASSERT_TRUE(contract.ok()) << contract.status().message();
  const auto form = [&](std::string_view fields) {
    return contract->CheckForm("POST", "/uploads", json::parse(fields)).value_or("");
  };
  EXPECT_EQ(form(R"({"file": "a.gge", "object_id": "12", "quarter": "2025-Q2"})"), "");
  EXPECT_EQ(form(R"({"file": "a.gge", "object_id": "twelve"})"), "object_id: expected an integer");
  EXPECT_EQ(form(R"({"file": "a.gge", "object_id": "0"})"), "object_id: must be at least 1");
  EXPECT_EQ(form(R"({"file": "a.gge", "object_id": "1", "quarter": "2025-Q9"})"),
            R"(quarter: must match ^[0-9]{4}-Q[1-4]$, got "2025-Q9")");
  EXPECT_EQ(form(R"({"object_id": "1"})"), "file: is required");
  // A JSON route has no form schema.
  EXPECT_EQ(contract->CheckForm("POST", "/things", json::parse(R"({"quarter": "x"})")),
            std::nullopt);
}

TEST(RequestContract, ASchemaThatDoesNotCompileIsNamedByItsPlace) {
  auto bad = RequestContract::Compile(R"({"paths": {"/a/{id}": {"post": {"requestBody": {
      "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Missing"}}}}}}}})");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(),
            "#/paths/~1a~1{id}/post/requestBody/content/application~1json/schema/$ref: $ref "
            "#/components/schemas/Missing points at nothing in the document");
  EXPECT_FALSE(RequestContract::Compile("{not json").ok());
  EXPECT_FALSE(RequestContract::Compile(R"({"openapi": "3.1.0"})").ok());
}

TEST(RequestContract, TheEmbeddedDocumentCompilesAndHoldsTheWriteRoutes) {
  const RequestContract& contract = RequestContract::Embedded();
  for (const char* route :
       {"POST /api/v1/auth/login", "POST /api/v1/projects", "POST /api/v1/objects/{id}/estimates",
        "PATCH /api/v1/estimates/{id}", "POST /api/v1/estimates/{id}/changes",
        "PATCH /api/v1/estimates/{id}/positions/{position_id}",
        "POST /api/v1/estimates/{id}/status"}) {
    const std::string_view r(route);
    const auto space = r.find(' ');
    EXPECT_NE(contract.Find(r.substr(0, space), r.substr(space + 1)), nullptr) << route;
  }
  EXPECT_EQ(contract
                .Check("POST", "/api/v1/estimates/{id}/changes",
                       json::parse(R"({"changes": [{"quantity": "1"}]})"))
                .value_or(""),
            "changes[0].op: is required");
  EXPECT_NE(contract
                .Check("POST", "/api/v1/objects/{id}/estimates",
                       json::parse(R"({"name": "ЛСР", "quarter": "2025-Q9"})"))
                .value_or("")
                .find("quarter: must match"),
            std::string::npos);
  EXPECT_FALSE(contract.Check("POST", "/api/v1/objects/{id}/estimates",
                              json::parse(R"({"name": "ЛСР", "region": "28", "zone": "1",
                                              "quarter": "2025-Q2", "date": "2026-03-01",
                                              "method": "resource-index",
                                              "sections": [{"name": "Раздел 1"}]})")));
}

http::Request JsonRequest(std::string method, std::string route, std::string body) {
  http::Request request;
  request.method = std::move(method);
  request.route = std::move(route);
  request.path = "/api/v1/estimates/1/changes";
  request.headers.emplace_back("content-type", "application/json");
  request.body = std::move(body);
  return request;
}

TEST(RequestContract, JsonObjectBodyHoldsTheBodyToTheSchemaOfItsRoute) {
  http::Response error;
  auto ok =
      JsonObjectBody(JsonRequest("POST", "/api/v1/estimates/{id}/changes",
                                 R"({"changes": [{"op": "remove_position", "position_id": 1}]})"),
                     error);
  EXPECT_TRUE(ok.has_value());
  auto refused = JsonObjectBody(
      JsonRequest("POST", "/api/v1/estimates/{id}/changes", R"({"changes": [{"position_id": 1}]})"),
      error);
  EXPECT_FALSE(refused.has_value());
  EXPECT_EQ(error.status, 400);
  EXPECT_NE(error.body.find("changes[0].op: is required"), std::string::npos) << error.body;
  // The syntax and media-type checks come first, as before.
  EXPECT_FALSE(JsonObjectBody(JsonRequest("POST", "/api/v1/estimates/{id}/changes", "{x"), error));
  EXPECT_NE(error.body.find("body: not valid JSON at line 1, column 2: "), std::string::npos)
      << error.body;
  EXPECT_FALSE(JsonObjectBody(
      JsonRequest("POST", "/api/v1/estimates/{id}/changes", "{\"changes\": [\n  {\"op\": ]}"),
      error));
  EXPECT_NE(error.body.find("body: not valid JSON at line 2, column 10: "), std::string::npos)
      << error.body;
  // A route the document does not describe is not checked.
  EXPECT_TRUE(JsonObjectBody(JsonRequest("POST", "/nowhere", R"({"changes": 5})"), error));
}

}  // namespace
}  // namespace estimate::api
