#pragma once
// The ЛСР by the resource-index method (Методика 421/пр; rounding of the Minstroy XML schema
// 3.01), exactly as ../shared/contracts/calc-v1.md states it:
//
//   Q     = round7(consumption × quantity × K_kind)
//   price = price, or round2(base_price × index)
//   line  = round(Q × price)                        (money at CalcOptions::money_places)
//   ОТ, ЭМ, ОТм, М = sums of lines;  ФОТ = ОТ + ОТм;  НР = round(ФОТ × round7(% × k) / 100)
//   ПЗ = ОТ + ЭМ + ОТм + М (М with the material sub-rows);  total = ПЗ + equipment + НР + СП
//
// Every value is rounded once, after all its operations; sums add already-rounded parts. Sections
// and totals are sums of the positions' figures, so a changed position is re-priced by
// subtracting its old figures and adding the new ones (exact decimals make that identical to a
// full re-sum).
//
// Pure functions and a value-type calculation; no shared state. A figure too large to compute
// exactly is an error naming the position (`sections[0].positions[3]: …`), never a wrong total.
#include <cstddef>
#include <string>
#include <vector>

#include "core/decimal.hpp"
#include "core/estimate.hpp"
#include "core/status.hpp"

namespace estimate::core {

// The resulting coefficients of a position (Результирующие коэффициенты).
struct ResultingCoefficients {
  Decimal labor = Decimal::FromInt(1);
  Decimal machinist_labor = Decimal::FromInt(1);
  Decimal machines = Decimal::FromInt(1);
  Decimal materials = Decimal::FromInt(1);
};
ResultingCoefficients CombineCoefficients(const std::vector<Coefficient>& coefficients);

// One computed line of a position, for the printed form.
struct ComputedLine {
  Decimal quantity;  // Q, 7 decimals
  Decimal price;     // current unit price, 2 decimals (zero when not priced)
  Decimal total;     // the line (zero when not priced)
  bool priced = false;
};

// Everything the printed position block shows besides its figures.
struct PositionDetail {
  ResultingCoefficients k;
  std::vector<ComputedLine> resources;    // parallel to Position::resources
  std::vector<ComputedLine> machinists;   // parallel to Position::resources (machines only)
  std::vector<ComputedLine> extra;        // parallel to Position::extra
  Decimal auxiliary_materials;            // the п.75 sub-row, if any
  Decimal overhead_percent;               // round7(percent × k) after overrides
  Decimal profit_percent;
  Rate overhead;                          // the rate applied (after overrides)
  Rate profit;
};

// The figures of a position as the construction / installation blocks of the totals count them:
// without its equipment (total − equipment, no equipment, extra or market equipment).
Figures ExcludingEquipment(Figures figures);

// Computes one position. `detail` may be null (the fast path).
Result<PositionResult> CalculatePosition(const Position& position, const CalcOptions& options,
                                         PositionDetail* detail = nullptr);

// A computed estimate that can re-price one position and keep its totals current.
class ResourceIndexCalculation {
 public:
  // Computes every position, section and the totals. Errors name the position.
  static Result<ResourceIndexCalculation> Calculate(const Estimate& estimate);

  const EstimateResult& result() const { return result_; }

  // Replaces the figures of sections[section].positions[position] with those of `changed` and
  // updates that section and the totals. On error nothing changes.
  Status Reprice(std::size_t section, std::size_t position, const Position& changed,
                 const CalcOptions& options);
  // The same with the changed position's figures already computed (CalculatePosition of it with
  // the estimate's options), so that an edit calculates the position once.
  Status Reprice(std::size_t section, std::size_t position, WorkKind work_kind,
                 const PositionResult& figures);

 private:
  void AddToTotals(std::size_t section, WorkKind work_kind, const PositionResult& r,
                   bool subtract);

  EstimateResult result_;
  // The work kind of each position, to move its figures out of the right block of the totals.
  std::vector<std::vector<WorkKind>> work_kinds_;
};

// Convenience: the whole estimate at once.
Result<EstimateResult> CalculateResourceIndex(const Estimate& estimate);

}  // namespace estimate::core
