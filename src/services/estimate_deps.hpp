#pragma once
// What every estimate service is built from: the adapters by reference (declared here, defined
// by store and cache, which services link privately) and the options. No store header here, so
// the services' public headers reach no store type's definition.
#include <cstdint>
#include <memory>

#include "core/status.hpp"
#include "services/actor.hpp"
#include "services/estimate_types.hpp"

namespace estimate::cache {
class ResultCache;
}  // namespace estimate::cache
namespace estimate::store {
class Database;
class EstimateRepository;
class AuditRepository;
struct EstimateInfo;
struct ChangeSet;
}  // namespace estimate::store

namespace estimate::services {
class BaseService;

namespace internal {

struct WorkingEstimate;  // services/estimate_internal.hpp
using WorkingPtr = std::shared_ptr<WorkingEstimate>;

struct EstimateDeps {
  store::Database& db;
  store::EstimateRepository& estimates;
  store::AuditRepository& audit;
  BaseService& base;
  cache::ResultCache& results;
  EstimateServicesOptions options;
};

}  // namespace internal
}  // namespace estimate::services
