#pragma once
// One release of the normative base (ФСНБ-2022 with an addition, доп. № N) held in memory:
// norms with their resource lines, the price book (ФСБЦ materials, equipment, machines),
// technology groups, coefficient rules, НР/СП rates and regional current prices.
//
// Life cycle: importers (importers.hpp) or the store's loader fill a BaseRelease, Finish()
// builds the look-up indexes, and from then on it is immutable and shared as
// std::shared_ptr<const BaseRelease> by every reader (search, pricing, API). Activating another
// release swaps that pointer; readers holding the old one keep a consistent view.
//
// Texts (codes, names, units) are interned in the release's TextPool: many lines share a name or
// a unit, and the views stay valid for the life of the release.
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/decimal.hpp"
#include "core/estimate.hpp"

namespace estimate::normbase {

enum class NormFamily { kGesn, kGesnm, kGesnr, kGesnp, kGesnmr };

// "ГЭСН", "ГЭСНм", "ГЭСНр", "ГЭСНп", "ГЭСНмр" — as printed and as in CodePrefix.
std::string_view FamilyPrefix(NormFamily family);
// "gesn", "gesnm", "gesnr", "gesnp", "gesnmr" — as in GLOSSARY.md and the API.
std::string_view FamilyId(NormFamily family);
// "ГЭСНм 08-02-001-01": the family and the code as printed in estimates and bills of quantities.
std::string PrintedCode(NormFamily family, std::string_view code);

// Accepts either spelling (case-sensitive for the Cyrillic one, as the base writes it).
std::optional<NormFamily> ParseFamily(std::string_view text);

// Interned strings; views returned stay valid while the pool lives. Not thread-safe for writing
// (only importers and loaders write, before Finish()).
class TextPool {
 public:
  std::string_view Intern(std::string_view text);
  std::size_t size() const { return storage_.size(); }

