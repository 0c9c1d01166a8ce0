#include "formats/document/estimate_document_writer.hpp"

#include <boost/json.hpp>

namespace estimate::formats {
namespace json = boost::json;
namespace {

// Writes price, or base_price and index, into `o` (nothing for an unpriced resource).
void PutPrice(json::object& o, const core::UnitPrice& price) {
  switch (price.source) {
    case core::UnitPrice::Source::kNone: break;
    case core::UnitPrice::Source::kCurrent: o["price"] = price.price.ToString(); break;
    case core::UnitPrice::Source::kBaseIndex:
      o["base_price"] = price.base_price.ToString();
      o["index"] = price.index.ToString();
      break;
  }
}

void PutText(json::object& o, const char* key, const std::string& value) {
  if (!value.empty()) o[key] = value;
}

json::object RateToDocument(const core::Rate& rate) {
  json::object o;
  PutText(o, "code", rate.code);
  PutText(o, "name", rate.name);
  o["percent"] = rate.percent.ToString();
  o["k"] = rate.k.ToString();
  return o;
}

json::object CoefficientToDocument(const core::Coefficient& c) {
  json::object o;
  o["name"] = c.name;
  const core::Decimal one = core::Decimal::FromInt(1);
  if (c.labor != one) o["labor"] = c.labor.ToString();
  if (c.machinist_labor != one) o["machinist_labor"] = c.machinist_labor.ToString();
  if (c.machines != one) o["machines"] = c.machines.ToString();
  if (c.materials != one) o["materials"] = c.materials.ToString();
  if (c.combination == core::CoefficientCombination::kAdditive) o["combine"] = "additive";
  return o;
}

}  // namespace

json::object PositionToDocument(const core::Position& p) {
  json::object o;
  o["number"] = p.number.empty() ? std::string("1") : p.number;
  o["type"] = p.type == core::PositionType::kNorm ? "norm" : "resource";
  PutText(o, "code", p.code);
  PutText(o, "name", p.name);
  PutText(o, "unit", p.unit);
  o["quantity"] = p.quantity.ToString();
  o["work_kind"] = p.work_kind == core::WorkKind::kInstallation ? "installation" : "construction";
  if (p.type == core::PositionType::kResource) {
    o["kind"] = core::ResourceKindName(p.kind);
    PutPrice(o, p.price);
    return o;
  }
  if (!p.coefficients.empty()) {
    json::array a;
    for (const auto& c : p.coefficients) a.push_back(CoefficientToDocument(c));
    o["coefficients"] = std::move(a);
  }
  json::array resources;
  for (const auto& r : p.resources) {
    json::object ro;
    ro["kind"] = core::ResourceKindName(r.kind);
    PutText(ro, "code", r.code);
    PutText(ro, "name", r.name);
    PutText(ro, "unit", r.unit);
    ro["consumption"] = r.by_project ? std::string("П") : r.consumption.ToString();
    PutPrice(ro, r.price);
    if (r.machinist) {
      json::object m;
      PutText(m, "code", r.machinist->code);
      m["labor_per_machine_hour"] = r.machinist->labor_per_machine_hour.ToString();
      PutPrice(m, r.machinist->price);
      ro["machinist"] = std::move(m);
    }
    resources.push_back(std::move(ro));
  }
  o["resources"] = std::move(resources);
  if (p.overhead) o["overhead"] = RateToDocument(*p.overhead);
  if (p.profit) o["profit"] = RateToDocument(*p.profit);
  if (!p.extra.empty()) {
    json::array extra;
    for (const auto& x : p.extra) {
      json::object xo;
      xo["kind"] = core::ResourceKindName(x.kind);
      PutText(xo, "number", x.number);
      PutText(xo, "code", x.code);
      PutText(xo, "name", x.name);
      PutText(xo, "unit", x.unit);
      xo["quantity"] = x.quantity.ToString();
      PutPrice(xo, x.price);
      extra.push_back(std::move(xo));
    }
    o["extra"] = std::move(extra);
  }
  if (p.auxiliary_materials) {
    json::object a;
    PutText(a, "name", p.auxiliary_materials->name);
    a["percent"] = p.auxiliary_materials->percent.ToString();
    a["base"] = p.auxiliary_materials->base == core::AuxiliaryMaterials::Base::kLabor
                    ? "labor"
                    : "labor_without_coefficients";
    o["auxiliary_materials"] = std::move(a);
  }
  return o;
}

std::string WriteEstimateDocument(const core::Estimate& e) {
  json::object root;
  root["format"] = "estimate-document/1";
  root["method"] = "resource-index";  // the only method a core::Estimate of this writer has
  root["name"] = e.name;
  json::object options;
  if (e.options.money_places == 0) options["money_decimals"] = "0";
  auto override_json = [](const core::RateOverride& r) {
    json::object o;
    if (r.percent) o["percent"] = r.percent->ToString();
    if (r.k) o["k"] = r.k->ToString();
    return o;
  };
  if (e.options.overhead_override) options["overhead_override"] = override_json(*e.options.overhead_override);
  if (e.options.profit_override) options["profit_override"] = override_json(*e.options.profit_override);
  if (!options.empty()) root["options"] = std::move(options);
  json::array sections;
  for (const auto& s : e.sections) {
    json::object so;
    so["name"] = s.name;
    json::array positions;
    for (const auto& p : s.positions) positions.push_back(PositionToDocument(p));
    so["positions"] = std::move(positions);
    sections.push_back(std::move(so));
  }
  root["sections"] = std::move(sections);
  return json::serialize(root);
}

}  // namespace estimate::formats
