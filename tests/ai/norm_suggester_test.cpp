// The suggester on the real ГЭСНп and ГЭСНмр files of ../shared/samples (3,029 norms): trained
// once for the binary, then asked as an estimator asks.
#include "ai/norm_suggester.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include <unistd.h>

#include "normbase/importers.hpp"

namespace estimate::ai {
namespace {

namespace fs = std::filesystem;
using normbase::BaseRelease;

const std::string kSamples = std::string(ESTIMATE_SHARED_DIR) + "/samples/";

struct Base {
  std::shared_ptr<BaseRelease> release;
  std::shared_ptr<const normbase::SearchIndex> search;
  std::string cache = (fs::temp_directory_path() / "estimate-ai-test-cache").string();
  std::unique_ptr<NormSuggester> suggester;
};

Base& Sample() {
  static Base* base = [] {
    auto* b = new Base();
    b->release = std::make_shared<BaseRelease>();
    normbase::ImportReport report;
    const Status s = normbase::ImportPaths(
        {kSamples + "fsnb2022_dop15_GESNp.xml", kSamples + "fsnb2022_dop15_GESNmr.xml"},
        normbase::ImportOptions{}, *b->release, report);
    EXPECT_TRUE(s.ok()) << s.message();
    b->release->Finish();
    b->search = normbase::SearchIndex::Build(*b->release);
    // Kept between runs (one folder per release content and model version): the test programs
    // of this binary load what the first one trained.
    auto built = NormSuggester::Build(b->release, b->search, {b->cache, {}, {}});
    if (!built.ok()) {
      ADD_FAILURE() << built.status().message();
      std::abort();
    }
    b->suggester = std::move(*built);
    return b;
  }();
  return *base;
}

std::vector<std::string> Codes(const std::vector<NormSuggestion>& s) {
  std::vector<std::string> out;
  for (const auto& x : s) out.emplace_back(x.norm->code);
  return out;
}

bool InTop(const std::vector<NormSuggestion>& s, std::string_view code, std::size_t k) {
  for (std::size_t i = 0; i < s.size() && i < k; ++i) {
    if (s[i].norm->code == code) return true;
  }
  return false;
}

TEST(NormSuggester, AFigureInsideItsRangePicksTheNormOfTheSeries) {
  const NormSuggester& s = *Sample().suggester;
  // 07-02-001: water-heating boilers by heat output «до N Гкал/ч».
  const auto got = s.Suggest({"пусконаладка водогрейного котла на газе 8 Гкал/ч", "", {}, {}, 5});
  ASSERT_FALSE(got.empty());
  // The boiler of 4–10 Gcal/h (or its test, 07-09-002-01, of 2–10 Gcal/h) — never «до 4» or «до 20».
  EXPECT_TRUE(InTop(got, "07-02-001-03", 3)) << ::testing::PrintToString(Codes(got));
  EXPECT_TRUE(got[0].norm->code == "07-02-001-03" || got[0].norm->code == "07-09-002-01")
      << ::testing::PrintToString(Codes(got));
  EXPECT_FALSE(InTop(got, "07-02-001-02", 5)) << ::testing::PrintToString(Codes(got));
  EXPECT_FALSE(InTop(got, "07-02-001-04", 5)) << ::testing::PrintToString(Codes(got));
  bool in_range = false;
  for (const auto& r : got[0].reasons) in_range = in_range || (r.kind == "number" && !r.against);
  EXPECT_TRUE(in_range);
}

TEST(NormSuggester, EveryAnswerHasAScoreABandAndReasons) {
  const auto got = Sample().suggester->Suggest({"ПНР синхронного электродвигателя 6 кВ 250 кВт", "шт", {}, {}, 5});
  ASSERT_EQ(got.size(), 5u);
  for (std::size_t i = 0; i + 1 < got.size(); ++i) EXPECT_GE(got[i].score, got[i + 1].score);
  EXPECT_GE(got[0].score, 0.0);
  EXPECT_LE(got[0].score, 1.0);
  bool terms = false, collection = false, unit = false;
  for (const auto& r : got[0].reasons) {
    terms = terms || r.kind == "terms";
    collection = collection || r.kind == "collection";
    unit = unit || r.kind == "unit";
  }
  EXPECT_TRUE(terms && collection && unit);
  EXPECT_TRUE(InTop(got, "01-07-002-03", 3)) << ::testing::PrintToString(Codes(got));
}

TEST(NormSuggester, AFamilyNarrowsTheAnswer) {
  const auto got = Sample().suggester->Suggest(
      {"ремонт насоса", "", {}, normbase::NormFamily::kGesnmr, 10});
  ASSERT_FALSE(got.empty());
  for (const auto& g : got) EXPECT_EQ(g.norm->family, normbase::NormFamily::kGesnmr);
}

TEST(NormSuggester, TheSavedModelGivesTheSameAnswersAfterARestart) {
  Base& b = Sample();
  auto again = NormSuggester::Build(b.release, b.search, {b.cache, {}, {}});
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE((*again)->loaded());
  const SuggestQuery q{"наладка приточной вентустановки", "", {}, {}, 5};
  EXPECT_EQ(Codes((*again)->Suggest(q)), Codes(b.suggester->Suggest(q)));
}

// Training itself, on the small demo base into an empty cache: trained once, then loaded with
// the same answers; nothing but the model's folder is left in the cache.
TEST(NormSuggester, ATrainedModelIsKeptWholeAndLoadedAgain) {
  auto release = std::make_shared<BaseRelease>();
  normbase::ImportReport report;
  ASSERT_TRUE(normbase::ImportPaths({std::string(ESTIMATE_SOURCE_DIR) + "/demo/base/norms_gesn.xml"},
                                    normbase::ImportOptions{}, *release, report)
                  .ok());
  release->Finish();
  std::shared_ptr<const normbase::SearchIndex> search = normbase::SearchIndex::Build(*release);
  const fs::path cache = fs::temp_directory_path() / ("estimate-ai-train-" + std::to_string(::getpid()));
  fs::remove_all(cache);
  auto first = NormSuggester::Build(release, search, {cache.string(), {}, {}});
  ASSERT_TRUE(first.ok()) << first.status().message();
  EXPECT_FALSE((*first)->loaded());
  std::vector<std::string> entries;
  for (const auto& e : fs::directory_iterator(cache)) entries.push_back(e.path().filename().string());
  EXPECT_EQ(entries, std::vector<std::string>{(*first)->key()});
  for (const char* f : {"model.bin", "model.bin.idf", "norms.hnsw", "norms.vec", "complete"}) {
    EXPECT_TRUE(fs::exists(cache / (*first)->key() / f)) << f;
  }
  auto second = NormSuggester::Build(release, search, {cache.string(), {}, {}});
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE((*second)->loaded());
  const SuggestQuery q{"копка траншей вручную, грунт 2 группы", "м3", {}, {}, 3};
  const auto a = (*first)->Suggest(q);
  ASSERT_FALSE(a.empty());
  EXPECT_EQ(a[0].norm->code, "01-02-057-02") << ::testing::PrintToString(Codes(a));
  EXPECT_EQ(Codes((*second)->Suggest(q)), Codes(a));
  // A damaged model is trained again, not served: a file missing, a file cut short (fastText
  // would not survive reading it).
  fs::remove(cache / (*first)->key() / "norms.vec");
  auto third = NormSuggester::Build(release, search, {cache.string(), {}, {}});
  ASSERT_TRUE(third.ok());
  EXPECT_FALSE((*third)->loaded());
  EXPECT_EQ(Codes((*third)->Suggest(q)), Codes(a));
  const fs::path model = cache / (*first)->key() / "model.bin";
  fs::resize_file(model, fs::file_size(model) / 2);
  auto fourth = NormSuggester::Build(release, search, {cache.string(), {}, {}});
  ASSERT_TRUE(fourth.ok());
  EXPECT_FALSE((*fourth)->loaded());
  EXPECT_EQ(Codes((*fourth)->Suggest(q)), Codes(a));
  auto fifth = NormSuggester::Build(release, search, {cache.string(), {}, {}});
  ASSERT_TRUE(fifth.ok());
  EXPECT_TRUE((*fifth)->loaded());
  fs::remove_all(cache);
}

TEST(NormSuggester, TheHybridBeatsThePlainSearchOnAParaphrase) {
  const NormSuggester& s = *Sample().suggester;
  // The plain search needs (nearly) every word; a description full of the customer's words
  // finds nothing there.
  const SuggestQuery q{"замена пускателя в шкафу управления лифтом, дом 9 этажей, 2 лифта в подъезде", "", {}, {}, 5};
  EXPECT_TRUE(s.Suggest(q, SuggestMode::kText).empty());
  const auto got = s.Suggest(q);
  EXPECT_TRUE(InTop(got, "01-01-010-10", 5) || InTop(got, "01-01-010-09", 5)) << ::testing::PrintToString(Codes(got));
}

}  // namespace
}  // namespace estimate::ai
