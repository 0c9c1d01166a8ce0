// `core` includes only the standard library and never touches binary floating point, and only
// formats includes its private headers (ARCHITECTURE.md, STYLE.md): checked here, not hoped for.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>

namespace {

namespace fs = std::filesystem;

TEST(DependencyRule, CoreIncludesOnlyTheStandardLibraryAndItself) {
  const std::regex include(R"re(^\s*#\s*include\s*[<"]([^>"]+)[>"])re");
  const std::regex forbidden(R"(^(boost|soci|spdlog|fmt|pugixml|hiredis|CLI|nlohmann|gtest|gmock)\b)");
  const std::regex floating(R"(\b(double|float|long double)\b)");
  int files = 0;
  for (const auto& entry : fs::directory_iterator(fs::path(ESTIMATE_SOURCE_DIR) / "src/core")) {
    const std::string ext = entry.path().extension().string();
    if (ext != ".hpp" && ext != ".cpp") continue;
    ++files;
    std::ifstream in(entry.path());
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
      ++n;
      std::smatch m;
      const std::string where = entry.path().filename().string() + ":" + std::to_string(n);
      if (std::regex_search(line, m, include)) {
        const std::string header = m[1];
        EXPECT_FALSE(std::regex_search(header, forbidden)) << where << ": " << line;
        if (header.find('/') != std::string::npos) {
          EXPECT_EQ(header.rfind("core/", 0), 0u) << where << ": core includes " << header;
        }
      }
      const std::string code = line.substr(0, line.find("//"));
      EXPECT_FALSE(std::regex_search(code, floating)) << where << ": " << line;
    }
  }
  EXPECT_GT(files, 3);
}

// formats has a public face (the headers directly in its folders) and private headers under
// `detail/` folders (src/formats/CMakeLists.txt): no other module includes those.
TEST(DependencyRule, OnlyFormatsIncludesThePrivateHeadersOfFormats) {
  const std::regex detail(R"re(^\s*#\s*include\s*"formats/.*detail/)re");
  const fs::path src = fs::path(ESTIMATE_SOURCE_DIR) / "src";
  int files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(src)) {
    const std::string ext = entry.path().extension().string();
    if (ext != ".hpp" && ext != ".cpp") continue;
    const fs::path relative = fs::relative(entry.path(), src);
    if (*relative.begin() == "formats") continue;
    ++files;
    std::ifstream in(entry.path());
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
      ++n;
      EXPECT_FALSE(std::regex_search(line, detail)) << relative.string() << ":" << n << ": " << line;
    }
  }
  EXPECT_GT(files, 20);
}

}  // namespace
