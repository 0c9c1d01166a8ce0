#pragma once
// The data collector's jobs and what it last brought in (migration 0008): collector_jobs with
// their files, and collector_sources.
//
// A job goes queued → running → succeeded | nothing_new | failed | skipped. Only the collector
// that claimed a job writes it (Claim, Log, Finish); its heartbeat moves with every write, and a
// running job without a heartbeat for two minutes reads as failed ("the collector stopped").
//
// Errors: NotFound for an unknown job; Unavailable when the database cannot be reached or is busy.
// Thread-safe: each call leases its own session.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/status.hpp"
#include "store/database.hpp"
#include "telemetry/system_clock.hpp"

namespace estimate::store {

struct CollectorJobFile {
  std::string source;   // "dataset:7707082071-fsnb", "prices:77:1:2026-Q3"
  std::string name;     // the file's name
  std::string url;
  std::string version;  // what the portal calls the version (a file name, a period)
  std::int64_t bytes = 0;
  std::string sha256;
  std::string state;  // new, changed (same version, other bytes), unchanged
};

struct CollectorJobRecord {
  std::int64_t id = 0;
  std::string what = "all";      // base, prices, all
  std::string territory;         // "77:1:2026-Q3" when one was asked for; empty otherwise
  std::string origin = "manual";  // schedule, manual, cli
  std::optional<std::int64_t> requested_by{};
  std::string status = "queued";  // queued, running, succeeded, nothing_new, failed, skipped
  std::string instance;
  core::Timestamp created_at{};
  std::optional<core::Timestamp> started_at{};
  std::optional<core::Timestamp> finished_at{};
  core::Timestamp heartbeat_at{};
  std::optional<std::int64_t> release_id{};
  bool activated = false;
  std::string summary;
  std::int64_t requests = 0, retries = 0, bytes = 0;
  std::string error;
  std::string log;  // filled by Get only
  std::vector<CollectorJobFile> files;  // filled by Get only
};

// What was last brought in from a source.
struct CollectorSourceRecord {
  std::string source;
  std::string version;
  std::string sha256;
  std::int64_t bytes = 0;
  std::string etag;
  std::optional<std::int64_t> release_id{};
  std::optional<std::int64_t> job_id{};
};

// How a job ended.
struct CollectorJobEnd {
  std::string status;  // succeeded, nothing_new, failed, skipped
  std::optional<std::int64_t> release_id{};
  bool activated = false;
  std::string summary;
  std::int64_t requests = 0, retries = 0, bytes = 0;
  std::string error;
  std::vector<CollectorJobFile> files;
};

class CollectorJobRepository {
 public:
  explicit CollectorJobRepository(Database& db, const core::Clock& clock = telemetry::SystemClock())
      : db_(db), clock_(clock) {}

  // A new job: queued, or already running on `instance` when it is not empty (the schedule and
  // the CLI run what they create).
  Result<CollectorJobRecord> Create(const CollectorJobRecord& record, const std::string& instance = {});
  // The oldest queued job, now running on `instance`; nullopt when none is queued.
  Result<std::optional<CollectorJobRecord>> ClaimQueued(const std::string& instance);
  Result<CollectorJobRecord> Get(std::int64_t id);
  // Newest first, without logs and files.
  Result<std::vector<CollectorJobRecord>> List(int limit, int offset);
  // Appends a line to the log ("2026-12-07T02:00:01Z message") and moves the heartbeat.
  Status Log(std::int64_t id, const std::string& line);
  // Ends a running job; its files are written with it, in one transaction.
  Status Finish(std::int64_t id, const CollectorJobEnd& end);
  // Moves the heartbeat of a running job (while it downloads or imports without a log line).
  Status Heartbeat(std::int64_t id);
  // The job took the collection lock (RunningOther names it).
  Status MarkLocked(std::int64_t id);
  // Running jobs whose heartbeat stopped (their collector died) are marked failed.
  Status FailOrphans(const std::string& reason);
  // The running job that holds the collection lock, other than `except`, if any.
  Result<std::optional<std::int64_t>> RunningOther(std::int64_t except);

  Result<std::optional<CollectorSourceRecord>> Source(const std::string& source);
  Status SaveSources(const std::vector<CollectorSourceRecord>& sources);

 private:
  Database& db_;
  const core::Clock& clock_;
};

// Exactly one collection at a time across every instance on one database: a PostgreSQL advisory
// lock held on a session of its own, or an flock(2) on `sqlite_lock_file` beside the SQLite
// database. Released by the destructor (and by the server when the session or process dies).
class CollectionLock {
 public:
  // nullptr when another holder has it; an error when it cannot be asked.
  static Result<std::unique_ptr<CollectionLock>> TryAcquire(Database& db,
                                                            const std::string& sqlite_lock_file);
  ~CollectionLock();
  CollectionLock(const CollectionLock&) = delete;
  CollectionLock& operator=(const CollectionLock&) = delete;

 private:
  CollectionLock() = default;
  std::optional<Lease> lease_;
  int fd_ = -1;
};

}  // namespace estimate::store
