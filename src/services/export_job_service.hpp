#pragma once
// Export jobs: a document that takes long to write (the PDF or XLSX of a large ЛСР) is made in
// the background, with its progress, and kept for download; the client polls the job instead of
// holding a request open. Issue 13; docs/design/export-jobs.md tells the whole design.
//
// - When: the client asked for it (Prefer: respond-async), or the export of an estimate is
//   expected to take over kJobThreshold (export_cost.hpp, from the estimate's size and the format).
// - State: one row per job in the database (store/export_job_repository.hpp), so any instance
//   answers its status and its file. The instance that runs a job writes its progress at most
//   every second or every 5 %, and a heartbeat every few seconds besides (a writer that reports no
//   progress still looks alive); a job whose heartbeat is older than `stale_after` reads as failed
//   (its instance died) and is marked so by the clean-up.
// - Cancel: the row is marked cancelled at once; the worker learns it through an in-process flag
//   (same instance) or its next progress or heartbeat write (another instance), the writer stops
//   with Aborted "cancelled", and no file is kept.
// - Who: only the user who started a job, or an admin of its organization, sees it; anyone else
//   gets NotFound, as for any row of another organization.
// - Capacity: the caller holds a heavy-work slot for the job (`hold`), released when the work
//   ends; the service runs at most `threads` jobs at once.
// - Files are deleted `keep_for` after the job ended, by a clean-up when a job is created and
//   once a minute.
// Thread-safe. The destructor cancels the jobs still running here and waits for them.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.hpp"
#include "core/status.hpp"
#include "services/actor.hpp"
#include "services/estimate_types.hpp"

namespace estimate::store {
class ExportJobRepository;
struct ExportJobRecord;
}  // namespace estimate::store

namespace estimate::services {

class DocumentService;

enum class ExportJobStatus { kQueued, kRunning, kDone, kFailed, kCancelled };
const char* ExportJobStatusName(ExportJobStatus status);

struct ExportJobView {
  std::int64_t id = 0;
  ExportJobStatus status = ExportJobStatus::kQueued;
  int progress = 0;  // 0 … 100
  std::string format;
  std::string filename;
  std::string content_type;
  core::Timestamp created_at{};
  std::optional<core::Timestamp> finished_at{};
  Status error;  // failed: why (ok otherwise)
  std::string target_type;  // estimate | object | project
  std::int64_t target_id = 0;
};

struct ExportJobOptions {
  int threads = 3;  // jobs running at once in this process (the heavy-work cap's global)
  std::chrono::seconds stale_after{60};
  std::chrono::seconds keep_for{3600};
  std::chrono::milliseconds heartbeat_every{5000};
  std::chrono::milliseconds progress_every{1000};
  int progress_step = 5;  // percent
  std::string instance;   // this process, as the rows name it
};

class ExportJobService {
 public:
  ExportJobService(store::ExportJobRepository& jobs, DocumentService& documents,
                   const core::Clock& clock, ExportJobOptions options = {});
  ~ExportJobService();
  ExportJobService(const ExportJobService&) = delete;
  ExportJobService& operator=(const ExportJobService&) = delete;

  // Whether `target` is exported as a job: asked for (`prefer_async`), or an estimate whose
  // export is expected to take over kJobThreshold. Errors: those of DocumentService::Plan.
  Result<bool> RunsAsJob(const Actor& actor, const ExportTarget& target, bool prefer_async);

  // A new job for `target`, queued at once; `hold` is kept until its work ends (the caller's
  // heavy-work slot). Errors as DocumentService::Export's before any file is written (format,
  // not found, permission).
  Result<ExportJobView> Start(const Actor& actor, const ExportTarget& target,
                              std::shared_ptr<void> hold);
  Result<ExportJobView> Get(const Actor& actor, std::int64_t id);
  // The file of a done job; FailedPrecondition while it is not done (or when it failed or was
  // cancelled).
  Result<ExportedFile> File(const Actor& actor, std::int64_t id);
  // Cancels a queued or running job; a cancelled one stays so (no-op). FailedPrecondition for a
  // job that is done or failed: its end is kept.
  Status Cancel(const Actor& actor, std::int64_t id);

  // Jobs ended here since start, by status (done, failed, cancelled): /metrics.
  std::uint64_t Ended(ExportJobStatus status) const;
  int RunningCount() const;

 private:
  struct Running;
  struct Task {
    std::shared_ptr<Running> running;
    Actor actor;
    ExportTarget target;
    std::shared_ptr<void> hold;
  };
  class Progress;

  Result<store::ExportJobRecord> Visible(const Actor& actor, std::int64_t id);
  ExportJobView ViewOf(const store::ExportJobRecord& record) const;
  void Work();
  void Run(Task& task);
  void Housekeep();
  void Clean();

  store::ExportJobRepository& jobs_;
  DocumentService& documents_;
  const core::Clock& clock_;
  const ExportJobOptions options_;

  mutable std::mutex mu_;
  std::condition_variable work_cv_;  // workers: a task queued, or stop
  std::condition_variable stop_cv_;  // the housekeeper: stop
  bool stop_ = false;
  std::deque<Task> queue_;
  std::map<std::int64_t, std::shared_ptr<Running>> running_;  // queued or running here
  std::atomic<std::uint64_t> done_{0}, failed_{0}, cancelled_{0};
  std::vector<std::thread> workers_;
  std::thread housekeeper_;
};

}  // namespace estimate::services
