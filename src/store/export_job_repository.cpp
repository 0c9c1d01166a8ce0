#include "store/export_job_repository.hpp"

#include <libpq-fe.h>
#include <soci/soci.h>

#include <memory>

#include "store/sql_support.hpp"

namespace estimate::store {
namespace {

using internal::Execute;
using internal::RunLeased;
using internal::StoreError;
namespace sq = sqlite_api;

constexpr const char* kColumns =
    "id, organization_id, user_id, target_type, target_id, format, file_name, content_type, "
    "status, progress, cancel_requested, error_code, error_message, instance, created_at, "
    "heartbeat_at, finished_at, file_size";

core::Timestamp TimeOf(const std::string& text, const char* column) {
  auto parsed = core::ParseUtcTimestamp(text);
  if (!parsed.ok()) {
    throw StoreError(StatusCode::kInternal,
                     std::string("export_jobs.") + column + ": " + parsed.status().message());
  }
  return *parsed;
}

// One job by id (and organization, when `organization_id` is not 0); NotFound when none.
Result<ExportJobRecord> Select(soci::session& s, std::int64_t organization_id, std::int64_t id) {
  long long row_id = 0, organization = 0, user = 0, target = 0, size = 0;
  int progress = 0, cancel = 0;
  std::string target_type, format, file_name, content_type, status, error_code, error_message,
      instance, created, heartbeat, finished;
  soci::indicator code_ind = soci::i_ok, message_ind = soci::i_ok, finished_ind = soci::i_ok;
  const long long wanted = id, org = organization_id;
  s << "SELECT " << kColumns
    << " FROM export_jobs WHERE id = :id AND (:org = 0 OR organization_id = :org2)",
      soci::into(row_id), soci::into(organization), soci::into(user), soci::into(target_type),
      soci::into(target), soci::into(format), soci::into(file_name), soci::into(content_type),
      soci::into(status), soci::into(progress), soci::into(cancel),
      soci::into(error_code, code_ind), soci::into(error_message, message_ind),
      soci::into(instance), soci::into(created), soci::into(heartbeat),
      soci::into(finished, finished_ind), soci::into(size), soci::use(wanted), soci::use(org),
      soci::use(org);
  if (!s.got_data()) return NotFound("job " + std::to_string(id) + " not found");
  ExportJobRecord r;
  r.id = row_id;
  r.organization_id = organization;
  r.user_id = user;
  r.target_type = target_type;
  r.target_id = target;
  r.format = format;
  r.file_name = file_name;
  r.content_type = content_type;
  r.status = status;
  r.progress = progress;
  r.cancel_requested = cancel != 0;
  if (code_ind == soci::i_ok) r.error_code = error_code;
  if (message_ind == soci::i_ok) r.error_message = error_message;
  r.instance = instance;
  r.created_at = TimeOf(created, "created_at");
  r.heartbeat_at = TimeOf(heartbeat, "heartbeat_at");
  if (finished_ind == soci::i_ok) r.finished_at = TimeOf(finished, "finished_at");
  r.file_size = size;
  return r;
}

// ---------------------------------------------------------------------------------------------
// The file's bytes through the native handles: SOCI 4.0 binds std::string as text, which neither
// a bytea nor a BLOB with NUL bytes survives.

struct PgClear {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResultPtr = std::unique_ptr<PGresult, PgClear>;

void ThrowPg(PGconn* conn, const PGresult* res, const std::string& what) {
  std::string m = res ? PQresultErrorMessage(res) : "";
  if (m.empty()) m = PQerrorMessage(conn);
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  throw StoreError(
      PQstatus(conn) == CONNECTION_OK ? StatusCode::kInternal : StatusCode::kUnavailable,
      what + ": " + m);
}

struct SqliteFinalize {
  void operator()(sq::sqlite3_stmt* st) const { sq::sqlite3_finalize(st); }
};
using SqliteStatementPtr = std::unique_ptr<sq::sqlite3_stmt, SqliteFinalize>;

SqliteStatementPtr PrepareSqlite(sq::sqlite3* db, const std::string& sql, const std::string& what) {
  sq::sqlite3_stmt* st = nullptr;
  if (sq::sqlite3_prepare_v2(db, sql.c_str(), static_cast<int>(sql.size()), &st, nullptr) !=
      SQLITE_OK) {
    throw StoreError(StatusCode::kInternal, what + ": " + sq::sqlite3_errmsg(db));
  }
  return SqliteStatementPtr(st);
}

[[noreturn]] void ThrowSqlite(sq::sqlite3* db, int rc, const std::string& what) {
  const int primary = rc & 0xFF;
  const bool busy = primary == SQLITE_BUSY || primary == SQLITE_LOCKED || primary == SQLITE_FULL ||
                    primary == SQLITE_IOERR;
  throw StoreError(busy ? StatusCode::kUnavailable : StatusCode::kInternal,
                   what + ": " + sq::sqlite3_errmsg(db));
}

// Sets the job done with its file when it is still queued or running; the rows changed (0 or 1).
long long StoreFile(soci::session& s, Dialect dialect, std::int64_t id, const std::string& now,
                    const std::string& file_name, const std::string& content_type,
                    const std::string& bytes) {
  const std::string what = "finishing export job " + std::to_string(id);
  const std::string size = std::to_string(bytes.size()), job = std::to_string(id);
  if (dialect == Dialect::kPostgresql) {
    PGconn* conn = static_cast<soci::postgresql_session_backend*>(s.get_backend())->conn_;
    const char* sql =
        "UPDATE export_jobs SET status = 'done', progress = 100, file = $1, file_size = $2, "
        "file_name = $3, content_type = $4, finished_at = $5, heartbeat_at = $5 "
        "WHERE id = $6 AND status IN ('queued', 'running')";
    const char* values[] = {bytes.data(),         size.c_str(), file_name.c_str(),
                            content_type.c_str(), now.c_str(),  job.c_str()};
    const int lengths[] = {static_cast<int>(bytes.size()), 0, 0, 0, 0, 0};
    const int binary[] = {1, 0, 0, 0, 0, 0};
    PgResultPtr res(PQexecParams(conn, sql, 6, nullptr, values, lengths, binary, 0));
    if (PQresultStatus(res.get()) != PGRES_COMMAND_OK) ThrowPg(conn, res.get(), what);
    return std::atoll(PQcmdTuples(res.get()));
  }
  sq::sqlite3* db = static_cast<soci::sqlite3_session_backend*>(s.get_backend())->conn_;
  auto st = PrepareSqlite(
      db,
      "UPDATE export_jobs SET status = 'done', progress = 100, file = ?1, file_size = ?2, "
      "file_name = ?3, content_type = ?4, finished_at = ?5, heartbeat_at = ?5 "
      "WHERE id = ?6 AND status IN ('queued', 'running')",
      what);
  sq::sqlite3_bind_blob64(st.get(), 1, bytes.data(), bytes.size(), SQLITE_STATIC);
  sq::sqlite3_bind_int64(st.get(), 2, static_cast<sq::sqlite3_int64>(bytes.size()));
  sq::sqlite3_bind_text(st.get(), 3, file_name.data(), static_cast<int>(file_name.size()),
                        SQLITE_STATIC);
  sq::sqlite3_bind_text(st.get(), 4, content_type.data(), static_cast<int>(content_type.size()),
                        SQLITE_STATIC);
  sq::sqlite3_bind_text(st.get(), 5, now.data(), static_cast<int>(now.size()), SQLITE_STATIC);
  sq::sqlite3_bind_int64(st.get(), 6, id);
  if (const int rc = sq::sqlite3_step(st.get()); rc != SQLITE_DONE) ThrowSqlite(db, rc, what);
  return sq::sqlite3_changes(db);
}

// The file of a done job; nullopt when the row has none.
std::optional<std::string> LoadFile(soci::session& s, Dialect dialect, std::int64_t id) {
  const std::string what = "reading the file of export job " + std::to_string(id);
  if (dialect == Dialect::kPostgresql) {
    PGconn* conn = static_cast<soci::postgresql_session_backend*>(s.get_backend())->conn_;
    const std::string job = std::to_string(id);
    const char* values[] = {job.c_str()};
    PgResultPtr res(PQexecParams(conn, "SELECT file FROM export_jobs WHERE id = $1", 1, nullptr,
                                 values, nullptr, nullptr, /*resultFormat=binary*/ 1));
    if (PQresultStatus(res.get()) != PGRES_TUPLES_OK) ThrowPg(conn, res.get(), what);
    if (PQntuples(res.get()) != 1 || PQgetisnull(res.get(), 0, 0)) return std::nullopt;
    return std::string(PQgetvalue(res.get(), 0, 0), PQgetlength(res.get(), 0, 0));
  }
  sq::sqlite3* db = static_cast<soci::sqlite3_session_backend*>(s.get_backend())->conn_;
  auto st = PrepareSqlite(db, "SELECT file FROM export_jobs WHERE id = ?1", what);
  sq::sqlite3_bind_int64(st.get(), 1, id);
  const int rc = sq::sqlite3_step(st.get());
  if (rc == SQLITE_DONE) return std::nullopt;
  if (rc != SQLITE_ROW) ThrowSqlite(db, rc, what);
  if (sq::sqlite3_column_type(st.get(), 0) == SQLITE_NULL) return std::nullopt;
  const void* data = sq::sqlite3_column_blob(st.get(), 0);
  const int size = sq::sqlite3_column_bytes(st.get(), 0);
  return std::string(static_cast<const char*>(data), static_cast<std::size_t>(size));
}

}  // namespace

Result<ExportJobRecord> ExportJobRepository::Create(const ExportJobRecord& record) {
  if (record.organization_id <= 0) return InvalidField("organization_id", "must be a positive id");
  if (record.user_id <= 0) return InvalidField("user_id", "must be a positive id");
  if (record.format.empty()) return InvalidField("format", "must not be empty");
  const std::string now = core::FormatUtcTimestamp(clock_.Now());
  return RunLeased(db_, "creating an export job", [&](soci::session& s) -> Result<ExportJobRecord> {
    long long id = 0;
    const long long organization = record.organization_id, user = record.user_id,
                    target = record.target_id;
    s << "INSERT INTO export_jobs (organization_id, user_id, target_type, target_id, format, "
         "file_name, content_type, instance, created_at, heartbeat_at) VALUES (:organization, "
         ":user, :target_type, :target, :format, :file_name, :content_type, :instance, :created, "
         ":heartbeat) RETURNING id",
        soci::into(id), soci::use(organization), soci::use(user), soci::use(record.target_type),
        soci::use(target), soci::use(record.format), soci::use(record.file_name),
        soci::use(record.content_type), soci::use(record.instance), soci::use(now), soci::use(now);
    return Select(s, 0, id);
  });
}

Result<ExportJobRecord> ExportJobRepository::Get(std::int64_t organization_id, std::int64_t id) {
  if (organization_id <= 0) return NotFound("job " + std::to_string(id) + " not found");
  return RunLeased(db_, "reading an export job",
                   [&](soci::session& s) { return Select(s, organization_id, id); });
}

Result<bool> ExportJobRepository::Progress(std::int64_t id, int progress) {
  const std::string now = core::FormatUtcTimestamp(clock_.Now());
  const int clamped = progress < 0 ? 0 : progress > 100 ? 100 : progress;
  return RunLeased(db_, "writing an export job's progress", [&](soci::session& s) -> Result<bool> {
    const long long job = id;
    // One statement: the heartbeat, and whether anyone cancelled the job meanwhile (a cancelled
    // row is no longer running, so it changes nothing and returns no row).
    int cancel = 1;
    s << "UPDATE export_jobs SET status = 'running', progress = :progress, heartbeat_at = :now "
         "WHERE id = :id AND status IN ('queued', 'running') RETURNING cancel_requested",
        soci::into(cancel), soci::use(clamped), soci::use(now), soci::use(job);
    return s.got_data() && cancel == 0;
  });
}

Status ExportJobRepository::Finish(std::int64_t id, const std::string& file_name,
                                   const std::string& content_type, const std::string& bytes) {
  const std::string now = core::FormatUtcTimestamp(clock_.Now());
  auto changed =
      RunLeased(db_, "finishing an export job", [&](soci::session& s) -> Result<long long> {
        return StoreFile(s, db_.dialect(), id, now, file_name, content_type, bytes);
      });
  if (!changed.ok()) return changed.status();
  if (*changed == 0) {
    return FailedPrecondition("job " + std::to_string(id) + " is no longer running");
  }
  return Status::Ok();
}

Status ExportJobRepository::Fail(std::int64_t id, const Status& error) {
  const std::string now = core::FormatUtcTimestamp(clock_.Now());
  auto changed =
      RunLeased(db_, "failing an export job", [&](soci::session& s) -> Result<long long> {
        const long long job = id;
        const std::string code = StatusCodeName(error.code());
        return Execute(
            s,
            "UPDATE export_jobs SET status = 'failed', error_code = :code, error_message = "
            ":message, finished_at = :now, heartbeat_at = :now2 WHERE id = :id AND status "
            "IN ('queued', 'running')",
            soci::use(code), soci::use(error.message()), soci::use(now), soci::use(now),
            soci::use(job));
      });
  return changed.ok() ? Status::Ok() : changed.status();
}

Result<ExportJobRecord> ExportJobRepository::Cancel(std::int64_t organization_id, std::int64_t id) {
  if (organization_id <= 0) return NotFound("job " + std::to_string(id) + " not found");
  const std::string now = core::FormatUtcTimestamp(clock_.Now());
  return RunLeased(
      db_, "cancelling an export job", [&](soci::session& s) -> Result<ExportJobRecord> {
        const long long job = id, org = organization_id;
        Execute(
            s,
            "UPDATE export_jobs SET status = 'cancelled', cancel_requested = 1, finished_at = :now "
            "WHERE id = :id AND organization_id = :org AND status IN ('queued', 'running')",
            soci::use(now), soci::use(job), soci::use(org));
        return Select(s, organization_id, id);
      });
}

Result<std::string> ExportJobRepository::File(std::int64_t organization_id, std::int64_t id) {
  return RunLeased(db_, "reading an export job's file",
                   [&](soci::session& s) -> Result<std::string> {
                     auto job = Select(s, organization_id, id);
                     if (!job.ok()) return job.status();
                     if (job->status != "done") {
                       return FailedPrecondition("job " + std::to_string(id) + " is " +
                                                 job->status + ": it has no file");
                     }
                     auto bytes = LoadFile(s, db_.dialect(), id);
                     if (!bytes)
                       return FailedPrecondition("job " + std::to_string(id) + " keeps no file");
                     return std::move(*bytes);
                   });
}

Result<int> ExportJobRepository::Clean(core::Timestamp stale_before, core::Timestamp ended_before) {
  const std::string now = core::FormatUtcTimestamp(clock_.Now());
  const std::string stale = core::FormatUtcTimestamp(stale_before);
  const std::string ended = core::FormatUtcTimestamp(ended_before);
  return RunLeased(db_, "cleaning export jobs", [&](soci::session& s) -> Result<int> {
    const std::string code = StatusCodeName(StatusCode::kUnavailable);
    const std::string message =
        "the instance that ran the job stopped before it was done; start the export again";
    Execute(s,
            "UPDATE export_jobs SET status = 'failed', error_code = :code, error_message = "
            ":message, finished_at = :now WHERE status IN ('queued', 'running') AND heartbeat_at "
            "< :stale",
            soci::use(code), soci::use(message), soci::use(now), soci::use(stale));
    return static_cast<int>(
        Execute(s, "DELETE FROM export_jobs WHERE finished_at IS NOT NULL AND finished_at < :ended",
                soci::use(ended)));
  });
}

}  // namespace estimate::store
