// Malformed estimate documents: each is rejected with a message naming the JSON path, and every
// problem of a document is reported, not just the first.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/resource_index_calculator.hpp"
#include "formats/document/estimate_document.hpp"

namespace estimate::formats {
namespace {

// A valid one-position document with `position` spliced in.
std::string Doc(const std::string& position, const std::string& top = "") {
  return R"({"format": "estimate-document/1", "method": "resource-index", )" + top +
         R"("sections": [{"name": "Р1", "positions": [)" + position + "]}]}";
}

const char* kNorm = R"({"number": "1", "type": "norm", "quantity": "2",
  "resources": [{"kind": "labor", "consumption": "1.5", "price": "600"}]})";

struct BadCase {
  const char* label;
  std::string document;
  const char* expected;  // a line of the error output must contain this
};

std::vector<BadCase> Cases() {
  return {
      {"comma", Doc(R"({"number": "1", "type": "resource", "kind": "material", "quantity": "1,5", "price": "1"})"),
       R"(sections[0].positions[0].quantity: "1,5" is not a decimal number)"},
      {"json number", Doc(R"({"number": "1", "type": "resource", "kind": "material", "quantity": 1.5, "price": "1"})"),
       "sections[0].positions[0].quantity: is a JSON number"},
      {"exponent", Doc(R"({"number": "1", "type": "resource", "kind": "material", "quantity": "1e2", "price": "1"})"),
       R"(sections[0].positions[0].quantity: "1e2" is not a decimal number)"},
      {"nan", Doc(R"({"number": "1", "type": "resource", "kind": "material", "quantity": "NaN", "price": "1"})"),
       R"(quantity: "NaN" is not a decimal number)"},
      {"16 integer digits", Doc(R"({"number": "1", "type": "resource", "kind": "material", "quantity": "1", "price": "1234567890123456"})"),
       "sections[0].positions[0].price: \"1234567890123456\" has more than 15 digits before"},
      {"11 fraction digits", Doc(R"({"number": "1", "type": "resource", "kind": "material", "quantity": "0.12345678901", "price": "1"})"),
       "quantity: \"0.12345678901\" has more than 10 digits after"},
      {"unknown format", R"({"format": "estimate-document/2", "sections": []})",
       R"(format: unknown format "estimate-document/2")"},
      {"missing format", R"({"sections": []})", "format: is required"},
      {"unknown method", Doc(kNorm, R"("method": "magic", )"), R"(method: unknown method "magic")"},
      {"unknown kind", Doc(R"({"number": "1", "type": "norm", "quantity": "1", "resources": [{"kind": "robot", "consumption": "1", "price": "1"}]})"),
       R"(sections[0].positions[0].resources[0].kind: unknown kind "robot")"},
      {"unknown type", Doc(R"({"number": "1", "type": "magic", "quantity": "1"})"),
       R"(sections[0].positions[0].type: unknown type "magic")"},
      {"missing quantity", Doc(R"({"number": "1", "type": "norm"})"),
       "sections[0].positions[0].quantity: is required"},
      {"missing consumption", Doc(R"({"number": "1", "type": "norm", "quantity": "1", "resources": [{"kind": "labor", "price": "1"}]})"),
       "sections[0].positions[0].resources[0].consumption: is required"},
      {"price and base price", Doc(R"({"number": "1", "type": "norm", "quantity": "1", "resources": [{"kind": "material", "consumption": "1", "price": "1", "base_price": "2", "index": "3"}]})"),
       "sections[0].positions[0].resources[0]: give either price, or base_price and index"},
      {"base price without index", Doc(R"({"number": "1", "type": "resource", "kind": "material", "quantity": "1", "base_price": "2"})"),
       "sections[0].positions[0].index: is required together with base_price"},
      {"sections not an array", R"({"format": "estimate-document/1", "sections": {}})",
       "sections: expected an array"},
      {"position not an object", Doc(R"("1")"), "sections[0].positions[0]: expected an object"},
      {"not json", R"({"format": "estimate-document/1", )", "(document): not valid JSON"},
      {"not an object", "[1, 2]", "(document): expected a JSON object"},
      {"machinist on material", Doc(R"({"number": "1", "type": "norm", "quantity": "1", "resources": [{"kind": "material", "consumption": "1", "price": "1", "machinist": {"labor_per_machine_hour": "1", "price": "1"}}]})"),
       "resources[0].machinist: only a machine has a machinist"},
      {"bad work kind", Doc(R"({"number": "1", "type": "resource", "kind": "material", "quantity": "1", "work_kind": "demolition"})"),
       R"(work_kind: unknown work kind "demolition")"},
      {"overhead without percent", Doc(R"({"number": "1", "type": "norm", "quantity": "1", "overhead": {"k": "0.9"}})"),
       "sections[0].positions[0].overhead.percent: is required"},
      {"number not a string", Doc(R"({"number": 1, "type": "resource", "kind": "material", "quantity": "1"})"),
       "sections[0].positions[0].number: expected a string"},
      {"money decimals", Doc(kNorm, R"("options": {"money_decimals": "3"}, )"),
       "options.money_decimals: expected \"2\" or \"0\""},
      {"extra of kind labor", Doc(R"({"number": "1", "type": "norm", "quantity": "1", "extra": [{"kind": "labor", "quantity": "1", "price": "1"}]})"),
       "sections[0].positions[0].extra[0].kind: a sub-row is a material or equipment"},
      {"leading plus", Doc(R"({"number": "1", "type": "resource", "kind": "material", "quantity": "+1"})"),
       R"(quantity: "+1" is not a decimal number)"},
  };
}

