#pragma once
// The domain types of a local estimate (ЛСР) and of its computed figures. Plain values: the
// calculators (resource_index_calculator.hpp, base_index_*.hpp) read them; the document layer
// (formats/) builds them from the calc-v1 JSON. Names follow GLOSSARY.md.
#include <optional>
#include <string>
#include <vector>

#include "core/decimal.hpp"

namespace estimate::core {

enum class WorkKind { kConstruction, kInstallation };

enum class ResourceKind { kLabor, kMachine, kMaterial, kEquipment };

// "labor", "machine", "material", "equipment": the names of the documents and the API.
const char* ResourceKindName(ResourceKind kind);

enum class PositionType {
  kNorm,      // a norm (ГЭСН…) with its resources
  kResource,  // one priced resource as its own position (ФСБЦ code or market price ТЦ_…)
};

// How the position's coefficients combine into one factor per key.
enum class CoefficientCombination {
  kMultiply,  // default (421/пр п.58): 1.2 × 1.15 = 1.38
  kAdditive,  // 421/пр п.52 ред. 30/пр, прил.10 table 1: 1 + 0.20 + 0.15 = 1.35
};

// A coefficient to consumption (РИМ) or to cost items (БИМ). Absent keys are 1.
struct Coefficient {
  std::string name;
  Decimal labor = Decimal::FromInt(1);            // ЗТ
  Decimal machinist_labor = Decimal::FromInt(1);  // ЗТм
  Decimal machines = Decimal::FromInt(1);         // ЭМ
  Decimal materials = Decimal::FromInt(1);        // М
  // kAdditive coefficients of one position are summed as 1 + Σ(k − 1), and that sum multiplies
  // the product of the kMultiply ones.
  CoefficientCombination combination = CoefficientCombination::kMultiply;
};

// A unit price: either the current price, or base price × index (current = round2(base × index)),
// or none (the resource is listed, not priced).
struct UnitPrice {
  enum class Source { kNone, kCurrent, kBaseIndex };
  Source source = Source::kNone;
  Decimal price;       // kCurrent
  Decimal base_price;  // kBaseIndex
  Decimal index;       // kBaseIndex

  bool priced() const { return source != Source::kNone; }
};

// The machinist of a machine resource: labour per machine-hour and the price of one man-hour.
struct Machinist {
  std::string code;
  Decimal labor_per_machine_hour;
  UnitPrice price;
};

// A resource line of a norm position.
struct Resource {
  ResourceKind kind = ResourceKind::kMaterial;
  std::string code;
  std::string name;
  std::string unit;
  Decimal consumption;       // per unit of the norm; ignored when by_project
  bool by_project = false;   // consumption "П": listed, not priced
  UnitPrice price;
  std::optional<Machinist> machinist;  // machines only
};

// A sub-row N.1, N.2 … after «Итого прямые затраты»: a chosen material or equipment.
struct ExtraRow {
  ResourceKind kind = ResourceKind::kMaterial;  // kMaterial or kEquipment
  std::string number;                           // "3.1" as printed; optional
  std::string code;
  std::string name;
  std::string unit;
  Decimal quantity;
  UnitPrice price;
};

// НР or СП of a position: percent of ФОТ with a factor k (capital repair: 0.9 / 0.85).
struct Rate {
  std::string code;
  std::string name;
  Decimal percent;
  Decimal k = Decimal::FromInt(1);
};

// The auxiliary non-normed materials of 421/пр п.75 пп.а (ГЭСНм positions): percent of the
// position's workers' pay, added as a material sub-row (not to ФОТ, НР or СП).
struct AuxiliaryMaterials {
  enum class Base {
    kLaborWithoutCoefficients,  // ПК РИК: ОТ with K_labor = 1 (2% × 342.69 = 6.85)
    kLabor,                     // ГРАНД-Смета: ОТ of the position as computed
  };
  std::string name;
  Decimal percent;
  Base base = Base::kLaborWithoutCoefficients;
};

struct Position {
  std::string number;
  PositionType type = PositionType::kNorm;
  std::string code;
  std::string name;
  std::string unit;
  Decimal quantity;
  WorkKind work_kind = WorkKind::kConstruction;
  // kNorm:
  std::vector<Coefficient> coefficients;
  std::vector<Resource> resources;
  std::vector<ExtraRow> extra;
  std::optional<Rate> overhead;
  std::optional<Rate> profit;
  std::optional<AuxiliaryMaterials> auxiliary_materials;
  // kResource:
  ResourceKind kind = ResourceKind::kMaterial;
  UnitPrice price;
};

struct Section {
  std::string name;
  std::vector<Position> positions;
};

// Replaces the percent and/or the factor of every position's НР or СП (a contract may fix СП at
// 30 % regardless of 774/пр).
struct RateOverride {
  std::optional<Decimal> percent;
  std::optional<Decimal> k;
};

// Options of the calculation that the printed forms of different programs differ in.
struct CalcOptions {
  // Decimals of money figures: 2 (the norm), or 0 when a program is set to whole roubles
  // (ГРАНД-Смета, methodology example I). Unit prices and per-unit totals stay at 2.
  int money_places = 2;
  std::optional<RateOverride> overhead_override;
  std::optional<RateOverride> profit_override;
};

enum class Method { kResourceIndex, kBaseIndex };

struct Estimate {
  std::string name;
  Method method = Method::kResourceIndex;
  std::vector<Section> sections;
  CalcOptions options;
};

// The figures of a position, a section or the estimate; each already rounded, sums of rounded
// parts. Money at CalcOptions::money_places, hours at 7 decimals.
struct Figures {
  Decimal ot;         // ОТ
  Decimal em;         // ЭМ without machinists' pay
  Decimal otm;        // ОТм
  Decimal m;          // М, with the material sub-rows
  Decimal equipment;  // оборудование
  Decimal direct;     // ПЗ = ОТ + ЭМ + ОТм + М
  Decimal extra;      // the sub-rows (materials and equipment)
  Decimal fot;        // ФОТ = ОТ + ОТм
  Decimal overhead;   // НР
  Decimal profit;     // СП
  Decimal total;      // ПЗ + equipment + НР + СП
  Decimal labor_hours;
  Decimal machinist_hours;
  // Справочно: market-priced (ТЦ_…, «отсутствующие в ФРСН») materials and equipment.
  Decimal market_materials;
  Decimal market_equipment;

  void Add(const Figures& o);
  void Subtract(const Figures& o);
  // True when every figure is a valid Decimal.
  bool ok() const;
};

struct PositionResult {
  Figures figures;
  Decimal per_unit;  // round2(total / quantity); 0 when quantity is 0
};

struct SectionResult {
  std::string name;
  Figures figures;
};

struct Totals {
  Figures figures;
  Figures construction;   // positions of work kind construction, without their equipment
  Figures installation;   // likewise installation
};

struct EstimateResult {
  // positions[s][p] is the result of sections[s].positions[p].
  std::vector<std::vector<PositionResult>> positions;
  std::vector<SectionResult> sections;
  Totals totals;
};

}  // namespace estimate::core
