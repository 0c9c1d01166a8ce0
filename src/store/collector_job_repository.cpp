#include "store/collector_job_repository.hpp"

#include <fcntl.h>
#include <soci/soci.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "store/sql_support.hpp"

namespace estimate::store {
namespace {

using internal::Execute;
using internal::RunLeased;
using internal::RunOwn;
using internal::StoreError;

// A running job whose heartbeat is older than this belongs to a collector that died.
constexpr auto kHeartbeatLimit = std::chrono::minutes(2);
// The advisory lock's key: a number of our own ("ФГИС ЦС" collection) and the schema, so that
// deployments sharing one PostgreSQL database in schemas of their own do not wait for each other.
constexpr const char* kAdvisoryKey = "770708207, hashtext(current_schema())";

constexpr const char* kColumns =
    "id, what, territory, origin, requested_by, status, instance, created_at, started_at, "
    "finished_at, heartbeat_at, release_id, activated, summary, requests, retries, bytes, error";

core::Timestamp TimeOf(const std::string& text) {
  auto parsed = core::ParseUtcTimestamp(text);
  if (!parsed.ok()) {
    throw StoreError(StatusCode::kInternal, "collector_jobs: " + parsed.status().message());
  }
  return *parsed;
}

// The columns of kColumns, bound once and read row by row.
struct Row {
  long long id = 0, requested_by = 0, release_id = 0, requests = 0, retries = 0, bytes = 0;
  int activated = 0;
  std::string what, territory, origin, status, instance, created, started, finished, heartbeat,
      summary, error;
  soci::indicator requested_ind = soci::i_ok, started_ind = soci::i_ok, finished_ind = soci::i_ok,
                  release_ind = soci::i_ok, error_ind = soci::i_ok;

  void Bind(soci::statement& st) {
    st.exchange(soci::into(id));
    st.exchange(soci::into(what));
    st.exchange(soci::into(territory));
    st.exchange(soci::into(origin));
    st.exchange(soci::into(requested_by, requested_ind));
    st.exchange(soci::into(status));
    st.exchange(soci::into(instance));
    st.exchange(soci::into(created));
    st.exchange(soci::into(started, started_ind));
    st.exchange(soci::into(finished, finished_ind));
    st.exchange(soci::into(heartbeat));
    st.exchange(soci::into(release_id, release_ind));
    st.exchange(soci::into(activated));
    st.exchange(soci::into(summary));
    st.exchange(soci::into(requests));
    st.exchange(soci::into(retries));
    st.exchange(soci::into(bytes));
    st.exchange(soci::into(error, error_ind));
  }

