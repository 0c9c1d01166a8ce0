#pragma once
// A JSON Schema validator for the subset an OpenAPI 3.1 contract uses, compiled once; a compiled
// schema is immutable and may be used from any number of threads at once.
//
// Keywords: type (one name or a list, "null" included; "integer" accepts 2 and 2.0), nullable
// (OpenAPI 3.0), properties, required, additionalProperties (boolean or schema), propertyNames,
// unevaluatedProperties: false (looser than the specification: every property named by the
// schema, its $ref or its allOf/anyOf/oneOf members counts as known), items, enum,
// const, pattern (ECMAScript as std::regex reads it, searched anywhere in the string as JSON
// Schema says, compiled once; strings over kMaxPatternInput bytes are refused rather than
// searched), minLength/maxLength (in code points), minimum/maximum/exclusiveMinimum/
// exclusiveMaximum (numbers; OpenAPI 3.0's boolean exclusive* too), minItems/maxItems,
// allOf/anyOf/oneOf, discriminator (propertyName, with mapping, else the const or one-value enum
// of that property in each branch, else the branch's component name), format "date"
// (YYYY-MM-DD and a real calendar date), $ref to "#/…" of the same document (siblings of $ref
// apply too, as 3.1 says; recursive references work), and the schemas true and false. Other
// keywords (description, example, title, readOnly, other formats…) are ignored.
//
// An error names the place in the value the way the service's problems do, then what is wrong:
// "changes[0].op: is required", "quarter: must match ^\d{4}-Q[1-4]$, got \"2025-Q9\"". The
// value itself is "body".
#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "core/status.hpp"

namespace boost::json {
class value;
}

namespace estimate::api {

struct SchemaNode;
struct SchemaStore;

class JsonSchema {
 public:
  // The longest string a pattern is searched in (std::regex recurses per character).
  static constexpr std::size_t kMaxPatternInput = 4096;

  // Compiles `schema` alone: `$ref`s resolve in `schema` itself.
  static Result<JsonSchema> Compile(const boost::json::value& schema);

  // The first error of `value`, or nullopt when it conforms.
  std::optional<std::string> Validate(const boost::json::value& value) const;

  // The same for the fields of a form (multipart/form-data) as an object of strings: a string
  // where the schema wants an integer, a number or a boolean counts as one when it reads as one
  // ("12", "1.5", "true").
  std::optional<std::string> ValidateForm(const boost::json::value& fields) const;

 private:
  friend class JsonSchemaCompiler;
  JsonSchema(std::shared_ptr<const SchemaStore> store, const SchemaNode* root)
      : store_(std::move(store)), root_(root) {}
  std::shared_ptr<const SchemaStore> store_;
  const SchemaNode* root_;
};

// Compiles several schemas of one document (an OpenAPI document's operations), sharing what
// their `$ref`s reach, each compiled once. `document` must outlive the compiler, not the schemas.
class JsonSchemaCompiler {
 public:
  explicit JsonSchemaCompiler(const boost::json::value& document);
  ~JsonSchemaCompiler();
  JsonSchemaCompiler(const JsonSchemaCompiler&) = delete;
  JsonSchemaCompiler& operator=(const JsonSchemaCompiler&) = delete;

  // `schema` is part of the document (or a value like one); `where` names it in errors.
  Result<JsonSchema> Compile(const boost::json::value& schema, const std::string& where);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace estimate::api
