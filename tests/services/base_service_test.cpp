#include <gtest/gtest.h>

#include "service_fixture.hpp"
#include "services/base_pricing.hpp"
#include "services/base_search.hpp"

namespace estimate::services {
namespace {

using testing::ServiceFixture;

class BaseServiceTest : public ServiceFixture {
 protected:
  ImportRequest Demo() const {
    ImportRequest r;
    r.paths = {std::string(ESTIMATE_SOURCE_DIR) + "/demo/base"};
    return r;
  }
};

TEST_P(BaseServiceTest, WithoutAnActiveReleaseReadersAreToldItIsUnavailable) {
  BaseService fresh(*releases_);  // never loaded
  auto current = fresh.Current();
  ASSERT_FALSE(current.ok());
  EXPECT_EQ(current.status().code(), StatusCode::kUnavailable);
}

TEST_P(BaseServiceTest, SearchCardsAndPricingAreTypedAndErrorsCarryTheirCode) {
  auto current = base_->Current();
  ASSERT_TRUE(current.ok()) << current.status().message();
  normbase::SearchQuery q;
  q.text = "кладка";
  const auto page = SearchNorms(**current, q);
  ASSERT_FALSE(page.result.hits.empty());
  EXPECT_EQ(page.release, (*current)->release);

  auto card = FindNorm(**current, normbase::NormFamily::kGesn, "08-02-001-01");
  ASSERT_TRUE(card.ok()) << card.status().message();
  EXPECT_EQ(card->norm->code, "08-02-001-01");
  EXPECT_EQ(FindNorm(**current, normbase::NormFamily::kGesn, "99-99").status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(FindResource(**current, "00.0").status().code(), StatusCode::kNotFound);

  normbase::PricingRequest pricing;
  pricing.region = "28";
  pricing.quarter = "2025-Q2";
  auto priced = PriceNorm(**current, normbase::NormFamily::kGesn, "08-02-001-01", pricing);
  ASSERT_TRUE(priced.ok()) << priced.status().message();
  EXPECT_TRUE(priced->calculation.figures.total.ok());
  EXPECT_FALSE(priced->calculation.figures.total.IsNegative());
  pricing.quarter = "1999-Q1";
  EXPECT_EQ(
      PriceNorm(**current, normbase::NormFamily::kGesn, "08-02-001-01", pricing).status().code(),
      StatusCode::kNotFound);
}

TEST_P(BaseServiceTest, VerifyReportsTheReleaseAndWritesNothing) {
  auto before = base_->Releases();
  ASSERT_TRUE(before.ok());
  auto verified = base_->Verify(Demo(), {});
  ASSERT_TRUE(verified.status.ok()) << verified.status.message();
  EXPECT_EQ(verified.release_id, 0);
  EXPECT_GT(verified.counts.norms, 0u);
  auto after = base_->Releases();
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->size(), before->size());
}

TEST_P(BaseServiceTest, AnAcceptedReleaseKeepsItsProvenanceAndBecomesActive) {
  // What the collector does: a release imported on its side, handed over with its origin.
  auto release = std::make_shared<normbase::BaseRelease>();
  normbase::ImportReport report;
  const std::vector<std::string> paths = {std::string(ESTIMATE_SOURCE_DIR) +
                                          "/demo/base/norms_gesn.xml"};
  ASSERT_TRUE(normbase::ImportPaths(paths, {}, *release, report).ok());
  ReleaseProvenance provenance;
  provenance.name = "collected";
  provenance.sources.push_back({"https://fgiscs.minstroyrf.ru/x.zip", "ab12", 10, "archive", ""});
  auto outcome = base_->AcceptRelease(release, provenance, {});
  ASSERT_TRUE(outcome.status.ok()) << outcome.status.message();
  EXPECT_TRUE(outcome.activated);
  auto current = base_->Current();
  ASSERT_TRUE(current.ok());
  EXPECT_EQ((*current)->release->info.id, outcome.release_id);
  EXPECT_EQ((*current)->release->info.name, "collected");
  auto releases = base_->Releases();
  ASSERT_TRUE(releases.ok());
  bool recorded = false;
  for (const auto& info : *releases) {
    if (info.id != outcome.release_id) continue;
    for (const auto& s : info.sources) recorded = recorded || s.sha256 == "ab12";
  }
  EXPECT_TRUE(recorded);
}

TEST_P(BaseServiceTest, ReleasesListTheirPricedTerritoriesWithTheRegionsNames) {
  // The demo's prices folder (prices_28_1_2025-Q2) names the region by code only.
  auto demo = base_->Releases();
  ASSERT_TRUE(demo.ok()) << demo.status().message();
  ASSERT_EQ(demo->size(), 1u);
  const std::vector<normbase::PricedTerritory> demo_territories = {
      {"28", "Амурская область", 1, "2025-Q2"}};
  EXPECT_EQ((*demo)[0].territories, demo_territories);

  // A name the price files gave is kept; a code outside the official table stays unnamed.
  auto release = std::make_shared<normbase::BaseRelease>();
  normbase::ImportReport report;
  const std::vector<std::string> paths = {std::string(ESTIMATE_SOURCE_DIR) +
                                          "/demo/base/norms_gesn.xml"};
  ASSERT_TRUE(normbase::ImportPaths(paths, {}, *release, report).ok());
  for (const auto& [code, name] : {std::pair{"77", "г. Москва (из файла)"}, std::pair{"X9", ""}}) {
    normbase::RegionalPrices& p = release->prices.emplace_back();
    p.region_code = release->text.Intern(code);
    p.region_name = release->text.Intern(name);
    p.zone = 2;
    p.quarter = release->text.Intern("2025-Q3");
  }
  release->Finish();
  auto outcome = base_->AcceptRelease(release, {}, {.activate = false});
  ASSERT_TRUE(outcome.status.ok()) << outcome.status.message();
  auto releases = base_->Releases();
  ASSERT_TRUE(releases.ok()) << releases.status().message();
  ASSERT_EQ(releases->size(), 2u);
  EXPECT_EQ((*releases)[0].id, outcome.release_id);
  const std::vector<normbase::PricedTerritory> territories = {
      {"77", "г. Москва (из файла)", 2, "2025-Q3"}, {"X9", "", 2, "2025-Q3"}};
  EXPECT_EQ((*releases)[0].territories, territories);
  EXPECT_EQ((*releases)[1].territories, demo_territories);
}

INSTANTIATE_TEST_SUITE_P(Engines, BaseServiceTest, ::testing::Values("sqlite", "postgresql"),
                         testing::EngineName);

}  // namespace
}  // namespace estimate::services
