#pragma once
// The working set: the last estimates used, kept in memory parsed and computed at their version,
// within a bound of positions, and the key of an estimate's served view in the result cache.
// An edit of one position re-prices that position and the totals and writes one row, whatever
// the size of the estimate. Another instance's write moves the version on, which every instance
// sees at its next read. Thread-safe.
#include <cstdint>
#include <list>
#include <mutex>
#include <optional>
#include <string>

#include "services/estimate_deps.hpp"

namespace estimate::services {

class WorkingSet {
 public:
  explicit WorkingSet(const internal::EstimateDeps& deps);

  // The in-memory estimate at the store's current version (loaded when missing or stale).
  // `version_hint`: a version the caller believes current, which spares a look-up when it is.
  Result<internal::WorkingPtr> Get(const Actor& actor, std::int64_t estimate_id,
                                   std::optional<std::int64_t> version_hint);
  void Forget(std::int64_t organization_id, std::int64_t estimate_id);
  // Keeps `working`, made by the caller at the store's current version (a new estimate, built
  // from what was just written), as Get would have loaded it.
  void Adopt(const internal::WorkingPtr& working);

  // The result cache's key of an estimate's view at its version.
  std::string ViewKey(const store::EstimateInfo& info);
  // The served view of `working` at its version, from the result cache or made and put there.
  EstimateView CachedView(const internal::WorkingPtr& working);

 private:
  void Remember(const internal::WorkingPtr& working);

  store::Database& db_;
  store::EstimateRepository& estimates_;
  cache::ResultCache& results_;
  std::size_t max_positions_;

  std::mutex mu_;  // guards working_ and cache_namespace_
  std::list<internal::WorkingPtr> working_;  // most recently used first
  std::string cache_namespace_;              // the database's installation id, read once
};

}  // namespace estimate::services
