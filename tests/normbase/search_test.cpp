#include "normbase/search.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

namespace estimate::normbase {
namespace {

// A small hand-made release: a few norms of every family, with hierarchy, content and resource
// lines, and a price book of machines and materials.
class SearchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto t = [&](std::string_view s) { return r_.text.Intern(s); };
    auto section = [&](NormFamily f, const char* type, const char* code, const char* name,
                       int parent) {
      r_.sections.push_back({f, t(type), t(code), t(name), parent});
      return static_cast<int>(r_.sections.size() - 1);
    };
    const int roofs = section(NormFamily::kGesn, "Сборник", "12", "Кровли", -1);
    const int roll = section(NormFamily::kGesn, "Таблица", "12-01-001",
                             "Устройство кровель из рулонных материалов", roofs);
    const int pipes = section(NormFamily::kGesn, "Сборник", "16", "Трубопроводы внутренние", -1);
    const int water = section(NormFamily::kGesn, "Таблица", "16-02-001",
                              "Прокладка трубопроводов водоснабжения", pipes);
    const int electro =
        section(NormFamily::kGesnp, "Сборник", "01", "Электротехнические устройства", -1);
    const int gens = section(NormFamily::kGesnp, "Таблица", "01-01-001",
                             "Синхронные генераторы (компенсаторы)", electro);
    const int install =
        section(NormFamily::kGesnm, "Сборник", "08", "Электротехнические установки", -1);
    const int install_gens =
        section(NormFamily::kGesnm, "Таблица", "08-02-001", "Генераторы", install);
    const int valves = section(NormFamily::kGesnmr, "Сборник", "02", "Арматура", -1);
    const int flanged = section(NormFamily::kGesnmr, "Таблица", "02-01-003",
                                "Арматура фланцевая с электрическим приводом", valves);
    const int rebuild = section(NormFamily::kGesnr, "Сборник", "46",
                                "Работы при реконструкции зданий и сооружений", -1);
    const int walls = section(NormFamily::kGesnr, "Таблица", "46-03-001", "Стены", rebuild);

    auto norm = [&](NormFamily f, const char* code, const char* name, const char* unit, int table,
                    std::vector<const char*> content = {}) {
      Norm n;
      n.family = f;
      n.code = t(code);
      n.name = t(name);
      n.unit = t(unit);
      n.table = table;
      for (const char* c : content) n.content.push_back(t(c));
      r_.norms.push_back(n);
      return &r_.norms.back();
    };
    auto line = [&](const char* code, const char* name) {
      NormResource l;
      l.code = t(code);
      l.name = t(name);
      l.consumption = core::Decimal::FromInt(1);
      return l;
    };
    r_.norms.reserve(32);
    Norm* roof1 = norm(NormFamily::kGesn, "12-01-001-01",
                       "Устройство кровель скатных из трех слоев: на битумной мастике", "100 м2",
                       roll, {"Наклейка рулонных материалов на битумной мастике."});
    roof1->resources = {line("1-100-38", "Средний разряд работы 3,8"),
                        line("91.05.01-017", "")};  // name from the price book
    norm(NormFamily::kGesn, "12-01-001-02",
         "Устройство кровель скатных из четырех слоев: на битумной мастике", "100 м2", roll,
         {"Наклейка рулонных материалов на битумной мастике.",
          "Защита рулонного кровельного ковра гравием."});
    norm(NormFamily::kGesn, "16-02-001-01",
         "Прокладка трубопроводов водоснабжения из стальных оцинкованных труб диаметром 50 мм",
         "100 м", water);
    norm(NormFamily::kGesn, "16-02-001-02",
         "Прокладка трубопроводов водоснабжения из стальных оцинкованных труб диаметром 100 мм",
         "100 м", water);
    norm(NormFamily::kGesn, "16-02-001-03", "Гидравлическое испытание системы водоснабжения",
         "100 м", water, {"Промывка трубопровода водой."});
    norm(NormFamily::kGesn, "16-02-001-04", "Промывка системы водоснабжения", "100 м", water);
    norm(NormFamily::kGesn, "16-02-001-05",
         "Прокладка трубопроводов водоснабжения из стальных труб диаметром 1200 мм", "100 м",
         water);
    norm(NormFamily::kGesnp, "01-01-001-01",
         "Генератор синхронный (компенсатор) напряжением: до 1 кВ, мощностью до 100 кВт", "шт",
         gens);
    norm(NormFamily::kGesnp, "01-01-001-03",
         "Генератор синхронный (компенсатор) напряжением: свыше 1кВ, мощностью до 2,5 МВт (МВАр)",
         "шт", gens);
    norm(NormFamily::kGesnm, "08-02-001-01", "Генератор синхронный напряжением до 1 кВ", "шт",
         install_gens);
    norm(NormFamily::kGesnmr, "02-01-003-01",
         "Арматура фланцевая с электрическим приводом на номинальное давление до 4 МПа, "
         "номинальный диаметр: до 50 мм",
         "шт", flanged);
    norm(NormFamily::kGesnmr, "02-01-003-03",
         "Арматура фланцевая с электрическим приводом на номинальное давление до 4 МПа, "
         "номинальный диаметр: до 150 мм",
         "шт", flanged);
    norm(NormFamily::kGesnmr, "02-01-004-01", "Капитальный ремонт насоса центробежного", "шт",
         flanged);
    norm(NormFamily::kGesnr, "46-03-001-01", "Разборка кирпичных стен", "1 м3", walls);
    norm(NormFamily::kGesnr, "46-03-001-02", "Пробивка проемов в кирпичных стенах", "1 м3", walls);
    norm(NormFamily::kGesn, "16-02-001-06", "Очистные сооружения производительностью 100 м3/сут",
         "шт", water);
    norm(NormFamily::kGesn, "16-02-001-07", "Котел паровой производительностью 10 т/ч", "шт",
         water);
    // Same code in two families: the family words in the query tell them apart.
    norm(NormFamily::kGesn, "01-01-001-01", "Разработка грунта в отвал экскаваторами", "1000 м3",
         -1);

