#include "normbase/base_release.hpp"

#include <algorithm>
#include <tuple>

namespace estimate::normbase {

namespace {
struct FamilyName {
  NormFamily family;
  std::string_view prefix;
  std::string_view id;
};
constexpr FamilyName kFamilies[] = {
    {NormFamily::kGesn, "ГЭСН", "gesn"},     {NormFamily::kGesnm, "ГЭСНм", "gesnm"},
    {NormFamily::kGesnr, "ГЭСНр", "gesnr"},  {NormFamily::kGesnp, "ГЭСНп", "gesnp"},
    {NormFamily::kGesnmr, "ГЭСНмр", "gesnmr"},
};
}  // namespace

std::string_view FamilyPrefix(NormFamily family) {
  for (const auto& f : kFamilies) {
    if (f.family == family) return f.prefix;
  }
  return "";
}

std::string PrintedCode(NormFamily family, std::string_view code) {
  std::string out(FamilyPrefix(family));
  out += ' ';
  out += code;
  return out;
}

std::string_view FamilyId(NormFamily family) {
  for (const auto& f : kFamilies) {
    if (f.family == family) return f.id;
  }
  return "";
}

std::optional<NormFamily> ParseFamily(std::string_view text) {
  for (const auto& f : kFamilies) {
    if (text == f.prefix || text == f.id) return f.family;
  }
  return std::nullopt;
}

std::string_view TextPool::Intern(std::string_view text) {
  if (auto it = index_.find(text); it != index_.end()) return *it;
  const std::string& stored = storage_.emplace_back(text);
  std::string_view view = stored;
  index_.insert(view);
  return view;
}

void BaseRelease::Finish() {
  norm_index_.clear();
  norm_index_.reserve(norms.size());
  for (std::uint32_t i = 0; i < norms.size(); ++i) {
    norm_index_.emplace(NormKey{norms[i].family, norms[i].code}, i);
  }
  resource_index_.clear();
  resource_index_.reserve(resources.size());
  for (std::uint32_t i = 0; i < resources.size(); ++i) resource_index_.emplace(resources[i].code, i);
  tech_group_index_.clear();
  for (std::uint32_t i = 0; i < tech_groups.size(); ++i) {
    tech_group_index_.emplace(tech_groups[i].code, i);
  }
  rate_index_.clear();
  for (std::uint32_t i = 0; i < rates.size(); ++i) rate_index_.emplace(rates[i].code, i);
  info.territories.clear();
  info.territories.reserve(prices.size());
  for (const auto& p : prices) {
    info.territories.push_back(
        {std::string(p.region_code), std::string(p.region_name), p.zone, std::string(p.quarter)});
  }
  std::sort(info.territories.begin(), info.territories.end(),
            [](const PricedTerritory& a, const PricedTerritory& b) {
              return std::tie(a.region_code, a.zone, a.quarter) <
                     std::tie(b.region_code, b.zone, b.quarter);
            });
}

const Norm* BaseRelease::FindNorm(NormFamily family, std::string_view code) const {
  auto it = norm_index_.find(NormKey{family, code});
  return it == norm_index_.end() ? nullptr : &norms[it->second];
}

const PriceBookEntry* BaseRelease::FindResource(std::string_view code) const {
  auto it = resource_index_.find(code);
  return it == resource_index_.end() ? nullptr : &resources[it->second];
}

const TechGroup* BaseRelease::FindTechGroup(std::string_view code) const {
  auto it = tech_group_index_.find(code);
  return it == tech_group_index_.end() ? nullptr : &tech_groups[it->second];
}

const OverheadProfitRate* BaseRelease::FindRate(std::string_view overhead_code) const {
  // Norms cite the code without the territory suffix; estimates print it with "-1/-2/-3".
  auto it = rate_index_.find(overhead_code);
  if (it == rate_index_.end() && overhead_code.size() > 2 &&
      overhead_code[overhead_code.size() - 2] == '-') {
    it = rate_index_.find(overhead_code.substr(0, overhead_code.size() - 2));
  }
  return it == rate_index_.end() ? nullptr : &rates[it->second];
}

const RegionalPrices* BaseRelease::FindPrices(std::string_view region, int zone,
                                              std::string_view quarter) const {
  for (const auto& p : prices) {
    if ((p.region_code == region || p.region_name == region) && p.zone == zone &&
        p.quarter == quarter) {
      return &p;
    }
  }
  return nullptr;
}

ReleaseCounts BaseRelease::Counts() const {
  ReleaseCounts c;
  c.norms = norms.size();
  for (const auto& n : norms) c.norm_resources += n.resources.size();
  c.sections = sections.size();
  c.resources = resources.size();
  for (const auto& r : resources) {
    if (r.kind == core::ResourceKind::kMachine) ++c.machines;
    else if (r.kind == core::ResourceKind::kEquipment) ++c.equipment;
    else ++c.materials;
  }
  c.tech_groups = tech_groups.size();
  c.coefficients = coefficients.size();
  c.rates = rates.size();
  c.regional_prices = prices.size();
  return c;
}

}  // namespace estimate::normbase
