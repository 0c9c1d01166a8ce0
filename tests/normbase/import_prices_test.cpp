// Regional prices in the ФГИС ЦС API JSON shapes: labour by rank with Ц1, current machine prices,
// transport prices; the region, zone and quarter come from the options.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "core/decimal.hpp"
#include "normbase/base_release.hpp"
#include "normbase/importers.hpp"

namespace estimate::normbase {
namespace {

using core::Decimal;

const std::string kSamples = std::string(ESTIMATE_SHARED_DIR) + "/samples/";

struct Imported {
  std::unique_ptr<BaseRelease> release = std::make_unique<BaseRelease>();
  ImportReport report;
  Status status;
};

ImportOptions Moscow() {
  ImportOptions o;
  o.region_code = "77";
  o.region_name = "г. Москва";
  o.zone = 1;
  o.quarter = "2025-Q2";
  return o;
}

Imported Import(const std::vector<std::string>& paths, const ImportOptions& options) {
  Imported out;
  out.status = ImportPaths(paths, options, *out.release, out.report);
  return out;
}

std::string WriteTemp(const std::string& name, const std::string& content) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("import_prices_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto path = dir / name;
  std::ofstream(path, std::ios::binary) << content;
  return path.string();
}

TEST(ImportPrices, LabourAndMachinesOfMoscow) {
  Imported im = Import({kSamples + "fgiscs_api_worker_salary_moscow.json",
                        kSamples + "fgiscs_api_current_prices_moscow_machines.json"},
                       Moscow());
  ASSERT_TRUE(im.status.ok()) << im.status.message();
  ASSERT_EQ(im.release->prices.size(), 1u);  // both files fill one region and quarter
  const RegionalPrices* p = im.release->FindPrices("77", 1, "2025-Q2");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(im.release->FindPrices("г. Москва", 1, "2025-Q2"), p);
  EXPECT_EQ(im.release->FindPrices("77", 2, "2025-Q2"), nullptr);
  // 1-100-10 is rank 1.0; every other rate follows round2(Ц1 × k): 552.32 × 1.31 = 723.54,
  // × 1.80 = 994.18, × 1.34 = 740.11.
  EXPECT_EQ(p->rank1_labor_price, Decimal::Literal("552.32"));
  EXPECT_TRUE(im.report.warnings.empty());
  ASSERT_EQ(p->labor_prices.size(), 4u);
  EXPECT_EQ(p->labor_prices.at("1-100-38"), Decimal::Literal("723.54"));
  EXPECT_EQ(p->labor_prices.at("4-100-060"), Decimal::Literal("994.18"));
  EXPECT_EQ(p->labor_prices.at("4-100-040"), Decimal::Literal("740.11"));
  ASSERT_EQ(p->current_prices.size(), 3u);
  EXPECT_EQ(p->current_prices.at("91.05.05-015"), Decimal::Literal("1783.88"));
  EXPECT_EQ(p->current_prices.at("91.14.02-001"), Decimal::Literal("643.35"));
  EXPECT_EQ(im.report.files[0].kind, "labor_prices");
  EXPECT_EQ(im.report.files[1].kind, "current_prices");
  EXPECT_EQ(im.release->info.sources[0].sha256,
            "45afea34ecc7fb33593495d89c8a48f12f07b4c7c5717036e819fbf486a01f17");
}

TEST(ImportPrices, Rank1PriceIsDerivedWithoutTheRank1Code) {
  const std::string file = WriteTemp("labour.json", R"({"items":[
    {"code":"1-100-38","salaryRateRank":"3.8","salary":"723.54"},
    {"code":"4-100-060","salaryRateRank":"6.0","salary":"994.18"},
    {"code":"3-200-01","salary":"1200.00"}]})");
  Imported im = Import({file}, Moscow());
  ASSERT_TRUE(im.status.ok()) << im.status.message();
  const RegionalPrices& p = im.release->prices.at(0);
  EXPECT_EQ(p.rank1_labor_price, Decimal::Literal("552.32"));
  EXPECT_EQ(p.labor_prices.at("3-200-01"), Decimal::Literal("1200.00"));  // a category, no rank
}

TEST(ImportPrices, PricesOffTheFormulaLeaveRank1Unset) {
  const std::string file = WriteTemp("labour_odd.json", R"({"items":[
    {"code":"1-100-38","salary":"723.54"},
    {"code":"4-100-060","salary":"1000.00"}]})");
  Imported im = Import({file}, Moscow());
  ASSERT_TRUE(im.status.ok()) << im.status.message();
  EXPECT_FALSE(im.release->prices.at(0).rank1_labor_price.ok());
  ASSERT_EQ(im.report.warnings.size(), 1u);
  EXPECT_NE(im.report.warnings[0].message.find("Ц1"), std::string::npos);
  EXPECT_EQ(im.release->prices.at(0).labor_prices.at("4-100-060"), Decimal::Literal("1000.00"));
}

TEST(ImportPrices, TransportPricesOfRyazan) {
  ImportOptions o;
  o.region_code = "62";
  o.zone = 1;
  o.quarter = "2026-Q2";
  Imported im = Import({kSamples + "fgiscs_api_transport_ryazan_2026q2.json"}, o);
  ASSERT_TRUE(im.status.ok()) << im.status.message();
  const RegionalPrices* p = im.release->FindPrices("62", 1, "2026-Q2");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->current_prices.at("40-1"), Decimal::Literal("67.99"));
  EXPECT_EQ(p->current_prices.at("40-2"), Decimal::Literal("134.66"));
  EXPECT_EQ(p->current_prices.at("48-2"), Decimal::Literal("0.00"));
  EXPECT_EQ(p->current_prices.at("02-15-1-01-0009"), Decimal::Literal("210.11"));
  EXPECT_EQ(p->current_prices.at("02-15-4-01-0009"), Decimal::Literal("466.91"));
  EXPECT_EQ(im.report.files[0].kind, "transport_prices");
}

TEST(ImportPrices, APriceFileWithoutRegionZoneAndQuarterFails) {
  ImportOptions o;
  o.region_code = "77";
  Imported im = Import({kSamples + "fgiscs_api_worker_salary_moscow.json"}, o);
  ASSERT_FALSE(im.status.ok());
  ASSERT_EQ(im.report.errors.size(), 1u);
  EXPECT_EQ(im.report.errors[0].file, kSamples + "fgiscs_api_worker_salary_moscow.json");
  EXPECT_NE(im.report.errors[0].message.find("price zone"), std::string::npos);
  EXPECT_NE(im.report.errors[0].message.find("quarter"), std::string::npos);
  EXPECT_NE(im.status.message().find("fgiscs_api_worker_salary_moscow.json"), std::string::npos);
  EXPECT_TRUE(im.release->prices.empty());
}

TEST(ImportPrices, AFractionalJsonNumberOrBadStringIsAnError) {
  const std::string file = WriteTemp("labour_numbers.json", R"({"items":[
    {"code":"1-100-10","salary":552.32},
    {"code":"1-100-20","salary":"6O2.00"}]})");
  Imported im = Import({file}, Moscow());
  ASSERT_FALSE(im.status.ok());
  ASSERT_EQ(im.report.errors.size(), 2u);
  EXPECT_NE(im.report.errors[0].message.find("items[0].salary"), std::string::npos);
  EXPECT_NE(im.report.errors[0].message.find("as a string"), std::string::npos);
  EXPECT_NE(im.report.errors[1].message.find("\"6O2.00\" is not a decimal"), std::string::npos);
}

}  // namespace
}  // namespace estimate::normbase