 private:
  std::deque<std::string> storage_;
  std::unordered_set<std::string_view> index_;
};

// A level of the norm hierarchy: Сборник / Отдел / Раздел / Подраздел / Таблица.
struct NormSection {
  NormFamily family = NormFamily::kGesn;
  std::string_view type;  // as in the file: "Сборник", "Отдел", "Раздел", "Подраздел", "Таблица"
  std::string_view code;  // "12", "1", "12-01-001"
  std::string_view name;
  std::int32_t parent = -1;  // index in BaseRelease::sections, -1 for a collection
};

// A resource line of a norm: consumption per unit of the norm.
struct NormResource {
  std::string_view code;  // КСР code "91.05.01-017", labour "1-100-38", machinists' total "2"
  std::string_view name;  // EndName / Name as the norm writes it (may be empty)
  std::string_view unit;  // MeasureUnit when the norm gives one
  core::Decimal consumption;
  bool by_project = false;  // consumption "П" (по проекту): listed, not priced
  bool abstract = false;    // <AbstractResource>: priced through its technology groups
  std::vector<std::string_view> tech_groups;  // abstract resources: TechnologyGroups codes
};

struct Norm {
  NormFamily family = NormFamily::kGesn;
  std::string_view code;  // "12-01-001-01"
  std::string_view name;  // NameGroup BeginName + " " + Work EndName
  std::string_view unit;  // "100 м2"
  std::int32_t table = -1;  // index of its Таблица (or nearest level) in BaseRelease::sections
  std::vector<std::string_view> content;  // Content/Item texts (состав работ)
  std::vector<NormResource> resources;
  std::string_view overhead_code;  // NrSp/ReasonItem Nr, e.g. "Пр/812-012.0"
  std::string_view profit_code;    // NrSp/ReasonItem Sp, e.g. "Пр/774-012.0"
};

// An entry of the price book (ФСБЦ): a material, equipment or a machine at the base price level.
struct PriceBookEntry {
  std::string_view code;
  std::string_view name;
  std::string_view unit;
  core::ResourceKind kind = core::ResourceKind::kMaterial;
  core::Decimal base_price;       // materials/equipment: Cost; machines: PriceCostWithoutSalary
  core::Decimal wholesale_price;  // materials: OptCost (may be invalid when absent)
  // Machines only:
  core::Decimal machinist_pay;          // SalaryMach, base price of the machinist's pay per маш.-ч
  core::Decimal machinist_labor;        // LabourMach, machinist man-hours per machine-hour
  std::string_view machinist_code;      // DriverCode, e.g. "4-100-060"
  core::Decimal machinist_rank;         // MachinistCategory, e.g. 6.0 (invalid when empty)
  bool with_relocation = false;         // WithRelocation
  std::int32_t section = -1;            // index in BaseRelease::book_sections
  // Machines, ExpendableMaterials/Material: electricity use per маш.-ч (кВт·ч) and its cost
  // within base_price (invalid when the file gives none).
  core::Decimal electricity;
  core::Decimal electricity_cost;
};

// A level of the price book hierarchy (Книга / Часть / Раздел / Группа …).
struct BookSection {
  std::string_view type;
  std::string_view code;
  std::string_view name;
  std::int32_t parent = -1;
};

// A technology group (ТГ): the concrete resources an abstract resource may be resolved to.
struct TechGroup {
  std::string_view code;  // "27.01.054"
  std::string_view name;
  std::vector<std::string_view> resources;  // КСР codes
};

// A recommended coefficient of a norm's technical part (привязка поправочных коэффициентов).
struct CoefficientRule {
  std::string_view code;
  std::string_view name;
  std::string_view target;   // what it applies to, as the file says
  std::string_view decree;   // decreeuse
  std::string_view formula;  // Formula, when given
  // Factors to consumption; invalid Decimal where the rule does not set that key.
  core::Decimal labor, machinist_labor, machines, materials, value;
  std::vector<std::string_view> applies;  // norm codes or code prefixes it is bound to
  // Also from the binding file (Coefficients-1.0.xsd):
  std::string_view section;  // code of the enclosing section, e.g. "С.-Ч.1"
  core::Decimal worker, machinist, equipment;  // Worker, Machinist (pay), Equipment factors
  // Keys given as <Formula formula="1+0,12*N"/> (N supplied by the estimator) instead of a value,
  // by the file's key name ("Machine", "LaborCosts", …); `formula` holds the first of them.
  struct KeyFormula {
    std::string_view key;
    std::string_view formula;
  };
  std::vector<KeyFormula> formulas;
  std::vector<std::string_view> applies_sections;  // Applys/Section codes, e.g. "02-01-01-036"
  std::vector<std::string_view> excluded;  // Applys Cost/Section codes with Exclude="true"
  // Applys/Resources: per-resource factors (e.g. Material="0" drops the resource).
  struct ResourceFactors {
    std::vector<std::string_view> codes;
    core::Decimal worker, machine, machinist, material, labor, machinist_labor, equipment;
  };
  std::vector<ResourceFactors> resource_factors;
  std::vector<std::string_view> exclude_groups;  // ExcludeGroupItem: mutually exclusive groups
  std::string_view start_use, end_use;           // startuse / enduse dates, when given
};

// A НР/СП rate (812/пр, 774/пр) as bound to norm collections.
struct OverheadProfitRate {
  std::string_view code;       // "Пр/812-012.0" (without the territory suffix -1/-2/-3)
  std::string_view profit_code;  // "Пр/774-012.0"
  std::string_view work_type;  // вид работ
  std::string_view collections;  // сборники, as the file lists them
  core::Decimal overhead_percent[3];  // Территория (1), МПРКС (2), РКС (3)
  core::Decimal profit_percent;
  std::string_view item;  // № п/п in the binding table, "1.1"
};

// Current prices of one region, price zone and quarter (ФГИС ЦС).
struct RegionalPrices {
  std::string_view region_code;  // e.g. "28" (Амурская обл.), "77" (Москва)
  std::string_view region_name;
  int zone = 1;                  // ценовая зона
  std::string_view quarter;      // "2025-Q2"
  // Ц1: labour price of rank 1 per man-hour; other ranks by the rank-factor formula
  // (methodology §2.5). Invalid when the region gives explicit prices only.
  core::Decimal rank1_labor_price;
  std::unordered_map<std::string_view, core::Decimal> labor_prices;    // code → price per чел.-ч
  std::unordered_map<std::string_view, core::Decimal> current_prices;  // КСР code → current price
  // Index to the base price by КСР group prefix (longest prefix wins), e.g. "01.7.03" → 8.49.
  std::unordered_map<std::string_view, core::Decimal> group_indices;
};

struct SourceFile {
  std::string name;    // as given to the importer (path inside a zip: "archive.zip!/x.xml")
  std::string sha256;  // hex
  std::uint64_t bytes = 0;
  std::string kind;    // "norms", "machines", "materials", "tech_groups", "coefficients", …
  std::string decree;  // approving order a price book states, "490/пр от 14.08.2025"
};

// A region, price zone and quarter whose current prices a release holds (one RegionalPrices).
struct PricedTerritory {
  std::string region_code;  // "28"
  std::string region_name;  // as the price files gave it; empty when they gave none
  int zone = 1;
  std::string quarter;      // "2025-Q2"
  bool operator==(const PricedTerritory&) const = default;
};

struct ReleaseCounts {
  std::size_t norms = 0, norm_resources = 0, sections = 0, resources = 0, machines = 0,
              materials = 0, equipment = 0, tech_groups = 0, coefficients = 0, rates = 0,
              regional_prices = 0;
};

struct ReleaseInfo {
  std::int64_t id = 0;           // store id; 0 before it is saved
  std::string name;              // "ФСНБ-2022 доп. 15"
  int addition_number = 0;       // доп. № N (0 when unknown)
  std::string price_level;       // "01.01.2022"
  std::vector<SourceFile> sources;
  std::string imported_at;       // ISO 8601 UTC
  bool active = false;
  // Sorted by region code, zone (as a number), quarter; codes and quarters byte by byte. Derived
  // from `prices` by Finish(), read from the prices' rows by the store's List(); not saved.
  std::vector<PricedTerritory> territories;
  // Filled by the store's List() only (not saved): "draft" (never activated), "active" or
  // "retired" (active once, not now); the figures saved with it; its norms per family.
  std::string state;
  ReleaseCounts counts;
  std::vector<std::pair<NormFamily, std::size_t>> norms_by_family;
};

class BaseRelease {
 public:
  ReleaseInfo info;
  TextPool text;
  std::vector<NormSection> sections;
  std::vector<Norm> norms;
  std::vector<BookSection> book_sections;
  std::vector<PriceBookEntry> resources;
  std::vector<TechGroup> tech_groups;
  std::vector<CoefficientRule> coefficients;
  std::vector<OverheadProfitRate> rates;
  std::vector<RegionalPrices> prices;

