#pragma once
// The estimate document of ../shared/contracts/calc-v1.md: JSON in (estimate-document/1), the
// computed ЛСР out (estimate-result/1 JSON, or the Russian printed table). The resource-index
// method only; formats/calc.hpp computes every shape (base-index ЛСР, ОСР, ССР as well).
//
// Parsing validates the whole document and collects every problem, one line each, naming the
// JSON path: `sections[0].positions[3].quantity: "1,5" is not a decimal number`. Every number
// must be a JSON string holding a plain decimal with at most 15 digits before the point and 10
// after it. Fields the contract does not name are ignored.
//
// Optional fields beyond the contract (they change nothing when absent):
//   options.money_decimals        "2" (default) or "0": money rounded to whole roubles
//   options.overhead_override     {"percent", "k"}: replaces НР percent and/or k of every position
//   options.profit_override       likewise for СП
//   coefficients[i].combine       "multiply" (default) or "additive" (421/пр п.52 ред. 30/пр)
//   positions[i].auxiliary_materials {"percent", "base", "name"}: п.75 sub-row of ГЭСНм
//                                 positions; base "labor_without_coefficients" (ПК РИК, default)
//                                 or "labor" (ГРАНД-Смета)
//   extra[i].number               the printed sub-row number ("3.1")
// Output adds: totals.market_materials / market_equipment (ТЦ_… lines, «отсутствующие в ФРСН»),
// and totals.by_work_kind.{construction,installation} with the figures of each ИТОГИ block.
#include <string>
#include <string_view>

#include "core/estimate.hpp"
#include "core/status.hpp"

namespace estimate::formats {

// Parses and validates an estimate document. On failure the status is kInvalidArgument and its
// message holds one line per problem (joined by '\n').
Result<core::Estimate> ParseEstimateDocument(std::string_view json);

// The estimate-result/1 JSON of a computed estimate (money with 2 decimals, hours with 7).
std::string WriteEstimateResult(const core::Estimate& estimate, const core::EstimateResult& result);

// The ЛСР as a readable Russian table: each position block with its resources, «Итого прямые
// затраты», sub-rows, ФОТ, НР, СП and «Всего по позиции»; section totals; ИТОГИ ПО СМЕТЕ.
// One position object of an estimate document (what PositionToDocument writes), validated as in a
// whole document; problems name the field under `path`: "position.quantity: …".
Result<core::Position> ParsePositionDocument(std::string_view json, std::string_view path);

// The "options" object of an estimate document ("{}" for none); problems name "options.…".
Result<core::CalcOptions> ParseCalcOptions(std::string_view json);

// The figures as JSON members without braces, in the order and precision of estimate-result/1:
// a position's (with extra, per_unit and hours), a section's, and the totals' (with construction,
// installation, the market lines and by_work_kind).
std::string PositionFiguresJson(const core::PositionResult& result);
std::string SectionFiguresJson(const core::Figures& figures);
std::string TotalsFiguresJson(const core::Totals& totals);

std::string WriteEstimateText(const core::Estimate& estimate, const core::EstimateResult& result);

// `s` as a JSON string literal, escaped as every writer of formats escapes it.
std::string JsonString(std::string_view s);

// A position's own fields as JSON members without braces, each preceded by ", ": number, type,
// code, name, unit, quantity, work_kind (how an estimate's view lists a position).
std::string PositionFieldsJson(const core::Position& position);

}  // namespace estimate::formats
