#include "api/json_schema.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

namespace estimate::api {
namespace {

namespace json = boost::json;

JsonSchema Compiled(std::string_view schema) {
  auto compiled = JsonSchema::Compile(json::parse(schema));
  EXPECT_TRUE(compiled.ok()) << compiled.status().message();
  return std::move(*compiled);
}

// The error of `value` against `schema`, or "" when it conforms.
std::string ErrorOf(std::string_view schema, std::string_view value) {
  auto error = Compiled(schema).Validate(json::parse(value));
  return error.value_or("");
}

TEST(JsonSchema, TypeNamesTheExpectedTypesAndAcceptsIntegralNumbersAsIntegers) {
  EXPECT_EQ(ErrorOf(R"({"type": "string"})", "5"), "body: expected a string");
  EXPECT_EQ(ErrorOf(R"({"type": "integer"})", "2"), "");
  EXPECT_EQ(ErrorOf(R"({"type": "integer"})", "2.0"), "");
  EXPECT_EQ(ErrorOf(R"({"type": "integer"})", "2.5"), "body: expected an integer");
  EXPECT_EQ(ErrorOf(R"({"type": "number"})", "2.5"), "");
  EXPECT_EQ(ErrorOf(R"({"type": "number"})", "\"2.5\""), "body: expected a number");
  EXPECT_EQ(ErrorOf(R"({"type": "boolean"})", "null"), "body: expected true or false");
  EXPECT_EQ(ErrorOf(R"({"type": ["integer", "null"]})", "null"), "");
  EXPECT_EQ(ErrorOf(R"({"type": ["integer", "null"]})", "\"1\""),
            "body: expected an integer or null");
  EXPECT_EQ(ErrorOf(R"({"type": "string", "nullable": true})", "null"), "");
  EXPECT_EQ(ErrorOf(R"({"type": "array"})", "{}"), "body: expected an array");
  EXPECT_EQ(ErrorOf(R"({"type": "object"})", "[]"), "body: expected an object");
  EXPECT_EQ(ErrorOf(R"({})", "[1, {}]"), "");
  EXPECT_EQ(ErrorOf("true", "1"), "");
  EXPECT_EQ(ErrorOf("false", "1"), "body: is not accepted here");
}

TEST(JsonSchema, PropertiesRequiredAndAdditionalPropertiesNameTheField) {
  const char* schema = R"({"type": "object", "required": ["name"],
      "properties": {"name": {"type": "string"}, "index": {"type": "integer"}},
      "additionalProperties": false})";
  EXPECT_EQ(ErrorOf(schema, R"({"name": "a", "index": 1})"), "");
  EXPECT_EQ(ErrorOf(schema, R"({"index": 1})"), "name: is required");
  EXPECT_EQ(ErrorOf(schema, R"({"name": 7})"), "name: expected a string");
  EXPECT_EQ(ErrorOf(schema, R"({"name": "a", "colour": "red"})"),
            "colour: not a field here (the fields are name, index)");
  const char* open = R"({"properties": {"a": {"type": "string"}},
      "additionalProperties": {"type": "integer"}})";
  EXPECT_EQ(ErrorOf(open, R"({"a": "x", "b": 1})"), "");
  EXPECT_EQ(ErrorOf(open, R"({"a": "x", "b": "1"})"), "b: expected an integer");
  // Without additionalProperties, other fields pass (the handler judges them).
  EXPECT_EQ(ErrorOf(R"({"properties": {"a": {"type": "string"}}})", R"({"b": 1})"), "");
}

TEST(JsonSchema, TheDocumentsDecimalPatternsWrittenOutAgreeWithTheRegex) {
  // The two patterns are checked by hand-written code; the same patterns spelled differently
  // (an empty group before the end) still go through std::regex: both must agree.
  const std::string decimal = R"(^-?[0-9]{1,15}(\\.[0-9]{1,10})?$)";
  const std::string decimal_regex = R"(^-?[0-9]{1,15}(\\.[0-9]{1,10})?(?:)$)";
  const std::string consumption = R"(^(-?[0-9]{1,15}(\\.[0-9]{1,10})?|П)$)";
  const std::string consumption_regex = R"(^(-?[0-9]{1,15}(\\.[0-9]{1,10})?|П)(?:)$)";
  for (const char* text :
       {"0", "-0", "1.5", "-12.25", "123456789012345", "1234567890123456", "1.1234567890",
        "1.12345678901", "", "-", ".5", "5.", "1,5", "+1", "1e3", " 1", "1 ", "П", "ПП", "--1",
        "1.2.3", "0x10", "１"}) {
    const std::string value = json::serialize(json::value(text));
    for (const auto& [fast, slow] : {std::pair{decimal, decimal_regex},
                                     std::pair{consumption, consumption_regex}}) {
      const std::string a = ErrorOf(R"({"pattern": ")" + fast + "\"}", value);
      const std::string b = ErrorOf(R"({"pattern": ")" + slow + "\"}", value);
      EXPECT_EQ(a.empty(), b.empty()) << fast << " " << value;
    }
  }
}

