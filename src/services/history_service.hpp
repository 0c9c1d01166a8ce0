#pragma once
// History: the versions of an estimate, the difference of two versions with the figures of each
// changed position, a restore of an earlier version as a new one, and the audit log of an
// organization. Thread-safe.
#include <cstdint>
#include <string>

#include <vector>

#include "services/assistant_types.hpp"
#include "services/audit_types.hpp"
#include "services/estimate_deps.hpp"

namespace estimate::services {

class EstimateReader;
class WorkingSet;

class HistoryService {
 public:
  HistoryService(const internal::EstimateDeps& deps, EstimateReader& reader, WorkingSet& working);

  Result<std::string> Versions(const Actor& actor, std::int64_t estimate_id);
  Result<std::string> Diff(const Actor& actor, std::int64_t estimate_id, std::int64_t from,
                           std::int64_t to);
  Result<EditOutcome> Restore(const Actor& actor, std::int64_t estimate_id, std::int64_t version,
                              std::int64_t expected_version);
  // The audit log of the actor's organization (read_audit), newest first.
  Result<std::vector<AuditEntry>> Audit(const Actor& actor, const AuditFilter& filter);
  // What the estimate's import compared (the "import" object of its "create" audit record,
  // written by DocumentService in the same transaction as the estimate); empty when the estimate
  // was not imported from a file that states its figures. Readers of the estimate may ask.
  Result<ImportReport> ImportReportOf(const Actor& actor, std::int64_t estimate_id);

 private:
  store::Database& db_;
  store::EstimateRepository& estimates_;
  store::AuditRepository& audit_;
  EstimateReader& reader_;
  WorkingSet& working_;
};

}  // namespace estimate::services
