// The ЛСР by the base-index method as ГГЭ XML (docs/design/documents-io.md §4): the 3.01 shape of
// ГОССТРОЙСМЕТА has no published schema, so it is checked the way §4.3 prescribes — the six
// mechanical conversions turn it into the 3.02 draft, which validates; and the conversions give
// exactly what the writer renders for 3.02.
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <unistd.h>

#include "formats/document/calc.hpp"
#include "formats/gge/gge.hpp"
#include "computed_writers.hpp"

namespace estimate::formats {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

const fs::path kShared = ESTIMATE_SHARED_DIR;
const fs::path kSample = kShared / "samples/gge_lsr_bim_3.01_example1_GSS.gge";
const fs::path kXsd302 = kShared / "samples/xsd/LocalEstimateBaseIndexMethod-3_02-draft.xsd";
constexpr const char* kTerritory301 = "\xD0\xA2" "erritory" "\xD0\xA2" "ype";

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The sample as our document and header (the header keeps every field the file states).
struct Imported {
  core::BaseIndexEstimate estimate;
  GgeHeader header;
  std::string document_json;
};

Imported ImportSample() {
  auto imported = ReadGgeBaseIndexEstimate(ReadFile(kSample));
  EXPECT_TRUE(imported.ok()) << imported.status().message();
  if (!imported.ok()) return {};
  auto estimate = ParseBaseIndexDocument(imported->document_json);
  EXPECT_TRUE(estimate.ok()) << estimate.status().message();
  if (!estimate.ok()) return {};
  imported->header.export_time = "2026-11-26T10:00:00+03:00";
  imported->header.software_version = "test";
  return {*estimate, imported->header, imported->document_json};
}

using DocPtr = std::unique_ptr<xmlDoc, decltype(&xmlFreeDoc)>;

DocPtr Parse(const std::string& xml) {
  return DocPtr(xmlReadMemory(xml.data(), static_cast<int>(xml.size()), nullptr, "utf-8",
                              XML_PARSE_NONET | XML_PARSE_NOBLANKS),
                xmlFreeDoc);
}

bool Named(const xmlNode* n, const char* name) {
  return n->type == XML_ELEMENT_NODE && xmlStrcmp(n->name, BAD_CAST name) == 0;
}

xmlNode* ChildNamed(xmlNode* n, const char* name) {
  for (xmlNode* c = n->children; c != nullptr; c = c->next) {
    if (Named(c, name)) return c;
  }
  return nullptr;
}

// Conversion 5 everywhere below `n`: Consumption → Quantity, ConsumptionTotal → QuantityTotal
// moved right after it. Returns the number of elements changed.
int RenameQuantities(xmlNode* n) {
  int changed = 0;
  for (xmlNode* c = n->children; c != nullptr; c = c->next) {
    if (c->type == XML_ELEMENT_NODE) changed += RenameQuantities(c);
  }
  xmlNode* consumption = ChildNamed(n, "Consumption");
  xmlNode* total = ChildNamed(n, "ConsumptionTotal");
  if (consumption != nullptr && total != nullptr) {
    xmlNodeSetName(consumption, BAD_CAST "Quantity");
    xmlUnlinkNode(total);
    xmlNodeSetName(total, BAD_CAST "QuantityTotal");
    xmlAddNextSibling(consumption, total);
    changed += 2;
  }
  return changed;
}

// docs/design/documents-io.md §4.3: the 3.01 БИМ shape → the 3.02 draft, mechanically (the
// schema location and file version are named for the draft too).
std::string ConvertTo302(const std::string& xml, int* quantities) {
  DocPtr doc = Parse(xml);
  if (!doc) return {};
  xmlNode* root = xmlDocGetRootElement(doc.get());
  xmlNodeSetName(root, BAD_CAST "LocalEstimateBaseIndexMethod");  // 1
  xmlSetProp(root, BAD_CAST "xsi:noNamespaceSchemaLocation",
             BAD_CAST "LocalEstimateBaseIndexMethod-3_02.xsd");
  xmlNodeSetContent(ChildNamed(ChildNamed(ChildNamed(root, "Meta"), "File"), "Version"),
                    BAD_CAST "3.02");
  xmlNode* estimate = ChildNamed(ChildNamed(root, "Object"), "Estimate");
  xmlNode* territory = ChildNamed(estimate, kTerritory301);
  xmlNodeSetName(territory, BAD_CAST "TerritoryType");  // 2
  xmlAddNextSibling(territory, xmlNewDocNode(doc.get(), nullptr, BAD_CAST "ObjectType",
                                             BAD_CAST "Непроизводственный"));  // 3
  xmlNode* type = ChildNamed(estimate, "EstimateType");
  xmlChar* type_text = xmlNodeGetContent(type);
  EXPECT_STREQ(reinterpret_cast<const char*>(type_text), "Строительство");
  xmlFree(type_text);
  xmlNodeSetName(type, BAD_CAST "LocalEstimateBaseIndexMethodType");  // 4
  xmlNodeSetContent(type, BAD_CAST "1");
  *quantities = RenameQuantities(root);  // 5; 6 (Machine/MachinistSalary) we never write
  xmlChar* out = nullptr;
  int size = 0;
  xmlDocDumpFormatMemoryEnc(doc.get(), &out, &size, "utf-8", 1);
  std::string s(reinterpret_cast<const char*>(out), static_cast<std::size_t>(size));
  xmlFree(out);
  return s;
}

// The same document reformatted, so that two renderings compare element by element.
std::string Canonical(const std::string& xml) {
  DocPtr doc = Parse(xml);
  if (!doc) return "(not XML)";
  xmlChar* out = nullptr;
  int size = 0;
  xmlDocDumpFormatMemoryEnc(doc.get(), &out, &size, "utf-8", 1);
  std::string s(reinterpret_cast<const char*>(out), static_cast<std::size_t>(size));
  xmlFree(out);
  return s;
}

int XmlLint(const std::string& xml, const fs::path& xsd) {
  const fs::path file = fs::temp_directory_path() /
                        ("gge-bim-" + std::to_string(::getpid()) + "-" +
                         ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".gge");
  std::ofstream(file, std::ios::binary) << xml;
  const std::string command =
      "xmllint --noout --schema '" + xsd.string() + "' '" + file.string() + "' >/dev/null 2>&1";
  const int rc = std::system(command.c_str());
  fs::remove(file);
  return rc;
}

// The text of the first `element` after `from` in `xml`.
std::string After(const std::string& xml, const std::string& from, const std::string& element) {
  const std::size_t at = xml.find(from);
  if (at == std::string::npos) return {};
  const std::string open = "<" + element + ">";
  const std::size_t start = xml.find(open, at);
  if (start == std::string::npos) return {};
  const std::size_t value = start + open.size();
  return xml.substr(value, xml.find('<', value) - value);
}

TEST(GgeBaseIndexExport, TheGosstroysmetaEstimateIsWrittenWithItsTotals) {
  const Imported s = ImportSample();
  auto xml = computed::WriteGgeBaseIndexEstimate(s.estimate, s.header);
  ASSERT_TRUE(xml.ok()) << xml.status().message();
  // The figures the file states (docs/calc-document.md, the golden case of the import).
  std::string price = xml->substr(xml->find("<EstimatePrice>"));
  price = price.substr(0, price.find("</EstimatePrice>"));
  const std::string tail = price.substr(price.rfind("<Total>"));
  EXPECT_EQ(After(tail, "<Total>", "PriceBase"), "1806575.55");
  EXPECT_EQ(After(tail, "<Total>", "PriceCurrent"), "36150662.20");
  EXPECT_EQ(After(price, "<Building>", "PriceCurrent"), "35205702.79");
  EXPECT_EQ(After(price, "<Mounting>", "PriceCurrent"), "94437.31");
  EXPECT_EQ(After(price, "<Equipment>", "PriceCurrent"), "794058.15");
  EXPECT_EQ(After(price, "<Other>", "PriceCurrent"), "56463.95");
  EXPECT_EQ(After(price, "<Machines>", "Final"), "16.64");  // ЭМ, on the block
  EXPECT_EQ(After(price, "<WorkersSalary>", "Final"), "52.21");  // the estimate's pay index
  EXPECT_EQ(After(price, "<Materials>", "Final"), "8.49");
  // The per-position pay of item 2 (ФЕР08-01-001-01): 32.74 × 52.21 = 1709.36.
  EXPECT_NE(xml->find("<WorkersSalary>1709.36</WorkersSalary>"), std::string::npos);
  // The 3.01 shape: the root, the Cyrillic Т, Consumption, EstimateType.
  EXPECT_NE(xml->find("<Construction "), std::string::npos);
  EXPECT_NE(xml->find("LocalEstimateBaseIndexMethod-3_01.xsd"), std::string::npos);
  EXPECT_NE(xml->find(std::string("<") + kTerritory301 + ">"), std::string::npos);
  EXPECT_NE(xml->find("<EstimateType>Строительство</EstimateType>"), std::string::npos);
  EXPECT_NE(xml->find("<IndexType>Индексы к элементам прямых затрат</IndexType>"),
            std::string::npos);
  EXPECT_NE(xml->find("<ConsumptionTotal>"), std::string::npos);
  // The top-up row of machinists' pay of the position with п.60.1 and прил.10 т.2.
  EXPECT_NE(xml->find("<Name>Доплаты к оплате труда машинистов</Name>"), std::string::npos);
  EXPECT_NE(xml->find("<PriceTotalBase>342.06</PriceTotalBase>"), std::string::npos);
}

TEST(GgeBaseIndexExport, TheSixConversionsGiveTheDraftsRenderingAndItValidates) {
  const Imported s = ImportSample();
  auto v301 = computed::WriteGgeBaseIndexEstimate(s.estimate, s.header, GgeVersion::k301);
  auto v302 = computed::WriteGgeBaseIndexEstimate(s.estimate, s.header, GgeVersion::k302);
  ASSERT_TRUE(v301.ok()) << v301.status().message();
  ASSERT_TRUE(v302.ok()) << v302.status().message();
  int quantities = 0;
  const std::string converted = ConvertTo302(*v301, &quantities);
  EXPECT_EQ(quantities, 36);  // 18 resource, transport and top-up rows, each with the pair
  Status valid = ValidateXml(converted, kXsd302.string());
  EXPECT_TRUE(valid.ok()) << valid.message();
  EXPECT_EQ(XmlLint(converted, kXsd302), 0);
  // The 3.02 rendering is the converted 3.01 file, element for element.
  EXPECT_EQ(Canonical(*v302), converted);
  EXPECT_TRUE(ValidateXml(*v302, kXsd302.string()).ok());
  EXPECT_EQ(XmlLint(*v302, kXsd302), 0);
}

TEST(GgeBaseIndexExport, ExportImportExportIsByteStableAndNothingDiffers) {
  const Imported s = ImportSample();
  for (const GgeVersion version : {GgeVersion::k301, GgeVersion::k302}) {
    auto first = computed::WriteGgeBaseIndexEstimate(s.estimate, s.header, version);
    ASSERT_TRUE(first.ok()) << first.status().message();
    auto imported = ReadGgeBaseIndexEstimate(*first);
    ASSERT_TRUE(imported.ok()) << imported.status().message();
    for (const auto& d : imported->differences) {
      ADD_FAILURE() << d.path << ": stated " << d.stated << ", computed " << d.computed;
    }
    EXPECT_GE(imported->compared, 25u);
    // The document read back is the document written: same inputs, same figures.
    EXPECT_EQ(json::parse(imported->document_json).at("indices"),
              json::parse(s.document_json).at("indices"));
    auto again = ParseBaseIndexDocument(imported->document_json);
    ASSERT_TRUE(again.ok()) << again.status().message();
    auto second = computed::WriteGgeBaseIndexEstimate(*again, imported->header, version);
    ASSERT_TRUE(second.ok()) << second.status().message();
    EXPECT_EQ(*second, *first);
  }
}

// Indexing «к СМР»: one index on each work block (less its transport), transport line by line;
// no per-position current figures.
TEST(GgeBaseIndexExport, IndexingToConstructionInstallationIsWrittenAndReadBack) {
  json::value doc = json::parse(ImportSample().document_json);
  doc.at("indices").as_object() = json::object{{"indexing", "construction_installation"},
                                               {"construction_installation", "20.5"},
                                               {"equipment", "6.31"},
                                               {"other", "12.29"}};
  for (auto& section : doc.at("sections").as_array()) {
    for (auto& p : section.at("positions").as_array()) p.as_object().erase("pay_index");
  }
  auto estimate = ParseBaseIndexDocument(json::serialize(doc));
  ASSERT_TRUE(estimate.ok()) << estimate.status().message();
  GgeHeader header = ImportSample().header;
  auto result = core::CalculateBaseIndexEstimate(*estimate);
  ASSERT_TRUE(result.ok());
  for (const GgeVersion version : {GgeVersion::k301, GgeVersion::k302}) {
    auto xml = computed::WriteGgeBaseIndexEstimate(*estimate, header, version);
    ASSERT_TRUE(xml.ok()) << xml.status().message();
    EXPECT_NE(xml->find("<IndexType>Индексы к СМР</IndexType>"), std::string::npos);
    const std::string price = xml->substr(xml->find("<EstimatePrice>"));
    EXPECT_EQ(After(price, "<Building>", "Final"), "20.5");
    EXPECT_EQ(After(price, "<Building>", "PriceCurrent"),
              result->construction.current.total.ToFixed(2));
    if (version == GgeVersion::k302) {
      Status valid = ValidateXml(*xml, kXsd302.string());
      EXPECT_TRUE(valid.ok()) << valid.message();
    } else {
      int quantities = 0;
      EXPECT_TRUE(ValidateXml(ConvertTo302(*xml, &quantities), kXsd302.string()).ok());
    }
    auto imported = ReadGgeBaseIndexEstimate(*xml);
    ASSERT_TRUE(imported.ok()) << imported.status().message();
    EXPECT_TRUE(imported->differences.empty());
    auto again = ParseBaseIndexDocument(imported->document_json);
    ASSERT_TRUE(again.ok()) << again.status().message();
    auto second = computed::WriteGgeBaseIndexEstimate(*again, imported->header, version);
    ASSERT_TRUE(second.ok());
    EXPECT_EQ(*second, *xml);
  }
}

TEST(GgeBaseIndexExport, MissingHeaderFieldsAreNamed) {
  Imported s = ImportSample();
  s.header.construction_name.clear();
  s.header.region_code.clear();
  s.header.construction_type = "Ремонт";
  s.header.object_type = "Жилой";
  s.header.indexes.front().number = "ИФ-09";
  auto xml = computed::WriteGgeBaseIndexEstimate(s.estimate, s.header);
  ASSERT_FALSE(xml.ok());
  const std::string message = xml.status().message();
  for (const char* field : {"header.construction.name", "header.region.code",
                            "header.construction_type", "header.object_type",
                            "header.legal.indexes[0]"}) {
    EXPECT_NE(message.find(field), std::string::npos) << field << ": " << message;
  }
}

// What the sample does not have: a pay index of its own on a construction norm while ОТм has an
// index apart from ОТ; a norm with transport but no chosen material, and with equipment; another
// cost as a resource with transport; a market-price material in a norm counted in other costs; a
// section of headings only. Every shape validates, comes back with the same figures and writes
// the same bytes again.
constexpr const char* kShapes = R"json({
  "format": "estimate-document/1", "method": "base-index", "name": "Формы",
  "header": {"construction": {"name": "Стройка"}, "object": {"name": "Объект"}, "number": "02-01-07",
             "name": "Формы", "region": {"code": "50", "name": "Московская область"},
             "price_level": {"year": "2025", "quarter": "2"}},
  "indices": {"indexing": "by_cost_element", "workers_pay": "52.21", "machinists_pay": "40",
              "machines": "16.64", "materials": "8.49", "equipment": "6.31", "other": "12.29"},
  "sections": [
    {"name": "Нормы", "positions": [
      {"number": "1", "type": "norm", "code": "ФЕР08-01-001-01", "name": "Фундаменты", "unit": "м3",
       "column": "construction", "quantity": "2.5", "pay_index": "52.21",
       "unit_rate": {"workers_pay": "32.74", "machines": "10.46", "machinists_pay": "1.74",
                     "materials": "215.19", "labor_hours": "3.94", "machinist_hours": "0.15"},
       "coefficients": [{"name": "421/пр_2020_прил.10_т.1_п.4_гр.3", "combine": "additive",
                         "labor": "1.2", "machinist_labor": "1.2", "machines": "1.2"},
                        {"name": "421/пр_2020_п.60.1", "workers_pay": "1.25", "machinists_pay": "1.25"}],
       "transport": [{"code": "ФССЦпг03-01-01-030", "name": "Перевозка грузов I класса",
                      "quantity": "3.1", "base_price": "18.16", "index": "18.75"}],
       "equipment": [{"code": "ТЦ_61.1.01", "name": "Насос", "unit": "шт", "quantity": "1",
                      "base_price": "1000"}],
       "overhead": {"code": "Пр/812-008.0-1", "percent": "110", "k": "0.9"},
       "profit": {"code": "Пр/774-008.0", "percent": "69", "k": "0.85"}},
      {"number": "2", "type": "norm", "code": "ФЕРм08-02-001-01", "name": "Монтаж", "unit": "шт",
       "column": "installation", "quantity": "4",
       "unit_rate": {"workers_pay": "10", "machines": "5", "machinists_pay": "1", "materials": "2"},
       "materials": [{"code": "ТЦ_21.1.02", "name": "Кабель", "unit": "м", "quantity": "12",
                      "base_price": "49.49", "price_factor": "1.025"}]},
      {"number": "3", "type": "norm", "code": "ФЕР07-01-001-01", "name": "Прочая работа",
       "unit": "100 шт", "column": "other", "quantity": "1", "pay_index": "1",
       "unit_rate": {"workers_pay": "569.85", "machines": "2385.32", "machinists_pay": "325.85",
                     "materials": "0", "labor_hours": "65.2", "machinist_hours": "24.61"},
       "materials": [{"code": "ТЦ_05.1", "name": "Плиты", "unit": "шт", "quantity": "10",
                      "base_price": "100"}]}]},
    {"name": "Только заголовок", "positions": []},
    {"name": "Ресурсы", "positions": [
      {"number": "4", "type": "resource", "code": "ТЦ_01.7", "name": "Прочие затраты", "unit": "компл",
       "column": "other", "quantity": "1", "base_price": "300",
       "transport": [{"code": "ФССЦпг03-21-01-030", "name": "Перевозка", "quantity": "1",
                      "base_price": "19.29", "index": "16.22"}]},
      {"number": "5", "type": "resource", "code": "05.1.05.04-0084", "name": "Плита", "unit": "шт",
       "column": "construction", "quantity": "2", "base_price": "725.91", "price_factor": "1.025"}]}]
})json";