TEST(JsonSchema, PropertyNamesHoldEveryKey) {
  const char* schema = R"({"propertyNames": {"pattern": "^[a-z_]+$"}})";
  EXPECT_EQ(ErrorOf(schema, R"({"database": 1, "redis_cache": 2})"), "");
  EXPECT_EQ(ErrorOf(schema, R"({"Database": 1})"),
            R"(Database: must match ^[a-z_]+$, got "Database")");
}

TEST(JsonSchema, FormTextIsReadAsTheTypeTheSchemaWants) {
  auto schema = Compiled(R"({"properties": {"n": {"type": "integer"}, "x": {"type": "number"},
      "b": {"type": "boolean"}, "s": {"type": "string"}, "o": {"type": ["integer", "null"]}}})");
  const auto form = [&](std::string_view fields) {
    return schema.ValidateForm(json::parse(fields)).value_or("");
  };
  EXPECT_EQ(form(R"({"n": "12", "x": "1.5", "b": "true", "s": "12", "o": "-3"})"), "");
  EXPECT_EQ(form(R"({"n": "1.5"})"), "n: expected an integer");
  EXPECT_EQ(form(R"({"n": " 1"})"), "n: expected an integer");
  EXPECT_EQ(form(R"({"x": "1,5"})"), "x: expected a number");
  EXPECT_EQ(form(R"({"b": "yes"})"), "b: expected true or false");
  // The same text in a JSON body is a string, not a number.
  EXPECT_EQ(schema.Validate(json::parse(R"({"n": "12"})")).value_or(""), "n: expected an integer");
}

TEST(JsonSchema, PathsGoThroughObjectsAndArrays) {
  const char* schema = R"({"type": "object", "properties": {"sections": {"type": "array",
      "items": {"type": "object", "properties": {"positions": {"type": "array",
      "items": {"type": "object", "required": ["quantity"],
                "properties": {"quantity": {"type": "string"}}}}}}}}})";
  EXPECT_EQ(ErrorOf(schema, R"({"sections": [{"positions": [{"quantity": "1"}]},
                               {"positions": [{"quantity": "1"}, {"quantity": 2}]}]})"),
            "sections[1].positions[1].quantity: expected a string");
  EXPECT_EQ(ErrorOf(schema, R"({"sections": [{"positions": [{}]}]})"),
            "sections[0].positions[0].quantity: is required");
  EXPECT_EQ(ErrorOf(schema, R"({"sections": [5]})"), "sections[0]: expected an object");
}

TEST(JsonSchema, EnumAndConstShowTheValueAndWhatIsAllowed) {
  EXPECT_EQ(ErrorOf(R"({"enum": ["draft", "review"]})", R"("draft")"), "");
  EXPECT_EQ(ErrorOf(R"({"enum": ["draft", "review"]})", R"("archived")"),
            R"(body: "archived" is not one of draft, review)");
  EXPECT_EQ(ErrorOf(R"({"enum": [1, null]})", "2"), "body: 2 is not one of 1, null");
  EXPECT_EQ(ErrorOf(R"({"const": "add_section"})", R"("add_section")"), "");
  EXPECT_EQ(ErrorOf(R"({"const": "add_section"})", R"("x")"), R"(body: must be "add_section")");
}

TEST(JsonSchema, PatternIsSearchedAsEcmaScriptAndCompiledOnce) {
  const char* quarter = R"({"properties": {"quarter": {"type": "string",
                                                        "pattern": "^\\d{4}-Q[1-4]$"}}})";
  EXPECT_EQ(ErrorOf(quarter, R"({"quarter": "2025-Q2"})"), "");
  EXPECT_EQ(ErrorOf(quarter, R"({"quarter": "2025-Q9"})"),
            R"(quarter: must match ^\d{4}-Q[1-4]$, got "2025-Q9")");
  // Unanchored patterns match anywhere, as JSON Schema says.
  EXPECT_EQ(ErrorOf(R"({"pattern": "Q[1-4]"})", R"("2025-Q3 и ещё")"), "");
  // Decimals sent as strings are held to their pattern.
  const char* decimal = R"({"type": "string", "pattern": "^-?[0-9]+(\\.[0-9]+)?$"})";
  EXPECT_EQ(ErrorOf(decimal, R"("12.50")"), "");
  EXPECT_NE(ErrorOf(decimal, R"("12,50")"), "");
  // A pattern is not searched in a huge string: std::regex recurses per character.
  const std::string huge = "\"" + std::string(JsonSchema::kMaxPatternInput + 1, 'x') + "\"";
  EXPECT_NE(ErrorOf(R"({"pattern": "^x*$"})", huge).find("too long"), std::string::npos);
  EXPECT_FALSE(JsonSchema::Compile(json::parse(R"({"pattern": "(unclosed"})")).ok());
}