    auto entry = [&](const char* code, const char* name, const char* unit, core::ResourceKind kind,
                     int section) {
      PriceBookEntry e;
      e.code = t(code);
      e.name = t(name);
      e.unit = t(unit);
      e.kind = kind;
      e.section = section;
      r_.resources.push_back(e);
    };
    r_.book_sections.push_back({t("Книга"), t("91"), t("Машины и механизмы"), -1});
    r_.book_sections.push_back({t("Группа"), t("91.05"), t("Краны"), 0});
    r_.book_sections.push_back(
        {t("Книга"), t("01"), t("Материалы для общестроительных работ"), -1});
    using core::ResourceKind;
    entry("91.05.01-017", "Краны башенные, грузоподъемность 8 т", "маш.-ч", ResourceKind::kMachine,
          1);
    entry("91.05.05-015", "Краны на автомобильном ходу, грузоподъемность 16 т", "маш.-ч",
          ResourceKind::kMachine, 1);
    entry("91.06.05-011", "Погрузчики, грузоподъемность 5 т", "маш.-ч", ResourceKind::kMachine, 0);
    entry("01.7.03.01-0001", "Вода", "м3", ResourceKind::kMaterial, 2);
    entry("01.7.03.01-0002", "Вода техническая", "м3", ResourceKind::kMaterial, 2);
    entry("23.3.06.01-0001",
          "Трубы стальные водогазопроводные оцинкованные, диаметр условный 50 мм", "м",
          ResourceKind::kMaterial, 2);
    entry("12.1.02.03-0011", "Материалы рулонные кровельные наплавляемые", "м²",
          ResourceKind::kMaterial, 2);
    r_.Finish();
    index_ = SearchIndex::Build(r_);
  }

  SearchResult<NormHit> Norms(std::string text) const {
    SearchQuery q;
    q.text = std::move(text);
    return index_->SearchNorms(q);
  }
  SearchResult<ResourceHit> Resources(std::string text) const {
    SearchQuery q;
    q.text = std::move(text);
    return index_->SearchResources(q);
  }
  static std::vector<std::string> Codes(const SearchResult<NormHit>& r) {
    std::vector<std::string> out;
    for (const auto& h : r.hits) out.emplace_back(h.norm->code);
    return out;
  }
  static std::vector<std::string> Codes(const SearchResult<ResourceHit>& r) {
    std::vector<std::string> out;
    for (const auto& h : r.hits) out.emplace_back(h.resource->code);
    return out;
  }
  static bool Has(const std::vector<std::string>& codes, const std::string& code) {
    return std::find(codes.begin(), codes.end(), code) != codes.end();
  }
  // The highlighted pieces of `text`.
  static std::vector<std::string> Marked(std::string_view text, const std::vector<Highlight>& hs) {
    std::vector<std::string> out;
    for (const auto& h : hs) out.emplace_back(text.substr(h.begin, h.length));
    return out;
  }

