// The estimate checker's rules on a release made by hand: what each rule reports and — as much —
// what it must not (the look-alike letters of a cable's brand, a market price that names its
// supplier, a mounting norm repeated for different equipment, a material chosen in another
// position), and the order of the findings.
#include "ai/estimate_checks.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "normbase/base_release.hpp"

namespace estimate::ai {
namespace {

using core::Decimal;
using core::Position;

Decimal D(const char* s) { return Decimal::Literal(s); }

core::UnitPrice Price(const char* p) {
  core::UnitPrice u;
  u.source = core::UnitPrice::Source::kCurrent;
  u.price = D(p);
  return u;
}

// A resource as a position of its own (a material, equipment, a market price).
Position ResourcePosition(const char* number, const char* code, const char* name, const char* price,
                          core::ResourceKind kind = core::ResourceKind::kMaterial, const char* unit = "шт") {
  Position p;
  p.type = core::PositionType::kResource;
  p.number = number;
  p.code = code;
  p.name = name;
  p.unit = unit;
  p.quantity = D("1");
  p.kind = kind;
  p.price = Price(price);
  return p;
}

struct Fixture {
  normbase::BaseRelease release;
  Fixture() {
    auto& t = release.text;
    normbase::NormSection table;
    table.type = t.Intern("Таблица");
    table.code = t.Intern("16-06-005");
    table.name = t.Intern("Установка счетчиков (водомеров)");
    release.sections.push_back(table);
    normbase::Norm n;
    n.family = normbase::NormFamily::kGesn;
    n.code = t.Intern("16-06-005-01");
    n.name = t.Intern("Установка счетчиков (водомеров) диаметром до 40 мм");
    n.unit = t.Intern("шт");
    n.table = 0;
    const auto resource = [&](const char* code, const char* name, const char* unit, const char* q) {
      normbase::NormResource r;
      r.code = t.Intern(code);
      r.name = t.Intern(name);
      r.unit = t.Intern(unit);
      r.consumption = D(q);
      return r;
    };
    n.resources.push_back(resource("1-100-38", "Средний разряд работы 3,8", "чел.-ч", "0.2971"));
    n.resources.push_back(resource("01.7.07.29-0101", "Ветошь", "кг", "0.01"));
    n.overhead_code = t.Intern("Пр/812-016.0");
    n.profit_code = t.Intern("Пр/774-016.0");
    release.norms.push_back(n);
    normbase::OverheadProfitRate rate;
    rate.code = t.Intern("Пр/812-016.0");
    rate.profit_code = t.Intern("Пр/774-016.0");
    rate.work_type = t.Intern("Сантехнические работы внутренние");
    rate.overhead_percent[0] = D("121");
    rate.overhead_percent[1] = D("122");
    rate.overhead_percent[2] = D("127");
    rate.profit_percent = D("72");
    release.rates.push_back(rate);
    release.info.name = "Тестовая редакция";
    release.info.id = 7;
    release.Finish();
  }

  // A clean position of the norm, priced.
  Position Meter(const char* number) const {
    Position p;
    p.number = number;
    p.code = "ГЭСН 16-06-005-01";
    p.name = "Установка счетчиков (водомеров) диаметром до 40 мм";
    p.unit = "шт";
    p.quantity = D("1");
    core::Resource labor;
    labor.kind = core::ResourceKind::kLabor;
    labor.code = "1-100-38";
    labor.name = "Средний разряд работы 3,8";
    labor.consumption = D("0.2971");
    labor.price = Price("625.58");
    core::Resource rag;
    rag.kind = core::ResourceKind::kMaterial;
    rag.code = "01.7.07.29-0101";
    rag.name = "Ветошь";
    rag.consumption = D("0.01");
    rag.price = Price("14.76");
    p.resources = {labor, rag};
    p.overhead = core::Rate{"Пр/812-016.0-1", "НР", D("121")};
    p.profit = core::Rate{"Пр/774-016.0", "СП", D("72")};
    return p;
  }

