#include "core/resource_index_calculator.hpp"

#include <string_view>
#include <utility>

namespace estimate::core {
namespace {

constexpr int kQuantityPlaces = 7;
constexpr int kPricePlaces = 2;
constexpr int kPercentPlaces = 7;

const Decimal kOne = Decimal::FromInt(1);
const Decimal kHundredth = Decimal::FromRaw(1, 2);

// Market-priced resources (конъюнктурный анализ) carry codes ТЦ_…; the form lists their sum as
// «отсутствующие в ФРСН».
bool IsMarketPriced(std::string_view code) { return code.rfind("ТЦ_", 0) == 0; }

Decimal CurrentPrice(const UnitPrice& p) {
  switch (p.source) {
    case UnitPrice::Source::kCurrent:
      return p.price;
    case UnitPrice::Source::kBaseIndex:
      return Decimal::MulRound(p.base_price, p.index, kPricePlaces);
    case UnitPrice::Source::kNone:
      break;
  }
  return Decimal();
}

Decimal ConsumptionFactor(ResourceKind kind, const ResultingCoefficients& k) {
  switch (kind) {
    case ResourceKind::kLabor:
      return k.labor;
    case ResourceKind::kMachine:
      return k.machines;
    case ResourceKind::kMaterial:
    case ResourceKind::kEquipment:
      return k.materials;
  }
  return k.materials;
}

Rate Overridden(const Rate& rate, const std::optional<RateOverride>& override_rate) {
  Rate r = rate;
  if (override_rate) {
    if (override_rate->percent) r.percent = *override_rate->percent;
    if (override_rate->k) r.k = *override_rate->k;
  }
  return r;
}

std::string PositionPath(std::size_t section, std::size_t position) {
  return "sections[" + std::to_string(section) + "].positions[" + std::to_string(position) + "]";
}

void WithoutEquipment(Figures* f) {
  f->total -= f->equipment;
  f->extra = Decimal();
  f->equipment = Decimal();
  f->market_equipment = Decimal();
}

void CalculateNorm(const Position& pos, const CalcOptions& options, Figures* f,
                   PositionDetail* detail) {
  const int mp = options.money_places;
  const ResultingCoefficients k = CombineCoefficients(pos.coefficients);
  const Decimal quantity = pos.quantity;
  Decimal labor_without_k;  // ОТ with K_labor = 1, the base of the п.75 materials in ПК РИК
  if (detail != nullptr) {
    detail->k = k;
    detail->resources.assign(pos.resources.size(), ComputedLine{});
    detail->machinists.assign(pos.resources.size(), ComputedLine{});
  }
  for (std::size_t i = 0; i < pos.resources.size(); ++i) {
    const Resource& r = pos.resources[i];
    if (r.by_project) continue;
    const Decimal q =
        Decimal::MulRound(r.consumption * ConsumptionFactor(r.kind, k), quantity, kQuantityPlaces);
    const bool priced = r.price.priced();
    Decimal price;
    Decimal line;
    if (priced) {
      price = CurrentPrice(r.price);
      line = Decimal::MulRound(q, price, mp);
    }
    switch (r.kind) {
      case ResourceKind::kLabor:
        f->ot += line;
        f->labor_hours += q;
        if (priced && pos.auxiliary_materials &&
            pos.auxiliary_materials->base ==
                AuxiliaryMaterials::Base::kLaborWithoutCoefficients) {
          labor_without_k += Decimal::MulRound(
              Decimal::MulRound(r.consumption, quantity, kQuantityPlaces), price, mp);
        }
        break;
      case ResourceKind::kMachine:
        f->em += line;
        break;
      case ResourceKind::kMaterial:
        f->m += line;
        if (IsMarketPriced(r.code)) f->market_materials += line;
        break;
      case ResourceKind::kEquipment:
        f->equipment += line;
        if (IsMarketPriced(r.code)) f->market_equipment += line;
        break;
    }
    if (detail != nullptr) detail->resources[i] = {q, price, line, priced};
    if (r.kind == ResourceKind::kMachine && r.machinist) {
      const Machinist& mach = *r.machinist;
      const Decimal qm = Decimal::MulRound(
          r.consumption * mach.labor_per_machine_hour * k.machinist_labor, quantity,
          kQuantityPlaces);
      f->machinist_hours += qm;
      Decimal mprice;
      Decimal mline;
      if (mach.price.priced()) {
        mprice = CurrentPrice(mach.price);
        mline = Decimal::MulRound(qm, mprice, mp);
        f->otm += mline;
      }
      if (detail != nullptr) detail->machinists[i] = {qm, mprice, mline, mach.price.priced()};
    }
  }
  if (detail != nullptr) detail->extra.assign(pos.extra.size(), ComputedLine{});
  for (std::size_t i = 0; i < pos.extra.size(); ++i) {
    const ExtraRow& x = pos.extra[i];
    const Decimal q = x.quantity.Round(kQuantityPlaces);
    const bool priced = x.price.priced();
    Decimal price;
    Decimal line;
    if (priced) {
      price = CurrentPrice(x.price);
      line = Decimal::MulRound(q, price, mp);
    }
    f->extra += line;
    if (x.kind == ResourceKind::kEquipment) {
      f->equipment += line;
      if (IsMarketPriced(x.code)) f->market_equipment += line;
    } else {
      f->m += line;
      if (IsMarketPriced(x.code)) f->market_materials += line;
    }
    if (detail != nullptr) detail->extra[i] = {q, price, line, priced};
  }
  if (pos.auxiliary_materials) {
    const AuxiliaryMaterials& aux = *pos.auxiliary_materials;
    const Decimal base =
        aux.base == AuxiliaryMaterials::Base::kLabor ? f->ot : labor_without_k;
    const Decimal line = Decimal::MulRound(base, aux.percent * kHundredth, mp);
    f->m += line;
    f->extra += line;
    if (detail != nullptr) detail->auxiliary_materials = line;
  }
  f->fot = f->ot + f->otm;
  f->direct = f->ot + f->em + f->otm + f->m;
  Rate overhead;
  Rate profit;
  if (pos.overhead) {
    overhead = Overridden(*pos.overhead, options.overhead_override);
    const Decimal pct = (overhead.percent * overhead.k).Round(kPercentPlaces);
    f->overhead = Decimal::MulRound(f->fot, pct * kHundredth, mp);
    if (detail != nullptr) detail->overhead_percent = pct;
  }
  if (pos.profit) {
    profit = Overridden(*pos.profit, options.profit_override);
    const Decimal pct = (profit.percent * profit.k).Round(kPercentPlaces);
    f->profit = Decimal::MulRound(f->fot, pct * kHundredth, mp);
    if (detail != nullptr) detail->profit_percent = pct;
  }
  if (detail != nullptr) {
    detail->overhead = std::move(overhead);
    detail->profit = std::move(profit);
  }
}

void CalculateResourcePosition(const Position& pos, const CalcOptions& options, Figures* f) {
  const Decimal q = pos.quantity.Round(kQuantityPlaces);
  Decimal line;
  if (pos.price.priced()) line = Decimal::MulRound(q, CurrentPrice(pos.price), options.money_places);
  const bool market = IsMarketPriced(pos.code);
  switch (pos.kind) {
    case ResourceKind::kMaterial:
      f->m = line;
      if (market) f->market_materials = line;
      break;
    case ResourceKind::kMachine:
      f->em = line;
      break;
    case ResourceKind::kLabor:
      f->ot = line;
      f->fot = line;
      f->labor_hours = q;
      break;
    case ResourceKind::kEquipment:
      f->equipment = line;
      if (market) f->market_equipment = line;
      break;
  }
  f->direct = f->ot + f->em + f->otm + f->m;
}

}  // namespace

ResultingCoefficients CombineCoefficients(const std::vector<Coefficient>& coefficients) {
  ResultingCoefficients product;
  ResultingCoefficients sum;  // 1 + Σ(k − 1) over the additive ones
  bool any_additive = false;
  for (const Coefficient& c : coefficients) {
    if (c.combination == CoefficientCombination::kAdditive) {
      any_additive = true;
      sum.labor += c.labor - kOne;
      sum.machinist_labor += c.machinist_labor - kOne;
      sum.machines += c.machines - kOne;
      sum.materials += c.materials - kOne;
    } else {
      product.labor *= c.labor;
      product.machinist_labor *= c.machinist_labor;
      product.machines *= c.machines;
      product.materials *= c.materials;
    }
  }
  if (any_additive) {
    product.labor *= sum.labor;
    product.machinist_labor *= sum.machinist_labor;
    product.machines *= sum.machines;
    product.materials *= sum.materials;
  }
  return product;
}

Figures ExcludingEquipment(Figures figures) {
  WithoutEquipment(&figures);
  return figures;
}

Result<PositionResult> CalculatePosition(const Position& position, const CalcOptions& options,
                                         PositionDetail* detail) {
  PositionResult r;
  Figures& f = r.figures;
  if (position.type == PositionType::kNorm) {
    CalculateNorm(position, options, &f, detail);
  } else {
    CalculateResourcePosition(position, options, &f);
  }
  f.total = f.direct + f.equipment + f.overhead + f.profit;
  r.per_unit = position.quantity.IsZero()
                   ? Decimal::FromRaw(0, kPricePlaces)
                   : Decimal::Divide(f.total, position.quantity, kPricePlaces);
  if (!f.ok() || !r.per_unit.ok()) {
    return InvalidArgument("a figure is too large to compute exactly");
  }
  return r;
}

Result<ResourceIndexCalculation> ResourceIndexCalculation::Calculate(const Estimate& estimate) {
  ResourceIndexCalculation calc;
  EstimateResult& out = calc.result_;
  out.positions.resize(estimate.sections.size());
  out.sections.resize(estimate.sections.size());
  calc.work_kinds_.resize(estimate.sections.size());
  for (std::size_t s = 0; s < estimate.sections.size(); ++s) {
    const Section& section = estimate.sections[s];
    out.sections[s].name = section.name;
    out.positions[s].reserve(section.positions.size());
    calc.work_kinds_[s].reserve(section.positions.size());
    for (std::size_t p = 0; p < section.positions.size(); ++p) {
      const Position& pos = section.positions[p];
      Result<PositionResult> r = CalculatePosition(pos, estimate.options);
      if (!r.ok()) {
        return InvalidArgument(PositionPath(s, p) + ": " + r.status().message());
      }
      out.positions[s].push_back(*r);
      calc.work_kinds_[s].push_back(pos.work_kind);
      calc.AddToTotals(s, pos.work_kind, *r, /*subtract=*/false);
    }
  }
  if (!out.totals.figures.ok() || !out.totals.construction.ok() ||
      !out.totals.installation.ok()) {
    return InvalidArgument("totals: a figure is too large to compute exactly");
  }
  return calc;
}

void ResourceIndexCalculation::AddToTotals(std::size_t section, WorkKind work_kind,
                                           const PositionResult& r, bool subtract) {
  Figures by_kind = r.figures;
  WithoutEquipment(&by_kind);
  Figures& kind_totals = work_kind == WorkKind::kInstallation ? result_.totals.installation
                                                              : result_.totals.construction;
  if (subtract) {
    result_.sections[section].figures.Subtract(r.figures);
    result_.totals.figures.Subtract(r.figures);
    kind_totals.Subtract(by_kind);
  } else {
    result_.sections[section].figures.Add(r.figures);
    result_.totals.figures.Add(r.figures);
    kind_totals.Add(by_kind);
  }
}

Status ResourceIndexCalculation::Reprice(std::size_t section, std::size_t position,
                                         const Position& changed, const CalcOptions& options) {
  if (section >= result_.positions.size() || position >= result_.positions[section].size()) {
    return NotFound(PositionPath(section, position) + ": no such position");
  }
  Result<PositionResult> r = CalculatePosition(changed, options);
  if (!r.ok()) return InvalidArgument(PositionPath(section, position) + ": " + r.status().message());
  return Reprice(section, position, changed.work_kind, *r);
}

Status ResourceIndexCalculation::Reprice(std::size_t section, std::size_t position,
                                         WorkKind work_kind, const PositionResult& figures) {
  if (section >= result_.positions.size() || position >= result_.positions[section].size()) {
    return NotFound(PositionPath(section, position) + ": no such position");
  }
  // Work on copies of the touched sums so that an overflow leaves everything as it was.
  const Figures section_before = result_.sections[section].figures;
  const Totals totals_before = result_.totals;
  AddToTotals(section, work_kinds_[section][position], result_.positions[section][position],
              /*subtract=*/true);
  AddToTotals(section, work_kind, figures, /*subtract=*/false);
  if (!result_.sections[section].figures.ok() || !result_.totals.figures.ok() ||
      !result_.totals.construction.ok() || !result_.totals.installation.ok()) {
    result_.sections[section].figures = section_before;
    result_.totals = totals_before;
    return InvalidArgument("totals: a figure is too large to compute exactly");
  }
  result_.positions[section][position] = figures;
  work_kinds_[section][position] = work_kind;
  return Status::Ok();
}

Result<EstimateResult> CalculateResourceIndex(const Estimate& estimate) {
  Result<ResourceIndexCalculation> calc = ResourceIndexCalculation::Calculate(estimate);
  if (!calc.ok()) return calc.status();
  return std::move(calc).value().result();
}

}  // namespace estimate::core
