#pragma once
// The request side of the OpenAPI document: the JSON body schema of each operation, compiled once
// (api/json_schema.hpp says which keywords count), and the check of a body against the schema of
// the route it came to. api::JsonObjectBody runs the check on every JSON body a handler reads,
// after the media type, JSON syntax and control-character checks and after the route's
// authentication, so that a body the contract refuses is a 400 naming the field:
// "changes[0].op: is required", "quarter: must match ^\d{4}-Q[1-4]$, got \"2025-Q9\"".
//
// Thread-safety: a compiled contract is immutable; Check may run on any thread.
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "api/json_schema.hpp"
#include "core/status.hpp"

namespace boost::json {
class value;
}

namespace estimate::api {

class RequestContract {
 public:
  // Every operation of `openapi` (OpenAPI 3.x JSON) whose requestBody has a JSON media type
  // (application/json, …+json) or a form (multipart/form-data, urlencoded); requestBodies given
  // by $ref too. Error: a schema that does not
  // compile, named by its place in the document.
  static Result<RequestContract> Compile(std::string_view openapi);

  // The contract of the document compiled into the program, compiled on first use (the routes
  // ask for it when they are added, so at start). A document that does not compile stops the
  // program there: the unit tests hold that it compiles.
  static const RequestContract& Embedded();

  // The body schema of `method` on `route` (a router pattern such as
  // /api/v1/estimates/{id}/positions/{position_id}; parameter names need not match the
  // document's), or null when the document gives none.
  const JsonSchema* Find(std::string_view method, std::string_view route) const;

  // The first error of `body` against that schema ("field.path: what is wrong"), or nullopt
  // when it conforms or there is no schema.
  std::optional<std::string> Check(std::string_view method, std::string_view route,
                                   const boost::json::value& body) const;

  // The same for the fields of a form (multipart/form-data, e.g. an upload's object_id,
  // region, zone and quarter, and the file as its file name) as an object of strings; see
  // JsonSchema::ValidateForm.
  std::optional<std::string> CheckForm(std::string_view method, std::string_view route,
                                       const boost::json::value& fields) const;

  std::size_t size() const { return operations_.size(); }

 private:
  // "PATCH /api/v1/estimates/{}/positions/{}" into `key`.
  static void Key(std::string_view method, std::string_view path, std::string& key);
  std::unordered_map<std::string, JsonSchema> operations_;  // "POST /api/v1/x/{}/y" → schema
  std::unordered_map<std::string, JsonSchema> forms_;       // the same for form bodies
};

}  // namespace estimate::api
