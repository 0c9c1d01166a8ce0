#include "core/object_estimate.hpp"

#include <string>

namespace estimate::core {

Decimal& CostColumns::At(CostColumn column) {
  switch (column) {
    case CostColumn::kConstruction:
      return construction;
    case CostColumn::kInstallation:
      return installation;
    case CostColumn::kEquipment:
      return equipment;
    case CostColumn::kOther:
      break;
  }
  return other;
}

Decimal CostColumns::At(CostColumn column) const {
  return const_cast<CostColumns*>(this)->At(column);
}

void CostColumns::Sum() { total = construction + installation + equipment + other; }

CostColumns operator+(const CostColumns& a, const CostColumns& b) {
  CostColumns r{a.construction + b.construction,
                a.installation + b.installation,
                a.equipment + b.equipment,
                a.other + b.other,
                {}};
  r.Sum();
  return r;
}

CostColumns operator-(const CostColumns& a, const CostColumns& b) {
  CostColumns r{a.construction - b.construction,
                a.installation - b.installation,
                a.equipment - b.equipment,
                a.other - b.other,
                {}};
  r.Sum();
  return r;
}

CostDetails operator+(const CostDetails& a, const CostDetails& b) {
  return {a.ot + b.ot,
          a.em + b.em,
          a.otm + b.otm,
          a.m + b.m,
          a.transport + b.transport,
          a.overhead + b.overhead,
          a.profit + b.profit};
}

Decimal ToThousands(Decimal roubles) { return Decimal::Divide(roubles, Decimal::FromInt(1000), 2); }

namespace {

Status CheckColumns(const CostColumns& c, const std::string& where) {
  for (const Decimal* d : {&c.construction, &c.installation, &c.equipment, &c.other, &c.total}) {
    if (Status s = CheckDecimal(*d, where); !s.ok()) return s;
  }
  return Status::Ok();
}

Status CheckDetails(const CostDetails& d, const std::string& where) {
  for (const Decimal* v : {&d.ot, &d.em, &d.otm, &d.m, &d.transport, &d.overhead, &d.profit}) {
    if (Status s = CheckDecimal(*v, where); !s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace

Result<ObjectEstimateResult> CalculateObjectEstimate(const ObjectEstimateInput& input) {
  ObjectEstimateResult result;
  result.rows.reserve(input.lines.size());
  for (size_t i = 0; i < input.lines.size(); ++i) {
    const ObjectEstimateLine& line = input.lines[i];
    ObjectEstimateRow row;
    row.number = line.number;
    row.name = line.name;
    row.amounts.construction = ToThousands(line.construction);
    row.amounts.installation = ToThousands(line.installation);
    row.amounts.equipment = ToThousands(line.equipment);
    row.amounts.other = ToThousands(line.other);
    row.amounts.Sum();
    const CostDetails& d = line.details;
    row.details = {ToThousands(d.ot),    ToThousands(d.em),        ToThousands(d.otm),
                   ToThousands(d.m),     ToThousands(d.transport), ToThousands(d.overhead),
                   ToThousands(d.profit)};
    const std::string where = "lines[" + std::to_string(i) + "]";
    if (Status s = CheckColumns(row.amounts, where); !s.ok()) return s;
    if (Status s = CheckDetails(row.details, where); !s.ok()) return s;
    result.total = result.total + row.amounts;
    result.details = result.details + row.details;
    result.rows.push_back(std::move(row));
  }
  if (Status s = CheckColumns(result.total, "total"); !s.ok()) return s;
  if (input.measure_quantity) {
    if (!input.measure_quantity->ok() || *input.measure_quantity <= Decimal()) {
      return InvalidArgument("measure_quantity: must be a positive number");
    }
    result.unit_cost = Decimal::Divide(result.total.total, *input.measure_quantity, 2);
    if (Status s = CheckDecimal(*result.unit_cost, "unit_cost"); !s.ok()) return s;
  }
  return result;
}

}  // namespace estimate::core
