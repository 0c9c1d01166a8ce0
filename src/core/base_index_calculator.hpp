#pragma once
// ЛСР by the base-index method (БИМ, Методика 421/пр): ФЕР/ТЕР-2001 unit rates in prices of
// 01.01.2000, brought to the current level by Minstroy indices (letters "…-ИФ/09").
//
// The arithmetic is the one of the ГГЭ XML 3.01 БИМ example exported by ГОССТРОЙСМЕТА
// (shared/lsr_fixtures/gge_bim_3.01_example1.xml), which this calculator reproduces to the kopeck;
// research/methodology.md §4 describes it. In short, for a norm position with quantity V:
//
//   ОТ_баз   = round2(V × ОТ_ед × K_ОТ)
//   ЭМ_баз   = round2(V × ((ЭМ_ед − ОТм_ед) × K_ЭМ + ОТм_ед × K_ОТм))   # ЭМ includes ОТм in БИМ
//   ОТм_баз  = round2(V × ОТм_ед × K_ОТм)                               # part of ЭМ, kept for ФОТ
//   доплата  = round2(V × ОТм_ед × (K_ОТм_полн − K_ОТм))                # see "top-up" below
//   М_баз    = round2(V × М_ед × K_МАТ) + chosen materials round2(q × price × k)
//   ФОТ      = ОТ + ОТм + доплата;   НР = round2(ФОТ × round7(Н% × k) / 100);   СП likewise
//   ЗТ       = round7(V × ЗТ_ед × K_ЗТ);   ЗТм = round7(V × ЗТм_ед × K_ЗТм)
//
// Indexing "по элементам прямых затрат" (the points matter to the kopeck):
//   - per position: ОТ_тек = round2(ОТ_баз × I_ОТ), ОТм_тек = round2(ОТм_баз × I_ОТм) (for ФОТ
//     only), доплата_тек = round2(доплата × I_ОТм), ФОТ_тек = their sum, НР_тек and СП_тек from
//     ФОТ_тек;
//   - per block (строительные / монтажные) of the whole ЛСР: ЭМ_тек = round2(Σ ЭМ_баз × I_ЭМ),
//     М_тек = round2(Σ М_баз × I_МАТ), оборудование = round2(Σ base × I_обор);
//   - every line of additional transport (ФССЦпг) carries its own index: round2(base × I);
//   - прочие затраты: round2(Σ base × I_прочие).
//   ПЗ_тек = ОТ_тек + ЭМ_тек + доплата_тек + М_тек + перевозка_тек; Всего = ПЗ + НР + СП.
// Indexing "к СМР": one index to the base total of each block less its transport, plus the
// transport indexed line by line; the current figures are then not split by element.
//
// Coefficients (п.58, прил.10, техчасть, п.60.1) act on cost elements; see
// CombineBaseIndexCoefficients for how several combine (421/пр п.52 in the wording of 30/пр).
//
// Top-up to machinists' pay («Доплаты к оплате труда машинистов»): a coefficient that raises pay
// only (п.60.1 1.25, прил.10 т.2 п.3.3 1.68) must not be indexed as machine operation.
// ГОССТРОЙСМЕТА keeps ЭМ at the coefficient of machinist hours and adds the difference as a
// separate row indexed by the pay index; it counts in ЭМ of the totals and in ФОТ. We do the same.
//
// Pure and thread-compatible: no I/O, no shared state.
#include <optional>
#include <string>
#include <vector>

#include "core/decimal.hpp"
#include "core/object_estimate.hpp"
#include "core/status.hpp"

