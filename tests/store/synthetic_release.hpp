#pragma once
// Test-only helpers for the base release store: a synthetic release of any size, shaped like
// ФСНБ-2022 (codes, Cyrillic names, "П" lines, abstract resources with technology groups,
// machines with machinists and electricity, coefficient rules with formulas, bound sections and
// per-resource factors, regional prices), and a field-by-field comparison of two releases.
// Used by base_release_repository_itest.cpp and bench/release_store_bench.cpp.
#include <cstdint>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "core/decimal.hpp"
#include "normbase/base_release.hpp"

namespace estimate::store::testing {

struct SyntheticSize {
  int norms = 60000;
  int norm_resources = 1000000;  // spread over the norms, about 16.7 each at full size
  int materials = 30000;
  int machines = 2000;
  int equipment = 300;
  int regions = 3;
};

inline std::unique_ptr<normbase::BaseRelease> MakeSyntheticRelease(const SyntheticSize& size,
                                                                   const std::string& name) {
  using core::Decimal;
  using core::ResourceKind;
  auto r = std::make_unique<normbase::BaseRelease>();
  auto& t = r->text;
  r->info.name = name;
  r->info.addition_number = 15;
  r->info.price_level = "01.01.2022";
  r->info.imported_at = "2025-06-30T12:00:00.000Z";
  r->info.sources = {
      {"fsnb-2022-15.zip!/ГЭСН.xml", std::string(64, 'a'), 123456789, "norms", ""},
      {"fsnb-2022-15.zip!/ФСБЦ_Мат&Оборуд.xml", std::string(64, 'b'), 98765, "materials",
       "490/пр от 14.08.2025"}};

  auto code = [&](const char* prefix, int a, int b, int width) {
    char text[64];
    std::snprintf(text, sizeof text, "%s%02d-%0*d", prefix, a, width, b);
    return t.Intern(text);
  };

  // Price book: a section per 100 entries, then materials, equipment, machines.
  const int entries = size.materials + size.equipment + size.machines;
  for (int s = 0; s * 100 < entries; ++s) {
    r->book_sections.push_back({t.Intern(s % 10 == 0 ? "Книга" : "Группа"),
                                t.Intern("01.7." + std::to_string(s)),
                                t.Intern("Раздел книги цен номер " + std::to_string(s)),
                                s % 10 == 0 ? -1 : (s / 10) * 10});
  }
  for (int i = 0; i < entries; ++i) {
    normbase::PriceBookEntry e;
    e.section = i / 100;
    if (i < size.materials) {
      e.kind = ResourceKind::kMaterial;
      e.code = code("01.7.03.", i % 97, i, 5);
      e.name = t.Intern("Материал строительный, сорт " + std::to_string(i % 7) + ", марка М" +
                        std::to_string(100 + i % 400) + ", позиция " + std::to_string(i));
      e.unit = t.Intern(i % 3 == 0 ? "т" : i % 3 == 1 ? "м3" : "100 шт");
      e.base_price = Decimal::FromRaw(1000 + i * 37 % 1000000, 2);
      if (i % 4 != 0)
        e.wholesale_price = Decimal::FromRaw(900 + i * 31 % 1000000, 2);
      else
        e.wholesale_price = Decimal::Invalid();
      // ExpendableMaterials that run on electricity state it; the others give none.
      e.electricity = i % 50 == 0 ? Decimal::FromRaw(15 + i % 30, 1) : Decimal::Invalid();
      e.electricity_cost = i % 50 == 0 ? Decimal::FromRaw(276 + i % 100, 2) : Decimal::Invalid();
    } else if (i < size.materials + size.equipment) {
      e.kind = ResourceKind::kEquipment;
      e.code = code("61.1.01.", i % 50, i, 5);
      e.name = t.Intern("Оборудование, типоразмер " + std::to_string(i));
      e.unit = t.Intern("шт");
      e.base_price = Decimal::FromRaw(500000 + i, 2);
      e.wholesale_price = Decimal::Invalid();
      e.electricity = e.electricity_cost = Decimal::Invalid();
    } else {
      e.kind = ResourceKind::kMachine;
      e.code = code("91.05.01-", i % 90, i, 4);
      e.name = t.Intern("Краны на автомобильном ходу, грузоподъемность " +
                        std::to_string(i % 50 + 10) + " т, исполнение " + std::to_string(i));
      e.unit = t.Intern("маш.-ч");
      e.base_price = Decimal::FromRaw(12345 + i, 2);
      e.wholesale_price = Decimal::Invalid();
      e.machinist_pay = Decimal::FromRaw(54321 + i % 1000, 2);
      e.machinist_labor = Decimal::FromRaw(10, 1);  // "1.0": the scale must survive
      e.machinist_code = t.Intern("4-100-0" + std::to_string(40 + i % 30));
      e.machinist_rank = Decimal::FromRaw(60 + i % 3, 1);
      e.with_relocation = i % 5 == 0;
      // Diesel machines use no electricity; electric ones (2 in 3) give кВт·ч and its cost.
      if (i % 3 != 0) {
        e.electricity = Decimal::FromRaw(125 + i % 400, 1);  // "12.5" кВт·ч per маш.-ч
        e.electricity_cost = Decimal::FromRaw(2300 + i % 700, 2);
      } else {
        e.electricity = e.electricity_cost = Decimal::Invalid();
      }
    }
    r->resources.push_back(e);
  }

  // Technology groups: each lists five materials.
  const int groups = std::max(1, size.materials / 150);
  for (int g = 0; g < groups; ++g) {
    normbase::TechGroup tg;
    tg.code = t.Intern("27.01." + std::to_string(100 + g));
    tg.name = t.Intern("Технологическая группа " + std::to_string(g));
    for (int k = 0; k < 5; ++k) {
      tg.resources.push_back(r->resources[(g * 5 + k) % size.materials].code);
    }
    r->tech_groups.push_back(tg);
  }

  // Norm hierarchy: a collection per 5000 norms, a table per 10 norms.
  const auto family_of = [](int i) {
    constexpr normbase::NormFamily kFamilies[] = {
        normbase::NormFamily::kGesn, normbase::NormFamily::kGesnm, normbase::NormFamily::kGesnr,
        normbase::NormFamily::kGesnp, normbase::NormFamily::kGesnmr};
    return kFamilies[(i / 5000) % 5];
  };
  const auto labor = t.Intern("1-100-38");
  const auto labor_name = t.Intern("Затраты труда рабочих (ср 3,8)");
  const auto man_hours = t.Intern("чел.-ч");
  const auto machinists = t.Intern("2");
  const auto machinists_name = t.Intern("Затраты труда машинистов");
  std::int32_t collection = -1;
  std::int32_t table = -1;
  int line_total = 0;
  for (int i = 0; i < size.norms; ++i) {
    const auto family = family_of(i);
    if (i % 5000 == 0) {
      collection = static_cast<std::int32_t>(r->sections.size());
      r->sections.push_back({family, t.Intern("Сборник"), t.Intern(std::to_string(i / 5000 + 1)),
                             t.Intern("Сборник работ номер " + std::to_string(i / 5000 + 1)), -1});
    }
    if (i % 10 == 0) {
      table = static_cast<std::int32_t>(r->sections.size());
      r->sections.push_back({family, t.Intern("Таблица"), code("", i / 5000 + 1, i / 10, 5),
                             t.Intern("Устройство конструкций, таблица " + std::to_string(i / 10)),
                             collection});
    }
    normbase::Norm n;
    n.family = family;
    n.code = code("", i / 5000 + 1, i, 6);
    n.name = t.Intern("Устройство бетонной подготовки толщиной " + std::to_string(i % 300) +
                      " мм, вариант " + std::to_string(i));
    n.unit = t.Intern(i % 2 ? "100 м2" : "1 м3");
    n.table = table;
    n.content = {t.Intern("Установка опалубки."), t.Intern("Укладка бетонной смеси.")};
    if (i % 7 == 0) n.content.push_back(t.Intern("Уход за бетоном \"по проекту\"; t\\x."));
    n.overhead_code = t.Intern("Пр/812-0" + std::to_string(10 + i % 40) + ".0");
    n.profit_code = t.Intern("Пр/774-0" + std::to_string(10 + i % 40) + ".0");
    // Spread the lines so that the total is exactly size.norm_resources.
    const int lines = static_cast<int>(
        static_cast<std::int64_t>(size.norm_resources) * (i + 1) / size.norms - line_total);
    line_total += lines;
    for (int k = 0; k < lines; ++k) {
      normbase::NormResource l;
      if (k == 0) {
        l.code = labor, l.name = labor_name, l.unit = man_hours;
      } else if (k == 1) {
        l.code = machinists, l.name = machinists_name, l.unit = man_hours;
      } else {
        const auto& e = r->resources[(i * 13 + k * 101) % r->resources.size()];
        l.code = e.code, l.name = e.name, l.unit = e.unit;
      }
      l.consumption = Decimal::FromRaw((i * 31 + k * 7) % 100000, k % 4 + 1);
      if (k > 1 && (i + k) % 50 == 0) {
        l.by_project = true;
        l.consumption = Decimal::Invalid();
      }
      if (k > 1 && (i + k) % 97 == 0) {
        l.abstract = true;
        l.code = t.Intern("27.01.01.01-" + std::to_string(i % 100));
        l.tech_groups = {r->tech_groups[i % groups].code, r->tech_groups[(i + 1) % groups].code};
      }
      n.resources.push_back(l);
    }
    r->norms.push_back(std::move(n));
  }

  for (int c = 0; c < 300; ++c) {
    normbase::CoefficientRule k;
    const std::string collection_code = std::to_string(c % 47 + 1);
    k.code = t.Intern("ТЧ-" + std::to_string(c));
    k.name = t.Intern("Производство работ в стесненных условиях, пункт " + std::to_string(c));
    k.target = t.Intern("ОЗП, ЭМ, ЗПМ");
    k.decree = t.Intern("Приказ 421/пр п.58");
    k.section = t.Intern(c % 10 == 9 ? "" : "С.-Ч." + std::to_string(c / 30 + 1));
    k.labor = Decimal::Literal("1.15");
    k.machinist_labor = c % 2 ? Decimal::Literal("1.25") : Decimal::Invalid();
    k.machines = c % 3 == 0 ? Decimal::Invalid() : Decimal::Literal("1.25");
    k.materials = Decimal::Invalid();
    k.value = c % 5 == 0 ? Decimal::Literal("0.90") : Decimal::Invalid();
    k.worker = c % 2 ? Decimal::Literal("1.15") : Decimal::Invalid();
    k.machinist = c % 4 == 1 ? Decimal::Literal("1.250") : Decimal::Invalid();
    k.equipment = c % 7 == 0 ? Decimal::Literal("1.04") : Decimal::Invalid();
    // Every third rule gives the machines' factor as a formula of N; every ninth one also
    // the labour's.
    if (c % 3 == 0) {
      k.formulas.push_back({t.Intern("Machine"), t.Intern("1+0,12*N")});
      if (c % 9 == 0) k.formulas.push_back({t.Intern("LaborCosts"), t.Intern("1,1^N")});
      k.formula = k.formulas.front().formula;
    }
    k.applies = {t.Intern(collection_code + "-01"), t.Intern(collection_code + "-02-001")};
    if (c % 2 == 0) k.applies_sections = {t.Intern(collection_code + "-01-01-036")};
    if (c % 5 == 0) k.excluded = {t.Intern(collection_code + "-01-001-05")};
    if (c % 4 == 0) {
      normbase::CoefficientRule::ResourceFactors drop;
      drop.codes = {r->resources[c % size.materials].code,
                    r->resources[(c + 1) % size.materials].code};
      drop.worker = drop.machine = drop.machinist = Decimal::Invalid();
      drop.labor = drop.machinist_labor = drop.equipment = Decimal::Invalid();
      drop.material = Decimal::Literal("0");
      k.resource_factors.push_back(std::move(drop));
      if (c % 8 == 0) {
        normbase::CoefficientRule::ResourceFactors scale;
        scale.codes = {r->resources.back().code};  // a machine
        scale.worker = scale.material = scale.equipment = Decimal::Invalid();
        scale.machine = Decimal::Literal("1.2");
        scale.machinist = Decimal::Literal("1.2");
        scale.labor = Decimal::Invalid();
        scale.machinist_labor = Decimal::Literal("1.20");
        k.resource_factors.push_back(std::move(scale));
      }
    }
    if (c % 6 == 0) k.exclude_groups = {t.Intern(std::to_string(c / 6 % 3 + 1))};
    k.start_use = t.Intern(c % 3 == 1 ? "" : "2023-09-01");
    k.end_use = t.Intern(c % 25 == 0 ? "2025-12-31" : "");
    r->coefficients.push_back(k);
  }
  for (int p = 0; p < 200; ++p) {
    normbase::OverheadProfitRate rate;
    rate.code = t.Intern("Пр/812-" + std::to_string(1000 + p) + ".0");
    rate.profit_code = t.Intern("Пр/774-" + std::to_string(1000 + p) + ".0");
    rate.work_type = t.Intern("Бетонные и железобетонные работы, вид " + std::to_string(p));
    rate.collections = t.Intern("ГЭСН 06, ГЭСНр 63");
    rate.overhead_percent[0] = Decimal::FromInt(100 + p % 50);
    rate.overhead_percent[1] = Decimal::FromInt(90 + p % 50);
    rate.overhead_percent[2] = Decimal::FromRaw(855 + p, 1);
    rate.profit_percent = Decimal::FromInt(50 + p % 20);
    rate.item = t.Intern(std::to_string(p / 10 + 1) + "." + std::to_string(p % 10 + 1));
    r->rates.push_back(rate);
  }
  const char* region_names[] = {"Амурская область", "г. Москва", "Республика Саха (Якутия)",
                                "Краснодарский край"};
  const char* region_codes[] = {"28", "77", "14", "23"};
  for (int g = 0; g < size.regions; ++g) {
    normbase::RegionalPrices p;
    p.region_code = t.Intern(region_codes[g % 4]);
    p.region_name = t.Intern(region_names[g % 4]);
    p.zone = g / 4 + 1;
    p.quarter = t.Intern("2025-Q2");
    p.rank1_labor_price = g == 2 ? Decimal::Invalid() : Decimal::FromRaw(41256 + g, 2);
    for (int k = 1; k <= 60; ++k) {
      p.labor_prices.emplace(t.Intern("1-100-" + std::to_string(k)),
                             Decimal::FromRaw(40000 + k * g, 2));
    }
    for (std::size_t e = 0; e < r->resources.size(); ++e) {
      p.current_prices.emplace(r->resources[e].code,
                               Decimal::FromRaw(static_cast<core::Int128>(e) * 131 + g, 2));
    }
    for (int k = 0; k < 50; ++k) {
      p.group_indices.emplace(t.Intern("01.7.0" + std::to_string(k)), Decimal::FromRaw(849 + k, 2));
    }
    r->prices.push_back(std::move(p));
  }
  r->Finish();
  return r;
}

// Exact sameness: both absent, or the same mantissa at the same scale ("1.0" is not "1").
inline bool SameDecimal(const core::Decimal& a, const core::Decimal& b) {
  if (!a.ok() || !b.ok()) return a.ok() == b.ok();
  return a.mantissa() == b.mantissa() && a.scale() == b.scale();
}

// The first difference between two releases, in words; empty when they are the same (ids and the
// active flag aside, which belong to the store).
inline std::string DiffReleases(const normbase::BaseRelease& a, const normbase::BaseRelease& b) {
  std::ostringstream out;
  auto dec = [](const core::Decimal& d) { return d.ok() ? d.ToString() : std::string("absent"); };
#define ESTIMATE_DIFF(what, x, y)                  \
  do {                                             \
    if (!((x) == (y))) {                           \
      out << what << ": " << (x) << " != " << (y); \
      return out.str();                            \
    }                                              \
  } while (0)
#define ESTIMATE_DIFF_DEC(what, x, y)                    \
  do {                                                   \
    if (!SameDecimal((x), (y))) {                        \
      out << what << ": " << dec(x) << " != " << dec(y); \
      return out.str();                                  \
    }                                                    \
  } while (0)
#define ESTIMATE_DIFF_LIST(what, x, y)                                                  \
  do {                                                                                  \
    ESTIMATE_DIFF(std::string(what) + " size", (x).size(), (y).size());                 \
    for (std::size_t z = 0; z < (x).size(); ++z) {                                      \
      ESTIMATE_DIFF(std::string(what) + "[" + std::to_string(z) + "]", (x)[z], (y)[z]); \
    }                                                                                   \
  } while (0)
  ESTIMATE_DIFF("name", a.info.name, b.info.name);
  ESTIMATE_DIFF("addition_number", a.info.addition_number, b.info.addition_number);
  ESTIMATE_DIFF("price_level", a.info.price_level, b.info.price_level);
  ESTIMATE_DIFF("imported_at", a.info.imported_at, b.info.imported_at);
  ESTIMATE_DIFF("sources", a.info.sources.size(), b.info.sources.size());
  for (std::size_t i = 0; i < a.info.sources.size(); ++i) {
    const auto &x = a.info.sources[i], &y = b.info.sources[i];
    const std::string w = "sources[" + std::to_string(i) + "].";
    ESTIMATE_DIFF(w + "name", x.name, y.name);
    ESTIMATE_DIFF(w + "sha256", x.sha256, y.sha256);
    ESTIMATE_DIFF(w + "bytes", x.bytes, y.bytes);
    ESTIMATE_DIFF(w + "kind", x.kind, y.kind);
    ESTIMATE_DIFF(w + "decree", x.decree, y.decree);
  }
  ESTIMATE_DIFF("sections", a.sections.size(), b.sections.size());
  for (std::size_t i = 0; i < a.sections.size(); ++i) {
    const auto &x = a.sections[i], &y = b.sections[i];
    const std::string w = "sections[" + std::to_string(i) + "].";
    ESTIMATE_DIFF(w + "family", FamilyId(x.family), FamilyId(y.family));
    ESTIMATE_DIFF(w + "type", x.type, y.type);
    ESTIMATE_DIFF(w + "code", x.code, y.code);
    ESTIMATE_DIFF(w + "name", x.name, y.name);
    ESTIMATE_DIFF(w + "parent", x.parent, y.parent);
  }
  ESTIMATE_DIFF("norms", a.norms.size(), b.norms.size());
  for (std::size_t i = 0; i < a.norms.size(); ++i) {
    const auto &x = a.norms[i], &y = b.norms[i];
    const std::string w = "norms[" + std::to_string(i) + "].";
    ESTIMATE_DIFF(w + "family", FamilyId(x.family), FamilyId(y.family));
    ESTIMATE_DIFF(w + "code", x.code, y.code);
    ESTIMATE_DIFF(w + "name", x.name, y.name);
    ESTIMATE_DIFF(w + "unit", x.unit, y.unit);
    ESTIMATE_DIFF(w + "table", x.table, y.table);
    ESTIMATE_DIFF_LIST(w + "content", x.content, y.content);
    ESTIMATE_DIFF(w + "overhead_code", x.overhead_code, y.overhead_code);
    ESTIMATE_DIFF(w + "profit_code", x.profit_code, y.profit_code);
    ESTIMATE_DIFF(w + "resources", x.resources.size(), y.resources.size());
    for (std::size_t j = 0; j < x.resources.size(); ++j) {
      const auto &p = x.resources[j], &q = y.resources[j];
      const std::string v = w + "resources[" + std::to_string(j) + "].";
      ESTIMATE_DIFF(v + "code", p.code, q.code);
      ESTIMATE_DIFF(v + "name", p.name, q.name);
      ESTIMATE_DIFF(v + "unit", p.unit, q.unit);
      ESTIMATE_DIFF_DEC(v + "consumption", p.consumption, q.consumption);
      ESTIMATE_DIFF(v + "by_project", p.by_project, q.by_project);
      ESTIMATE_DIFF(v + "abstract", p.abstract, q.abstract);
      ESTIMATE_DIFF_LIST(v + "tech_groups", p.tech_groups, q.tech_groups);
    }
  }
  ESTIMATE_DIFF("book_sections", a.book_sections.size(), b.book_sections.size());
  for (std::size_t i = 0; i < a.book_sections.size(); ++i) {
    const auto &x = a.book_sections[i], &y = b.book_sections[i];
    const std::string w = "book_sections[" + std::to_string(i) + "].";
    ESTIMATE_DIFF(w + "type", x.type, y.type);
    ESTIMATE_DIFF(w + "code", x.code, y.code);
    ESTIMATE_DIFF(w + "name", x.name, y.name);
    ESTIMATE_DIFF(w + "parent", x.parent, y.parent);
  }
  ESTIMATE_DIFF("resources", a.resources.size(), b.resources.size());
  for (std::size_t i = 0; i < a.resources.size(); ++i) {
    const auto &x = a.resources[i], &y = b.resources[i];
    const std::string w = "resources[" + std::to_string(i) + "].";
    ESTIMATE_DIFF(w + "code", x.code, y.code);
    ESTIMATE_DIFF(w + "name", x.name, y.name);
    ESTIMATE_DIFF(w + "unit", x.unit, y.unit);
    ESTIMATE_DIFF(w + "kind", static_cast<int>(x.kind), static_cast<int>(y.kind));
    ESTIMATE_DIFF_DEC(w + "base_price", x.base_price, y.base_price);
    ESTIMATE_DIFF_DEC(w + "wholesale_price", x.wholesale_price, y.wholesale_price);
    ESTIMATE_DIFF_DEC(w + "machinist_pay", x.machinist_pay, y.machinist_pay);
    ESTIMATE_DIFF_DEC(w + "machinist_labor", x.machinist_labor, y.machinist_labor);
    ESTIMATE_DIFF(w + "machinist_code", x.machinist_code, y.machinist_code);
    ESTIMATE_DIFF_DEC(w + "machinist_rank", x.machinist_rank, y.machinist_rank);
    ESTIMATE_DIFF(w + "with_relocation", x.with_relocation, y.with_relocation);
    ESTIMATE_DIFF(w + "section", x.section, y.section);
    ESTIMATE_DIFF_DEC(w + "electricity", x.electricity, y.electricity);
    ESTIMATE_DIFF_DEC(w + "electricity_cost", x.electricity_cost, y.electricity_cost);
  }
  ESTIMATE_DIFF("tech_groups", a.tech_groups.size(), b.tech_groups.size());
  for (std::size_t i = 0; i < a.tech_groups.size(); ++i) {
    const auto &x = a.tech_groups[i], &y = b.tech_groups[i];
    const std::string w = "tech_groups[" + std::to_string(i) + "].";
    ESTIMATE_DIFF(w + "code", x.code, y.code);
    ESTIMATE_DIFF(w + "name", x.name, y.name);
    ESTIMATE_DIFF_LIST(w + "resources", x.resources, y.resources);
  }
  ESTIMATE_DIFF("coefficients", a.coefficients.size(), b.coefficients.size());
  for (std::size_t i = 0; i < a.coefficients.size(); ++i) {
    const auto &x = a.coefficients[i], &y = b.coefficients[i];
    const std::string w = "coefficients[" + std::to_string(i) + "].";
    ESTIMATE_DIFF(w + "code", x.code, y.code);
    ESTIMATE_DIFF(w + "name", x.name, y.name);
    ESTIMATE_DIFF(w + "target", x.target, y.target);
    ESTIMATE_DIFF(w + "decree", x.decree, y.decree);
    ESTIMATE_DIFF(w + "formula", x.formula, y.formula);
    ESTIMATE_DIFF_DEC(w + "labor", x.labor, y.labor);
    ESTIMATE_DIFF_DEC(w + "machinist_labor", x.machinist_labor, y.machinist_labor);
    ESTIMATE_DIFF_DEC(w + "machines", x.machines, y.machines);
    ESTIMATE_DIFF_DEC(w + "materials", x.materials, y.materials);
    ESTIMATE_DIFF_DEC(w + "value", x.value, y.value);
    ESTIMATE_DIFF_LIST(w + "applies", x.applies, y.applies);
    ESTIMATE_DIFF(w + "section", x.section, y.section);
    ESTIMATE_DIFF_DEC(w + "worker", x.worker, y.worker);
    ESTIMATE_DIFF_DEC(w + "machinist", x.machinist, y.machinist);
    ESTIMATE_DIFF_DEC(w + "equipment", x.equipment, y.equipment);
    ESTIMATE_DIFF(w + "formulas", x.formulas.size(), y.formulas.size());
    for (std::size_t j = 0; j < x.formulas.size(); ++j) {
      const std::string v = w + "formulas[" + std::to_string(j) + "].";
      ESTIMATE_DIFF(v + "key", x.formulas[j].key, y.formulas[j].key);
      ESTIMATE_DIFF(v + "formula", x.formulas[j].formula, y.formulas[j].formula);
    }
    ESTIMATE_DIFF_LIST(w + "applies_sections", x.applies_sections, y.applies_sections);
    ESTIMATE_DIFF_LIST(w + "excluded", x.excluded, y.excluded);
    ESTIMATE_DIFF(w + "resource_factors", x.resource_factors.size(), y.resource_factors.size());
    for (std::size_t j = 0; j < x.resource_factors.size(); ++j) {
      const auto &p = x.resource_factors[j], &q = y.resource_factors[j];
      const std::string v = w + "resource_factors[" + std::to_string(j) + "].";
      ESTIMATE_DIFF_LIST(v + "codes", p.codes, q.codes);
      ESTIMATE_DIFF_DEC(v + "worker", p.worker, q.worker);
      ESTIMATE_DIFF_DEC(v + "machine", p.machine, q.machine);
      ESTIMATE_DIFF_DEC(v + "machinist", p.machinist, q.machinist);
      ESTIMATE_DIFF_DEC(v + "material", p.material, q.material);
      ESTIMATE_DIFF_DEC(v + "labor", p.labor, q.labor);
      ESTIMATE_DIFF_DEC(v + "machinist_labor", p.machinist_labor, q.machinist_labor);
      ESTIMATE_DIFF_DEC(v + "equipment", p.equipment, q.equipment);
    }
    ESTIMATE_DIFF_LIST(w + "exclude_groups", x.exclude_groups, y.exclude_groups);
    ESTIMATE_DIFF(w + "start_use", x.start_use, y.start_use);
    ESTIMATE_DIFF(w + "end_use", x.end_use, y.end_use);
  }
  ESTIMATE_DIFF("rates", a.rates.size(), b.rates.size());
  for (std::size_t i = 0; i < a.rates.size(); ++i) {
    const auto &x = a.rates[i], &y = b.rates[i];
    const std::string w = "rates[" + std::to_string(i) + "].";
    ESTIMATE_DIFF(w + "code", x.code, y.code);
    ESTIMATE_DIFF(w + "profit_code", x.profit_code, y.profit_code);
    ESTIMATE_DIFF(w + "work_type", x.work_type, y.work_type);
    ESTIMATE_DIFF(w + "collections", x.collections, y.collections);
    for (int k = 0; k < 3; ++k) {
      ESTIMATE_DIFF_DEC(w + "overhead_percent", x.overhead_percent[k], y.overhead_percent[k]);
    }
    ESTIMATE_DIFF_DEC(w + "profit_percent", x.profit_percent, y.profit_percent);
    ESTIMATE_DIFF(w + "item", x.item, y.item);
  }
  ESTIMATE_DIFF("prices", a.prices.size(), b.prices.size());
  for (std::size_t i = 0; i < a.prices.size(); ++i) {
    const auto &x = a.prices[i], &y = b.prices[i];
    const std::string w = "prices[" + std::to_string(i) + "].";
    ESTIMATE_DIFF(w + "region_code", x.region_code, y.region_code);
    ESTIMATE_DIFF(w + "region_name", x.region_name, y.region_name);
    ESTIMATE_DIFF(w + "zone", x.zone, y.zone);
    ESTIMATE_DIFF(w + "quarter", x.quarter, y.quarter);
    ESTIMATE_DIFF_DEC(w + "rank1_labor_price", x.rank1_labor_price, y.rank1_labor_price);
    const std::pair<const char*,
                    std::unordered_map<std::string_view, core::Decimal> normbase::RegionalPrices::*>
        maps[] = {{"labor_prices", &normbase::RegionalPrices::labor_prices},
                  {"current_prices", &normbase::RegionalPrices::current_prices},
                  {"group_indices", &normbase::RegionalPrices::group_indices}};
    for (const auto& [label, map] : maps) {
      const auto &mx = x.*map, &my = y.*map;
      ESTIMATE_DIFF(w + label + " size", mx.size(), my.size());
      for (const auto& [key, value] : mx) {
        auto it = my.find(key);
        if (it == my.end()) {
          out << w << label << "[" << key << "] missing";
          return out.str();
        }
        ESTIMATE_DIFF_DEC(w + label + "[" + std::string(key) + "]", value, it->second);
      }
    }
  }
#undef ESTIMATE_DIFF
#undef ESTIMATE_DIFF_DEC
#undef ESTIMATE_DIFF_LIST
  return "";
}

}  // namespace estimate::store::testing
