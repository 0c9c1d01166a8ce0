// The module boundaries of ARCHITECTURE.md and STYLE.md that a grep can check, beside
// dependency_rule_test.cpp (core's purity) and the CTest greps for Beast: checked, not hoped for.
//
// Each rule has at most one allow-list: the debt as it stands, named file by file, to be emptied
// by whoever removes it. An entry that no longer breaks the rule fails the test too, so that the
// list only shrinks: delete the entry when you fix the file.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

const fs::path kSrc = fs::path(ESTIMATE_SOURCE_DIR) / "src";

struct SourceFile {
  std::string path;  // relative to src/, with '/': "api/auth_routes.cpp"
  std::vector<std::string> lines;
};

const std::vector<SourceFile>& Sources() {
  static const std::vector<SourceFile> files = [] {
    std::vector<SourceFile> out;
    for (const auto& entry : fs::recursive_directory_iterator(kSrc)) {
      const std::string ext = entry.path().extension().string();
      if (!entry.is_regular_file() || (ext != ".hpp" && ext != ".cpp")) continue;
      SourceFile f{fs::relative(entry.path(), kSrc).generic_string(), {}};
      std::ifstream in(entry.path());
      for (std::string line; std::getline(in, line);) f.lines.push_back(line);
      out.push_back(std::move(f));
    }
    std::sort(out.begin(), out.end(),
              [](const SourceFile& a, const SourceFile& b) { return a.path < b.path; });
    return out;
  }();
  return files;
}

std::string ModuleOf(const std::string& path) { return path.substr(0, path.find('/')); }

std::string FileName(const std::string& path) {
  return path.substr(path.rfind('/') == std::string::npos ? 0 : path.rfind('/') + 1);
}