  CollectorJobRecord Record(core::Timestamp now) const {
    CollectorJobRecord r;
    r.id = id;
    r.what = what;
    r.territory = territory;
    r.origin = origin;
    if (requested_ind == soci::i_ok) r.requested_by = requested_by;
    r.status = status;
    r.instance = instance;
    r.created_at = TimeOf(created);
    if (started_ind == soci::i_ok) r.started_at = TimeOf(started);
    if (finished_ind == soci::i_ok) r.finished_at = TimeOf(finished);
    r.heartbeat_at = TimeOf(heartbeat);
    if (release_ind == soci::i_ok) r.release_id = release_id;
    r.activated = activated != 0;
    r.summary = summary;
    r.requests = requests;
    r.retries = retries;
    r.bytes = bytes;
    if (error_ind == soci::i_ok) r.error = error;
    if (r.status == "running" && now - r.heartbeat_at > kHeartbeatLimit) {
      r.status = "failed";
      r.error = "the collector stopped during the job (no heartbeat since " +
                core::FormatUtcTimestamp(r.heartbeat_at) + ")";
    }
    return r;
  }
};

std::vector<CollectorJobRecord> Select(soci::session& s, const std::string& where,
                                       long long a, long long b, core::Timestamp now) {
  Row row;
  soci::statement st(s);
  row.Bind(st);
  st.exchange(soci::use(a));
  st.exchange(soci::use(b));
  st.alloc();
  st.prepare(std::string("SELECT ") + kColumns + " FROM collector_jobs " + where);
  st.define_and_bind();
  st.execute();
  std::vector<CollectorJobRecord> out;
  while (st.fetch()) out.push_back(row.Record(now));
  return out;
}

}  // namespace

Result<CollectorJobRecord> CollectorJobRepository::Create(const CollectorJobRecord& record,
                                                          const std::string& instance) {
  const std::string now = core::FormatUtcTimestamp(clock_.Now());
  const bool running = !instance.empty();
  return RunLeased(db_, "creating a collector job", [&](soci::session& s) -> Result<CollectorJobRecord> {
    long long id = 0;
    const long long requested = record.requested_by.value_or(0);
    soci::indicator requested_ind = record.requested_by ? soci::i_ok : soci::i_null;
    const std::string status = running ? "running" : "queued";
    soci::indicator started_ind = running ? soci::i_ok : soci::i_null;
    s << "INSERT INTO collector_jobs (what, territory, origin, requested_by, status, instance, "
         "created_at, started_at, heartbeat_at) VALUES (:what, :territory, :origin, :requested, "
         ":status, :instance, :created, :started, :heartbeat) RETURNING id",
        soci::into(id), soci::use(record.what), soci::use(record.territory),
        soci::use(record.origin), soci::use(requested, requested_ind), soci::use(status),
        soci::use(instance), soci::use(now), soci::use(now, started_ind), soci::use(now);
    auto rows = Select(s, "WHERE id = :a OR id = :b", id, id, clock_.Now());
    if (rows.empty()) return Internal("collector job " + std::to_string(id) + " vanished");
    return rows.front();
  });
}

Result<std::optional<CollectorJobRecord>> CollectorJobRepository::ClaimQueued(
    const std::string& instance) {
  const std::string now = core::FormatUtcTimestamp(clock_.Now());
  return RunLeased(db_, "claiming a collector job",
                   [&](soci::session& s) -> Result<std::optional<CollectorJobRecord>> {
                     long long id = 0;
                     soci::indicator ind = soci::i_ok;
                     s << "SELECT MIN(id) FROM collector_jobs WHERE status = 'queued'",
                         soci::into(id, ind);
                     if (!s.got_data() || ind != soci::i_ok) return std::optional<CollectorJobRecord>();
                     // Conditional: of two collectors, one claims it.
                     const long long changed = Execute(
                         s,
                         "UPDATE collector_jobs SET status = 'running', instance = :instance, "
                         "started_at = :started, heartbeat_at = :heartbeat WHERE id = :id AND "
                         "status = 'queued'",
                         soci::use(instance), soci::use(now), soci::use(now), soci::use(id));
                     if (changed == 0) return std::optional<CollectorJobRecord>();
                     auto rows = Select(s, "WHERE id = :a OR id = :b", id, id, clock_.Now());
                     if (rows.empty()) return std::optional<CollectorJobRecord>();
                     return std::optional<CollectorJobRecord>(rows.front());
                   });
}

Result<CollectorJobRecord> CollectorJobRepository::Get(std::int64_t id) {
  return RunLeased(db_, "reading a collector job", [&](soci::session& s) -> Result<CollectorJobRecord> {
    auto rows = Select(s, "WHERE id = :a OR id = :b", id, id, clock_.Now());
    if (rows.empty()) return NotFound("collector job " + std::to_string(id) + " not found");
    CollectorJobRecord r = std::move(rows.front());
    const long long job = id;
    s << "SELECT log FROM collector_jobs WHERE id = :id", soci::into(r.log), soci::use(job);
    CollectorJobFile f;
    long long bytes = 0;
    soci::statement st = (s.prepare << "SELECT source, name, url, version, bytes, sha256, state "
                                       "FROM collector_job_files WHERE job_id = :id ORDER BY ord",
                          soci::into(f.source), soci::into(f.name), soci::into(f.url),
                          soci::into(f.version), soci::into(bytes), soci::into(f.sha256),
                          soci::into(f.state), soci::use(job));
    st.execute();
    while (st.fetch()) {
      f.bytes = bytes;
      r.files.push_back(f);
    }
    return r;
  });
}

Result<std::vector<CollectorJobRecord>> CollectorJobRepository::List(int limit, int offset) {
  return RunLeased(db_, "listing collector jobs",
                   [&](soci::session& s) -> Result<std::vector<CollectorJobRecord>> {
                     return Select(s, "ORDER BY id DESC LIMIT :a OFFSET :b", limit, offset,
                                   clock_.Now());
                   });
}

Status CollectorJobRepository::Log(std::int64_t id, const std::string& line) {
  const core::Timestamp now = clock_.Now();
  const std::string stamp = core::FormatUtcTimestamp(now);
  const std::string text = stamp.substr(0, 19) + "Z " + line + "\n";
  return RunLeased(db_, "writing a collector job's log", [&](soci::session& s) -> Status {
    const long long job = id;
    Execute(s, "UPDATE collector_jobs SET log = log || :line, heartbeat_at = :now WHERE id = :id",
            soci::use(text), soci::use(stamp), soci::use(job));
    return Status::Ok();
  });
}

Status CollectorJobRepository::Finish(std::int64_t id, const CollectorJobEnd& end) {
  const std::string now = core::FormatUtcTimestamp(clock_.Now());
  return RunOwn(db_, "finishing a collector job", [&](soci::session& s) -> Status {
    const long long job = id, release = end.release_id.value_or(0), requests = end.requests,
                    retries = end.retries, bytes = end.bytes;
    soci::indicator release_ind = end.release_id ? soci::i_ok : soci::i_null;
    soci::indicator error_ind = end.error.empty() ? soci::i_null : soci::i_ok;
    const int activated = end.activated ? 1 : 0;
    Execute(s,
            "UPDATE collector_jobs SET status = :status, finished_at = :finished, heartbeat_at = "
            ":heartbeat, release_id = :release, activated = :activated, summary = :summary, "
            "requests = :requests, retries = :retries, bytes = :bytes, error = :error WHERE id = :id",
            soci::use(end.status), soci::use(now), soci::use(now), soci::use(release, release_ind),
            soci::use(activated), soci::use(end.summary), soci::use(requests), soci::use(retries),
            soci::use(bytes), soci::use(end.error, error_ind), soci::use(job));
    Execute(s, "DELETE FROM collector_job_files WHERE job_id = :id", soci::use(job));
    int ord = 0;
    for (const auto& f : end.files) {
      const long long file_bytes = f.bytes;
      Execute(s,
              "INSERT INTO collector_job_files (job_id, ord, source, name, url, version, bytes, "
              "sha256, state) VALUES (:job, :ord, :source, :name, :url, :version, :bytes, :sha, "
              ":state)",
              soci::use(job), soci::use(ord), soci::use(f.source), soci::use(f.name),
              soci::use(f.url), soci::use(f.version), soci::use(file_bytes), soci::use(f.sha256),
              soci::use(f.state));
      ++ord;
    }
    return Status::Ok();
  });
}

Status CollectorJobRepository::Heartbeat(std::int64_t id) {
  const std::string now = core::FormatUtcTimestamp(clock_.Now());
  return RunLeased(db_, "a collector job's heartbeat", [&](soci::session& s) -> Status {
    const long long job = id;
    Execute(s, "UPDATE collector_jobs SET heartbeat_at = :now WHERE id = :id AND status = 'running'",
            soci::use(now), soci::use(job));
    return Status::Ok();
  });
}

Status CollectorJobRepository::MarkLocked(std::int64_t id) {
  const std::string now = core::FormatUtcTimestamp(clock_.Now());
  return RunLeased(db_, "marking a collector job as the lock's holder", [&](soci::session& s) -> Status {
    const long long job = id;
    Execute(s, "UPDATE collector_jobs SET locked = 1, heartbeat_at = :now WHERE id = :id", soci::use(now),
            soci::use(job));
    return Status::Ok();
  });
}

Status CollectorJobRepository::FailOrphans(const std::string& reason) {
  const core::Timestamp now = clock_.Now();
  const std::string stamp = core::FormatUtcTimestamp(now);
  const std::string stale = core::FormatUtcTimestamp(now - kHeartbeatLimit);
  return RunLeased(db_, "failing orphaned collector jobs", [&](soci::session& s) -> Status {
    Execute(s,
            "UPDATE collector_jobs SET status = 'failed', finished_at = :now, error = :reason "
            "WHERE status = 'running' AND heartbeat_at < :stale",
            soci::use(stamp), soci::use(reason), soci::use(stale));
    return Status::Ok();
  });
}

Result<std::optional<std::int64_t>> CollectorJobRepository::RunningOther(std::int64_t except) {
  return RunLeased(db_, "reading the running collector job",
                   [&](soci::session& s) -> Result<std::optional<std::int64_t>> {
                     long long id = 0;
                     soci::indicator ind = soci::i_ok;
                     const long long keep = except;
                     s << "SELECT MAX(id) FROM collector_jobs WHERE status = 'running' AND locked = 1 "
                          "AND id <> :keep",
                         soci::into(id, ind), soci::use(keep);
                     if (!s.got_data() || ind != soci::i_ok) return std::optional<std::int64_t>();
                     return std::optional<std::int64_t>(id);
                   });
}

Result<std::optional<CollectorSourceRecord>> CollectorJobRepository::Source(const std::string& source) {
  return RunLeased(db_, "reading a collector source",
                   [&](soci::session& s) -> Result<std::optional<CollectorSourceRecord>> {
                     CollectorSourceRecord r;
                     long long bytes = 0, release = 0, job = 0;
                     soci::indicator release_ind = soci::i_ok, job_ind = soci::i_ok;
                     s << "SELECT source, version, sha256, bytes, etag, release_id, job_id FROM "
                          "collector_sources WHERE source = :source",
                         soci::into(r.source), soci::into(r.version), soci::into(r.sha256),
                         soci::into(bytes), soci::into(r.etag), soci::into(release, release_ind),
                         soci::into(job, job_ind), soci::use(source);
                     if (!s.got_data()) return std::optional<CollectorSourceRecord>();
                     r.bytes = bytes;
                     if (release_ind == soci::i_ok) r.release_id = release;
                     if (job_ind == soci::i_ok) r.job_id = job;
                     return std::optional<CollectorSourceRecord>(std::move(r));
                   });
}

Status CollectorJobRepository::SaveSources(const std::vector<CollectorSourceRecord>& sources) {
  const std::string now = core::FormatUtcTimestamp(clock_.Now());
  return RunOwn(db_, "saving collector sources", [&](soci::session& s) -> Status {
    for (const auto& r : sources) {
      const long long bytes = r.bytes, release = r.release_id.value_or(0), job = r.job_id.value_or(0);
      soci::indicator release_ind = r.release_id ? soci::i_ok : soci::i_null;
      soci::indicator job_ind = r.job_id ? soci::i_ok : soci::i_null;
      Execute(s, "DELETE FROM collector_sources WHERE source = :source", soci::use(r.source));
      Execute(s,
              "INSERT INTO collector_sources (source, version, sha256, bytes, etag, release_id, "
              "job_id, fetched_at) VALUES (:source, :version, :sha, :bytes, :etag, :release, :job, "
              ":at)",
              soci::use(r.source), soci::use(r.version), soci::use(r.sha256), soci::use(bytes),
              soci::use(r.etag), soci::use(release, release_ind), soci::use(job, job_ind),
              soci::use(now));
    }
    return Status::Ok();
  });
}

// ---- the lock --------------------------------------------------------------------------------

Result<std::unique_ptr<CollectionLock>> CollectionLock::TryAcquire(Database& db,
                                                                   const std::string& sqlite_lock_file) {
  std::unique_ptr<CollectionLock> lock(new CollectionLock());
  if (db.dialect() == Dialect::kPostgresql) {
    auto lease = db.Acquire();
    if (!lease.ok()) return lease.status();
    try {
      int got = 0;
      lease->session() << "SELECT CASE WHEN pg_try_advisory_lock(" << kAdvisoryKey
                       << ") THEN 1 ELSE 0 END",
          soci::into(got);
      if (got == 0) return std::unique_ptr<CollectionLock>();
    } catch (const std::exception& e) {
      lease->MarkBroken();
      return Unavailable(std::string("the collection lock (PostgreSQL advisory lock): ") + e.what());
    }
    lock->lease_.emplace(std::move(*lease));
    return lock;
  }
  const int fd = ::open(sqlite_lock_file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    return Unavailable("the collection lock " + sqlite_lock_file + ": " + std::strerror(errno));
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK) return std::unique_ptr<CollectionLock>();
    return Unavailable("the collection lock " + sqlite_lock_file + ": " + std::strerror(err));
  }
  lock->fd_ = fd;
  return lock;
}

CollectionLock::~CollectionLock() {
  if (lease_) {
    try {
      lease_->session() << "SELECT pg_advisory_unlock(" << kAdvisoryKey << ")";
    } catch (const std::exception&) {
      lease_->MarkBroken();  // the server drops the lock with the connection
    }
  }
  if (fd_ >= 0) {
    ::flock(fd_, LOCK_UN);
    ::close(fd_);
  }
}

}  // namespace estimate::store
