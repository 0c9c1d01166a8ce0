// ImportPaths: folders, .zip archives, kinds told by content, SHA-256 of sources, progress.
#include <gtest/gtest.h>
#include <zip.h>

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

const std::string kSamples = std::string(ESTIMATE_SHARED_DIR) + "/samples/";

struct Imported {
  std::unique_ptr<BaseRelease> release = std::make_unique<BaseRelease>();
  ImportReport report;
  Status status;
  std::vector<ImportProgress> progress;
  std::vector<std::string> progress_files;
};

Imported Import(const std::vector<std::string>& paths, const ImportOptions& options = {}) {
  Imported out;
  out.status =
      ImportPaths(paths, options, *out.release, out.report, [&out](const ImportProgress& p) {
        out.progress.push_back(p);
        out.progress_files.emplace_back(p.file);
      });
  return out;
}

class TempDir {
 public:
  TempDir() {
    path_ = fs::temp_directory_path() /
            ("import_paths_test_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string Write(const std::string& name, const std::string& content) const {
    const fs::path p = path_ / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << content;
    return p.string();
  }
  std::string Copy(const std::string& sample, const std::string& name) const {
    const fs::path p = path_ / name;
    fs::create_directories(p.parent_path());
    fs::copy_file(kSamples + sample, p);
    return p.string();
  }
  std::string path() const { return path_.string(); }

 private:
  fs::path path_;
};

// A .zip with the given samples (and extra text members), written with libzip.
std::string MakeZip(const TempDir& dir, const std::string& name,
                    const std::vector<std::pair<std::string, std::string>>& samples,
                    const std::vector<std::pair<std::string, std::string>>& texts = {}) {
  const std::string path = (fs::path(dir.path()) / name).string();
  int error = 0;
  zip_t* z = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
  EXPECT_NE(z, nullptr);
  for (const auto& [member, sample] : samples) {
    zip_source_t* s = zip_source_file(z, (kSamples + sample).c_str(), 0, -1);
    EXPECT_GE(zip_file_add(z, member.c_str(), s, ZIP_FL_ENC_UTF_8), 0);
  }
  // libzip reads buffers at zip_close: keep the texts alive until then.
  static std::vector<std::string> keep;
  for (const auto& [member, text] : texts) {
    keep.push_back(text);
    zip_source_t* s = zip_source_buffer(z, keep.back().data(), keep.back().size(), 0);
    EXPECT_GE(zip_file_add(z, member.c_str(), s, ZIP_FL_ENC_UTF_8), 0);
  }
  EXPECT_EQ(zip_close(z), 0);
  return path;
}

TEST(ImportPaths, RecordsSha256SizeAndKindOfEachSource) {
  Imported im = Import({kSamples + "fsnb2022_dop15_GESNmr.xml"});
  ASSERT_TRUE(im.status.ok()) << im.status.message();
  ASSERT_EQ(im.release->info.sources.size(), 1u);
  const SourceFile& s = im.release->info.sources[0];
  EXPECT_EQ(s.name, kSamples + "fsnb2022_dop15_GESNmr.xml");
  EXPECT_EQ(s.sha256, "c060adffdc37beda63fb9a9dcac0ec8e3c56afd9e7e363406d14663758eec838");
  EXPECT_EQ(s.bytes, 918675u);
  EXPECT_EQ(s.kind, "norms");
}

TEST(ImportPaths, ProgressCountsEveryByteOnce) {
  Imported im =
      Import({kSamples + "fsnb2022_dop15_GESNp.xml", kSamples + "fsnb2022_dop15_FSBC_Mash.xml"});
  ASSERT_TRUE(im.status.ok()) << im.status.message();
  ASSERT_GE(im.progress.size(), 3u);  // 2.9 MB is read in 1 MiB blocks
  const std::uint64_t total = 2857049u + 1021051u;
  std::uint64_t last = 0;
  for (const ImportProgress& p : im.progress) {
    EXPECT_EQ(p.bytes_total, total);
    EXPECT_GE(p.bytes_done, last);
    last = p.bytes_done;
  }
  EXPECT_EQ(im.progress.back().bytes_done, total);
  EXPECT_EQ(im.progress_files.front(), kSamples + "fsnb2022_dop15_GESNp.xml");
  EXPECT_EQ(im.progress_files.back(), kSamples + "fsnb2022_dop15_FSBC_Mash.xml");
}

TEST(ImportPaths, FoldersAreReadRecursivelyInSortedOrderAndOtherFilesSkipped) {
  TempDir dir;
  dir.Copy("fsbc_machines_excerpt.xml", "b/machines.xml");
  dir.Copy("gesn_12-01-001_roof_excerpt.xml", "a/norms.xml");
  dir.Copy("fsnb2022_dop15_TechGroups.xml", "c/deeper/tg.xml");
  dir.Copy("gge_vor_3.01_example.gge", "a/estimate.gge");  // XML, but not of the base
  dir.Write("b/readme.txt", "not a base file\n");
  dir.Copy("vor_example_2025-12-11.xlsx", "c/vor.xlsx");  // a workbook, but not the НР/СП table
  Imported im = Import({dir.path()});
  ASSERT_TRUE(im.status.ok()) << im.status.message();
  std::vector<std::string> kinds;
  for (const auto& f : im.report.files)
    kinds.push_back(fs::path(f.name).filename().string() + ":" + f.kind);
  EXPECT_EQ(kinds, (std::vector<std::string>{"estimate.gge:skipped", "norms.xml:norms",
                                             "machines.xml:machines", "readme.txt:skipped",
                                             "tg.xml:tech_groups", "vor.xlsx:skipped"}));
  ASSERT_EQ(im.report.warnings.size(), 3u);
  EXPECT_NE(im.report.warnings[0].message.find("root element <Construction>"), std::string::npos);
  EXPECT_NE(im.report.warnings[1].message.find("not XML, JSON or XLSX"), std::string::npos);
  EXPECT_EQ(im.release->info.sources.size(), 3u);  // skipped files are no sources
  EXPECT_EQ(im.release->Counts().norms, 7u);
  EXPECT_EQ(im.release->Counts().machines, 5u);
  EXPECT_EQ(im.release->Counts().tech_groups, 6572u);
}

TEST(ImportPaths, AFileNamedDirectlyMustBeABaseFile) {
  Imported im = Import({kSamples + "gge_vor_3.01_example.gge"});
  EXPECT_FALSE(im.status.ok());
  ASSERT_EQ(im.report.errors.size(), 1u);
  EXPECT_NE(im.report.errors[0].message.find("not a ФСНБ-2022 base or price file"),
            std::string::npos);
  Imported missing = Import({kSamples + "no_such_file.xml"});
  EXPECT_FALSE(missing.status.ok());
  EXPECT_NE(missing.status.message().find("no such file"), std::string::npos);
}

TEST(ImportPaths, ZipArchivesAreExpandedWithTheirMembersNamed) {
  TempDir dir;
  const std::string zip = MakeZip(dir, "fsnb.zip",
                                  {{"data/ГЭСНмр.xml", "fsnb2022_dop15_GESNmr.xml"},
                                   {"data/ФСБЦ_Маш.xml", "fsnb2022_dop15_FSBC_Mash.xml"},
                                   {"nrsp.xlsx", "nrsp_binding_fsnb2022_dop17.xlsx"}},
                                  {{"readme.txt", "опись архива"}});
  Imported im = Import({zip});
  ASSERT_TRUE(im.status.ok()) << im.status.message();
  EXPECT_EQ(im.release->Counts().norms, 425u);
  EXPECT_EQ(im.release->Counts().machines, 1711u);
  EXPECT_EQ(im.release->Counts().rates, 136u);
  ASSERT_EQ(im.release->info.sources.size(), 4u);
  EXPECT_EQ(im.release->info.sources[0].name, zip);
  EXPECT_EQ(im.release->info.sources[0].kind, "archive");
  EXPECT_EQ(im.release->info.sources[1].name, zip + "!/data/ГЭСНмр.xml");
  // The member's digest is the digest of the file inside, not of the archive.
  EXPECT_EQ(im.release->info.sources[1].sha256,
            "c060adffdc37beda63fb9a9dcac0ec8e3c56afd9e7e363406d14663758eec838");
  EXPECT_EQ(im.release->info.sources[2].name, zip + "!/data/ФСБЦ_Маш.xml");
  EXPECT_EQ(im.release->info.sources[3].name, zip + "!/nrsp.xlsx");
  EXPECT_EQ(im.release->info.sources[3].kind, "rates");
  ASSERT_EQ(im.report.warnings.size(), 4u);  // the readme and the XLSX's three combined rows
  EXPECT_EQ(im.report.warnings[3].file, zip + "!/readme.txt");
  EXPECT_EQ(im.progress.back().bytes_done, im.progress.back().bytes_total);
}

TEST(ImportPaths, KindComesFromContentNotFromTheName) {
  TempDir dir;
  const std::string xml = dir.Copy("fsbc_machines_excerpt.xml", "prices.json");
  const std::string json = dir.Copy("fgiscs_api_worker_salary_moscow.json", "norms.xml");
  ImportOptions o;
  o.region_code = "77";
  o.zone = 1;
  o.quarter = "2025-Q2";
  Imported im = Import({xml, json}, o);
  ASSERT_TRUE(im.status.ok()) << im.status.message();
  EXPECT_EQ(im.report.files[0].kind, "machines");
  EXPECT_EQ(im.report.files[1].kind, "labor_prices");
}

TEST(ImportPaths, ByteOrderMarkIsAccepted) {
  TempDir dir;
  const std::string snippet =
      "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
      "<NewDataSet><base BaseName=\"Изменения в ФСНБ-2022 (доп15)\">"
      "<TechnologyGroup Code=\"27.01.054\"><Resource Code=\"12.1.02.03-0053\"/></TechnologyGroup>"
      "</base></NewDataSet>\n";
  Imported im =
      Import({dir.Write("bom.xml", "\xEF\xBB\xBF" + snippet), dir.Write("plain.xml", snippet)});
  ASSERT_TRUE(im.status.ok()) << im.status.message();
  EXPECT_EQ(im.release->Counts().tech_groups, 1u);  // the same group twice merges
  EXPECT_NE(im.release->info.sources[0].sha256, im.release->info.sources[1].sha256);
}

}  // namespace
}  // namespace estimate::normbase