  BaseRelease r_;
  std::unique_ptr<SearchIndex> index_;
};

TEST_F(SearchTest, StemmingFindsOtherFormsOfAWord) {
  auto r = Norms("трубопровод");
  auto codes = Codes(r);
  EXPECT_TRUE(Has(codes, "16-02-001-01"));
  EXPECT_TRUE(Has(codes, "16-02-001-02"));
  ASSERT_FALSE(r.hits.empty());
  // The name says «трубопроводов»: that whole word is highlighted, in UTF-8 byte offsets.
  const NormHit& hit = r.hits.front();
  EXPECT_EQ(Marked(hit.norm->name, hit.name_highlights), std::vector<std::string>{"трубопроводов"});
  EXPECT_EQ(hit.name_highlights.front().begin, std::string("Прокладка ").size());
  EXPECT_EQ(hit.name_highlights.front().length, std::string("трубопроводов").size());
  // And the other way round, with upper case and ё folding in the query.
  EXPECT_TRUE(Has(Codes(Norms("ТРУБОПРОВОДЫ")), "16-02-001-01"));
  EXPECT_TRUE(Has(Codes(Norms("кровля")), "12-01-001-01"));  // «кровель»: fleeting vowel
}

TEST_F(SearchTest, PnrFindsCommissioningNorms) {
  auto codes = Codes(Norms("ПНР генератор"));
  ASSERT_GE(codes.size(), 2u);
  // Both ГЭСНп generators before the ГЭСНм one that only matches "генератор".
  EXPECT_EQ(codes[0].substr(0, 9), "01-01-001");
  EXPECT_EQ(codes[1].substr(0, 9), "01-01-001");
  auto r = Norms("пнр генератор");
  ASSERT_FALSE(r.hits.empty());
  EXPECT_EQ(r.hits.front().norm->family, NormFamily::kGesnp);
  // The full words find the same norms.
  auto full = Norms("пусконаладочные работы генератор");
  ASSERT_FALSE(full.hits.empty());
  EXPECT_EQ(full.hits.front().norm->family, NormFamily::kGesnp);
}

TEST_F(SearchTest, NominalDiameterShorthandMatchesDiameterAndNumber) {
  for (const char* q : {"Ду50", "ду 50", "DN 50", "dn50", "Ду50 арматура"}) {
    auto codes = Codes(Norms(q));
    ASSERT_FALSE(codes.empty()) << q;
    // «…диаметром 50 мм» and «номинальный диаметр: до 50 мм»; not the 100/150 mm ones first.
    EXPECT_TRUE(codes[0] == "16-02-001-01" || codes[0] == "02-01-003-01") << q << " " << codes[0];
    EXPECT_FALSE(Has(codes, "16-02-001-02") &&
                 std::find(codes.begin(), codes.end(), "16-02-001-02") <
                     std::find(codes.begin(), codes.end(), "16-02-001-01"))
        << q;
  }
  auto r = Norms("арматура Ду50");
  ASSERT_FALSE(r.hits.empty());
  EXPECT_EQ(r.hits.front().norm->code, "02-01-003-01");
  EXPECT_EQ(Marked(r.hits.front().norm->name, r.hits.front().name_highlights),
            (std::vector<std::string>{"Арматура", "диаметр", "50"}));
}

TEST_F(SearchTest, NumbersWithSpacesAndDecimalCommas) {
  auto r = Norms("трубопровод 1 200 мм");
  ASSERT_FALSE(r.hits.empty());
  EXPECT_EQ(r.hits.front().norm->code, "16-02-001-05");
  r = Norms("генератор 2,5 МВт");
  ASSERT_FALSE(r.hits.empty());
  EXPECT_EQ(r.hits.front().norm->code, "01-01-001-03");
  EXPECT_EQ(Norms("генератор 2.5").hits.front().norm->code, "01-01-001-03");
}

