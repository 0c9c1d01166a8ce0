#include "wire/base_json.hpp"

#include <boost/json.hpp>

#include "formats/document/estimate_document_writer.hpp"

namespace estimate::wire {
namespace json = boost::json;
namespace {

json::value DecimalOrNull(const core::Decimal& d) {
  if (!d.ok()) return nullptr;
  return json::value(d.ToString());
}

json::string_view View(std::string_view s) { return {s.data(), s.size()}; }

}  // namespace

json::object ReleaseInfoJson(const normbase::ReleaseInfo& info) {
  json::object o;
  o["id"] = info.id;
  o["name"] = info.name;
  o["addition_number"] = info.addition_number;
  o["price_level"] = info.price_level;
  o["imported_at"] = info.imported_at;
  o["active"] = info.active;
  json::array sources;
  for (const auto& s : info.sources) {
    sources.push_back(
        json::object{{"name", s.name}, {"sha256", s.sha256}, {"bytes", s.bytes}, {"kind", s.kind}});
  }
  o["sources"] = std::move(sources);
  json::array territories;
  for (const auto& t : info.territories) {
    json::object territory{
        {"region", t.region_code}, {"zone", std::to_string(t.zone)}, {"quarter", t.quarter}};
    if (!t.region_name.empty()) territory["region_name"] = t.region_name;
    territories.push_back(std::move(territory));
  }
  o["territories"] = std::move(territories);
  if (!info.state.empty()) {
    o["state"] = info.state;
    const normbase::ReleaseCounts& c = info.counts;
    json::object families;
    for (const auto& [family, n] : info.norms_by_family) families[normbase::FamilyId(family)] = n;
    o["counts"] = json::object{{"norms", c.norms},
                               {"norms_by_family", std::move(families)},
                               {"norm_resources", c.norm_resources},
                               {"resources", c.resources},
                               {"machines", c.machines},
                               {"materials", c.materials},
                               {"equipment", c.equipment},
                               {"price_sets", info.territories.size()},
                               {"tech_groups", c.tech_groups},
                               {"coefficients", c.coefficients},
                               {"rates", c.rates}};
  }
  return o;
}

json::object NormSummaryJson(const normbase::Norm& norm) {
  json::object o;
  o["family"] = View(normbase::FamilyId(norm.family));
  o["family_prefix"] = View(normbase::FamilyPrefix(norm.family));
  o["code"] = View(norm.code);
  o["full_code"] = std::string(normbase::FamilyPrefix(norm.family)) + std::string(norm.code);
  o["name"] = View(norm.name);
  o["unit"] = View(norm.unit);
  return o;
}

json::object NormJson(const normbase::BaseRelease& release, const normbase::Norm& norm) {
  json::object o = NormSummaryJson(norm);
  json::array path;
  for (std::int32_t s = norm.table; s >= 0; s = release.sections[s].parent) {
    const auto& section = release.sections[s];
    path.insert(path.begin(), json::object{{"type", View(section.type)},
                                           {"code", View(section.code)},
                                           {"name", View(section.name)}});
  }
  o["path"] = std::move(path);
  json::array content;
  for (auto item : norm.content) content.push_back(json::string(View(item)));
  o["content"] = std::move(content);
  json::array resources;
  for (const auto& line : norm.resources) {
    json::object r;
    r["code"] = View(line.code);
    r["name"] = View(line.name);
    r["unit"] = View(line.unit);
    r["consumption"] = line.by_project ? json::value("П") : DecimalOrNull(line.consumption);
    r["by_project"] = line.by_project;
    r["abstract"] = line.abstract;
    if (line.abstract) {
      json::array groups;
      for (auto g : line.tech_groups) groups.push_back(json::string(View(g)));
      r["tech_groups"] = std::move(groups);
    }
    if (const auto* entry = line.abstract ? nullptr : release.FindResource(line.code)) {
      r["kind"] = core::ResourceKindName(entry->kind);
      if (line.name.empty()) r["name"] = View(entry->name);
      if (line.unit.empty()) r["unit"] = View(entry->unit);
      r["base_price"] = DecimalOrNull(entry->base_price);
    }
    resources.push_back(std::move(r));
  }
  o["resources"] = std::move(resources);
  o["overhead_code"] = View(norm.overhead_code);
  o["profit_code"] = View(norm.profit_code);
  o["release"] = json::object{{"id", release.info.id}, {"name", release.info.name}};
  return o;
}

json::object ResourceJson(const normbase::BaseRelease& release, const normbase::PriceBookEntry& e) {
  json::object o;
  o["code"] = View(e.code);
  o["name"] = View(e.name);
  o["unit"] = View(e.unit);
  o["kind"] = core::ResourceKindName(e.kind);
  o["base_price"] = DecimalOrNull(e.base_price);
  if (e.wholesale_price.ok()) o["wholesale_price"] = e.wholesale_price.ToString();
  if (e.kind == core::ResourceKind::kMachine) {
    o["machinist"] = json::object{{"code", View(e.machinist_code)},
                                  {"labor_per_machine_hour", DecimalOrNull(e.machinist_labor)},
                                  {"rank", DecimalOrNull(e.machinist_rank)},
                                  {"base_pay", DecimalOrNull(e.machinist_pay)}};
    o["with_relocation"] = e.with_relocation;
  }
  o["release"] = json::object{{"id", release.info.id}, {"name", release.info.name}};
  return o;
}

json::object PricedJson(const core::Position& position, const core::PositionResult& calculation,
                        const std::vector<std::string>& warnings) {
  const core::Figures& f = calculation.figures;
  json::object o;
  o["position"] = formats::PositionToDocument(position);
  o["figures"] = json::object{{"ot", f.ot.ToFixed(2)},
                              {"em", f.em.ToFixed(2)},
                              {"otm", f.otm.ToFixed(2)},
                              {"m", f.m.ToFixed(2)},
                              {"equipment", f.equipment.ToFixed(2)},
                              {"direct", f.direct.ToFixed(2)},
                              {"extra", f.extra.ToFixed(2)},
                              {"fot", f.fot.ToFixed(2)},
                              {"overhead", f.overhead.ToFixed(2)},
                              {"profit", f.profit.ToFixed(2)},
                              {"total", f.total.ToFixed(2)},
                              {"per_unit", calculation.per_unit.ToFixed(2)},
                              {"labor_hours", f.labor_hours.ToFixed(7)},
                              {"machinist_hours", f.machinist_hours.ToFixed(7)}};
  json::array warnings_json;
  for (const auto& w : warnings) warnings_json.push_back(json::string(w));
  o["warnings"] = std::move(warnings_json);
  return o;
}

}  // namespace estimate::wire