TEST(BadInput, EveryMalformedDocumentIsRejectedWithItsJsonPath) {
  const std::vector<BadCase> cases = Cases();
  ASSERT_GE(cases.size(), 15u);
  for (const BadCase& c : cases) {
    Result<core::Estimate> r = ParseEstimateDocument(c.document);
    ASSERT_FALSE(r.ok()) << c.label;
    EXPECT_NE(r.status().message().find(c.expected), std::string::npos)
        << c.label << ": got\n" << r.status().message();
  }
}

TEST(BadInput, ASyntaxErrorNamesItsLineAndColumn) {
  // The column counts characters: «Смета» is 5 characters in 10 bytes.
  const std::string doc =
      "{\"format\": \"estimate-document/1\",\n"
      "  \"name\": \"Смета\",\n"
      "  \"sections\": [}\n";
  Result<core::Estimate> r = ParseEstimateDocument(doc);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message().rfind("(document): not valid JSON at line 3, column 16: ", 0), 0u)
      << r.status().message();

  Result<core::Estimate> cyrillic = ParseEstimateDocument("{\"name\": \"Смета\" \"x\"}");
  ASSERT_FALSE(cyrillic.ok());
  EXPECT_NE(cyrillic.status().message().find("at line 1, column 18: "), std::string::npos)
      << cyrillic.status().message();

  for (const char* truncated : {"", "{", "{\"format\": \"estimate-document/1\", \"sections\": ["}) {
    Result<core::Estimate> t = ParseEstimateDocument(truncated);
    ASSERT_FALSE(t.ok());
    EXPECT_NE(t.status().message().find("(document): not valid JSON at line 1, column "),
              std::string::npos)
        << t.status().message();
  }
}

TEST(BadInput, NestingDeeperThan64IsRefused) {
  std::string deep = "{\"format\": \"estimate-document/1\", \"x\": ";
  for (int i = 0; i < 70; ++i) deep += "[";
  for (int i = 0; i < 70; ++i) deep += "]";
  deep += "}";
  Result<core::Estimate> r = ParseEstimateDocument(deep);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("(document): not valid JSON at line 1, column "),
            std::string::npos)
      << r.status().message();
}

TEST(BadInput, InvalidUtf8IsRefusedAsJsonNamingTheByteAndItsPlace) {
  Result<core::Estimate> r =
      ParseEstimateDocument("{\"format\": \"estimate-document/1\", \"name\": \"\xff\xfe\"}");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "(document): not valid JSON at line 1, column 44: byte 0xFF is not UTF-8");
  // Windows-1251 «Смета» on the second line; a surrogate and an overlong form are not UTF-8 either.
  Result<core::Estimate> cp1251 = ParseEstimateDocument("{\"format\": \"estimate-document/1\",\n\"name\": \"\xd1\xec\xe5\xf2\xe0\"}");
  ASSERT_FALSE(cp1251.ok());
  EXPECT_NE(cp1251.status().message().find("line 2, column 10: byte 0xD1 is not UTF-8"), std::string::npos)
      << cp1251.status().message();
  for (const char* bad : {"{\"name\": \"\xed\xa0\x80\"}", "{\"name\": \"\xc0\xaf\"}", "{\"name\": \"\xf4\x90\x80\x80\"}"}) {
    Result<core::Estimate> b = ParseEstimateDocument(bad);
    ASSERT_FALSE(b.ok());
    EXPECT_NE(b.status().message().find("line 1, column 11: byte 0x"), std::string::npos) << b.status().message();
    EXPECT_NE(b.status().message().find("is not UTF-8"), std::string::npos) << b.status().message();
  }
  // Valid Cyrillic before a syntax error is not blamed.
  Result<core::Estimate> ok_text = ParseEstimateDocument("{\"name\": \"Смета\" ]");
  ASSERT_FALSE(ok_text.ok());
  EXPECT_EQ(ok_text.status().message().find("UTF-8"), std::string::npos) << ok_text.status().message();
}