TEST_F(SearchTest, UnitsAreNormalized) {
  auto r = Norms("очистные 100 м³/сутки");
  ASSERT_FALSE(r.hits.empty());
  EXPECT_EQ(r.hits.front().norm->code, "16-02-001-06");
  EXPECT_EQ(Marked(r.hits.front().norm->name, r.hits.front().name_highlights),
            (std::vector<std::string>{"Очистные", "100", "м3/сут"}));
  r = Norms("котел 10 т/час");
  ASSERT_FALSE(r.hits.empty());
  EXPECT_EQ(r.hits.front().norm->code, "16-02-001-07");
  // "т/ч" is a unit, not the words "т" and "ч": no norm matches a stray "т" and "ч".
  EXPECT_EQ(Norms("т/ч").total, 1u);
}

TEST_F(SearchTest, CapitalRepairAndDismantlingSynonyms) {
  auto r = Norms("капремонт насоса");
  ASSERT_FALSE(r.hits.empty());
  EXPECT_EQ(r.hits.front().norm->code, "02-01-004-01");
  r = Norms("демонтаж кирпичных стен");
  ASSERT_FALSE(r.hits.empty());
  EXPECT_EQ(r.hits.front().norm->code, "46-03-001-01");
  EXPECT_EQ(Marked(r.hits.front().norm->name, r.hits.front().name_highlights),
            (std::vector<std::string>{"Разборка", "кирпичных", "стен"}));
  EXPECT_EQ(Norms("разборки").hits.front().norm->code, "46-03-001-01");
}

TEST_F(SearchTest, ExactNormCodeAndCodePrefixes) {
  auto r = Norms("12-01-001-01");
  ASSERT_EQ(r.total, 1u);
  EXPECT_TRUE(r.hits[0].exact_code);
  EXPECT_EQ(r.hits[0].code_match_length, std::string("12-01-001-01").size());

  EXPECT_EQ(Codes(Norms("12-01-001")), (std::vector<std::string>{"12-01-001-01", "12-01-001-02"}));
  EXPECT_EQ(Codes(Norms("ГЭСН12-01")), (std::vector<std::string>{"12-01-001-01", "12-01-001-02"}));
  // "01-01-001-01" exists in ГЭСН and in ГЭСНп: the family word picks one.
  EXPECT_EQ(Norms("01-01-001-01").total, 2u);
  auto p = Norms("ГЭСНп01-01-001-01");
  ASSERT_EQ(p.total, 1u);
  EXPECT_EQ(p.hits[0].norm->family, NormFamily::kGesnp);
  EXPECT_EQ(Norms("ГЭСНп 01-01").total, 2u);
  // A number right after a family word is a collection; elsewhere it is a number.
  EXPECT_EQ(Codes(Norms("ГЭСН12")), (std::vector<std::string>{"12-01-001-01", "12-01-001-02"}));
  EXPECT_EQ(Norms("ГЭСНр 46 кирпичных").total, 2u);
  EXPECT_EQ(Norms("ГЭСН 99").total, 0u);
  EXPECT_EQ(Norms("ГЭСНп 1").total, 2u);
  // A prefix stops at a dash: "12-01-00" is no prefix of "12-01-001".
  EXPECT_EQ(Norms("12-01-00").total, 0u);
  EXPECT_EQ(Norms("12-99-999").total, 0u);
  // Code and words: the code filters, the words rank.
  auto mixed = Norms("16-02 промывка");
  ASSERT_FALSE(mixed.hits.empty());
  EXPECT_EQ(mixed.hits.front().norm->code, "16-02-001-04");
  EXPECT_EQ(Norms("12-01 промывка").total, 0u);
}

TEST_F(SearchTest, ExactCodeComesFirst) {
  // Words matching other norms do not push the exact code down.
  auto r = Norms("16-02-001-03 водоснабжения");
  ASSERT_FALSE(r.hits.empty());
  EXPECT_EQ(r.hits.front().norm->code, "16-02-001-03");
  EXPECT_TRUE(r.hits.front().exact_code);
  auto codes = Codes(Norms("16-02-001"));
  ASSERT_EQ(codes.size(), 7u);
  EXPECT_TRUE(std::is_sorted(codes.begin(), codes.end()));
}

