#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>

#include <unistd.h>

#include "app/calc_command.hpp"

namespace estimate::app {
namespace {

const std::string kShared = ESTIMATE_SHARED_DIR;
const std::string kXsdDir = kShared + "/samples/xsd";

// The contract example with the header a ГГЭ file needs, as a file.
std::string DocumentWithHeader() {
  std::ifstream in(std::string(ESTIMATE_SOURCE_DIR) + "/tests/golden/contract_example/input.json");
  std::stringstream s;
  s << in.rdbuf();
  boost::json::object doc = boost::json::parse(s.str()).as_object();
  doc["header"] = boost::json::parse(R"({"construction": {"name": "Жилой дом"},
      "object": {"name": "Корпус 1"}, "number": "02-01-05",
      "region": {"code": "28", "name": "Амурская область"},
      "price_level": {"year": "2025", "quarter": "2"}})");
  // One file per test: ctest runs the cases of this file in parallel processes.
  const std::string path = ::testing::TempDir() + "/export-doc-" +
                           ::testing::UnitTest::GetInstance()->current_test_info()->name() + "-" +
                           std::to_string(::getpid()) + ".json";
  std::ofstream(path) << boost::json::serialize(doc);
  return path;
}

TEST(ExportCommand, WritesValidatedGgeXmlAndRefusesWithoutTheSchemas) {
  const std::string path = DocumentWithHeader();
  std::ostringstream out, err;
  EXPECT_EQ(RunExport(path, "gge", kXsdDir, "test", out, err), 0) << err.str();
  EXPECT_NE(out.str().find("<EstimatePrice>"), std::string::npos);
  std::ostringstream out2, err2;
  EXPECT_EQ(RunExport(path, "gge", "", "test", out2, err2), 1);
  EXPECT_TRUE(out2.str().empty());
  EXPECT_NE(err2.str().find("GGE_XSD_DIR"), std::string::npos);
  std::remove(path.c_str());
}

TEST(ExportCommand, WritesTheFormAsXlsx) {
  const std::string path = DocumentWithHeader();
  std::ostringstream out, err;
  EXPECT_EQ(RunExport(path, "xlsx", "", "test", out, err), 0) << err.str();
  EXPECT_EQ(out.str().substr(0, 2), "PK");  // a zip container
  std::remove(path.c_str());
}

TEST(ExportCommand, WritesObjectAndSummaryEstimatesAsValidatedGgeXmlAndForms) {
  for (const char* golden : {"osr_01-02_rekultivaciya", "ssr_example_h_ssrss-0"}) {
    std::ifstream in(std::string(ESTIMATE_SOURCE_DIR) + "/tests/golden/" + golden + "/input.json");
    std::stringstream s;
    s << in.rdbuf();
    boost::json::object doc = boost::json::parse(s.str()).as_object();
    doc["header"] = boost::json::parse(
        R"({"construction": {"name": "Стройка"}, "region": {"code": "50"}, "date": "2026-03-01"})");
    const std::string path = ::testing::TempDir() + "/rollup-" + golden + "-" +
                             std::to_string(::getpid()) + ".json";
    std::ofstream(path) << boost::json::serialize(doc);
    std::ostringstream out, err;
    EXPECT_EQ(RunExport(path, "gge", kXsdDir, "test", out, err), 0) << golden << ": " << err.str();
    EXPECT_NE(out.str().find("<Construction"), std::string::npos) << golden;
    for (const char* format : {"xlsx", "pdf"}) {
      std::ostringstream o, e;
      EXPECT_EQ(RunExport(path, format, "", "test", o, e), 0) << golden << " " << format << e.str();
      EXPECT_FALSE(o.str().empty());
    }
    std::ostringstream o, e;
    EXPECT_EQ(RunExport(path, "arps", "", "test", o, e), 2) << golden;
    std::remove(path.c_str());
  }
}

TEST(ImportEstimateCommand, ReadsTheRealFileAndSaysTheRecalculationMatches) {
  std::ostringstream out, err;
  EXPECT_EQ(RunImportEstimate(kShared + "/samples/gge_lsr_rim_example_PD12.gge", out, err), 0);
  EXPECT_NE(err.str().find("пересчёт совпадает"), std::string::npos) << err.str();
  EXPECT_EQ(boost::json::parse(out.str()).at("format").as_string(), "estimate-document/1");
  // Every ГГЭ file of the samples is read.
  for (const char* file : {"gge_osr_01-02_rekultivaciya_GSS.gge", "gge_ssr_SSRSS-0_GrandSmeta.gge",
                           "gge_lsr_bim_3.01_example1_GSS.gge", "gge_costs_summary_SZ_etapy_GSS.gge",
                           "gge_ka_4.03_example1_GSS.gge", "gge_vor_3.01_example.gge",
                           "gge_vor_minstroy_ns_example.gge", "gge_svor_4.01_example.gge"}) {
    std::ostringstream o, e;
    EXPECT_EQ(RunImportEstimate(kShared + "/samples/" + file, o, e), 0) << file << e.str();
    EXPECT_NE(o.str().find("\"format\""), std::string::npos) << file;
  }
  std::ostringstream out2, err2;
  EXPECT_EQ(RunImportEstimate(kShared + "/samples/xsd/ObjectEstimate-3_01.xsd", out2, err2), 2);
  EXPECT_TRUE(out2.str().empty());
}

}  // namespace
}  // namespace estimate::app