TEST(JsonSchema, LengthsCountCharactersNotBytes) {
  const char* schema = R"({"type": "string", "minLength": 2, "maxLength": 3})";
  EXPECT_EQ(ErrorOf(schema, R"("абв")"), "");  // 6 bytes, 3 characters
  EXPECT_EQ(ErrorOf(schema, R"("а")"), "body: must be at least 2 characters long");
  EXPECT_EQ(ErrorOf(schema, R"("абвг")"), "body: must be at most 3 characters long");
  EXPECT_EQ(ErrorOf(R"({"minLength": 1})", R"("")"), "body: must not be empty");
}

TEST(JsonSchema, NumericBoundsInclusiveAndExclusive) {
  const char* schema = R"({"type": "integer", "minimum": 1, "maximum": 10})";
  EXPECT_EQ(ErrorOf(schema, "1"), "");
  EXPECT_EQ(ErrorOf(schema, "10"), "");
  EXPECT_EQ(ErrorOf(schema, "0"), "body: must be at least 1");
  EXPECT_EQ(ErrorOf(schema, "11"), "body: must be at most 10");
  const char* exclusive = R"({"exclusiveMinimum": 0, "exclusiveMaximum": 1.5})";
  EXPECT_EQ(ErrorOf(exclusive, "0.5"), "");
  EXPECT_EQ(ErrorOf(exclusive, "0"), "body: must be greater than 0");
  EXPECT_EQ(ErrorOf(exclusive, "1.5"), "body: must be less than 1.5");
  // OpenAPI 3.0's boolean form.
  EXPECT_EQ(ErrorOf(R"({"minimum": 0, "exclusiveMinimum": true})", "0"),
            "body: must be greater than 0");
  // Bounds apply to numbers only.
  EXPECT_EQ(ErrorOf(R"({"minimum": 5})", R"("1")"), "");
}

TEST(JsonSchema, ItemCounts) {
  const char* schema = R"({"type": "array", "minItems": 1, "maxItems": 2})";
  EXPECT_EQ(ErrorOf(schema, "[1]"), "");
  EXPECT_EQ(ErrorOf(schema, "[]"), "body: must not be empty");
  EXPECT_EQ(ErrorOf(schema, "[1, 2, 3]"), "body: must have at most 2 items");
  EXPECT_EQ(ErrorOf(R"({"minItems": 2})", "[1]"), "body: must have at least 2 items");
}

TEST(JsonSchema, DateFormatIsARealCalendarDate) {
  const char* schema = R"({"properties": {"date": {"type": "string", "format": "date"}}})";
  EXPECT_EQ(ErrorOf(schema, R"({"date": "2026-03-01"})"), "");
  EXPECT_EQ(ErrorOf(schema, R"({"date": "2024-02-29"})"), "");
  EXPECT_EQ(ErrorOf(schema, R"({"date": "2026-13-45"})"),
            R"(date: expected a date as YYYY-MM-DD, got "2026-13-45")");
  EXPECT_NE(ErrorOf(schema, R"({"date": "2025-02-29"})"), "");
  EXPECT_NE(ErrorOf(schema, R"({"date": "1900-02-29"})"), "");
  EXPECT_EQ(ErrorOf(schema, R"({"date": "2000-02-29"})"), "");
  EXPECT_NE(ErrorOf(schema, R"({"date": "1.1.2026"})"), "");
  EXPECT_NE(ErrorOf(schema, R"({"date": "2026-04-31"})"), "");
  // Other formats are annotations.
  EXPECT_EQ(ErrorOf(R"({"format": "email"})", R"("not an e-mail")"), "");
}