TEST_F(SearchTest, NameMatchRanksAboveContentOnlyMatch) {
  auto codes = Codes(Norms("промывка"));
  ASSERT_EQ(codes.size(), 2u);
  EXPECT_EQ(codes[0], "16-02-001-04");  // «Промывка системы водоснабжения»
  EXPECT_EQ(codes[1], "16-02-001-03");  // content «Промывка трубопровода водой.»
  auto r = Norms("промывка");
  EXPECT_GT(r.hits[0].score, r.hits[1].score);
  EXPECT_EQ(r.hits[1].snippet, "Промывка трубопровода водой.");
  EXPECT_EQ(Marked(r.hits[1].snippet, r.hits[1].snippet_highlights),
            std::vector<std::string>{"Промывка"});
}

TEST_F(SearchTest, MoreMatchedWordsRankFirst) {
  auto codes = Codes(Norms("кровля гравием мастике"));
  ASSERT_FALSE(codes.empty());
  EXPECT_EQ(codes[0], "12-01-001-02");
}

TEST_F(SearchTest, WithThreeWordsAHitMayMissOne) {
  // "2,5" is in one norm, "генератор" and "синхронный" in three: all three generators are hits,
  // the one with every word first, and the other two keep the score of the words they match.
  auto r = Norms("генератор синхронный 2,5");
  ASSERT_EQ(r.total, 3u);
  EXPECT_EQ(r.hits[0].norm->code, "01-01-001-03");
  EXPECT_GT(r.hits[1].score, 0.0f);
  EXPECT_GT(r.hits[2].score, 0.0f);
  // With two words, both are required.
  EXPECT_EQ(Norms("генератор 2,5").total, 1u);
  EXPECT_GT(index_->MemoryBytes(), 0u);
}

TEST_F(SearchTest, ResourceLinesAndTheirPriceBookNamesAreSearched) {
  // 12-01-001-01 has the crane line without a name: the price book names it.
  auto codes = Codes(Norms("краны башенные"));
  EXPECT_TRUE(Has(codes, "12-01-001-01"));
}

TEST_F(SearchTest, HierarchyNamesGiveContext) {
  // «Электротехнические устройства» is the collection of the ГЭСНп generators.
  auto r = Norms("электротехнические генератор");
  ASSERT_FALSE(r.hits.empty());
  EXPECT_TRUE(r.hits.front().norm->family == NormFamily::kGesnp ||
              r.hits.front().norm->family == NormFamily::kGesnm);
  EXPECT_FALSE(r.hits.front().snippet.empty());
}

TEST_F(SearchTest, FiltersByFamilyCollectionAndUnit) {
  SearchQuery q;
  q.text = "генератор";
  q.family = NormFamily::kGesnm;
  auto r = index_->SearchNorms(q);
  ASSERT_EQ(r.total, 1u);
  EXPECT_EQ(r.hits[0].norm->code, "08-02-001-01");

  q = {};
  q.text = "водоснабжения";
  q.collection = "016";
  EXPECT_EQ(index_->SearchNorms(q).total, 7u);  // the table name says «водоснабжения»
  q.collection = "12";
  EXPECT_EQ(index_->SearchNorms(q).total, 0u);
  q.collection = "99";
  EXPECT_EQ(index_->SearchNorms(q).total, 0u);

  q = {};
  q.text = "устройство";
  q.unit = "100 м²";
  EXPECT_EQ(index_->SearchNorms(q).total, 2u);
  q.unit = "1000 м3";
  EXPECT_EQ(index_->SearchNorms(q).total, 0u);

  // Filters alone list the norms in code order.
  q = {};
  q.family = NormFamily::kGesnr;
  EXPECT_EQ(Codes(index_->SearchNorms(q)),
            (std::vector<std::string>{"46-03-001-01", "46-03-001-02"}));
  // Conflicting families give nothing.
  q.text = "ГЭСНп";
  EXPECT_EQ(index_->SearchNorms(q).total, 0u);
}

TEST_F(SearchTest, LimitAndOffsetPage) {
  SearchQuery q;
  q.text = "16-02-001";
  q.limit = 3;
  auto first = index_->SearchNorms(q);
  EXPECT_EQ(first.total, 7u);
  EXPECT_EQ(Codes(first),
            (std::vector<std::string>{"16-02-001-01", "16-02-001-02", "16-02-001-03"}));
  q.offset = 6;
  EXPECT_EQ(Codes(index_->SearchNorms(q)), std::vector<std::string>{"16-02-001-07"});
  q.offset = 100;
  auto past = index_->SearchNorms(q);
  EXPECT_TRUE(past.hits.empty());
  EXPECT_EQ(past.total, 7u);
  q.offset = 0;
  q.limit = 0;
  EXPECT_TRUE(index_->SearchNorms(q).hits.empty());
  q.limit = -5;
  q.offset = -5;
  EXPECT_TRUE(index_->SearchNorms(q).hits.empty());
}

