#include "services/estimate_reader.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <span>
#include <utility>

#include "auth/policy.hpp"
#include "cache/result_cache.hpp"
#include "core/object_estimate.hpp"
#include "core/resource_index_calculator.hpp"
#include "formats/document/calc.hpp"
#include "formats/document/estimate_document.hpp"
#include "formats/document/estimate_document_writer.hpp"
#include "normbase/pricing.hpp"
#include "normbase/regions.hpp"
#include "services/base_service.hpp"
#include "services/estimate_internal.hpp"
#include "services/estimate_json.hpp"
#include "services/estimate_service.hpp"
#include "store/migrator.hpp"
#include "store/unit_of_work.hpp"

namespace estimate::services {

namespace json = boost::json;
using core::Decimal;
using namespace internal;

EstimateReader::EstimateReader(const EstimateDeps& deps, WorkingSet& working)
    : estimates_(deps.estimates), results_(deps.results), working_(working) {}

Result<std::int64_t> EstimateReader::CurrentVersion(const Actor& actor,
                                                     std::int64_t estimate_id) {
  if (Status s = Denied(actor, auth::Permission::kReadEstimates); !s.ok()) return s;
  auto info = estimates_.GetEstimate(actor.organization_id, estimate_id);
  if (!info.ok()) return info.status();
  return info->version;
}

Result<EstimateView> EstimateReader::View(const Actor& actor, std::int64_t estimate_id) {
  if (Status s = Denied(actor, auth::Permission::kReadEstimates); !s.ok()) return s;
  auto info = estimates_.GetEstimate(actor.organization_id, estimate_id);
  if (!info.ok()) return info.status();
  if (auto hit = results_.Get(working_.ViewKey(*info))) return EstimateView{info->version, std::move(hit)};
  auto w = working_.Get(actor, estimate_id, info->version);
  if (!w.ok()) return w.status();
  return working_.CachedView(*w);
}

Result<std::string> EstimateReader::PositionView(const Actor& actor, std::int64_t estimate_id,
                                                  std::int64_t position_id) {
  if (Status s = Denied(actor, auth::Permission::kReadEstimates); !s.ok()) return s;
  auto version = CurrentVersion(actor, estimate_id);
  if (!version.ok()) return version.status();
  auto w = working_.Get(actor, estimate_id, *version);
  if (!w.ok()) return w.status();
  std::lock_guard lock((*w)->mu);
  auto at = FindPosition(**w, position_id);
  if (!at) return NotFound("estimate " + Id(estimate_id) + " has no position " + Id(position_id));
  const auto [s, p] = *at;
  std::string out = "{\"id\":" + Id(position_id) + ",\"estimate_id\":" + Id(estimate_id) +
                    ",\"version\":" + Id((*w)->info.version) +
                    ",\"section_id\":" + Id((*w)->section_ids[s]) +
                    ",\"document\":" + (*w)->documents[s][p];
  if ((*w)->resource_index && (*w)->calc) {
    core::PositionDetail detail;
    auto r = core::CalculatePosition((*w)->estimate.sections[s].positions[p],
                                     (*w)->estimate.options, &detail);
    if (r.ok()) {
      out += ",\"figures\":{" + formats::PositionFiguresJson(*r) + "}";
      out += ",\"lines\":{\"resources\":[";
      for (std::size_t i = 0; i < detail.resources.size(); ++i) {
        const core::ComputedLine& l = detail.resources[i];
        if (i > 0) out += ',';
        out += "{\"quantity\":\"" + l.quantity.ToString() + "\",\"price\":\"" +
               l.price.ToString() + "\",\"total\":\"" + l.total.ToString() + "\",\"priced\":" +
               (l.priced ? "true" : "false") + "}";
      }
      out += "]}";
    }
  }
  out += '}';
  return out;
}

Result<std::string> EstimateReader::Document(const Actor& actor, std::int64_t estimate_id,
                                               std::optional<std::int64_t> version) {
  if (Status s = Denied(actor, auth::Permission::kReadEstimates); !s.ok()) return s;
  auto content = version ? estimates_.LoadVersion(actor.organization_id, estimate_id, *version)
                         : estimates_.LoadEstimate(actor.organization_id, estimate_id);
  if (!content.ok()) return content.status();
  std::vector<std::string> names;
  std::vector<std::vector<std::string>> docs;
  for (auto& s : content->sections) {
    names.push_back(s.name);
    auto& d = docs.emplace_back();
    for (auto& p : s.positions) d.push_back(std::move(p.document_json));
  }
  return AssembleDocument(content->info, names, docs);
}

Result<std::string> EstimateReader::VersionView(const Actor& actor, std::int64_t estimate_id,
                                                 std::int64_t version) {
  if (Status s = Denied(actor, auth::Permission::kReadEstimates); !s.ok()) return s;
  auto content = estimates_.LoadVersion(actor.organization_id, estimate_id, version);
  if (!content.ok()) return content.status();
  auto w = Build(std::move(content).value());
  if (!w.ok()) return w.status();
  return SerializeView(**w);
}

Result<EstimateDigest> EstimateReader::Digest(const Actor& actor, std::int64_t estimate_id) {
  if (Status s = Denied(actor, auth::Permission::kReadEstimates); !s.ok()) return s;
  auto w = working_.Get(actor, estimate_id, std::nullopt);
  if (!w.ok()) return w.status();
  std::lock_guard lock((*w)->mu);
  const WorkingEstimate& e = **w;
  const auto& h = e.info.header;
  EstimateDigest digest;
  digest.header = "Смета «" + h.name + "»" + (h.number.empty() ? std::string() : " № " + h.number) +
                  ", регион " + h.region + ", квартал " + h.quarter + ", метод " + h.method + ". Разделов " +
                  std::to_string(e.documents.size()) + ", позиций " + std::to_string(e.PositionCount()) + ".";
  const core::EstimateResult* result = e.calc ? &e.calc->result() : nullptr;
  if (result != nullptr) {
    const core::Figures& t = result->totals.figures;
    digest.header += " Итоги: всего " + t.total.ToString() + " руб., ОТ " + t.ot.ToString() + ", ЭМ " +
                     t.em.ToString() + ", ОТм " + t.otm.ToString() + ", материалы " + t.m.ToString() +
                     ", оборудование " + t.equipment.ToString() + ", НР " + t.overhead.ToString() +
                     ", СП " + t.profit.ToString() + ".";
  }
  for (std::size_t s = 0; s < e.documents.size(); ++s) {
    for (std::size_t p = 0; p < e.documents[s].size(); ++p) {
      ai::EstimateLine line;
      line.position_id = e.position_ids[s][p];
      const core::Position* position = nullptr;
      std::optional<core::Position> parsed;
      if (e.resource_index && s < e.estimate.sections.size() && p < e.estimate.sections[s].positions.size()) {
        position = &e.estimate.sections[s].positions[p];
      } else if (auto doc = formats::ParsePositionDocument(e.documents[s][p], "position"); doc.ok()) {
        parsed = std::move(doc).value();
        position = &*parsed;
      }
      if (position == nullptr) continue;
      line.number = position->number;
      line.code = position->code;
      line.name = position->name;
      line.unit = position->unit;
      line.quantity = position->quantity.ok() ? position->quantity.ToString() : "";
      if (result != nullptr && s < result->positions.size() && p < result->positions[s].size()) {
        line.total = result->positions[s][p].figures.total.ToString();
      }
      digest.lines.push_back(std::move(line));
    }
  }
  return digest;
}

}  // namespace estimate::services
