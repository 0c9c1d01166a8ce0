// Malformed sources fail the import with file:line and a message that says what is wrong. Each
// case is a variant of one small valid norm file, written to a temp dir.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "normbase/base_release.hpp"
#include "normbase/importers.hpp"

namespace estimate::normbase {
namespace {

namespace fs = std::filesystem;

// Line numbers matter: the Quantity of 1-100-38 is on line 9, <Resources> opens on line 8.
const std::
    string
        kValid =
            "\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"                 // 1
            "<base PriceLevel=\"01.01.2022\" BaseType=\"ГЭСН\">\n"                     // 2
            "<Decrees><Decree Name=\"ГЭСН-2022 доп. № 15\"/></Decrees>\n"              // 3
            "<ResourcesDirectory><ResourceCategory CodePrefix=\"ГЭСН\">\n"             // 4
            "<Section Name=\"Кровли\" Type=\"Сборник\" Code=\"12\">\n"                 // 5
            "<Section Name=\"Кровли скатные\" Type=\"Таблица\" Code=\"12-01-001\">\n"  // 6
            "<NameGroup BeginName=\"Устройство кровель:\"><Work Code=\"12-01-001-01\" "
            "EndName=\"на мастике\" MeasureUnit=\"100 м2\"><Content><Item "
            "Text=\"Наклейка.\"/></Content>\n"  // 7
            "<Resources>\n"                     // 8
            "<Resource Code=\"1-100-38\" EndName=\"Средний разряд работы 3,8\" "
            "Quantity=\"14.6\"/>\n"  // 9
            "<ServiceResource Code=\"999-9901\" Name=\"МАТЕРИАЛЫ\" MeasureUnit=\"\" "
            "Quantity=\"П\"/>\n"                                                    // 10
            "</Resources>\n"                                                        // 11
            "<NrSp><ReasonItem Nr=\"Пр/812-012.0\" Sp=\"Пр/774-012.0\"/></NrSp>\n"  // 12
            "</Work></NameGroup></Section></Section></ResourceCategory></ResourcesDirectory>\n"  // 13
            "</base>\n";  // 14

class ImportMalformed : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("import_malformed_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Imports `content` as norms.xml; returns the first error.
  ImportDiagnostic Fail(const std::string& content) {
    path_ = (dir_ / "norms.xml").string();
    std::ofstream(path_, std::ios::binary) << content;
    BaseRelease release;
    ImportReport report;
    status_ = ImportPaths({path_}, ImportOptions{}, release, report);
    EXPECT_FALSE(status_.ok());
    EXPECT_FALSE(report.errors.empty());
    if (report.errors.empty()) return {};
    EXPECT_EQ(report.errors[0].file, path_);
    return report.errors[0];
  }

  static std::string Replace(std::string s, const std::string& from, const std::string& to) {
    const std::size_t at = s.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return s.replace(at, from.size(), to);
  }

  fs::path dir_;
  std::string path_;
  Status status_;
};

TEST_F(ImportMalformed, TheValidSnippetImports) {
  const std::string path = (dir_ / "ok.xml").string();
  std::ofstream(path, std::ios::binary) << kValid;
  BaseRelease release;
  ImportReport report;
  ASSERT_TRUE(ImportPaths({path}, ImportOptions{}, release, report).ok());
  const Norm* norm = release.FindNorm(NormFamily::kGesn, "12-01-001-01");
  ASSERT_NE(norm, nullptr);
  EXPECT_EQ(norm->name, "Устройство кровель на мастике");
  ASSERT_EQ(norm->resources.size(), 2u);
  EXPECT_TRUE(norm->resources[1].by_project);  // Quantity "П"
  EXPECT_EQ(norm->resources[1].name, "МАТЕРИАЛЫ");
  EXPECT_EQ(release.info.name, "ФСНБ-2022 доп. 15");
}

TEST_F(ImportMalformed, TruncatedFile) {
  const std::string cut = kValid.substr(0, kValid.find("<NrSp>") + 10);
  ImportDiagnostic e = Fail(cut);
  EXPECT_EQ(e.line, 12);
  EXPECT_NE(e.message.find("malformed XML"), std::string::npos) << e.message;
  EXPECT_NE(status_.message().find(path_ + ":12:"), std::string::npos) << status_.message();
}

TEST_F(ImportMalformed, Cp1251BytesDeclaredAsUtf8) {
  // "Наклейка." in cp1251.
  ImportDiagnostic e = Fail(Replace(kValid, "Наклейка.", "\xCD\xE0\xEA\xEB\xE5\xE9\xEA\xE0."));
  EXPECT_EQ(e.line, 7);
  EXPECT_NE(e.message.find("not valid UTF-8"), std::string::npos) << e.message;
}

TEST_F(ImportMalformed, QuantityWithTwoPoints) {
  ImportDiagnostic e = Fail(Replace(kValid, "Quantity=\"14.6\"", "Quantity=\"1.2.3\""));
  EXPECT_EQ(e.line, 9);
  EXPECT_EQ(e.message,
            "Quantity=\"1.2.3\" of resource 1-100-38 in norm 12-01-001-01 is not a decimal number");
}

TEST_F(ImportMalformed, QuantityThatIsNoNumber) {
  ImportDiagnostic e = Fail(Replace(kValid, "Quantity=\"14.6\"", "Quantity=\"abc\""));
  EXPECT_EQ(e.line, 9);
  EXPECT_NE(e.message.find("\"abc\""), std::string::npos);
}

TEST_F(ImportMalformed, MissingQuantity) {
  ImportDiagnostic e = Fail(Replace(kValid, " Quantity=\"14.6\"", ""));
  EXPECT_EQ(e.line, 9);
  EXPECT_NE(e.message.find("has no Quantity"), std::string::npos);
}

TEST_F(ImportMalformed, UnknownElementInsideResources) {
  ImportDiagnostic e = Fail(Replace(kValid, "<Resources>\n", "<Resources>\n<Bogus/>"));
  EXPECT_EQ(e.line, 9);
  EXPECT_EQ(e.message, "element <Bogus> is not allowed inside <Resources>");
}

TEST_F(ImportMalformed, UnknownElementElsewhereIsOnlyAWarning) {
  const std::string path = (dir_ / "extra.xml").string();
  std::ofstream(path, std::ios::binary) << Replace(kValid, "<NrSp>", "<Notes>x</Notes><NrSp>");
  BaseRelease release;
  ImportReport report;
  ASSERT_TRUE(ImportPaths({path}, ImportOptions{}, release, report).ok());
  ASSERT_EQ(report.warnings.size(), 1u);
  EXPECT_EQ(report.warnings[0].line, 12);
  EXPECT_EQ(report.warnings[0].message, "unknown element <Notes> in <Work> skipped");
}

TEST_F(ImportMalformed, MismatchedTags) {
  ImportDiagnostic e = Fail(Replace(kValid, "</Resources>", "</Resource>"));
  EXPECT_EQ(e.line, 11);
  EXPECT_NE(e.message.find("malformed XML"), std::string::npos);
}

TEST_F(ImportMalformed, UnknownFamily) {
  ImportDiagnostic e = Fail(Replace(Replace(kValid, "CodePrefix=\"ГЭСН\"", "CodePrefix=\"ФЕР\""),
                                    "BaseType=\"ГЭСН\"", ""));
  EXPECT_EQ(e.line, 4);
  EXPECT_NE(e.message.find("ФЕР"), std::string::npos);
}

TEST_F(ImportMalformed, SecondRootElement) {
  ImportDiagnostic e = Fail(kValid + "<base/>\n");
  EXPECT_EQ(e.line, 15);
}

TEST_F(ImportMalformed, BadMachinePriceAndCoefficientValue) {
  ImportDiagnostic machine = Fail(
      "<ResourceCatalog>\n<Resource Code=\"91.05.01-017\" Name=\"Кран\" MeasureUnit=\"маш.-ч\">\n"
      "<Prices><Price SalaryMach=\"451,93\" PriceCostWithoutSalary=\"622.62\"/></Prices>\n"
      "</Resource></ResourceCatalog>\n");
  EXPECT_EQ(machine.line, 3);
  EXPECT_EQ(machine.message,
            "SalaryMach=\"451,93\" of resource 91.05.01-017 is not a decimal number");

  ImportDiagnostic coefficient = Fail(
      "<Coefficients><Section code=\"С.\"><Name>С</Name>\n"
      "<Coefficient code=\"K1\" target=\"Расход\"><Name>К</Name>\n"
      "<Machine><Value>1,0,4</Value></Machine></Coefficient></Section></Coefficients>\n");
  EXPECT_EQ(coefficient.line, 3);
  EXPECT_NE(coefficient.message.find("\"1,0,4\" of coefficient K1"), std::string::npos);
}

TEST_F(ImportMalformed, ErrorsAreCollectedUpToALimit) {
  std::string many = kValid;
  const std::string line = "<Resource Code=\"1-100-38\" Quantity=\"x\"/>\n";
  std::string lines;
  for (int i = 0; i < 30; ++i) lines += line;
  many = Replace(many, "<Resources>\n", "<Resources>\n" + lines);
  path_ = (dir_ / "many.xml").string();
  std::ofstream(path_, std::ios::binary) << many;
  BaseRelease release;
  ImportReport report;
  ImportOptions options;
  options.max_errors_per_file = 5;
  EXPECT_FALSE(ImportPaths({path_}, options, release, report).ok());
  ASSERT_EQ(report.errors.size(), 6u);  // five, then the note that the file was abandoned
  EXPECT_EQ(report.errors[4].line, 13);
  EXPECT_NE(report.errors[5].message.find("too many errors"), std::string::npos);
}

}  // namespace
}  // namespace estimate::normbase