TEST_F(SearchTest, EmptyAndGarbageQueries) {
  for (const char* text : {"", "   ", "!!! ,,, ---", "и в на", "\xff\xfe\x80"}) {
    auto r = Norms(text);
    EXPECT_EQ(r.total, 0u) << text;
    EXPECT_TRUE(r.hits.empty()) << text;
    EXPECT_EQ(Resources(text).total, 0u) << text;
  }
  auto r = Norms("xyzqq");
  EXPECT_EQ(r.total, 0u);
  EXPECT_EQ(r.unknown_words, std::vector<std::string>{"xyzqq"});
  // An unknown word does not hide what the others find.
  r = Norms("трубопровод Абырвалг");
  EXPECT_GT(r.total, 0u);
  EXPECT_EQ(r.unknown_words, std::vector<std::string>{"Абырвалг"});
}

TEST_F(SearchTest, ResourcesByWordsAndCodes) {
  auto codes = Codes(Resources("башенный кран"));
  ASSERT_FALSE(codes.empty());
  EXPECT_EQ(codes[0], "91.05.01-017");
  EXPECT_EQ(Codes(Resources("91.05")), (std::vector<std::string>{"91.05.01-017", "91.05.05-015"}));
  auto exact = Resources("01.7.03.01-0001");
  ASSERT_EQ(exact.total, 1u);
  EXPECT_TRUE(exact.hits[0].exact_code);
  EXPECT_EQ(Resources("ФСБЦ-01.7.03.01-0001").total, 1u);
  EXPECT_EQ(Codes(Resources("01.7.03 техническая")), std::vector<std::string>{"01.7.03.01-0002"});
  EXPECT_EQ(Resources("91.99.99-999").total, 0u);
  // Section names: «Краны» is the group of both cranes.
  EXPECT_TRUE(Has(Codes(Resources("погрузчики")), "91.06.05-011"));
  auto pipe = Resources("труба Ду50");
  ASSERT_FALSE(pipe.hits.empty());
  EXPECT_EQ(pipe.hits[0].resource->code, "23.3.06.01-0001");
}

TEST_F(SearchTest, ResourceFiltersByKindAndUnit) {
  SearchQuery q;
  q.text = "грузоподъемность";
  q.kind = core::ResourceKind::kMachine;
  EXPECT_EQ(index_->SearchResources(q).total, 3u);
  q.kind = core::ResourceKind::kMaterial;
  EXPECT_EQ(index_->SearchResources(q).total, 0u);
  q = {};
  q.text = "материалы рулонные";
  q.unit = "м2";
  EXPECT_EQ(index_->SearchResources(q).total, 1u);  // the book writes "м²"
}

TEST_F(SearchTest, MarkHighlightsWrapsSpans) {
  auto r = Norms("разборка стен");
  ASSERT_FALSE(r.hits.empty());
  EXPECT_EQ(MarkHighlights(r.hits[0].norm->name, r.hits[0].name_highlights, "«", "»"),
            "«Разборка» кирпичных «стен»");
  EXPECT_EQ(MarkHighlights("abc", {{1, 1}}), "a<mark>b</mark>c");
  EXPECT_EQ(MarkHighlights("abc", {{2, 5}}), "abc");  // out of range: left out
}

TEST_F(SearchTest, ConcurrentQueriesGiveTheSameAnswers) {
  const std::vector<std::string> queries = {"трубопровод", "ПНР генератор", "Ду50",
                                            "12-01-001",   "промывка",      "демонтаж стен"};
  std::vector<std::vector<std::string>> expected;
  for (const auto& q : queries) expected.push_back(Codes(Norms(q)));
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        const auto k = static_cast<std::size_t>(i + t) % queries.size();
        if (Codes(Norms(queries[k])) != expected[k]) ++failures[static_cast<std::size_t>(t)];
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures, std::vector<int>(4, 0));
}

}  // namespace
}  // namespace estimate::normbase