namespace estimate::core {

// How a coefficient combines with the others of its position.
enum class BaseIndexCombination {
  // Multiplies everything else (п.58 пп.б, п.60.1, technical parts of the сборники).
  kMultiply,
  // Приложение 10, table 1: since 421/пр п.52 (ред. 30/пр) several such coefficients add their
  // increments, 1 + Σ(k − 1): 1.2 and 1.15 give 1.35, not 1.38.
  kAppendix10Additive,
  // Приложение 10, tables 2 and 3: multiplies the additive sum; that product is rounded to 2
  // decimals before the kMultiply coefficients apply (inferred from the ГГЭ example: 1.35 × 1.68 =
  // 2.268 → 2.27; × 1.25 = 2.8375 and × 0.75 = 1.7025 as printed).
  kAppendix10Multiply,
};

// A coefficient to a norm in БИМ. Absent factors are 1.
struct BaseIndexCoefficient {
  std::string name;  // e.g. "421/пр_2020_прил.10_т.1_п.4_гр.3"
  BaseIndexCombination combination = BaseIndexCombination::kMultiply;
  std::optional<Decimal> labor;            // ЗТ: labour hours, and workers' pay (ОТ)
  std::optional<Decimal> machinist_labor;  // ЗТм: machinist hours and the machinists' pay in ЭМ
  std::optional<Decimal> machines;         // ЭМ without the machinists' pay
  std::optional<Decimal> materials;        // МАТ
  std::optional<Decimal> workers_pay;      // ОТ only; replaces `labor` for ОТ when given
  // ОТм only (replaces `machinist_labor` for ОТм when given); the excess over the machinist-hour
  // factor becomes the top-up row.
  std::optional<Decimal> machinists_pay;
};

// The resulting factors of one position (what the form prints as «Результирующие коэффициенты»).
struct BaseIndexResultingCoefficients {
  Decimal ot = Decimal::FromInt(1);               // to ОТ
  Decimal em = Decimal::FromInt(1);               // to ЭМ less ОТм
  Decimal otm_in_machines = Decimal::FromInt(1);  // to ОТм inside ЭМ (= ЗТм)
  Decimal otm = Decimal::FromInt(1);              // to ОТм in full, for ФОТ
  Decimal m = Decimal::FromInt(1);                // to materials
  Decimal labor_hours = Decimal::FromInt(1);      // to ЗТ
  Decimal machinist_hours = Decimal::FromInt(1);  // to ЗТм
};

BaseIndexResultingCoefficients CombineBaseIndexCoefficients(
    const std::vector<BaseIndexCoefficient>& coefficients);

// A ФЕР/ТЕР unit rate: per unit of the norm, in base prices.
struct BaseIndexUnitRate {
  Decimal workers_pay;      // ОТ
  Decimal machines;         // ЭМ, including ОТм
  Decimal machinists_pay;   // ОТм (part of machines)
  Decimal materials;        // М
  Decimal labor_hours;      // ЗТ, чел.-ч
  Decimal machinist_hours;  // ЗТм, чел.-ч
};

// A priced row in base prices: a chosen material of an abstract resource, equipment, or a
// stand-alone resource. line = round2(quantity × base_price × price_factor).
struct BaseIndexPricedLine {
  std::string code;
  std::string name;
  std::string unit;
  Decimal quantity;  // total for the position
  Decimal base_price;
  Decimal price_factor = Decimal::FromInt(1);  // coefficient to cost, e.g. 1.025 (ФСБЦ п.100)
};

// The unit of a transport row (ФССЦпг: per tonne of freight).
inline constexpr const char* kFreightUnit = "1 т груза";

// A row of additional transport (ФССЦпг, or a market price) attached to a material or equipment.
// base = round2(quantity × base_price × price_factor); current = round2(base × index).
struct BaseIndexTransportLine {
  std::string code;
  std::string name;
  // In tonnes of freight: ФССЦпг rates are per «1 т груза» (kFreightUnit). Negative rows take out
  // transport included in the price.
  Decimal quantity;
  Decimal base_price;
  Decimal price_factor = Decimal::FromInt(1);  // e.g. 1.35 by 421/пр п.52.1 пп.б
  Decimal index = Decimal::FromInt(1);
};

// НР (812/пр) or СП (774/пр): percent of ФОТ with a factor.
struct BaseIndexRate {
  std::string code;  // e.g. "Пр/812-008.0-1"
  Decimal percent;
  Decimal k = Decimal::FromInt(1);
};

enum class BaseIndexPositionType {
  kNorm,      // a ФЕР/ТЕР rate × quantity
  kResource,  // one priced material or equipment (ФССЦ, market price converted to base)
};

struct BaseIndexPosition {
  std::string number;
  std::string code;  // e.g. "ФЕР08-01-001-01"
  std::string name;
  std::string unit;
  BaseIndexPositionType type = BaseIndexPositionType::kNorm;
  // Norms: kConstruction, kInstallation or kOther. Resources: kConstruction or kInstallation for a
  // material (counts in М of that block), kEquipment for equipment, kOther for other costs.
  CostColumn column = CostColumn::kConstruction;
  Decimal quantity;  // V, with its volume coefficient already applied

  // kNorm:
  BaseIndexUnitRate unit_rate;
  std::vector<BaseIndexCoefficient> coefficients;
  std::vector<BaseIndexPricedLine> materials;  // chosen materials (неучтённые ресурсы)
  std::vector<BaseIndexPricedLine> equipment;  // equipment rows inside the position
  std::optional<BaseIndexRate> overhead;
  std::optional<BaseIndexRate> profit;
  // The ОТ/ОТм index of this position when it differs from the estimate's (e.g. 1 for a position
  // counted in other costs).
  std::optional<Decimal> pay_index;

  // kResource: line = round2(quantity × base_price × price_factor).
  Decimal base_price;
  Decimal price_factor = Decimal::FromInt(1);

