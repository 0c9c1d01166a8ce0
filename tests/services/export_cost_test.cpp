#include "services/export_cost.hpp"

#include <gtest/gtest.h>

namespace estimate::services {
namespace {

// calc_bench's estimate: 11 resource lines per position on average.
std::chrono::milliseconds Expected(std::string_view format, std::size_t positions) {
  return ExpectedExportTime(format, positions, positions * 11);
}

TEST(ExportCost, ALargeEstimatesPrintedFormsAreJobsAndASmallOnesAreNot) {
  EXPECT_GT(Expected("pdf", 10'000), kJobThreshold);
  EXPECT_GT(Expected("xlsx", 10'000), kJobThreshold);
  EXPECT_LT(Expected("pdf", 100), kJobThreshold);
  EXPECT_LT(Expected("xlsx", 1'000), kJobThreshold);
}

TEST(ExportCost, TheTextFormatsOfAMidSizedEstimateComeAtOnce) {
  for (const char* format : {"gge", "gge-3.02", "arps"}) {
    EXPECT_LT(Expected(format, 3'000), kJobThreshold) << format;
  }
}

TEST(ExportCost, AnUnknownFormatCostsNothing) {
  EXPECT_EQ(ExpectedExportTime("docx", 10'000, 110'000).count(), 0);
}

}  // namespace
}  // namespace estimate::services