  std::vector<Finding> Check(std::vector<Position> positions, std::string date = "2026-03-01") const {
    core::Estimate e;
    e.sections.push_back({"Раздел 1", std::move(positions)});
    CheckInput in;
    in.estimate = &e;
    in.region = "28";
    in.zone = "1";
    in.quarter = "2025-Q2";
    in.date = std::move(date);
    in.active_release_id = 7;
    return CheckEstimate(in, &release);
  }
};

std::vector<std::string> Rules(const std::vector<Finding>& findings, const std::string& number) {
  std::vector<std::string> out;
  for (const auto& f : findings) {
    if (f.number == number) out.push_back(f.rule);
  }
  return out;
}

bool Has(const std::vector<Finding>& findings, const std::string& number, const std::string& rule) {
  const auto r = Rules(findings, number);
  return std::find(r.begin(), r.end(), rule) != r.end();
}

TEST(EstimateChecks, TwentyAndMoreRulesEachWithACodeAndATitle) {
  EXPECT_GE(CheckRules().size(), 20u);
  for (const auto& r : CheckRules()) {
    EXPECT_FALSE(r.code.empty());
    EXPECT_FALSE(r.title.empty()) << r.code;
  }
}

TEST(EstimateChecks, ACleanPositionHasNothingButTheMissingRegionalPrices) {
  const Fixture f;
  const auto findings = f.Check({f.Meter("1")});
  // The release holds no prices of the region: said once, for the estimate, and nothing else.
  ASSERT_EQ(findings.size(), 1u) << findings[0].rule << " " << findings.back().rule;
  EXPECT_EQ(findings[0].rule, "prices-not-in-base");
  EXPECT_FALSE(findings[0].position.has_value());
}

TEST(EstimateChecks, TheNormIsFoundWithOrWithoutTheSpaceAfterItsFamily) {
  const Fixture f;
  Position joined = f.Meter("1");
  joined.code = "ГЭСН16-06-005-01";
  Position wrong = f.Meter("2");
  wrong.unit = "10 шт";
  wrong.code = "ГЭСН16-06-005-01";
  const auto findings = f.Check({joined, wrong});
  EXPECT_FALSE(Has(findings, "1", "norm-unknown"));
  EXPECT_TRUE(Has(findings, "2", "unit-mismatch"));
}

TEST(EstimateChecks, LookAlikeLatinLettersAreFoundButRealLatinWordsAreNot) {
  const Fixture f;
  Position slip = f.Meter("1");
  slip.name = "Установка счетчиков (водомеров) диаметром до 40 мм, Tрубопровод";  // Latin T
  Position cable = f.Meter("2");
  cable.name = "Установка счетчиков (водомеров), кабель ВВГнг(A)-LS 3х1,5";  // brand letters
  cable.quantity = D("2");
  const auto findings = f.Check({slip, cable});
  ASSERT_TRUE(Has(findings, "1", "lookalike-letters"));
  EXPECT_FALSE(Has(findings, "2", "lookalike-letters"));
  const auto it = std::find_if(findings.begin(), findings.end(), [](const Finding& x) { return x.rule == "lookalike-letters"; });
  EXPECT_NE(it->message.find("«Tрубопровод»"), std::string::npos) << it->message;
  EXPECT_EQ(it->field, "sections[0].positions[0].name");
}

TEST(EstimateChecks, AMarketPriceIsReferencedByItsSuppliersCodeOrByAReference) {
  const Fixture f;
  Position named = ResourcePosition("1", "ТЦ_65.1.01.03_27_2724168690_13.06.2025_02_19.1", "Насос", "8686.33",
                                    core::ResourceKind::kEquipment);
  Position bare = named;
  bare.number = "2";
  bare.code = "ТЦ-1";
  const auto findings = f.Check({named, bare});
  EXPECT_FALSE(Has(findings, "1", "market-price-no-reference"));
  EXPECT_TRUE(Has(findings, "2", "market-price-no-reference"));
  // With the document's reference, the same bare code passes.
  core::Estimate e;
  e.sections.push_back({"Р", {bare}});
  const std::vector<std::vector<std::string>> docs = {{R"({"code":"ТЦ-1","price_reference":"КА № 5 от 01.03.2026"})"}};
  CheckInput in;
  in.estimate = &e;
  in.documents = &docs;
  const auto referenced = CheckEstimate(in, &f.release);
  EXPECT_FALSE(Has(referenced, "2", "market-price-no-reference"));
}

TEST(EstimateChecks, AnAbstractResourceChosenAnywhereInTheEstimateIsNotReported) {
  const Fixture f;
  Position pipe = f.Meter("1");
  core::Resource abstract;
  abstract.kind = core::ResourceKind::kMaterial;
  abstract.code = "23.3.06.05";
  abstract.name = "Трубы стальные";
  abstract.by_project = true;
  pipe.resources.push_back(abstract);
  Position alone = pipe;
  alone.number = "2";
  alone.quantity = D("2");
  alone.resources.back().code = "23.8.03.05";
  Position chosen = ResourcePosition("3", "23.3.06.05-0028", "Трубы стальные сварные водогазопроводные", "412.50",
                                     core::ResourceKind::kMaterial, "м");
  const auto findings = f.Check({pipe, alone, chosen});
  EXPECT_FALSE(Has(findings, "1", "abstract-resource"));
  EXPECT_TRUE(Has(findings, "2", "abstract-resource"));
}

TEST(EstimateChecks, AMountingNormRepeatedForDifferentEquipmentIsNotADuplicate) {
  const Fixture f;
  const auto equipment = [](const char* number, const char* code) {
    return ResourcePosition(number, code, "Оборудование", "1000", core::ResourceKind::kEquipment);
  };
  const auto findings = f.Check({f.Meter("1"), equipment("2", "65.1.01.01-1119"), f.Meter("3"),
                                 equipment("4", "63.4.01.02-0016"), f.Meter("5")});
  EXPECT_FALSE(Has(findings, "3", "duplicate-position"));
  // Position 5 repeats position 1's work with nothing after it, like 3 does not: 5 ≠ 1 (1 is
  // followed by equipment), so no duplicate either; an exact repeat is.
  const auto twice = f.Check({f.Meter("1"), f.Meter("2")});
  EXPECT_TRUE(Has(twice, "2", "duplicate-position"));
  EXPECT_FALSE(Has(twice, "1", "duplicate-position"));
}

TEST(EstimateChecks, TheSameWorkInAnotherSectionIsNotARepeat) {
  const Fixture f;
  core::Estimate e;
  e.sections.push_back({"Подъезд 1", {f.Meter("1")}});
  e.sections.push_back({"Подъезд 2", {f.Meter("2")}});
  CheckInput in;
  in.estimate = &e;
  EXPECT_FALSE(Has(CheckEstimate(in, &f.release), "2", "duplicate-position"));
}

TEST(EstimateChecks, APriceWithoutVatIsNotVat) {
  const Fixture f;
  const Position p = ResourcePosition("1", "ТЦ_62.4.02.01_28_2801102569_17.06.2025_01_20.1",
                                      "Щит учёта (цена без НДС 20%)", "8333.33", core::ResourceKind::kEquipment);
  const auto findings = f.Check({p}, "2026-02-01");
  EXPECT_FALSE(Has(findings, "1", "summary-cost-in-lsr"));
  EXPECT_FALSE(Has(findings, "1", "vat-rate"));
}

TEST(EstimateChecks, TheVatRateFollowsTheDate) {
  const Fixture f;
  const Position vat = ResourcePosition("1", "", "НДС 20%", "100", core::ResourceKind::kMaterial, "руб");
  EXPECT_TRUE(Has(f.Check({vat}, "2026-01-15"), "1", "vat-rate"));
  EXPECT_FALSE(Has(f.Check({vat}, "2025-12-31"), "1", "vat-rate"));
  EXPECT_TRUE(Has(f.Check({vat}, "2025-12-31"), "1", "summary-cost-in-lsr"));
}

TEST(EstimateChecks, RatesAreHeldToTheNormsBindingAndTheTerritorysPercent) {
  const Fixture f;
  Position other = f.Meter("1");
  other.overhead->code = "Пр/812-001.1-1";
  Position percent = f.Meter("2");
  percent.quantity = D("2");
  percent.overhead->percent = D("150");
  Position none = f.Meter("3");
  none.quantity = D("3");
  none.profit.reset();
  const auto findings = f.Check({other, percent, none});
  EXPECT_TRUE(Has(findings, "1", "overhead-binding"));
  EXPECT_FALSE(Has(findings, "1", "profit-binding"));
  EXPECT_TRUE(Has(findings, "2", "rate-percent"));
  EXPECT_TRUE(Has(findings, "3", "rate-missing"));
}

TEST(EstimateChecks, FindingsComeInEstimateOrderAndTheSameEachTime) {
  const Fixture f;
  Position a = f.Meter("1");
  a.unit = "10 шт";
  a.name += " Tест";
  Position b = f.Meter("2");
  b.quantity = D("0");
  const auto first = f.Check({a, b});
  const auto again = f.Check({a, b});
  ASSERT_EQ(first.size(), again.size());
  for (std::size_t i = 0; i < first.size(); ++i) {
    EXPECT_EQ(first[i].rule, again[i].rule);
    EXPECT_EQ(first[i].message, again[i].message);
  }
  // The estimate's own findings first, then position 1's in rule order, then position 2's.
  EXPECT_EQ(first.front().rule, "prices-not-in-base");
  EXPECT_EQ(Rules(first, "1"), (std::vector<std::string>{"unit-mismatch", "lookalike-letters"}));
  EXPECT_EQ(Rules(first, "2"), (std::vector<std::string>{"quantity-zero"}));
}

}  // namespace
}  // namespace estimate::ai
