#pragma once
// The data collector's use cases: a collection run (fetch → verify → import as a draft release →
// diff against the active one → activation by an admin, or at once for prices when configured),
// its jobs, the releases' diff report, and the admin's activate and roll back, audited.
//
// A collection (Run):
// 1. takes the collection lock (store::CollectionLock: one collection at a time across every
//    instance); a scheduled run that finds it taken is `skipped`, any other waits up to
//    `lock_wait` and then is skipped, each saying which job holds it;
// 2. asks the portal what is current: the passport of each ФСНБ data set, and for each priced
//    territory (those of the active release, those configured, or the one asked for) its latest
//    period; what equals what was brought in last (collector_sources) is not downloaded —
//    a data set of the same version is only checked with If-None-Match when its ETag is known;
// 3. downloads what is new into a folder of the job (removed at the end, whatever happens), with
//    the fetcher's retries, resume, limits and hashes;
// 4. imports it with the normative base's importers: a new ФСНБ into a new release that keeps
//    the active release's price sets (and its НР/СП and coefficient bindings when the portal's
//    set has none); new prices alone into a copy of the active release with the new sets;
// 5. reports the diff against the active release and saves the release as a draft (one
//    transaction: nothing of a failed run remains), activated only for prices-only runs with
//    `auto_activate_prices`.
// Nothing new: the job ends `nothing_new` and nothing is written but the job.
//
// Errors of the use cases: PermissionDenied (not an admin), NotFound, InvalidArgument naming the
// field. A failed collection is a job with status `failed` and the reason, never an exception.
// Thread-safe.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <utility>
#include <optional>
#include <string>
#include <vector>

#include "collector/fetcher.hpp"
#include "collector/release_diff.hpp"
#include "core/decimal.hpp"
#include "core/status.hpp"
#include "services/actor.hpp"
#include "services/base_service.hpp"

namespace estimate::store {
class Database;
class CollectorJobRepository;
class AuditRepository;
}  // namespace estimate::store

namespace estimate::services {

struct CollectorSettings {
  std::string base_url = "https://fgiscs.minstroyrf.ru/api";  // FGIS_BASE_URL
  // Open-data sets of the ФСНБ (FGIS_BASE_DATASETS): their current files make a base release.
  std::vector<std::string> datasets = {"7707082071-fsnb"};
  // Territories kept current besides those the active release holds (FGIS_PRICE_TERRITORIES).
  struct Territory {
    std::string region;  // "77"
    int zone = 1;
  };
  std::vector<Territory> territories;
  std::string work_dir = "data/collector";  // COLLECTOR_DIR: downloads of running jobs
  std::string sqlite_lock_file;             // the lock beside a SQLite database
  collector::FetchOptions fetch;
  core::Decimal price_change_percent = core::Decimal::FromInt(10);  // COLLECTOR_PRICE_CHANGE_PERCENT
  bool auto_activate_prices = false;  // COLLECTOR_AUTO_ACTIVATE_PRICES
  std::string instance = "collector";
  std::chrono::milliseconds lock_wait{10 * 60'000};
  std::chrono::milliseconds lock_poll{1000};
};

struct CollectRequest {
  std::string what = "all";  // base, prices, all
  // One territory and (optionally) quarter instead of all priced ones; region and zone together.
  std::string region;
  int zone = 0;
  std::string quarter;  // "2026-Q3"; empty: the latest the portal has
  std::string origin = "cli";  // schedule, manual, cli
  std::optional<std::int64_t> requested_by{};
  // When another collection runs: wait for it (up to lock_wait), or end `skipped` at once (the
  // schedule always skips).
  bool wait_if_busy = true;
  // "7" → "07" (regions have two digits).
  void Normalize();
  // Checks the fields; InvalidArgument naming the first wrong one.
  Status Check() const;
};

struct CollectorJobFileView {
  std::string source, name, url, version, sha256, state;
  std::int64_t bytes = 0;
};

struct CollectorJobView {
  std::int64_t id = 0;
  std::string what, territory, origin, status, instance;
  std::optional<std::int64_t> requested_by{};
  std::string created_at;
  std::optional<std::string> started_at{}, finished_at{};
  std::optional<std::int64_t> release_id{};
  bool activated = false;
  std::string summary;
  std::int64_t requests = 0, retries = 0, bytes = 0;
  std::string error;
  std::string log;                           // the job's own view only
  std::vector<CollectorJobFileView> files;   // the job's own view only
  std::int64_t duration_ms() const;  // 0 until it ended
};

struct ReleaseDiffView {
  normbase::ReleaseInfo release;
  normbase::ReleaseInfo against;
  collector::ReleaseDiff diff;
};

// What /metrics says of this process's collections.
struct CollectorMetrics {
  std::atomic<std::int64_t> runs{0}, failures{0}, skipped{0}, nothing_new{0}, bytes{0}, requests{0};
  std::atomic<std::int64_t> last_success_unix{0};  // 0: none yet
  std::atomic<std::int64_t> last_duration_ms{0};
  std::atomic<int> running{0};
};

class CollectorService {
 public:
  // `db`, `base` must outlive the service.
  CollectorService(store::Database& db, BaseService& base, CollectorSettings settings);
  ~CollectorService();

  // Creates a job and runs it on this thread (the CLI, the schedule); the job as it ended.
  CollectorJobView RunNow(const CollectRequest& request);
  // Runs the oldest queued job, if any (the collector role's loop). True when one ran.
  bool RunQueued();

  // Admin: a job for the collector role to run (202 of the API).
  Result<CollectorJobView> Queue(const Actor& actor, CollectRequest request);
  Result<std::vector<CollectorJobView>> Jobs(const Actor& actor, int limit, int offset);
  Result<CollectorJobView> Job(const Actor& actor, std::int64_t id);

  // The diff report of release `id` against `against` (0: the active release).
  Result<ReleaseDiffView> Diff(const Actor& actor, std::int64_t id, std::int64_t against);
  // Admin: activate a release / go back to the one before, audited in the actor's organization.
  Result<normbase::ReleaseInfo> Activate(const Actor& actor, std::int64_t id);
  Result<normbase::ReleaseInfo> Rollback(const Actor& actor);

  // Stops a collection under way (its job ends `failed`, "stopped") and any later one: the
  // process is shutting down.
  void RequestStop() { stopping_ = true; }

  const CollectorMetrics& metrics() const { return metrics_; }
  const CollectorSettings& settings() const { return settings_; }

 private:
  CollectorJobView Run(std::int64_t job_id, const CollectRequest& asked);
  Result<normbase::ReleaseInfo> ReleaseById(std::int64_t id);
  Status Audit(const Actor& actor, const std::string& action, std::int64_t release_id,
               const std::string& before, const std::string& after);

  store::Database& db_;
  BaseService& base_;
  CollectorSettings settings_;
  std::unique_ptr<store::CollectorJobRepository> jobs_;
  std::unique_ptr<store::AuditRepository> audit_;
  CollectorMetrics metrics_;
  std::atomic<bool> stopping_{false};
  // The last diff asked for (releases never change once saved): a page that polls or reloads
  // does not load a whole release again.
  std::mutex diff_mu_;
  std::pair<std::int64_t, std::int64_t> diff_key_{0, 0};
  std::shared_ptr<const ReleaseDiffView> diff_;
};

}  // namespace estimate::services