TEST(BadInput, OfDuplicateKeysTheLastCountsInSmallAndLargeObjects) {
  // Up to 16 fields an object is indexed; past that its fields are scanned: both keep the last.
  std::string extra;
  for (int i = 0; i < 20; ++i) extra += "\"note" + std::to_string(i) + "\": \"x\", ";
  for (const std::string& filler : {std::string(), extra}) {
    Result<core::Estimate> r = ParseEstimateDocument(
        Doc("{" + filler + R"("number": "1", "type": "resource", "kind": "material", )"
            R"("quantity": "1", "price": "5", "quantity": "3"})"));
    ASSERT_TRUE(r.ok()) << r.status().message();
    EXPECT_EQ(r->sections[0].positions[0].quantity.ToString(), "3") << filler.size();
  }
}

TEST(BadInput, CollectsAllProblemsOfADocument) {
  const std::string doc = Doc(
      R"({"number": "1", "type": "norm", "quantity": "1,5",
          "resources": [{"kind": "robot", "consumption": "x", "price": "1"}]},
         {"number": "2", "type": "resource", "kind": "material", "quantity": "2", "price": "1e3"})");
  Result<core::Estimate> r = ParseEstimateDocument(doc);
  ASSERT_FALSE(r.ok());
  const std::string& m = r.status().message();
  EXPECT_NE(m.find("sections[0].positions[0].quantity"), std::string::npos) << m;
  EXPECT_NE(m.find("sections[0].positions[0].resources[0].kind"), std::string::npos) << m;
  EXPECT_NE(m.find("sections[0].positions[0].resources[0].consumption"), std::string::npos) << m;
  EXPECT_NE(m.find("sections[0].positions[1].price"), std::string::npos) << m;
  EXPECT_EQ(std::count(m.begin(), m.end(), '\n'), 3) << m;
}

TEST(BadInput, TooLargeToComputeIsAnErrorNotAWrongTotal) {
  // Each number is within 15 digits, but the line overflows the exact range.
  std::string positions;
  for (int i = 0; i < 3; ++i) {
    if (i > 0) positions += ",";
    positions += R"({"number": ")" + std::to_string(i + 1) +
                 R"(", "type": "norm", "quantity": "999999999999999",
        "resources": [{"kind": "material", "consumption": "999999999999999", "price": "999999999999999"}]})";
  }
  Result<core::Estimate> e = ParseEstimateDocument(Doc(positions));
  ASSERT_TRUE(e.ok()) << e.status().message();
  Result<core::EstimateResult> r = core::CalculateResourceIndex(*e);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message().rfind("sections[0].positions[0]: ", 0), 0u)
      << r.status().message();
}

TEST(Document, UnknownFieldsAreIgnoredAndDefaultsApply) {
  Result<core::Estimate> e = ParseEstimateDocument(
      Doc(R"({"number": "7", "type": "norm", "quantity": "2", "comment": "x",
              "coefficients": [{"name": "в 2 слоя", "labor": "2", "combine": "additive"}],
              "resources": [{"kind": "labor", "consumption": "1.5", "price": "600", "extra": 1}]})",
          R"("name": "Смета", "author": {"x": 1}, "options": {"money_decimals": "0",
             "profit_override": {"percent": "30"}}, )"));
  ASSERT_TRUE(e.ok()) << e.status().message();
  const core::Position& p = e->sections[0].positions[0];
  EXPECT_EQ(p.work_kind, core::WorkKind::kConstruction);
  EXPECT_EQ(p.coefficients[0].combination, core::CoefficientCombination::kAdditive);
  EXPECT_EQ(p.coefficients[0].machines, core::Decimal::FromInt(1));
  EXPECT_EQ(e->options.money_places, 0);
  ASSERT_TRUE(e->options.profit_override.has_value());
  EXPECT_FALSE(e->options.profit_override->k.has_value());
}

}  // namespace
}  // namespace estimate::formats