TEST(JsonSchema, RefsResolveInTheDocumentWithSiblingsAndRecursion) {
  const char* schema = R"({
    "$ref": "#/$defs/Node", "required": ["name"],
    "$defs": {"Node": {"type": "object", "properties": {
      "name": {"type": "string"},
      "children": {"type": "array", "items": {"$ref": "#/$defs/Node"}}}}}})";
  EXPECT_EQ(ErrorOf(schema, R"({"name": "a", "children": [{"children": [{}]}]})"), "");
  EXPECT_EQ(ErrorOf(schema, R"({"children": []})"), "name: is required");
  EXPECT_EQ(ErrorOf(schema, R"({"name": "a", "children": [{"children": [{"name": 1}]}]})"),
            "children[0].children[0].name: expected a string");
  EXPECT_FALSE(JsonSchema::Compile(json::parse(R"({"$ref": "#/nowhere"})")).ok());
  EXPECT_FALSE(JsonSchema::Compile(json::parse(R"({"$ref": "other.json#/a"})")).ok());
  // JSON-pointer escapes.
  EXPECT_EQ(ErrorOf(R"({"$ref": "#/$defs/a~1b", "$defs": {"a/b": {"type": "string"}}})", "1"),
            "body: expected a string");
}

TEST(JsonSchema, AllOfAnyOfOneOfWithoutADiscriminator) {
  const char* all = R"({"allOf": [{"required": ["a"]}, {"required": ["b"]}]})";
  EXPECT_EQ(ErrorOf(all, R"({"a": 1, "b": 2})"), "");
  EXPECT_EQ(ErrorOf(all, R"({"a": 1})"), "b: is required");
  const char* any = R"({"anyOf": [{"type": "string"}, {"type": "integer"}]})";
  EXPECT_EQ(ErrorOf(any, "1"), "");
  EXPECT_EQ(ErrorOf(any, "true"), "body: expected a string or an integer");
  const char* mixed = R"({"anyOf": [{"type": "string", "minLength": 2}, {"type": "integer"}]})";
  EXPECT_EQ(ErrorOf(mixed, R"("a")"),
            "body: matches none of its allowed forms (must be at least 2 characters long; "
            "expected an integer)");
  const char* one = R"({"oneOf": [{"type": "integer"}, {"type": "number", "minimum": 0}]})";
  EXPECT_EQ(ErrorOf(one, "-1"), "");
  EXPECT_EQ(ErrorOf(one, "0.5"), "");
  EXPECT_EQ(ErrorOf(one, "3"), "body: matches more than one of its allowed forms");
  // The error that got furthest into the value is the one told.
  const char* deep = R"({"oneOf": [
      {"type": "object", "required": ["a"], "properties": {"a": {"type": "string"}}},
      {"type": "array"}]})";
  EXPECT_EQ(ErrorOf(deep, R"({"a": 1})"), "a: expected a string");
}

// The Change of the contract: a oneOf discriminated on `op`.
constexpr const char* kChange = R"({
  "type": "object", "required": ["changes"],
  "properties": {"changes": {"type": "array", "minItems": 1,
                             "items": {"$ref": "#/components/schemas/Change"}}},
  "components": {"schemas": {
    "Change": {"oneOf": [{"$ref": "#/components/schemas/AddSection"},
                         {"$ref": "#/components/schemas/UpdatePosition"},
                         {"$ref": "#/components/schemas/RemovePosition"}],
               "discriminator": {"propertyName": "op", "mapping": {
                 "add_section": "#/components/schemas/AddSection",
                 "update_position": "#/components/schemas/UpdatePosition"}}},
    "AddSection": {"type": "object", "required": ["op", "name"], "additionalProperties": false,
                   "properties": {"op": {"const": "add_section"}, "name": {"type": "string"},
                                  "index": {"type": "integer", "minimum": 0}}},
    "UpdatePosition": {"type": "object", "required": ["op", "position_id"],
                       "properties": {"op": {"const": "update_position"},
                                      "position_id": {"type": "integer"},
                                      "quantity": {"type": "string",
                                                   "pattern": "^[0-9]+(\\.[0-9]+)?$"}}},
    "RemovePosition": {"type": "object", "required": ["op", "position_id"],
                       "properties": {"op": {"enum": ["remove_position"]},
                                      "position_id": {"type": "integer"}}}}}})";

TEST(JsonSchema, DiscriminatorPicksTheBranchAndNamesTheOp) {
  EXPECT_EQ(ErrorOf(kChange, R"({"changes": [{"op": "add_section", "name": "Раздел"},
      {"op": "update_position", "position_id": 3, "quantity": "1.5"},
      {"op": "remove_position", "position_id": 3}]})"),
            "");
  EXPECT_EQ(ErrorOf(kChange, R"({"changes": [{"quantity": "1"}]})"), "changes[0].op: is required");
  EXPECT_EQ(ErrorOf(kChange, R"({"changes": [{"op": 5}]})"), "changes[0].op: expected a string");
  EXPECT_EQ(ErrorOf(kChange, R"({"changes": [{"op": "explode"}]})"),
            R"(changes[0].op: "explode" is not one of add_section, update_position, )"
            R"(remove_position)");
  // The branch of the op says what is wrong, not a list of every branch's complaint.
  EXPECT_EQ(ErrorOf(kChange, R"({"changes": [{"op": "add_section", "name": "a"},
      {"op": "update_position", "position_id": 3, "quantity": "много"}]})"),
            R"(changes[1].quantity: must match ^[0-9]+(\.[0-9]+)?$, got "много")");
  EXPECT_EQ(ErrorOf(kChange, R"({"changes": [{"op": "add_section"}]})"),
            "changes[0].name: is required");
  EXPECT_EQ(ErrorOf(kChange, R"({"changes": [{"op": "add_section", "name": "a", "index": -1}]})"),
            "changes[0].index: must be at least 0");
  EXPECT_EQ(ErrorOf(kChange, R"({"changes": [{"op": "add_section", "name": "a", "x": 1}]})"),
            "changes[0].x: not a field here (the fields are op, name, index)");
  EXPECT_EQ(ErrorOf(kChange, R"({"changes": [5]})"), "changes[0]: expected an object");
  EXPECT_EQ(ErrorOf(kChange, R"({"changes": []})"), "changes: must not be empty");
  EXPECT_EQ(ErrorOf(kChange, R"({})"), "changes: is required");
}

