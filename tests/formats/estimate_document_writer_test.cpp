#include "formats/document/estimate_document_writer.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/resource_index_calculator.hpp"
#include "formats/document/estimate_document.hpp"

namespace estimate::formats {
namespace {

std::string Read(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Every golden estimate survives parse → write → parse with identical figures: what the service
// writes as a document is what `calc` computes.
TEST(EstimateDocumentWriter, RoundTripKeepsEveryFigureOfTheGoldenCases) {
  int cases = 0;
  for (const auto& dir : std::filesystem::directory_iterator(
           std::filesystem::path(ESTIMATE_SOURCE_DIR) / "tests" / "golden")) {
    auto input = dir.path() / "input.json";
    if (!std::filesystem::exists(input)) continue;
    auto first = ParseEstimateDocument(Read(input));
    if (!first.ok()) continue;  // other formats (ОСР, ССР, bad cases) are not ЛСР documents
    if (first->method != core::Method::kResourceIndex) continue;
    std::string written = WriteEstimateDocument(*first);
    auto second = ParseEstimateDocument(written);
    ASSERT_TRUE(second.ok()) << dir.path() << ": " << second.status().message();
    auto a = core::CalculateResourceIndex(*first);
    auto b = core::CalculateResourceIndex(*second);
    ASSERT_TRUE(a.ok() && b.ok()) << dir.path();
    EXPECT_EQ(WriteEstimateResult(*first, *a), WriteEstimateResult(*second, *b)) << dir.path();
    EXPECT_EQ(WriteEstimateDocument(*second), written) << "writing is stable: " << dir.path();
    ++cases;
  }
  EXPECT_GE(cases, 3);
}

}  // namespace
}  // namespace estimate::formats
