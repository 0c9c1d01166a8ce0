#pragma once
// ССР (сводный сметный расчёт стоимости строительства, Методика 421/пр): chapters 1–12 with
// their running totals «Итого по главам 1–N», the reserve for contingencies, VAT and «ВСЕГО по
// сводному сметному расчёту». All amounts are thousands of roubles with 2 decimals, in the four
// columns строительные / монтажные / оборудование / прочие (графы 4–7) and their sum (графа 8).
//
// Lines of a chapter are either amounts (an ОСР, a ЛСР, a расчёт — already in тыс. руб.) or
// percentages of a base:
//   - ВЗиС (332/пр, глава 8): % of the construction and installation columns of chapters 1–7,
//     landing in the same columns (TemporaryBuildingsLine);
//   - зимнее удорожание (325/пр, глава 9): % of the construction and installation columns of
//     chapters 1–8, landing in the same columns (WinterCostsLine) — the base is our reading of
//     325/пр and can be changed per line;
//   - any other % (авторский надзор, строительный контроль, …) on a chosen range of chapters and
//     columns, landing in the same columns or in «прочие» (PercentLine).
// Contingency (421/пр п.179) is a % of chapters 1–12, column by column. VAT is charged on
// (chapters 1–12 + contingency) less VAT-exempt lines (ст.149 НК) at the rate in force on the
// estimate's date: 22 % from 2026-01-01 (425-ФЗ), 20 % before. Only the exempt amounts themselves
// leave the VAT base; the contingency reserve computed on them stays in it (our reading; the sample
// gives one exempt sum, 461 722.14, and no breakdown).
//
// Rounding of a percentage line (inferred, see summary_estimate.cpp): each column is
// round2(base column × % / 100); the line's total is round2(base total × % / 100), and a kopeck
// of difference between the two is carried by the largest column so that the line adds up. This
// reproduces the ССР sample (example H): contingency 1 057 173.40, VAT 7 166 912.93.
//
// Pure and thread-compatible: no I/O, no clock, no shared state.
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "core/decimal.hpp"
#include "core/object_estimate.hpp"
#include "core/status.hpp"

namespace estimate::core {

inline constexpr int kSummaryChapters = 12;

struct CalendarDate {
  int year = 0;
  int month = 0;
  int day = 0;
};

// The name of chapter 1–12 of the ССР (Методика 421/пр п.171): "Подготовка территории
// строительства", …; empty outside 1–12.
const char* SummaryChapterTitle(int chapter);

// 22 from 2026-01-01 (Федеральный закон от 28.11.2025 № 425-ФЗ), 20 before (from 2019-01-01).
Decimal VatPercentOn(CalendarDate date);

// Which columns of which chapters a percentage line takes as its base.
struct PercentBase {
  int first_chapter = 1;
  int last_chapter = 7;  // inclusive; must be before the line's own chapter
  bool construction = true;
  bool installation = true;
  bool equipment = false;
  bool other = false;
  // An explicit base (тыс. руб.) instead of chapters, e.g. the СМР of one object only.
  std::optional<CostColumns> amount;
};

enum class PercentTarget {
  kSameColumns,  // each base column gives its % to the same column (ВЗиС, зимнее, резерв)
  kOther,  // the whole % goes to «прочие затраты» (надзор, контроль, экспертиза)
};

enum class SummaryLineKind { kAmount, kPercent };

struct SummaryLine {
  int chapter = 1;  // 1..12
  std::string number;
  std::string justification;  // «Обоснование»: "ОСР-02-01", "332/пр прил.1 п.32", …
  std::string name;
  SummaryLineKind kind = SummaryLineKind::kAmount;
  CostColumns amounts;  // kAmount: тыс. руб.; `total` is recomputed
  Decimal percent;      // kPercent
  PercentBase base;     // kPercent
  PercentTarget target = PercentTarget::kSameColumns;
  bool vat_exempt = false;  // excluded from the VAT base (ст.149 НК: land, compensation, …)
};

SummaryLine AmountLine(int chapter, std::string justification, std::string name,
                       CostColumns amounts);
// ВЗиС by 332/пр: chapter 8, % of construction + installation of chapters 1–7.
SummaryLine TemporaryBuildingsLine(Decimal percent, std::string justification, std::string name);
// Зимнее удорожание by 325/пр: chapter 9, % of construction + installation of chapters 1–8.
SummaryLine WinterCostsLine(Decimal percent, std::string justification, std::string name);
// Any % line.
SummaryLine PercentLine(int chapter, Decimal percent, PercentBase base, PercentTarget target,
                        std::string justification, std::string name);

struct SummaryEstimateInput {
  std::string number;
  std::string name;
  CalendarDate date;  // the estimate's date: decides the VAT rate
  std::vector<SummaryLine> lines;
  Decimal contingency_percent;         // 0 for none; 421/пр п.179 (2 % / 3 %)
  std::optional<Decimal> vat_percent;  // overrides the rate by date
  // Further amounts outside the VAT base (тыс. руб.), when exempt costs are not lines of their own.
  std::optional<CostColumns> vat_exempt_amount;
};

struct SummaryLineResult {
  int chapter = 1;
  std::string number;
  std::string justification;
  std::string name;
  CostColumns amounts;
};

struct SummaryEstimateResult {
  std::vector<SummaryLineResult> lines;  // in chapter order, input order within a chapter
  std::array<CostColumns, kSummaryChapters> chapters;    // «Итого по главе N»
  std::array<CostColumns, kSummaryChapters> cumulative;  // «Итого по главам 1–N»
  CostColumns contingency;             // «Резерв на непредвиденные»
  CostColumns total_with_contingency;  // «Итого с непредвиденными»
  CostColumns vat_base;
  Decimal vat_percent;
  CostColumns vat;
  CostColumns total;  // «ВСЕГО по сводному сметному расчёту»
};

// Fails with kInvalidArgument naming the line for a chapter outside 1–12, a percentage line whose
// base is not entirely before it, a bad date, or an overflow.
Result<SummaryEstimateResult> CalculateSummaryEstimate(const SummaryEstimateInput& input);

// An ОСР as a line of the ССР (its totals are already in тыс. руб.).
SummaryLine ObjectEstimateSummaryLine(int chapter, std::string justification, std::string name,
                                      const ObjectEstimateResult& object_estimate);

}  // namespace estimate::core