// The headers a file includes with quotes ("store/database.hpp"), with their line numbers.
std::vector<std::pair<int, std::string>> QuotedIncludes(const SourceFile& f) {
  static const std::regex include(R"re(^\s*#\s*include\s*"([^"]+)")re");
  std::vector<std::pair<int, std::string>> out;
  for (std::size_t i = 0; i < f.lines.size(); ++i) {
    std::smatch m;
    if (std::regex_search(f.lines[i], m, include)) out.emplace_back(int(i) + 1, m[1]);
  }
  return out;
}

bool Includes(const SourceFile& f, const std::regex& pattern) {
  return std::any_of(f.lines.begin(), f.lines.end(),
                     [&](const std::string& l) { return std::regex_search(l, pattern); });
}

// Fails for every allow-listed file that no longer breaks the rule (or no longer exists).
void ExpectAllowListStillNeeded(const std::set<std::string>& allowed,
                                const std::set<std::string>& breaking, const char* list) {
  for (const auto& entry : allowed) {
    EXPECT_TRUE(breaking.count(entry) != 0)
        << entry << " no longer breaks the rule: remove it from " << list;
  }
}

// (a) api turns JSON into service calls and back; it does not reach into the store. No api
// file includes a store/ header, and none names a store:: type (it sees the store's types only
// through the services' views).
TEST(StructureRule, ApiDoesNotUseTheStore) {
  // No debt left: accounts, sign-in and the audit answer services' views.
  const std::set<std::string> kNamesStoreTypes = {};
  const std::regex store_name(R"(\bstore::)");
  std::set<std::string> naming;
  for (const auto& f : Sources()) {
    if (ModuleOf(f.path) != "api") continue;
    for (const auto& [line, header] : QuotedIncludes(f)) {
      EXPECT_NE(header.rfind("store/", 0), 0u) << f.path << ":" << line << " includes " << header;
    }
    if (!Includes(f, store_name)) continue;
    naming.insert(f.path);
    EXPECT_TRUE(kNamesStoreTypes.count(f.path) != 0) << f.path << " names a store:: type";
  }
  ExpectAllowListStillNeeded(kNamesStoreTypes, naming, "kNamesStoreTypes");
}

// (b) services take and return domain types and typed views; JSON wire shapes belong to api
// (and documents to formats). No services file includes Boost.JSON.
TEST(StructureRule, ServicesDoNotIncludeBoostJson) {
  // Debt: services that still build or read JSON themselves — the estimate view and the
  // catalog's answers (kept as bytes in the result cache), the edit ops (patches of calc-v1
  // position documents), the audit payloads. See docs/architecture.md, "Departures".
  const std::set<std::string> kIncludesBoostJson = {
      "services/account_service.cpp",  "services/auth_service.cpp",
      "services/catalog_service.cpp",  "services/document_service.cpp",
      "services/edit_plan.cpp",        "services/edit_plan.hpp",
      "services/editing_service.cpp",  "services/estimate_internal.cpp",
      "services/estimate_json.hpp",    "services/estimate_reader.cpp",
      "services/history_service.cpp",  "services/rollup_service.cpp",
      "services/working_set.cpp",
  };
  const std::regex boost_json(R"re(^\s*#\s*include\s*<boost/json)re");
  std::set<std::string> including;
  for (const auto& f : Sources()) {
    if (ModuleOf(f.path) != "services" || !Includes(f, boost_json)) continue;
    including.insert(f.path);
    EXPECT_TRUE(kIncludesBoostJson.count(f.path) != 0) << f.path << " includes Boost.JSON";
  }
  ExpectAllowListStillNeeded(kIncludesBoostJson, including, "kIncludesBoostJson");
}

// (c) A module's private headers stay in its folder. A header is private when it lies under a
// `detail/` folder or its name ends in `_internal.hpp` (any module: normbase/import_internal.hpp),
// or, in formats, when it is one of kFormatsPrivateByName: headers private before the convention
// existed, matched by file name so that moving them between formats' subfolders changes nothing
// (move them under formats/**/detail/ and drop them from the list).
TEST(StructureRule, PrivateHeadersStayInTheirModule) {
  const std::set<std::string> kFormatsPrivateByName = {"json_out.hpp", "xml_support.hpp"};
  // Debt: files outside the owning module that include one of its private headers.
  const std::set<std::string> kIncludesPrivateHeader = {};
  auto is_private = [&](const std::string& header) {
    if (header.find("/detail/") != std::string::npos) return true;
    const std::string name = FileName(header);
    if (name.size() > 13 && name.ends_with("_internal.hpp")) return true;
    return ModuleOf(header) == "formats" && kFormatsPrivateByName.count(name) != 0;
  };
  std::set<std::string> including;
  for (const auto& f : Sources()) {
    for (const auto& [line, header] : QuotedIncludes(f)) {
      if (!is_private(header) || ModuleOf(header) == ModuleOf(f.path)) continue;
      including.insert(f.path);
      EXPECT_TRUE(kIncludesPrivateHeader.count(f.path) != 0)
          << f.path << ":" << line << " includes " << header << ", private to " << ModuleOf(header);
    }
  }
  ExpectAllowListStillNeeded(kIncludesPrivateHeader, including, "kIncludesPrivateHeader");
}

// (d) A file over 1,000 lines says why at its top: a comment within its first 15 lines holding
// "Over 1,000 lines because". Usually the answer is to split it by concern instead.
TEST(StructureRule, FilesOverAThousandLinesSayWhy) {
  // Debt: long files without the comment, each being split. Matched by file name, so that the
  // move of formats into subfolders changes nothing.
  const std::set<std::string> kLongWithoutReason = {
      "estimate_repository.cpp",  // store: estimates, versions, diff and restore in one file
  };
  constexpr std::size_t kMaxLines = 1000;
  std::set<std::string> long_files;
  for (const auto& f : Sources()) {
    if (f.lines.size() <= kMaxLines) continue;
    const auto top_end = f.lines.begin() + std::min<std::ptrdiff_t>(15, f.lines.size());
    const bool says_why = std::any_of(f.lines.begin(), top_end, [](const std::string& l) {
      return l.find("//") != std::string::npos &&
             l.find("Over 1,000 lines because") != std::string::npos;
    });
    if (says_why) continue;
    long_files.insert(FileName(f.path));
    EXPECT_TRUE(kLongWithoutReason.count(FileName(f.path)) != 0)
        << f.path << " has " << f.lines.size()
        << " lines and no \"Over 1,000 lines because\" comment in its first 15 lines";
  }
  ExpectAllowListStillNeeded(kLongWithoutReason, long_files, "kLongWithoutReason");
}

TEST(StructureRule, SeesTheSources) { EXPECT_GT(Sources().size(), 100u); }

}  // namespace
