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

INSTANTIATE_TEST_SUITE_P(Engines, BaseServiceTest, ::testing::Values("sqlite", "postgresql"),
                         testing::EngineName);

}  // namespace
}  // namespace estimate::services