  // Builds the look-up indexes and info.territories; call once after filling, before sharing.
  void Finish();

  const Norm* FindNorm(NormFamily family, std::string_view code) const;
  const PriceBookEntry* FindResource(std::string_view code) const;
  const TechGroup* FindTechGroup(std::string_view code) const;
  const OverheadProfitRate* FindRate(std::string_view overhead_code) const;
  // Region by code (or name), zone and quarter ("2025-Q2"); nullptr when not loaded.
  const RegionalPrices* FindPrices(std::string_view region, int zone,
                                   std::string_view quarter) const;
  ReleaseCounts Counts() const;

 private:
  struct NormKey {
    NormFamily family;
    std::string_view code;
    bool operator==(const NormKey&) const = default;
  };
  struct NormKeyHash {
    std::size_t operator()(const NormKey& k) const {
      return std::hash<std::string_view>()(k.code) * 31 + static_cast<std::size_t>(k.family);
    }
  };
  std::unordered_map<NormKey, std::uint32_t, NormKeyHash> norm_index_;
  std::unordered_map<std::string_view, std::uint32_t> resource_index_;
  std::unordered_map<std::string_view, std::uint32_t> tech_group_index_;
  std::unordered_map<std::string_view, std::uint32_t> rate_index_;
};

}  // namespace estimate::normbase
