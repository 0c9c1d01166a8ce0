#include "core/estimate.hpp"

namespace estimate::core {
namespace {

template <typename F>
void ForEachField(Figures& a, const Figures& b, F f) {
  f(a.ot, b.ot);
  f(a.em, b.em);
  f(a.otm, b.otm);
  f(a.m, b.m);
  f(a.equipment, b.equipment);
  f(a.direct, b.direct);
  f(a.extra, b.extra);
  f(a.fot, b.fot);
  f(a.overhead, b.overhead);
  f(a.profit, b.profit);
  f(a.total, b.total);
  f(a.labor_hours, b.labor_hours);
  f(a.machinist_hours, b.machinist_hours);
  f(a.market_materials, b.market_materials);
  f(a.market_equipment, b.market_equipment);
}

}  // namespace

const char* ResourceKindName(ResourceKind kind) {
  switch (kind) {
    case ResourceKind::kLabor: return "labor";
    case ResourceKind::kMachine: return "machine";
    case ResourceKind::kMaterial: return "material";
    case ResourceKind::kEquipment: return "equipment";
  }
  return "material";
}

void Figures::Add(const Figures& o) {
  ForEachField(*this, o, [](Decimal& x, const Decimal& y) { x += y; });
}

void Figures::Subtract(const Figures& o) {
  ForEachField(*this, o, [](Decimal& x, const Decimal& y) { x -= y; });
}

bool Figures::ok() const {
  return ot.ok() && em.ok() && otm.ok() && m.ok() && equipment.ok() && direct.ok() &&
         extra.ok() && fot.ok() && overhead.ok() && profit.ok() && total.ok() &&
         labor_hours.ok() && machinist_hours.ok() && market_materials.ok() &&
         market_equipment.ok();
}

}  // namespace estimate::core
