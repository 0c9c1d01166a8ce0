#pragma once
// Editing an estimate: a batch of changes as one version — planned against the estimate in
// memory (each new position parsed and computed once), saved with its audit record in one
// transaction, and applied to the estimate in memory by re-pricing only what changed — and the
// status workflow (draft → review → approved, and back, by the roles auth/policy.hpp names).
// Only drafts change. Every write names the version it was based on; a stale one is Aborted and
// writes nothing. Thread-safe.
#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "services/estimate_deps.hpp"

namespace estimate::normbase {
class BaseRelease;
struct RegionalPrices;
}  // namespace estimate::normbase

namespace estimate::services {

class WorkingSet;

// A calc-v1 estimate document re-priced into `prices` of `release` as EditingService::Reprice
// re-prices a stored estimate (`estimate-service reprice`): the document's JSON, and the positions
// kept as they were for want of a price.
struct KeptPosition {
  std::string path;  // "sections[0].positions[3]"
  std::string number, code;
  std::vector<std::string> missing;
};
struct RepricedDocument {
  std::string json;
  std::vector<KeptPosition> kept;
};
Result<RepricedDocument> RepriceDocument(std::string_view document_json, const normbase::BaseRelease& release,
                                         const normbase::RegionalPrices& prices);

class EditingService {
 public:
  EditingService(const internal::EstimateDeps& deps, WorkingSet& working);

  // A batch of changes ({"op": …} objects as JSON text, an array) as one version. `path` names
  // the changes in errors ("changes" for a batch; "" when one op stands for the whole body).
  // `max_changes`: the API's bound on a batch; a re-pricing of a large estimate is one op a
  // position.
  Result<EditOutcome> Edit(const Actor& actor, std::int64_t estimate_id,
                           std::int64_t expected_version, const std::string& changes_json,
                           const std::string& path, const std::string& summary,
                           std::size_t max_changes = 10'000);
  Result<EditOutcome> SetStatus(const Actor& actor, std::int64_t estimate_id,
                                std::int64_t expected_version, const std::string& status);

  // Re-pricing into another price set (issue 15): every priced resource line, machinist, sub-row
  // and resource position takes its price from the active release's prices of `region`, `zone`
  // and `quarter` (each empty: the header's), consumptions and everything else unchanged, and the
  // header names the new price set — one version. A position the price set lacks a price of is
  // left as it was and listed in the answer's "kept" ({position_id, number, code, missing}).
  // FailedPrecondition for a base-index estimate or a release_id that is not the active one;
  // NotFound when the release holds no such price set.
  struct RepriceRequest {
    std::optional<std::int64_t> release_id;
    std::string region, zone, quarter;
  };
  Result<EditOutcome> Reprice(const Actor& actor, std::int64_t estimate_id, std::int64_t expected_version,
                              const RepriceRequest& request);
  // Every estimate of an object (or of every object of a project) re-priced, each as a version of
  // its own at its current version: {"estimates": [{"estimate_id", "name", "outcome": repriced |
  // unchanged | skipped | failed, "version", "kept", "detail"}]}. Estimates that are not drafts, or
  // by the base-index method, are skipped and say why; one failing does not stop the others.
  enum class RepriceScope { kObject, kProject };
  Result<std::string> RepriceAll(const Actor& actor, RepriceScope scope, std::int64_t id,
                                 const RepriceRequest& request);

  // How many positions the edits have calculated since start (one per new or changed position;
  // a whole estimate's recalculation counts its positions): the metric
  // estimate_position_calculations_total, and what the tests hold an edit to.
  std::uint64_t position_calculations() const { return position_calculations_.load(); }

 private:
  // Saves `changes` as one version with its audit record, in one transaction.
  Result<EditOutcome> Save(const Actor& actor, std::int64_t estimate_id,
                           std::int64_t expected_version, const store::ChangeSet& changes,
                           const std::string& action, const std::string& before_json,
                           const std::string& after_json);

  store::Database& db_;
  store::EstimateRepository& estimates_;
  store::AuditRepository& audit_;
  BaseService& base_;
  WorkingSet& working_;
  std::atomic<std::uint64_t> position_calculations_{0};
};

}  // namespace estimate::services
