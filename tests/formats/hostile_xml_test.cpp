// Hostile ГГЭ XML uploads. The finding: a 3.4 MB x.gge of <Construction a0="1" … a299999="1"/>
// kept POST /api/v1/imports at full CPU for 439 s (libxml2 checks each attribute against all
// earlier ones). Every public ГГЭ reader — GgeDocumentType and ReadBoqGge are what the import
// calls first — now refuses such documents by the limit they exceed, before libxml2 parses them.
// The XLSX counterparts are in boq_import_test.cpp.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "formats/boq/boq_import.hpp"
#include "formats/gge/gge.hpp"
#include "formats/gge/detail/xml_support.hpp"

namespace estimate::formats {
namespace {

std::string Attributes(int n) {
  std::string out;
  out.reserve(static_cast<std::size_t>(n) * 12);
  for (int i = 0; i < n; ++i) out += " a" + std::to_string(i) + "=\"1\"";
  return out;
}

// The probe's file: one element with 300,000 attributes, about 3.4 MB.
std::string AttributeBomb() {
  return "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<Construction" + Attributes(300'000) + "/>";
}

// Every reader of ГГЭ XML, by name; each returns its status.
std::vector<std::pair<const char*, std::function<Status(std::string_view)>>> GgeReaders() {
  return {
      {"GgeDocumentType", [](std::string_view x) { return GgeDocumentType(x).status(); }},
      {"ReadBoqGge", [](std::string_view x) { return ReadBoqGge(x).status(); }},
      {"ReadGgeLocalEstimate", [](std::string_view x) { return ReadGgeLocalEstimate(x).status(); }},
      {"ReadGgeBaseIndexEstimate",
       [](std::string_view x) { return ReadGgeBaseIndexEstimate(x).status(); }},
      {"ReadGgeObjectEstimate",
       [](std::string_view x) { return ReadGgeObjectEstimate(x).status(); }},
      {"ReadGgeSummaryEstimate",
       [](std::string_view x) { return ReadGgeSummaryEstimate(x).status(); }},
      {"ReadGgeCostsSummary", [](std::string_view x) { return ReadGgeCostsSummary(x).status(); }},
      {"ReadGgeMarketAnalysis",
       [](std::string_view x) { return ReadGgeMarketAnalysis(x).status(); }},
  };
}

TEST(HostileXml, The300000AttributeGgeFileIsRefusedByEveryGgeReader) {
  const std::string bomb = AttributeBomb();
  ASSERT_GT(bomb.size(), 3'000'000u);
  for (const auto& [name, read] : GgeReaders()) {
    const Status s = read(bomb);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << name;
    EXPECT_EQ(s.message(), "xml: line 2: element <Construction> has more than 256 attributes")
        << name;
  }
  // With a byte-order mark, with the bomb further down, or in UTF-16: the same.
  EXPECT_EQ(GgeDocumentType("\xEF\xBB\xBF" + bomb).status().message(),
            "xml: line 2: element <Construction> has more than 256 attributes");
  const std::string nested =
      "<Construction>\n<Meta>\n<File" + Attributes(300'000) + "/></Meta></Construction>";
  EXPECT_EQ(ReadGgeLocalEstimate(nested).status().message(),
            "xml: line 3: element <File> has more than 256 attributes");
  std::string utf16 = "\xFF\xFE";
  for (char c :
       "<?xml version=\"1.0\" encoding=\"UTF-16\"?><Construction" + Attributes(1000) + "/>") {
    utf16.push_back(c);
    utf16.push_back('\0');
  }
  EXPECT_EQ(GgeDocumentType(utf16).status().message(),
            "xml: line 1: element <Construction> has more than 256 attributes");
}

TEST(HostileXml, DeepNestingLongNamesAndNamespaceFloodsAreRefused) {
  std::string deep = "<Construction>";
  for (int i = 0; i < 100'000; ++i) deep += "<a>";
  const Status depth = GgeDocumentType(deep).status();
  EXPECT_EQ(depth.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(depth.message(), "xml: line 1: element <a> is nested deeper than 256 levels");

  const Status name = ReadBoqGge("<Construction><" + std::string(100'000, 'N') + "/>").status();
  EXPECT_NE(name.message().find("has a name longer than 1024 bytes"), std::string::npos)
      << name.message();

  // Prefixes declared on one element and used on every descendant: libxml2 looks each one up
  // through all declarations in scope.
  std::string ns = "<Construction";
  for (int i = 0; i < 200; ++i)
    ns += " xmlns:p" + std::to_string(i) + "=\"u" + std::to_string(i) + "\"";
  ns += "/>";
  EXPECT_EQ(GgeDocumentType(ns).status().message(),
            "xml: line 1: element <Construction> brings more than 128 namespace declarations "
            "into scope");
}

TEST(HostileXml, AttributeDefaultsOfAnInternalSubsetAreRefusedBeforeTheyAreParsed) {
  // libxml2 applies DTD attribute defaults to every element even without DTD validation: 20,000
  // defaults on 1,000 elements took it minutes. The DOCTYPE is refused from the bytes.
  std::string dtd = "<?xml version=\"1.0\"?>\n<!DOCTYPE Construction [<!ATTLIST C";
  for (int i = 0; i < 20'000; ++i) dtd += " a" + std::to_string(i) + " CDATA \"1\"";
  dtd += ">]><Construction>";
  for (int i = 0; i < 1000; ++i) dtd += "<C/>";
  dtd += "</Construction>";
  for (const auto& [name, read] : GgeReaders()) {
    EXPECT_EQ(read(dtd).message(), "xml: a DOCTYPE (DTD, entities) is not accepted in ГГЭ XML")
        << name;
  }
}

TEST(HostileXml, EncodingsThatWouldHideMarkupFromTheScanAreRefused) {
  const Status utf7 =
      GgeDocumentType("<?xml version=\"1.0\" encoding=\"UTF-7\"?>+ADw-Construction/+AD4-").status();
  EXPECT_EQ(utf7.message(),
            "xml: line 1: the encoding \"UTF-7\" is not accepted (UTF-8, UTF-16, windows-1251, "
            "KOI8-R, ISO-8859-x are)");
  // windows-1251, which ГГЭ files of older programs use, is read as before.
  const std::string cp1251 =
      "<?xml version=\"1.0\" encoding=\"windows-1251\"?><Construction><Meta><File><Type>\xCB\xD1"
      "</Type></File></Meta></Construction>";
  auto type = GgeDocumentType(cp1251);
  ASSERT_TRUE(type.ok()) << type.status().message();
  EXPECT_EQ(*type, "ЛС");
}

TEST(HostileXml, AParseThatOutrunsItsDeadlineIsRefused) {
  // 1 ms for 20 MB: no machine scans and parses that fast, so the outcome does not depend on
  // how fast this one is. Within the deadline, the same document parses.
  std::string big = "<Construction>";
  while (big.size() < (20u << 20)) big += "<Item Code=\"1\"><Name>Работа</Name></Item>\n";
  big += "</Construction>";
  core::XmlLimits hurried;
  hurried.deadline = std::chrono::milliseconds(1);
  auto late = xml::ParseGgeFile(big, hurried);
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(late.status().message(), "xml: refused: parsing took longer than the limit of 1 ms");
  EXPECT_TRUE(xml::ParseGgeFile(big).ok());
}

TEST(HostileXml, ExportValidationParsesUnderTheSameBounds) {
  const std::filesystem::path xsd = std::filesystem::path(ESTIMATE_SHARED_DIR) / "samples" / "xsd" /
                                    "LocalEstimateResourceIndexMethod-3_01.xsd";
  const Status s = ValidateXml(AttributeBomb(), xsd.string());
  EXPECT_EQ(s.message(), "xml: line 2: element <Construction> has more than 256 attributes");
}

}  // namespace
}  // namespace estimate::formats
