#pragma once
// ОСР (объектный сметный расчёт): the ЛСР of one object summed by column — строительные работы,
// монтажные работы, оборудование, прочие затраты — in thousands of roubles with 2 decimals, as
// the Minstroy ObjectEstimate schema prints it ("Округление до 2-х знаков после запятой в
// тысячах рублей").
//
// Rounding (checked on the ГОССТРОЙСМЕТА sample ОСР 01-02 «Рекультивация»): every figure of a ЛСР
// row is converted on its own, round2(roubles / 1000), and the object's totals are sums of the
// converted rows. The row's «всего» is the sum of its four converted columns so that the row adds
// up (our choice: the sample's rows have one non-zero column and cannot tell it from
// round2(total / 1000)). The reference
// breakdown (ОТ, ЭМ, …) is converted figure by figure too, so it need not add up to the columns
// (the sample prints Direct + НР + СП = 16 893.24 against a total of 16 893.25).
//
// Pure and thread-compatible: no I/O, no shared state.
#include <optional>
#include <string>
#include <vector>

#include "core/decimal.hpp"
#include "core/status.hpp"

namespace estimate::core {

// The four money columns of ОСР and ССР (графы 4–7), and the column a ЛСР figure belongs to.
enum class CostColumn { kConstruction, kInstallation, kEquipment, kOther };

// Amounts by column; `total` is always the sum of the four columns.
struct CostColumns {
  Decimal construction;
  Decimal installation;
  Decimal equipment;
  Decimal other;
  Decimal total;

  Decimal& At(CostColumn column);
  Decimal At(CostColumn column) const;
  // Recomputes total from the four columns.
  void Sum();
};

CostColumns operator+(const CostColumns& a, const CostColumns& b);
CostColumns operator-(const CostColumns& a, const CostColumns& b);

// The reference lines under the ОСР total («ВСЕГО, в том числе: ОТ, ЭМ, в т.ч. ОТм, М, Перевозка,
// НР, СП»).
struct CostDetails {
  Decimal ot;
  Decimal em;  // machines; includes ОТм in БИМ, excludes it in РИМ — as the ЛСР carries it
  Decimal otm;
  Decimal m;
  Decimal transport;
  Decimal overhead;
  Decimal profit;
};

CostDetails operator+(const CostDetails& a, const CostDetails& b);

// One ЛСР (or расчёт на отдельные затраты) of the object, in roubles, as its ИТОГИ print it.
struct ObjectEstimateLine {
  std::string number;  // e.g. "ЛС-02-01-01"
  std::string name;
  Decimal construction;
  Decimal installation;
  Decimal equipment;
  Decimal other;
  CostDetails details;  // optional reference figures; zeros when unknown
};

struct ObjectEstimateInput {
  std::string number;  // e.g. "ОС-02-01"
  std::string name;
  std::vector<ObjectEstimateLine> lines;
  // Расчётный измеритель (e.g. 1200 м2); when set, the result carries the unit cost.
  std::optional<Decimal> measure_quantity;
};

struct ObjectEstimateRow {
  std::string number;
  std::string name;
  CostColumns amounts;  // тыс. руб.
  CostDetails details;  // тыс. руб.
};

struct ObjectEstimateResult {
  std::vector<ObjectEstimateRow> rows;
  CostColumns total;    // тыс. руб.
  CostDetails details;  // тыс. руб.
  // Показатель единичной стоимости: round2(total / measure_quantity), тыс. руб. per unit.
  std::optional<Decimal> unit_cost;
};

// round2(roubles / 1000), half-up: the conversion of every ОСР/ССР figure.
Decimal ToThousands(Decimal roubles);

// Fails with kInvalidArgument naming the line when a figure is invalid (overflow) or the measure is
// not positive.
Result<ObjectEstimateResult> CalculateObjectEstimate(const ObjectEstimateInput& input);

}  // namespace estimate::core
