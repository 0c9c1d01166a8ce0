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

}  // namespace estimate::services
