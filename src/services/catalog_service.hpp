#pragma once
// The catalog: projects (стройки) → objects → estimates, created, listed, renamed, duplicated
// and deleted through one path for every kind, each write with its audit record in one
// transaction. A rename names the version it was based on; Aborted when that is stale.
// A project with objects, or an object with estimates, is FailedPrecondition to delete.
// Thread-safe.
#include <cstdint>
#include <string>

#include "services/estimate_deps.hpp"

namespace estimate::services {

class EstimateReader;
class WorkingSet;

// The named levels of the catalog above estimates.
enum class CatalogLevel { kProject, kObject };

class CatalogService {
 public:
  CatalogService(const internal::EstimateDeps& deps, EstimateReader& reader, WorkingSet& working);

  // Projects, and objects of a project: the named levels of the catalog, one path for both.
  // Answers are JSON objects ({"id", "name", "version", …}) or arrays of them.
  Result<std::string> ListProjects(const Actor& actor);
  Result<std::string> CreateProject(const Actor& actor, const std::string& name);
  Result<std::string> ListObjects(const Actor& actor, std::int64_t project_id);
  Result<std::string> CreateObject(const Actor& actor, std::int64_t project_id,
                                   const std::string& name);
  Result<std::string> Get(const Actor& actor, CatalogLevel level, std::int64_t id);
  // A rename names the version it was based on; Aborted when that is stale.
  Result<std::string> Rename(const Actor& actor, CatalogLevel level, std::int64_t id,
                             std::int64_t expected_version, const std::string& name);
  // FailedPrecondition while a project has objects or an object has estimates.
  Status Delete(const Actor& actor, CatalogLevel level, std::int64_t id);

  // Estimates of an object (headers only).
  Result<std::string> ListEstimates(const Actor& actor, std::int64_t object_id);
  // 201: the new estimate's view.
  Result<EditOutcome> CreateEstimate(const Actor& actor, std::int64_t object_id,
                                     const NewEstimateRequest& request);
  Status DeleteEstimate(const Actor& actor, std::int64_t estimate_id,
                        std::int64_t expected_version);
  // A copy of the estimate as a new draft of `object_id` (0: the same object).
  Result<EditOutcome> Duplicate(const Actor& actor, std::int64_t estimate_id,
                                std::int64_t object_id, const std::string& name);

 private:
  store::Database& db_;
  store::EstimateRepository& estimates_;
  store::AuditRepository& audit_;
  BaseService& base_;
  EstimateReader& reader_;
  WorkingSet& working_;
};

}  // namespace estimate::services
