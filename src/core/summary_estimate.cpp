#include "core/summary_estimate.hpp"

#include <string>
#include <utility>

namespace estimate::core {

namespace {

constexpr const char* kChapterTitles[kSummaryChapters] = {
    "Подготовка территории строительства",
    "Основные объекты строительства",
    "Объекты подсобного и обслуживающего назначения",
    "Объекты энергетического хозяйства",
    "Объекты транспортного хозяйства и связи",
    "Наружные сети и сооружения водоснабжения, водоотведения, теплоснабжения и газоснабжения",
    "Благоустройство и озеленение территории",
    "Временные здания и сооружения",
    "Прочие работы и затраты",
    "Содержание службы заказчика. Строительный контроль",
    "Подготовка эксплуатационных кадров",
    "Публичный технологический и ценовой аудит, проектные и изыскательские работы",
};

}  // namespace

const char* SummaryChapterTitle(int chapter) {
  return chapter >= 1 && chapter <= kSummaryChapters ? kChapterTitles[chapter - 1] : "";
}


namespace {

constexpr CostColumn kColumns[] = {CostColumn::kConstruction, CostColumn::kInstallation,
                                   CostColumn::kEquipment, CostColumn::kOther};

Decimal Percent(Decimal base, Decimal percent) {
  return (base * percent * Decimal::Literal("0.01")).Round(2);
}

Decimal Abs(Decimal d) { return d.IsNegative() ? -d : d; }

// A percentage of `base`, column by column. Inferred rule (documented in the header): each column
// is rounded on its own, the total is the rounded percentage of the base total, and the residue
// of those roundings (a kopeck or two) goes to the largest column so that the line adds up — the
// ССР sample prints VAT 7 166 912.93 = round2(35 834 564.65 × 20 %), whereas its rounded columns
// would give 7 166 912.94.
CostColumns PercentByColumn(const CostColumns& base, Decimal percent) {
  CostColumns r;
  for (CostColumn c : kColumns) r.At(c) = Percent(base.At(c), percent);
  r.Sum();
  const Decimal total =
      Percent(base.construction + base.installation + base.equipment + base.other, percent);
  const Decimal residue = total - r.total;
  if (!residue.IsZero()) {
    CostColumn largest = CostColumn::kConstruction;
    for (CostColumn c : kColumns) {
      if (Abs(r.At(c)) > Abs(r.At(largest))) largest = c;
    }
    r.At(largest) += residue;
    r.Sum();
  }
  return r;
}

CostColumns Masked(const CostColumns& c, const PercentBase& base) {
  CostColumns r;
  if (base.construction) r.construction = c.construction;
  if (base.installation) r.installation = c.installation;
  if (base.equipment) r.equipment = c.equipment;
  if (base.other) r.other = c.other;
  r.Sum();
  return r;
}

Status CheckColumns(const CostColumns& c, const std::string& where) {
  for (const Decimal* d : {&c.construction, &c.installation, &c.equipment, &c.other, &c.total}) {
    if (Status s = CheckDecimal(*d, where); !s.ok()) return s;
  }
  return Status::Ok();
}

bool ValidDate(CalendarDate d) {
  if (d.year < 1900 || d.year > 9999 || d.month < 1 || d.month > 12 || d.day < 1) return false;
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (d.day > kDays[d.month - 1]) return false;
  const bool leap = (d.year % 4 == 0 && d.year % 100 != 0) || d.year % 400 == 0;
  return !(d.month == 2 && d.day == 29 && !leap);
}

}  // namespace

Decimal VatPercentOn(CalendarDate date) {
  const bool from_2026 = date.year >= 2026;
  return Decimal::FromInt(from_2026 ? 22 : 20);
}

SummaryLine AmountLine(int chapter, std::string justification, std::string name,
                       CostColumns amounts) {
  SummaryLine line;
  line.chapter = chapter;
  line.justification = std::move(justification);
  line.name = std::move(name);
  line.kind = SummaryLineKind::kAmount;
  line.amounts = amounts;
  return line;
}

SummaryLine PercentLine(int chapter, Decimal percent, PercentBase base, PercentTarget target,
                        std::string justification, std::string name) {
  SummaryLine line;
  line.chapter = chapter;
  line.justification = std::move(justification);
  line.name = std::move(name);
  line.kind = SummaryLineKind::kPercent;
  line.percent = percent;
  line.base = std::move(base);
  line.target = target;
  return line;
}

SummaryLine TemporaryBuildingsLine(Decimal percent, std::string justification, std::string name) {
  PercentBase base;
  base.first_chapter = 1;
  base.last_chapter = 7;
  return PercentLine(8, percent, base, PercentTarget::kSameColumns, std::move(justification),
                     std::move(name));
}

SummaryLine WinterCostsLine(Decimal percent, std::string justification, std::string name) {
  PercentBase base;
  base.first_chapter = 1;
  base.last_chapter = 8;
  return PercentLine(9, percent, base, PercentTarget::kSameColumns, std::move(justification),
                     std::move(name));
}

SummaryLine ObjectEstimateSummaryLine(int chapter, std::string justification, std::string name,
                                      const ObjectEstimateResult& object_estimate) {
  return AmountLine(chapter, std::move(justification), std::move(name), object_estimate.total);
}

Result<SummaryEstimateResult> CalculateSummaryEstimate(const SummaryEstimateInput& input) {
  if (!input.vat_percent && !ValidDate(input.date)) {
    return InvalidArgument("date: not a calendar date");
  }
  for (size_t i = 0; i < input.lines.size(); ++i) {
    const SummaryLine& line = input.lines[i];
    const std::string where = "lines[" + std::to_string(i) + "]";
    if (line.chapter < 1 || line.chapter > kSummaryChapters) {
      return InvalidArgument(where + ".chapter: must be 1 to 12");
    }
    if (line.kind == SummaryLineKind::kPercent && !line.base.amount) {
      // A percentage may only rest on chapters already closed, so that the order of evaluation,
      // chapter by chapter, is well defined.
      if (line.base.first_chapter < 1 || line.base.first_chapter > line.base.last_chapter ||
          line.base.last_chapter >= line.chapter) {
        return InvalidArgument(where + ".base: chapters must lie before the line's own chapter");
      }
    }
  }

  SummaryEstimateResult result;
  CostColumns exempt;
  for (int chapter = 1; chapter <= kSummaryChapters; ++chapter) {
    CostColumns& chapter_total = result.chapters[chapter - 1];
    for (size_t i = 0; i < input.lines.size(); ++i) {
      const SummaryLine& line = input.lines[i];
      if (line.chapter != chapter) continue;
      SummaryLineResult r{line.chapter, line.number, line.justification, line.name, {}};
      if (line.kind == SummaryLineKind::kAmount) {
        r.amounts = line.amounts;
        r.amounts.Sum();
      } else {
        CostColumns base;
        if (line.base.amount) {
          base = Masked(*line.base.amount, line.base);
        } else {
          base = Masked(result.cumulative[line.base.last_chapter - 1], line.base);
          if (line.base.first_chapter > 1) {
            base = base - Masked(result.cumulative[line.base.first_chapter - 2], line.base);
          }
        }
        if (line.target == PercentTarget::kSameColumns) {
          r.amounts = PercentByColumn(base, line.percent);
        } else {
          r.amounts.other = Percent(base.total, line.percent);
          r.amounts.Sum();
        }
      }
      if (Status s = CheckColumns(r.amounts, "lines[" + std::to_string(i) + "]"); !s.ok()) {
        return s;
      }
      if (line.vat_exempt) exempt = exempt + r.amounts;
      chapter_total = chapter_total + r.amounts;
      result.lines.push_back(std::move(r));
    }
    result.cumulative[chapter - 1] =
        chapter == 1 ? chapter_total : result.cumulative[chapter - 2] + chapter_total;
  }

  const CostColumns& chapters_1_12 = result.cumulative[kSummaryChapters - 1];
  result.contingency = PercentByColumn(chapters_1_12, input.contingency_percent);
  result.total_with_contingency = chapters_1_12 + result.contingency;
  if (input.vat_exempt_amount) {
    CostColumns extra = *input.vat_exempt_amount;
    extra.Sum();
    exempt = exempt + extra;
  }
  result.vat_base = result.total_with_contingency - exempt;
  result.vat_percent = input.vat_percent ? *input.vat_percent : VatPercentOn(input.date);
  result.vat = PercentByColumn(result.vat_base, result.vat_percent);
  result.total = result.total_with_contingency + result.vat;
  if (Status s = CheckColumns(result.total, "total"); !s.ok()) return s;
  return result;
}

}  // namespace estimate::core
