#pragma once
// The estimate services of one process, built together over one database: the working set of
// estimates in memory, reading, the catalog (projects → objects → estimates), editing, history,
// roll-ups (ОСР, ССР) and documents in and out. Each is a small class with one job
// (services/*_service.hpp); this bundle only builds them in the order they depend on each other.
//
// Every use case checks the actor's role (auth/policy.hpp) and organization (the repository scopes
// every row by it), writes the change and its audit record in one transaction, and keeps the
// figures current. Errors: InvalidArgument naming the field ("changes[1].quantity: …",
// "name: is required"), NotFound (also for every row of another organization), PermissionDenied,
// FailedPrecondition (not a draft, a project with objects, a release that is not active),
// Aborted (stale version), Unavailable (database).
#include "services/catalog_service.hpp"
#include "services/document_service.hpp"
#include "services/editing_service.hpp"
#include "services/estimate_checker.hpp"
#include "services/estimate_deps.hpp"
#include "services/estimate_reader.hpp"
#include "services/history_service.hpp"
#include "services/rollup_service.hpp"
#include "services/working_set.hpp"

namespace estimate::services {

class EstimateServices {
 public:
  using Options = EstimateServicesOptions;

  EstimateServices(store::Database& db, store::EstimateRepository& estimates,
                   store::AuditRepository& audit, BaseService& base, cache::ResultCache& results,
                   Options options);
  EstimateServices(const EstimateServices&) = delete;
  EstimateServices& operator=(const EstimateServices&) = delete;

 private:
  internal::EstimateDeps deps_;

 public:
  WorkingSet working;
  EstimateReader reader;
  CatalogService catalog;
  EditingService editing;
  HistoryService history;
  RollupService rollups;
  DocumentService documents;
  EstimateChecker checker;
};

}  // namespace estimate::services