  // Both: additional transport of the position's materials or equipment.
  std::vector<BaseIndexTransportLine> transport;
};

struct BaseIndexSection {
  std::string name;
  std::vector<BaseIndexPosition> positions;
};

enum class BaseIndexIndexing {
  kByCostElement,  // «Индексы к элементам прямых затрат»
  kToConstructionInstallation,  // one index «к СМР»
};

struct BaseIndexIndices {
  BaseIndexIndexing indexing = BaseIndexIndexing::kByCostElement;
  Decimal workers_pay = Decimal::FromInt(1);                // ОТ
  std::optional<Decimal> machinists_pay;                    // ОТм; defaults to workers_pay
  Decimal machines = Decimal::FromInt(1);                   // ЭМ
  Decimal materials = Decimal::FromInt(1);                  // М
  Decimal equipment = Decimal::FromInt(1);                  // оборудование
  Decimal other = Decimal::FromInt(1);                      // прочие затраты
  Decimal construction_installation = Decimal::FromInt(1);  // СМР, kToConstructionInstallation
};

struct BaseIndexEstimate {
  std::string name;
  BaseIndexIndices indices;
  std::vector<BaseIndexSection> sections;
};

// Money of a position, section or block at one price level. Not every field is meaningful at
// every level; see the comments of the results below.
struct BaseIndexAmounts {
  Decimal ot;         // ОТ
  Decimal em;         // ЭМ including ОТм, without the top-up
  Decimal otm;        // ОТм (reference: part of em)
  Decimal otm_extra;  // top-up to machinists' pay (counts in ЭМ of totals and in ФОТ)
  Decimal m;          // materials: norm materials, chosen materials, material resources
  Decimal transport;  // additional transport of materials
  Decimal equipment;  // equipment
  Decimal equipment_transport;  // additional transport of equipment
  Decimal other;                // other costs (positions of column kOther, whole)
  Decimal direct;               // ПЗ = ot + em + otm_extra + m + transport
  Decimal fot;                  // ФОТ = ot + otm + otm_extra
  Decimal overhead;             // НР
  Decimal profit;               // СП
  Decimal total;                // direct + overhead + profit + equipment + transport + other
};

struct BaseIndexPositionResult {
  std::string number;
  CostColumn column = CostColumn::kConstruction;
  BaseIndexResultingCoefficients k;
  BaseIndexAmounts base;
  // Current level, the figures indexed per position: ot, otm, otm_extra, fot, overhead, profit,
  // transport, equipment_transport. The rest is indexed on block totals (left zero here).
  BaseIndexAmounts current;
  Decimal norm_direct;  // base ПЗ of the rate alone: ot + em + m of the norm (the form's «ПЗ»)
  Decimal labor_hours;      // ЗТ, 7 decimals
  Decimal machinist_hours;  // ЗТм, 7 decimals
};

// Base and current figures of a block of the ЛСР totals («ВСЕГО строительные работы», …).
struct BaseIndexBlock {
  BaseIndexAmounts base;
  BaseIndexAmounts current;
  Decimal labor_hours;
  Decimal machinist_hours;
};

// The blocks of an estimate's or a section's totals (ГГЭ XML: EstimatePrice, SectionPrice).
struct BaseIndexBlocks {
  BaseIndexBlock construction;  // «строительные работы»
  BaseIndexBlock installation;  // «монтажные работы»
  BaseIndexBlock equipment;     // «оборудование»
  BaseIndexBlock other;         // «прочие затраты»
  BaseIndexBlock total;         // «ВСЕГО»: the sum of the four blocks
};

struct BaseIndexSectionResult {
  std::string name;
  BaseIndexAmounts base;
  BaseIndexAmounts current;  // the per-position indexed figures only, as for positions
  Decimal labor_hours;
  Decimal machinist_hours;
  // The section's own blocks, built as the estimate's: their base figures and per-position
  // current figures belong to the section; the figures indexed on a block total are those the
  // section would have alone (the estimate indexes its blocks, not its sections).
  BaseIndexBlocks blocks;
};

// The estimate's blocks (construction … total) with its positions and sections.
struct BaseIndexResult : BaseIndexBlocks {
  std::vector<BaseIndexPositionResult> positions;
  std::vector<BaseIndexSectionResult> sections;
};

// round2(quantity × price × factor): a priced line (material, equipment, transport, resource).
Decimal BaseIndexLine(const Decimal& quantity, const Decimal& price, const Decimal& factor);

// Adds every amount of `a` to `to`.
void AddAmounts(BaseIndexAmounts& to, const BaseIndexAmounts& a);

// The indices of a position's ОТ and ОТм: its own pay index when it has one, else the estimate's.
struct BaseIndexPayIndices {
  Decimal workers_pay, machinists_pay;
};
BaseIndexPayIndices PayIndicesOf(const BaseIndexPosition& position, const BaseIndexIndices& indices);

// How a coefficient combines, as its reason (шифр) names it: прил.10 т.1 adds its increment,
// прил.10 т.2 and т.3 multiply the sum, anything else multiplies (421/пр п.52, ред. 30/пр). The
// ГГЭ XML states a coefficient by its reason only, so this is also how a file is read.
BaseIndexCombination CombinationOfReason(const std::string& reason);

// Fails with kInvalidArgument naming the position when an input is out of range (negative
// quantity, a resource position of a norm-only column, …) or a figure overflows.
Result<BaseIndexResult> CalculateBaseIndexEstimate(const BaseIndexEstimate& estimate);

// The current-level columns of the ЛСР as an ОСР line takes them (roubles).
ObjectEstimateLine ToObjectEstimateLine(const BaseIndexResult& result, std::string number,
                                        std::string name);

}  // namespace estimate::core
