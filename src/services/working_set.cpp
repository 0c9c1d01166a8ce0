#include "services/working_set.hpp"

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

WorkingSet::WorkingSet(const EstimateDeps& deps)
    : db_(deps.db), estimates_(deps.estimates), results_(deps.results),
      max_positions_(deps.options.working_set_positions) {}

Result<WorkingPtr> WorkingSet::Get(const Actor& actor, std::int64_t estimate_id, std::optional<std::int64_t> version_hint) {
  WorkingPtr cached;
  {
    std::lock_guard lock(mu_);
    for (auto it = working_.begin(); it != working_.end(); ++it) {
      if ((*it)->info.id == estimate_id && (*it)->info.organization_id == actor.organization_id) {
        cached = *it;
        working_.splice(working_.begin(), working_, it);
        break;
      }
    }
  }
  const auto cached_version = [&] {
    std::lock_guard lock(cached->mu);
    return cached->info.version;
  };
  if (cached) {
    if (version_hint && cached_version() == *version_hint) return cached;
    // One cheap look-up decides whether the copy in memory is current.
    auto info = estimates_.GetEstimate(actor.organization_id, estimate_id);
    if (!info.ok()) return info.status();
    if (cached_version() == info->version) return cached;
  }
  auto content = estimates_.LoadEstimate(actor.organization_id, estimate_id);
  if (!content.ok()) return content.status();
  auto built = Build(std::move(content).value());
  if (!built.ok()) return built.status();
  Remember(*built);
  return *built;
}

void WorkingSet::Remember(const WorkingPtr& working) {
  std::lock_guard lock(mu_);
  std::erase_if(working_, [&](const WorkingPtr& w) {
    return w->info.id == working->info.id &&
           w->info.organization_id == working->info.organization_id;
  });
  working_.push_front(working);
  std::size_t positions = 0;
  for (auto it = working_.begin(); it != working_.end(); ++it) {
    positions += (*it)->positions.load();
    if (positions > max_positions_ && it != working_.begin()) {
      working_.erase(it, working_.end());
      break;
    }
  }
}

void WorkingSet::Adopt(const WorkingPtr& working) { Remember(working); }

void WorkingSet::Forget(std::int64_t organization_id, std::int64_t estimate_id) {
  std::lock_guard lock(mu_);
  std::erase_if(working_, [&](const WorkingPtr& w) {
    return w->info.id == estimate_id && w->info.organization_id == organization_id;
  });
}

std::string WorkingSet::ViewKey(const store::EstimateInfo& info) {
  std::string ns;
  {
    std::lock_guard lock(mu_);
    if (cache_namespace_.empty()) {
      // Keys name the database too: several databases may share one Redis.
      if (auto id = store::InstallationId(db_); id.ok()) cache_namespace_ = *id;
    }
    ns = cache_namespace_.empty() ? "unknown" : cache_namespace_;
  }
  return "estimate:" + ns + ":" + Id(info.organization_id) + ":" + Id(info.id) + ":v" +
         Id(info.version) + ":view";
}

EstimateView WorkingSet::CachedView(const WorkingPtr& w) {
  std::lock_guard lock(w->mu);
  const std::string key = ViewKey(w->info);
  if (auto hit = results_.Get(key)) return {w->info.version, std::move(hit)};
  auto view = std::make_shared<const std::string>(SerializeView(*w));
  results_.Put(key, view);
  return {w->info.version, std::move(view)};
}

}  // namespace estimate::services
