#include "core/base_index_calculator.hpp"

#include <string>
#include <utility>

namespace estimate::core {

namespace {

const Decimal kOne = Decimal::FromInt(1);

Decimal Round2(Decimal d) { return d.Round(2); }
Decimal Round7(Decimal d) { return d.Round(7); }

// The part of a position's pay or cost that a percent takes: round2(base × percent / 100), with
// the percent already combined with its factor (round7, as the XSD prescribes for ValueTotal).
Decimal PercentOf(Decimal base, Decimal percent) {
  return Round2(base * percent * Decimal::Literal("0.01"));
}

using Selector = std::optional<Decimal> (*)(const BaseIndexCoefficient&);

// One resulting factor: the additive прил.10 coefficients sum their increments, the other прил.10
// coefficients multiply that sum (rounded to 2 decimals when both kinds meet), and the rest
// multiply the result exactly.
Decimal Combine(const std::vector<BaseIndexCoefficient>& coefficients, Selector select) {
  Decimal additive = kOne;
  Decimal appendix_product = kOne;
  Decimal rest = kOne;
  bool has_additive = false;
  bool has_appendix_product = false;
  for (const BaseIndexCoefficient& c : coefficients) {
    std::optional<Decimal> value = select(c);
    if (!value) continue;
    switch (c.combination) {
      case BaseIndexCombination::kAppendix10Additive:
        additive += *value - kOne;
        has_additive = true;
        break;
      case BaseIndexCombination::kAppendix10Multiply:
        appendix_product *= *value;
        has_appendix_product = true;
        break;
      case BaseIndexCombination::kMultiply:
        rest *= *value;
        break;
    }
  }
  Decimal appendix = additive * appendix_product;
  if (has_additive && has_appendix_product) appendix = Round2(appendix);
  return appendix * rest;
}

std::optional<Decimal> SelectOt(const BaseIndexCoefficient& c) {
  return c.workers_pay ? c.workers_pay : c.labor;
}
std::optional<Decimal> SelectOtm(const BaseIndexCoefficient& c) {
  return c.machinists_pay ? c.machinists_pay : c.machinist_labor;
}
std::optional<Decimal> SelectMachinistLabor(const BaseIndexCoefficient& c) {
  return c.machinist_labor;
}
std::optional<Decimal> SelectLabor(const BaseIndexCoefficient& c) { return c.labor; }
std::optional<Decimal> SelectMachines(const BaseIndexCoefficient& c) { return c.machines; }
std::optional<Decimal> SelectMaterials(const BaseIndexCoefficient& c) { return c.materials; }

Decimal PricedLine(Decimal quantity, Decimal price, Decimal factor) {
  return Round2(quantity * price * factor);
}

void Add(BaseIndexAmounts& to, const BaseIndexAmounts& a) { AddAmounts(to, a); }

}  // namespace

void AddAmounts(BaseIndexAmounts& to, const BaseIndexAmounts& a) {
  to.ot += a.ot;
  to.em += a.em;
  to.otm += a.otm;
  to.otm_extra += a.otm_extra;
  to.m += a.m;
  to.transport += a.transport;
  to.equipment += a.equipment;
  to.equipment_transport += a.equipment_transport;
  to.other += a.other;
  to.direct += a.direct;
  to.fot += a.fot;
  to.overhead += a.overhead;
  to.profit += a.profit;
  to.total += a.total;
}

Decimal BaseIndexLine(const Decimal& quantity, const Decimal& price, const Decimal& factor) {
  return (quantity * price * factor).Round(2);
}

BaseIndexPayIndices PayIndicesOf(const BaseIndexPosition& p, const BaseIndexIndices& indices) {
  if (p.pay_index) return {*p.pay_index, *p.pay_index};
  return {indices.workers_pay, indices.machinists_pay.value_or(indices.workers_pay)};
}

BaseIndexCombination CombinationOfReason(const std::string& reason) {
  if (reason.find("прил.10_т.1") != std::string::npos) {
    return BaseIndexCombination::kAppendix10Additive;
  }
  if (reason.find("прил.10_т.2") != std::string::npos ||
      reason.find("прил.10_т.3") != std::string::npos) {
    return BaseIndexCombination::kAppendix10Multiply;
  }
  return BaseIndexCombination::kMultiply;
}

namespace {

Status CheckAmounts(const BaseIndexAmounts& a, const std::string& where) {
  for (const Decimal* d :
       {&a.ot, &a.em, &a.otm, &a.otm_extra, &a.m, &a.transport, &a.equipment,
        &a.equipment_transport, &a.other, &a.direct, &a.fot, &a.overhead, &a.profit, &a.total}) {
    if (Status s = CheckDecimal(*d, where); !s.ok()) return s;
  }
  return Status::Ok();
}

bool IsWorkColumn(CostColumn c) {
  return c == CostColumn::kConstruction || c == CostColumn::kInstallation;
}

Result<BaseIndexPositionResult> CalculatePosition(const BaseIndexPosition& p,
                                                  const BaseIndexIndices& indices,
                                                  const std::string& where) {
  BaseIndexPositionResult r;
  r.number = p.number;
  r.column = p.column;
  BaseIndexAmounts& base = r.base;
  BaseIndexAmounts& cur = r.current;
  const Decimal v = p.quantity;
  if (!v.ok()) return InvalidArgument(where + ".quantity: not a number");

  const bool equipment_position = p.column == CostColumn::kEquipment;
  for (const BaseIndexTransportLine& t : p.transport) {
    Decimal line = PricedLine(t.quantity, t.base_price, t.price_factor);
    Decimal line_cur = Round2(line * t.index);
    if (equipment_position) {
      base.equipment_transport += line;
      cur.equipment_transport += line_cur;
    } else {
      base.transport += line;
      cur.transport += line_cur;
    }
  }

  if (p.type == BaseIndexPositionType::kResource) {
    Decimal line = PricedLine(v, p.base_price, p.price_factor);
    switch (p.column) {
      case CostColumn::kConstruction:
      case CostColumn::kInstallation:
        base.m = line;
        break;
      case CostColumn::kEquipment:
        base.equipment = line;
        break;
      case CostColumn::kOther:
        base.other = line;
        break;
    }
    base.direct = base.m + base.transport;
    base.total = base.direct + base.equipment + base.equipment_transport + base.other;
  } else {
    if (p.column == CostColumn::kEquipment) {
      return InvalidArgument(where +
                             ".column: a norm counts in construction, installation or other");
    }
    const BaseIndexResultingCoefficients k = CombineBaseIndexCoefficients(p.coefficients);
    r.k = k;
    const BaseIndexUnitRate& u = p.unit_rate;
    base.ot = Round2(v * u.workers_pay * k.ot);
    base.em =
        Round2(v * ((u.machines - u.machinists_pay) * k.em + u.machinists_pay * k.otm_in_machines));
    base.otm = Round2(v * u.machinists_pay * k.otm_in_machines);
    base.otm_extra = Round2(v * u.machinists_pay * (k.otm - k.otm_in_machines));
    const Decimal norm_materials = Round2(v * u.materials * k.m);
    base.m = norm_materials;
    for (const BaseIndexPricedLine& l : p.materials) {
      base.m += PricedLine(l.quantity, l.base_price, l.price_factor);
    }
    for (const BaseIndexPricedLine& l : p.equipment) {
      base.equipment += PricedLine(l.quantity, l.base_price, l.price_factor);
    }
    r.norm_direct = base.ot + base.em + norm_materials;
    r.labor_hours = Round7(v * u.labor_hours * k.labor_hours);
    r.machinist_hours = Round7(v * u.machinist_hours * k.machinist_hours);

    base.fot = base.ot + base.otm + base.otm_extra;
    const Decimal overhead_percent =
        p.overhead ? Round7(p.overhead->percent * p.overhead->k) : Decimal();
    const Decimal profit_percent = p.profit ? Round7(p.profit->percent * p.profit->k) : Decimal();
    base.overhead = PercentOf(base.fot, overhead_percent);
    base.profit = PercentOf(base.fot, profit_percent);
    base.direct = base.ot + base.em + base.otm_extra + base.m + base.transport;
    base.total =
        base.direct + base.overhead + base.profit + base.equipment + base.equipment_transport;

    if (indices.indexing == BaseIndexIndexing::kByCostElement) {
      const BaseIndexPayIndices pay = PayIndicesOf(p, indices);
      cur.ot = Round2(base.ot * pay.workers_pay);
      cur.otm = Round2(base.otm * pay.machinists_pay);
      cur.otm_extra = Round2(base.otm_extra * pay.machinists_pay);
      cur.fot = cur.ot + cur.otm + cur.otm_extra;
      cur.overhead = PercentOf(cur.fot, overhead_percent);
      cur.profit = PercentOf(cur.fot, profit_percent);
    }
  }
  if (Status s = CheckAmounts(base, where); !s.ok()) return s;
  if (Status s = CheckAmounts(cur, where); !s.ok()) return s;
  return r;
}

// The current level of a construction or installation block from its base sums and the
// per-position indexed figures already summed into `block.current`.
void IndexWorkBlock(BaseIndexBlock& block, const BaseIndexIndices& indices) {
  BaseIndexAmounts& cur = block.current;
  const BaseIndexAmounts& base = block.base;
  if (indices.indexing == BaseIndexIndexing::kToConstructionInstallation) {
    const Decimal transport = cur.transport;
    cur = BaseIndexAmounts{};
    cur.transport = transport;
    cur.total =
        Round2((base.total - base.transport) * indices.construction_installation) + transport;
    return;
  }
  cur.em = Round2(base.em * indices.machines);
  cur.m = Round2(base.m * indices.materials);
  cur.direct = cur.ot + cur.em + cur.otm_extra + cur.m + cur.transport;
  cur.total = cur.direct + cur.overhead + cur.profit;
}

}  // namespace

BaseIndexResultingCoefficients CombineBaseIndexCoefficients(
    const std::vector<BaseIndexCoefficient>& coefficients) {
  BaseIndexResultingCoefficients k;
  k.ot = Combine(coefficients, SelectOt);
  k.em = Combine(coefficients, SelectMachines);
  k.otm_in_machines = Combine(coefficients, SelectMachinistLabor);
  k.otm = Combine(coefficients, SelectOtm);
  k.m = Combine(coefficients, SelectMaterials);
  k.labor_hours = Combine(coefficients, SelectLabor);
  k.machinist_hours = Combine(coefficients, SelectMachinistLabor);
  return k;
}

namespace {

// A position's figures into the blocks of its estimate or section.
void AddToBlocks(BaseIndexBlocks& blocks, const BaseIndexPositionResult& pr) {
  // Equipment always goes to the equipment block, whatever the position's column.
  blocks.equipment.base.equipment += pr.base.equipment;
  blocks.equipment.base.equipment_transport += pr.base.equipment_transport;
  blocks.equipment.current.equipment_transport += pr.current.equipment_transport;
  BaseIndexBlock* block = nullptr;
  if (IsWorkColumn(pr.column)) {
    block = pr.column == CostColumn::kConstruction ? &blocks.construction : &blocks.installation;
    BaseIndexAmounts base = pr.base;
    base.equipment = Decimal();
    base.equipment_transport = Decimal();
    base.total = base.direct + base.overhead + base.profit;
    Add(block->base, base);
    BaseIndexAmounts cur = pr.current;
    cur.equipment_transport = Decimal();
    Add(block->current, cur);
  } else if (pr.column == CostColumn::kOther) {
    block = &blocks.other;
    const Decimal other = pr.base.total - pr.base.equipment - pr.base.equipment_transport;
    block->base.other += other;
    block->base.total += other;
  } else {
    block = &blocks.equipment;
  }
  block->labor_hours += pr.labor_hours;
  block->machinist_hours += pr.machinist_hours;
}

// The current level of the blocks indexed on their totals, and the total block.
void FinishBlocks(BaseIndexBlocks& blocks, const BaseIndexIndices& indices) {
  IndexWorkBlock(blocks.construction, indices);
  IndexWorkBlock(blocks.installation, indices);

  BaseIndexBlock& eq = blocks.equipment;
  eq.base.total = eq.base.equipment + eq.base.equipment_transport;
  eq.current.equipment = Round2(eq.base.equipment * indices.equipment);
  eq.current.total = eq.current.equipment + eq.current.equipment_transport;

  BaseIndexBlock& other = blocks.other;
  other.current.other = Round2(other.base.other * indices.other);
  other.current.total = other.current.other;

  for (const BaseIndexBlock* b :
       {&blocks.construction, &blocks.installation, &blocks.equipment, &blocks.other}) {
    Add(blocks.total.base, b->base);
    Add(blocks.total.current, b->current);
    blocks.total.labor_hours += b->labor_hours;
    blocks.total.machinist_hours += b->machinist_hours;
  }
}

}  // namespace

Result<BaseIndexResult> CalculateBaseIndexEstimate(const BaseIndexEstimate& estimate) {
  BaseIndexResult result;
  const BaseIndexIndices& indices = estimate.indices;
  for (size_t si = 0; si < estimate.sections.size(); ++si) {
    const BaseIndexSection& section = estimate.sections[si];
    BaseIndexSectionResult section_result;
    section_result.name = section.name;
    for (size_t pi = 0; pi < section.positions.size(); ++pi) {
      const BaseIndexPosition& p = section.positions[pi];
      const std::string where =
          "sections[" + std::to_string(si) + "].positions[" + std::to_string(pi) + "]";
      Result<BaseIndexPositionResult> r = CalculatePosition(p, indices, where);
      if (!r.ok()) return r.status();
      const BaseIndexPositionResult& pr = *r;
      Add(section_result.base, pr.base);
      Add(section_result.current, pr.current);
      section_result.labor_hours += pr.labor_hours;
      section_result.machinist_hours += pr.machinist_hours;
      AddToBlocks(section_result.blocks, pr);
      AddToBlocks(result, pr);
      result.positions.push_back(std::move(*r));
    }
    FinishBlocks(section_result.blocks, indices);
    result.sections.push_back(std::move(section_result));
  }
  FinishBlocks(result, indices);
  if (Status s = CheckAmounts(result.total.base, "totals"); !s.ok()) return s;
  if (Status s = CheckAmounts(result.total.current, "totals"); !s.ok()) return s;
  return result;
}

ObjectEstimateLine ToObjectEstimateLine(const BaseIndexResult& result, std::string number,
                                        std::string name) {
  ObjectEstimateLine line;
  line.number = std::move(number);
  line.name = std::move(name);
  line.construction = result.construction.current.total;
  line.installation = result.installation.current.total;
  line.equipment = result.equipment.current.total;
  line.other = result.other.current.total;
  const BaseIndexAmounts& cur = result.total.current;
  line.details = {cur.ot,        cur.em + cur.otm_extra, cur.otm,   cur.m,
                  cur.transport, cur.overhead,           cur.profit};
  return line;
}

}  // namespace estimate::core
