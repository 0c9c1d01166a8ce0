// The normative-base import under hostile input: the streaming reader checks every chunk against
// the XML limits before libxml2 sees it (a 300,000-attribute element, deep nesting, an internal
// DTD subset), in plain files, in archive members and in workbook parts; zip members that
// inflate like bombs are refused; a deadline can be set, and is off by default.
#include <gtest/gtest.h>
#include <unistd.h>
#include <zip.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "normbase/base_release.hpp"
#include "normbase/importers.hpp"
#include "normbase/xml_reader.hpp"

namespace estimate::normbase {
namespace {

namespace fs = std::filesystem;

// A small valid norm file; `work_attributes` goes into the <Work> start tag on line 4.
std::string NormFile(const std::string& work_attributes = "") {
  return "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
         "<base PriceLevel=\"01.01.2022\" BaseType=\"ГЭСН\">\n"
         "<ResourcesDirectory><ResourceCategory CodePrefix=\"ГЭСН\"><Section Name=\"Кровли\" "
         "Type=\"Сборник\" Code=\"12\">\n"
         "<Work Code=\"12-01-001-01\" EndName=\"Кровля\" MeasureUnit=\"100 м2\"" +
         work_attributes +
         ">\n"
         "<Resources><Resource Code=\"1-100-38\" EndName=\"Рабочий\" Quantity=\"14.6\"/>"
         "</Resources>\n"
         "</Work></Section></ResourceCategory></ResourcesDirectory>\n"
         "</base>\n";
}

std::string Attributes(int n) {
  std::string out;
  out.reserve(static_cast<std::size_t>(n) * 14);
  for (int i = 0; i < n; ++i) out += " a" + std::to_string(i) + "=\"1\"";
  return out;
}

class ImportHostile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("import_hostile_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& content) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }

  // A zip of `members` (name, content), deflated.
  std::string Zip(const std::string& name,
                  const std::vector<std::pair<std::string, std::string>>& members) {
    const std::string path = (dir_ / name).string();
    int error = 0;
    zip_t* z = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
    EXPECT_NE(z, nullptr);
    for (const auto& [member, content] : members) {
      zip_source_t* s = zip_source_buffer(z, content.data(), content.size(), 0);
      const zip_int64_t index = zip_file_add(z, member.c_str(), s, ZIP_FL_ENC_UTF_8);
      EXPECT_GE(index, 0);
      zip_set_file_compression(z, static_cast<zip_uint64_t>(index), ZIP_CM_DEFLATE, 9);
    }
    EXPECT_EQ(zip_close(z), 0);
    return path;
  }

  Status Import(const std::vector<std::string>& paths, const ImportOptions& options = {}) {
    BaseRelease release;
    report_ = ImportReport();
    return ImportPaths(paths, options, release, report_);
  }

  fs::path dir_;
  ImportReport report_;
};

TEST_F(ImportHostile, TheValidFileImports) {
  EXPECT_TRUE(Import({Write("ok.xml", NormFile())}).ok()) << report_.errors.front().ToString();
}

TEST_F(ImportHostile, AnAttributeBombIsRefusedAtItsLineWhileStreaming) {
  const std::string path = Write("norms.xml", NormFile(Attributes(300'000)));
  const Status s = Import({path});
  ASSERT_FALSE(s.ok());
  ASSERT_FALSE(report_.errors.empty());
  EXPECT_EQ(report_.errors[0].file, path);
  EXPECT_EQ(report_.errors[0].line, 4);
  EXPECT_EQ(report_.errors[0].message, "element <Work> has more than 256 attributes");
  EXPECT_EQ(s.message(), path + ":4: element <Work> has more than 256 attributes");
}

TEST_F(ImportHostile, TheSameBombInsideAnArchiveMemberOrAWorkbookPart) {
  const std::string zip = Zip("base.zip", {{"ГЭСН.xml", NormFile(Attributes(300'000))}});
  ASSERT_FALSE(Import({zip}).ok());
  ASSERT_FALSE(report_.errors.empty());
  EXPECT_EQ(report_.errors[0].ToString(),
            zip + "!/ГЭСН.xml:4: element <Work> has more than 256 attributes");

  // An НР/СП workbook whose shared strings are the bomb.
  const std::string xlsx =
      Zip("nrsp.xlsx", {{"[Content_Types].xml", "<Types/>"},
                        {"xl/workbook.xml", "<workbook/>"},
                        {"xl/sharedStrings.xml", "<sst>\n<si" + Attributes(300'000) + "/></sst>"},
                        {"xl/worksheets/sheet1.xml", "<worksheet><sheetData/></worksheet>"}});
  ASSERT_FALSE(Import({xlsx}).ok());
  ASSERT_FALSE(report_.errors.empty());
  EXPECT_NE(report_.errors[0].ToString().find(
                xlsx + "!/xl/sharedStrings.xml:2: element <si> has more than 256 attributes"),
            std::string::npos)
      << report_.errors[0].ToString();
}

TEST_F(ImportHostile, DeepNestingAndInternalSubsetsAreRefused) {
  std::string deep = "<base>\n";
  for (int i = 0; i < 1000; ++i) deep += "<x>";
  const std::string path = Write("deep.xml", deep);
  ASSERT_FALSE(Import({path}).ok());
  EXPECT_EQ(report_.errors.at(0).ToString(),
            path + ":2: element <x> is nested deeper than 256 levels");

  // An internal subset may declare attribute defaults that libxml2 applies to every element.
  std::string dtd = "<?xml version=\"1.0\"?>\n<!DOCTYPE base [<!ATTLIST Work";
  for (int i = 0; i < 1000; ++i) dtd += " a" + std::to_string(i) + " CDATA \"1\"";
  const std::string with_subset = Write("dtd.xml", dtd + ">]>" + NormFile().substr(39));
  ASSERT_FALSE(Import({with_subset}).ok());
  EXPECT_EQ(report_.errors.at(0).ToString(),
            with_subset +
                ":2: a DOCTYPE with an internal subset (entities, attribute defaults) is not "
                "accepted");
  // A DOCTYPE that only names its DTD is read as before (the DTD is never loaded).
  const std::string named =
      Write("named.xml",
            "<?xml version=\"1.0\"?>\n<!DOCTYPE base SYSTEM \"base.dtd\">" + NormFile().substr(39));
  EXPECT_TRUE(Import({named}).ok()) << report_.errors.at(0).ToString();
}

TEST_F(ImportHostile, AMemberThatInflatesLikeABombIsRefused) {
  // 64 MB of empty comments: deflate packs them about 1000:1.
  std::string bomb = "<base>";
  bomb.reserve(65u << 20);
  while (bomb.size() < (64u << 20)) bomb += "<!---->";
  bomb += "</base>";
  const std::string zip = Zip("bomb.zip", {{"bomb.xml", bomb}});
  bomb.clear();
  ASSERT_LT(fs::file_size(zip), 1u << 20);
  ASSERT_FALSE(Import({zip}).ok());
  const std::string error = report_.errors.at(0).ToString();
  EXPECT_NE(error.find("refused: the member inflates to more than 200 times its compressed size "
                       "(a zip bomb?)"),
            std::string::npos)
      << error;

  ImportOptions few;
  few.max_archive_entries = 1;
  const std::string two = Zip("two.zip", {{"a.xml", NormFile()}, {"b.txt", "x"}});
  ASSERT_FALSE(Import({two}, few).ok());
  EXPECT_EQ(report_.errors.at(0).ToString(),
            two + ": refused: the archive has 2 entries, more than the limit of 1");
}

TEST_F(ImportHostile, ADeadlineCanBeSetAndIsOffByDefault) {
  // 20 MB cannot be read in 1 ms on any machine.
  std::string comments;
  for (int i = 0; i < 20; ++i) comments += "<!--" + std::string(1u << 20, 'x') + "-->\n";
  std::string big = NormFile();
  big.insert(big.find("<ResourcesDirectory>"), comments);
  const std::string path = Write("big.xml", big);
  ImportOptions hurried;
  hurried.xml_limits.deadline = std::chrono::milliseconds(1);
  ASSERT_FALSE(Import({path}, hurried).ok());
  EXPECT_EQ(report_.errors.at(0).ToString(),
            path + ": refused: parsing took longer than the limit of 1 ms");
  EXPECT_EQ(ImportOptions().xml_limits.deadline.count(), 0);
  EXPECT_TRUE(Import({path}).ok()) << report_.errors.at(0).ToString();
}

TEST(XmlReaderLimits, TheReaderStopsAtTheOffendingTagOfAChunkedDocument) {
  const std::string xml = "<r>\n<a/>\n<b" + Attributes(300) + "/>\n</r>";
  core::XmlLimits limits;
  auto reader = XmlReader::OpenMemory("mem.xml", xml, limits);
  int starts = 0;
  while (reader->Next()) starts += reader->IsStart() ? 1 : 0;
  EXPECT_EQ(reader->status().message(), "mem.xml:3: element <b> has more than 256 attributes");
  EXPECT_LE(starts, 2);  // <b> itself never reached the caller
}

}  // namespace
}  // namespace estimate::normbase