TEST(GgeBaseIndexExport, ShapesTheSampleLacksComeBackWithTheSameFigures) {
  auto estimate = ParseBaseIndexDocument(kShapes);
  ASSERT_TRUE(estimate.ok()) << estimate.status().message();
  auto header = ParseGgeHeader(kShapes, Fer2001Header());
  ASSERT_TRUE(header.ok()) << header.status().message();
  header->export_time = "2026-11-26T10:00:00+03:00";
  const CalcOutcome original = Calculate(kShapes, OutputFormat::kJson);
  ASSERT_TRUE(original.ok());
  for (const GgeVersion version : {GgeVersion::k301, GgeVersion::k302}) {
    auto first = computed::WriteGgeBaseIndexEstimate(*estimate, *header, version);
    ASSERT_TRUE(first.ok()) << first.status().message();
    int quantities = 0;
    const std::string v302 = version == GgeVersion::k302 ? *first : ConvertTo302(*first, &quantities);
    Status valid = ValidateXml(v302, kXsd302.string());
    EXPECT_TRUE(valid.ok()) << valid.message();
    EXPECT_NE(first->find("<FreeString>Только заголовок</FreeString>"), std::string::npos);
    auto imported = ReadGgeBaseIndexEstimate(*first);
    ASSERT_TRUE(imported.ok()) << imported.status().message();
    for (const auto& d : imported->differences) {
      ADD_FAILURE() << d.path << ": stated " << d.stated << ", computed " << d.computed;
    }
    EXPECT_TRUE(imported->warnings.empty()) << imported->warnings.front();
    // The same figures: the recalculation of the document read back equals the original's.
    const CalcOutcome again = Calculate(imported->document_json, OutputFormat::kJson);
    ASSERT_TRUE(again.ok()) << again.problems.front();
    EXPECT_EQ(json::parse(again.json).at("totals"), json::parse(original.json).at("totals"));
    EXPECT_EQ(json::parse(again.json).at("positions"), json::parse(original.json).at("positions"));
    auto reread = ParseBaseIndexDocument(imported->document_json);
    ASSERT_TRUE(reread.ok()) << reread.status().message();
    auto second = computed::WriteGgeBaseIndexEstimate(*reread, imported->header, version);
    ASSERT_TRUE(second.ok()) << second.status().message();
    EXPECT_EQ(*second, *first);
  }
  // Market prices: the installation norm's cable in Mounting's External, the other-cost norm's
  // plates in Other, not in External.
  auto xml = computed::WriteGgeBaseIndexEstimate(*estimate, *header);
  ASSERT_TRUE(xml.ok());
  std::string price = xml->substr(xml->find("<EstimatePrice>"));
  price = price.substr(0, price.find("</EstimatePrice>"));
  // 12 × 49.49 × 1.025 = 608.727 → 608.73.
  EXPECT_EQ(After(price.substr(price.find("<Mounting>")), "<External>", "PriceBase"), "608.73");
  const std::string building = price.substr(price.find("<Building>"), price.find("<Mounting>") - price.find("<Building>"));
  EXPECT_EQ(building.find("<External>"), std::string::npos) << "no market-price material in Building";
}

TEST(GgeBaseIndexExport, ACoefficientWhoseNameDoesNotSayHowItCombinesIsRefused) {
  json::value doc = json::parse(kShapes);
  json::object& c =
      doc.at("sections").at(0).at("positions").at(0).at("coefficients").at(0).as_object();
  c["name"] = "Охранная зона ЛЭП";  // still "additive", but the name no longer says so
  auto estimate = ParseBaseIndexDocument(json::serialize(doc));
  ASSERT_TRUE(estimate.ok()) << estimate.status().message();
  auto header = ParseGgeHeader(kShapes, Fer2001Header());
  ASSERT_TRUE(header.ok());
  auto xml = computed::WriteGgeBaseIndexEstimate(*estimate, *header);
  ASSERT_FALSE(xml.ok());
  EXPECT_NE(xml.status().message().find("sections[0].positions[0].coefficients[0].combine"),
            std::string::npos)
      << xml.status().message();
}

}  // namespace
}  // namespace estimate::formats
