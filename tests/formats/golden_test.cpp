// Runs every tests/golden/<case>/input.json through formats::Calculate (parse → calculate →
// write, whatever the document's shape: ЛСР of either method, ОСР, ССР) and compares the result
// with expected.json. expected.json may hold a subset of the result: every key it names must be
// present with the same value; arrays must have the same length.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "formats/document/calc.hpp"

namespace estimate::formats {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void CompareSubset(const json::value& expected, const json::value& actual, const std::string& path,
                   std::vector<std::string>* diffs) {
  if (expected.is_object()) {
    if (!actual.is_object()) {
      diffs->push_back(path + ": expected an object");
      return;
    }
    for (const auto& [key, value] : expected.get_object()) {
      const json::value* a = actual.get_object().if_contains(key);
      const std::string p = path.empty() ? std::string(key) : path + "." + std::string(key);
      if (a == nullptr) {
        diffs->push_back(p + ": missing");
      } else {
        CompareSubset(value, *a, p, diffs);
      }
    }
  } else if (expected.is_array()) {
    if (!actual.is_array() || actual.get_array().size() != expected.get_array().size()) {
      diffs->push_back(path + ": array length differs");
      return;
    }
    for (std::size_t i = 0; i < expected.get_array().size(); ++i) {
      CompareSubset(expected.get_array()[i], actual.get_array()[i],
                    path + "[" + std::to_string(i) + "]", diffs);
    }
  } else if (expected != actual) {
    diffs->push_back(path + ": expected " + json::serialize(expected) + ", got " +
                     json::serialize(actual));
  }
}

std::vector<fs::path> GoldenCases() {
  std::vector<fs::path> cases;
  for (const auto& entry : fs::directory_iterator(fs::path(ESTIMATE_SOURCE_DIR) / "tests/golden")) {
    if (fs::exists(entry.path() / "input.json")) cases.push_back(entry.path());
  }
  std::sort(cases.begin(), cases.end());
  return cases;
}

class Golden : public ::testing::TestWithParam<fs::path> {};

// The line every printed form of a result format ends its totals with.
std::string TextMarker(const json::value& result) {
  const json::string& format = result.at("format").as_string();
  if (format == "object-estimate-result/1") return "Всего по объектному сметному расчёту";
  if (format == "summary-estimate-result/1") return "ВСЕГО по сводному сметному расчёту";
  return "ИТОГИ ПО СМЕТЕ";
}

TEST_P(Golden, ReproducesExpectedFigures) {
  const fs::path dir = GetParam();
  const CalcOutcome outcome = Calculate(ReadFile(dir / "input.json"), OutputFormat::kJsonAndText);
  ASSERT_TRUE(outcome.ok()) << outcome.ProblemText();
  json::error_code ec;
  const json::value actual = json::parse(outcome.json, ec);
  ASSERT_FALSE(ec) << "the writer produced invalid JSON";
  const json::value expected = json::parse(ReadFile(dir / "expected.json"), ec);
  ASSERT_FALSE(ec) << "expected.json is not valid JSON";
  std::vector<std::string> diffs;
  CompareSubset(expected, actual, "", &diffs);
  std::string report;
  for (std::size_t i = 0; i < diffs.size() && i < 40; ++i) report += diffs[i] + "\n";
  EXPECT_TRUE(diffs.empty()) << diffs.size() << " differences:\n" << report;
  // The text form must render every case without losing the totals.
  EXPECT_NE(outcome.text.find(TextMarker(actual)), std::string::npos) << outcome.text;
}

INSTANTIATE_TEST_SUITE_P(Cases, Golden, ::testing::ValuesIn(GoldenCases()),
                         [](const ::testing::TestParamInfo<fs::path>& info) {
                           std::string name = info.param.filename().string();
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

TEST(GoldenCasesExist, EveryDocumentShapeHasACase) {
  EXPECT_GE(GoldenCases().size(), 6u);
  for (const char* name : {"contract_example", "bim_gge_3.01_example1", "osr_01-02_rekultivaciya",
                           "ssr_example_h_ssrss-0"}) {
    EXPECT_TRUE(fs::exists(fs::path(ESTIMATE_SOURCE_DIR) / "tests/golden" / name / "input.json"))
        << name;
  }
}

}  // namespace
}  // namespace estimate::formats
