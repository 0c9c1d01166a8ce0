#pragma once
// Private to services: the pieces the estimate services share — one estimate in memory at one
// version (WorkingEstimate), the dependencies they are built from, the checks and the audit
// helpers. Not included outside src/services.
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "auth/policy.hpp"
#include "core/clock.hpp"
#include "core/resource_index_calculator.hpp"
#include "core/status.hpp"
#include "services/actor.hpp"
#include "services/estimate_deps.hpp"
#include "services/estimate_types.hpp"
#include "store/audit_repository.hpp"
#include "store/estimate_repository.hpp"
#include "store/unit_of_work.hpp"


namespace estimate::services {
class BaseService;

namespace internal {

// One estimate in memory at one version: the stored documents, parsed and computed.
struct WorkingEstimate {
  std::mutex mu;  // one writer (and the readers that serialize it) at a time in this process
  store::EstimateInfo info;
  bool resource_index = true;
  core::Estimate estimate;  // resource-index: the parsed positions, parallel to the vectors below
  std::vector<std::int64_t> section_ids;
  std::vector<std::vector<std::int64_t>> position_ids;
  std::vector<std::vector<std::string>> documents;  // position JSON as stored
  std::optional<core::ResourceIndexCalculation> calc;
  std::string base_index_result;  // base-index: the result JSON of the whole document
  std::string problem;            // why the figures could not be computed; empty when they were
  // PositionCount() as of the last change, readable without `mu` (the working set's bound).
  std::atomic<std::size_t> positions{0};

  std::size_t PositionCount() const {
    std::size_t n = 0;
    for (const auto& s : documents) n += s.size();
    return n;
  }
};

std::string Id(std::int64_t id);
// "Now" for documents that name no date: the options' clock, else the system's.
core::Timestamp Now(const EstimateServicesOptions& options);
Status Denied(const Actor& actor, auth::Permission permission);
Status RequireDraft(const store::EstimateInfo& info);
// Stale versions come back from the store as FailedPrecondition; the API answers them with 412.
Status StaleToAborted(Status s);
// Aborted: "estimate 7 is at version 3, not 2" and `advice`.
Status StaleVersion(std::int64_t estimate_id, std::int64_t at, std::int64_t expected,
                    const char* advice = "");
std::string Joined(const std::string& path, std::string_view key);
Status CheckName(const std::string& name, const std::string& field);
bool IsDate(const std::string& d);
// Values an estimator cannot mean: a negative quantity, price or index, a coefficient ≤ 0.
Status CheckSigns(const core::Position& p, const std::string& path);
int TerritoryOf(const std::string& options_json);

// The calc-v1 document of an estimate: its header and the stored position documents, verbatim.
std::string AssembleDocument(const store::EstimateInfo& info,
                             const std::vector<std::string>& section_names,
                             const std::vector<std::vector<std::string>>& documents);
std::vector<std::string> SectionNames(const WorkingEstimate& w);
// Computes everything from the parsed positions (or, for the base-index method, the document).
void Compute(WorkingEstimate& w);
Result<std::shared_ptr<WorkingEstimate>> Build(store::EstimateContent content);
// A new resource-index estimate in memory before it is stored: the positions as they were parsed
// when the request was checked, computed once. What Build would make of it once stored, without a read
// back and a second parse of every document; Attach then gives it the stored state.
std::shared_ptr<WorkingEstimate> Prepare(const store::EstimateHeader& header,
                                         std::vector<core::Section> sections);
// The ids, documents and info of the estimate as stored (`content` parallel to the sections of
// Prepare). The documents are moved.
void Attach(WorkingEstimate& w, store::EstimateContent content);
// Where a position is: (section index, position index).
std::optional<std::pair<std::size_t, std::size_t>> FindPosition(const WorkingEstimate& w,
                                                                std::int64_t id);
std::optional<std::size_t> FindSection(const WorkingEstimate& w, std::int64_t id);

// The audit record of an action of `actor` on an entity.
store::AuditRecord Record(const Actor& actor, const char* action, const char* entity_type,
                          std::int64_t entity_id);

// Runs `body(uow)` and, when it succeeds, appends `record(result)` and commits, all in one
// transaction.
template <typename T, typename Body, typename MakeRecord>
Result<T> Audited(store::Database& db, store::AuditRepository& audit, Body body,
                  MakeRecord record) {
  auto uow = store::UnitOfWork::Begin(db);
  if (!uow.ok()) return uow.status();
  Result<T> r = body(*uow);
  if (!r.ok()) return r;
  if (auto a = audit.Append(*uow, record(r.value())); !a.ok()) return a.status();
  if (Status s = uow->Commit(); !s.ok()) return s;
  return r;
}

}  // namespace internal
}  // namespace estimate::services
