#pragma once
// Export jobs (migration 0006: export_jobs): the state of a document being written in the
// background, and its file once written. The row is the whole state, so any instance of the
// service answers a job's status and file; only the instance that runs a job writes its progress.
//
// A job goes queued → running → done | failed | cancelled. The conditional writes keep the end
// unique across instances and threads:
// - Cancel sets status 'cancelled' (and cancel_requested) only on a queued or running row.
// - Progress, Finish and Fail change only a queued or running row: after a Cancel they change
//   nothing, Progress answers false (the file is no longer wanted) and Finish FailedPrecondition,
//   so a cancelled job never gets a file.
// The file's bytes are bound as binary through the native handle (libpq's binary parameters,
// sqlite3_bind_blob): SOCI 4.0 has no bytea.
//
// Errors: NotFound for a job of another organization or none; Unavailable when the database cannot
// be reached or is busy; InvalidArgument naming the field of a record Create refuses.
// Thread-safe: each call leases its own session.
#include <cstdint>
#include <optional>
#include <string>

#include "core/clock.hpp"
#include "core/status.hpp"
#include "store/database.hpp"
#include "telemetry/system_clock.hpp"

namespace estimate::store {

struct ExportJobRecord {
  std::int64_t id = 0;  // assigned by Create
  std::int64_t organization_id = 0;
  std::int64_t user_id = 0;
  std::string target_type;  // estimate, object, project
  std::int64_t target_id = 0;
  std::string format;
  std::string file_name;
  std::string content_type;
  std::string status = "queued";  // queued, running, done, failed, cancelled
  int progress = 0;               // 0 … 100
  bool cancel_requested = false;
  std::string error_code;     // failed: core::StatusCodeName of the failure
  std::string error_message;  // failed: its message
  std::string instance;       // the process that runs the job
  core::Timestamp created_at{};
  core::Timestamp heartbeat_at{};
  std::optional<core::Timestamp> finished_at{};
  std::int64_t file_size = 0;  // bytes of the kept file (done); 0 otherwise
};

class ExportJobRepository {
 public:
  // `clock` stamps every time the repository writes; it must outlive the repository.
  explicit ExportJobRepository(Database& db, const core::Clock& clock = telemetry::SystemClock())
      : db_(db), clock_(clock) {}

  // A new queued job (created_at and heartbeat_at now); the record as stored.
  Result<ExportJobRecord> Create(const ExportJobRecord& record);
  // The job `id` of `organization_id`, without its file.
  Result<ExportJobRecord> Get(std::int64_t organization_id, std::int64_t id);

  // The runner's heartbeat with the progress (running from now on): true while the job is still
  // wanted, false once it was cancelled or ended otherwise (or the row is gone).
  Result<bool> Progress(std::int64_t id, int progress);
  // The job done with its file. FailedPrecondition when the job is no longer queued or running
  // (cancelled meanwhile): nothing is kept.
  Status Finish(std::int64_t id, const std::string& file_name, const std::string& content_type,
                const std::string& bytes);
  // The job failed with `error` (a no-op on a job that already ended).
  Status Fail(std::int64_t id, const Status& error);
  // The job cancelled when it is queued or running; the record after the call either way.
  Result<ExportJobRecord> Cancel(std::int64_t organization_id, std::int64_t id);
  // The bytes of a done job's file; FailedPrecondition (naming the status) when there is none.
  Result<std::string> File(std::int64_t organization_id, std::int64_t id);

  // Housekeeping: jobs still queued or running whose heartbeat is older than `stale_before` are
  // marked failed (their instance died); jobs that ended before `ended_before` are deleted with
  // their files. Returns the rows deleted.
  Result<int> Clean(core::Timestamp stale_before, core::Timestamp ended_before);

 private:
  Database& db_;
  const core::Clock& clock_;
};

}  // namespace estimate::store