TEST(JsonSchema, DiscriminatorWithoutMappingUsesTheConstOrTheComponentName) {
  const char* by_name = R"({"oneOf": [{"$ref": "#/components/schemas/Cat"},
                                      {"$ref": "#/components/schemas/Dog"}],
      "discriminator": {"propertyName": "kind"},
      "components": {"schemas": {
        "Cat": {"type": "object", "properties": {"lives": {"type": "integer"}}},
        "Dog": {"type": "object", "properties": {"barks": {"type": "boolean"}}}}}})";
  EXPECT_EQ(ErrorOf(by_name, R"({"kind": "Cat", "lives": 9})"), "");
  EXPECT_EQ(ErrorOf(by_name, R"({"kind": "Dog", "barks": 1})"), "barks: expected true or false");
  EXPECT_EQ(ErrorOf(by_name, R"({"kind": "Cow"})"), R"(kind: "Cow" is not one of Cat, Dog)");
  const char* inline_const = R"({"oneOf": [
      {"properties": {"op": {"const": "a"}, "x": {"type": "integer"}}},
      {"properties": {"op": {"const": "b"}, "x": {"type": "string"}}}],
      "discriminator": {"propertyName": "op"}})";
  EXPECT_EQ(ErrorOf(inline_const, R"({"op": "a", "x": 1})"), "");
  EXPECT_EQ(ErrorOf(inline_const, R"({"op": "b", "x": 1})"), "x: expected a string");
  EXPECT_EQ(ErrorOf(inline_const, R"(5)"), "body: expected an object");
}

TEST(JsonSchema, UnevaluatedPropertiesSeesThePropertiesOfAllOfMembers) {
  const char* schema = R"({"allOf": [{"$ref": "#/$defs/Header"}],
      "properties": {"sections": {"type": "array"}}, "unevaluatedProperties": false,
      "$defs": {"Header": {"properties": {"name": {"type": "string"}}}}})";
  EXPECT_EQ(ErrorOf(schema, R"({"name": "a", "sections": []})"), "");
  EXPECT_EQ(ErrorOf(schema, R"({"name": "a", "colour": 1})"),
            "colour: not a field here (the fields are sections, name)");
}

TEST(JsonSchema, MalformedSchemasAreCompileErrorsNamingThePlace) {
  auto bad = JsonSchema::Compile(json::parse(R"({"properties": {"a": {"type": "text"}}})"));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "#/properties/a/type: unknown type \"text\"");
  EXPECT_FALSE(JsonSchema::Compile(json::parse(R"({"minLength": -1})")).ok());
  EXPECT_FALSE(JsonSchema::Compile(json::parse(R"({"oneOf": []})")).ok());
  EXPECT_FALSE(JsonSchema::Compile(json::parse(R"({"required": "name"})")).ok());
  EXPECT_FALSE(JsonSchema::Compile(json::parse("5")).ok());
}

TEST(JsonSchema, AReferenceCycleThatConsumesNothingStopsWithAnError) {
  const char* loop = R"({"$ref": "#/$defs/A", "$defs": {"A": {"$ref": "#/$defs/A"}}})";
  EXPECT_NE(ErrorOf(loop, "1").find("deeper"), std::string::npos);
}

}  // namespace
}  // namespace estimate::api
