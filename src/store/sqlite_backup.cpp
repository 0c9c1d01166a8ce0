#include "store/sqlite_backup.hpp"

#include <sqlite3.h>

#include <filesystem>
#include <memory>

namespace estimate::store {
namespace {

namespace fs = std::filesystem;

struct Closer {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using Handle = std::unique_ptr<sqlite3, Closer>;

Result<Handle> Open(const std::string& path, int flags, const std::string& what) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  Handle db(raw);
  if (rc != SQLITE_OK) {
    return Unavailable(what + " " + path + ": " + (raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
  }
  sqlite3_busy_timeout(raw, 5000);
  return db;
}

// Copies every page of `from` into `to` in one step: one read transaction of `from` (in WAL mode
// its writers go on meanwhile), so a busy database cannot make the copy start over and over. A
// lock held by another connection is waited for five seconds, then the copy fails naming it.
Status Copy(sqlite3* from, sqlite3* to, const std::string& what) {
  sqlite3_backup* backup = sqlite3_backup_init(to, "main", from, "main");
  if (backup == nullptr) return Unavailable(what + ": " + sqlite3_errmsg(to));
  int rc = SQLITE_OK;
  for (int waits = 0; waits < 100; ++waits) {
    rc = sqlite3_backup_step(backup, -1);
    if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED) break;
    sqlite3_sleep(50);
  }
  sqlite3_backup_finish(backup);
  if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
    return Unavailable(what + ": the database is in use by another connection (stop the service to restore)");
  }
  if (rc != SQLITE_DONE) return Unavailable(what + ": " + sqlite3_errstr(rc));
  return Status::Ok();
}

}  // namespace

Result<std::string> SqlitePathOfUrl(const std::string& url) {
  if (url.rfind("sqlite://", 0) != 0) {
    return InvalidArgument("DATABASE_URL: not a sqlite:// database (PostgreSQL is backed up with pg_dump: "
                           "scripts/backup-db.sh)");
  }
  return url.substr(9);
}

Result<SqliteBackupInfo> VerifySqliteBackup(const std::string& backup_path) {
  std::error_code ec;
  if (!fs::is_regular_file(backup_path, ec)) return NotFound(backup_path + ": no such backup file");
  auto db = Open(backup_path, SQLITE_OPEN_READONLY, "cannot open the backup");
  if (!db.ok()) return db.status();
  const std::string refused = backup_path + ": not a usable backup of this service: ";
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db->get(), "PRAGMA integrity_check", -1, &st, nullptr) != SQLITE_OK) {
    return InvalidArgument(refused + sqlite3_errmsg(db->get()));
  }
  std::string verdict;
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    const unsigned char* text = sqlite3_column_text(st, 0);
    verdict = text != nullptr ? reinterpret_cast<const char*>(text) : "";
  } else {
    verdict = sqlite3_errmsg(db->get());
  }
  sqlite3_finalize(st);
  if (verdict != "ok") return InvalidArgument(refused + "the integrity check says \"" + verdict + "\"");
  SqliteBackupInfo info;
  if (sqlite3_prepare_v2(db->get(), "SELECT MAX(version) FROM schema_migrations", -1, &st, nullptr) != SQLITE_OK) {
    return InvalidArgument(refused + "it has no schema_migrations table (" + sqlite3_errmsg(db->get()) + ")");
  }
  rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) info.schema_version = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  if (info.schema_version <= 0) return InvalidArgument(refused + "it holds no migration");
  info.bytes = static_cast<std::int64_t>(fs::file_size(backup_path, ec));
  return info;
}

Result<SqliteBackupInfo> BackupSqlite(const std::string& database_path, const std::string& backup_path) {
  std::error_code ec;
  if (!fs::is_regular_file(database_path, ec)) return NotFound(database_path + ": no such database");
  auto from = Open(database_path, SQLITE_OPEN_READONLY, "cannot open the database");
  if (!from.ok()) return from.status();
  const std::string partial = backup_path + ".partial";
  fs::remove(partial, ec);
  {
    auto to = Open(partial, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, "cannot write the backup");
    if (!to.ok()) return to.status();
    if (Status s = Copy(from->get(), to->get(), "backing up " + database_path); !s.ok()) {
      to->reset();
      fs::remove(partial, ec);
      return s;
    }
    // One self-contained file: the copy takes the database's WAL mode, which keeps -wal and -shm
    // files beside it.
    sqlite3_exec(to->get(), "PRAGMA journal_mode=DELETE", nullptr, nullptr, nullptr);
  }
  for (const char* side : {"-wal", "-shm", "-journal"}) fs::remove(partial + side, ec);
  auto info = VerifySqliteBackup(partial);
  if (!info.ok()) {
    fs::remove(partial, ec);
    return info.status();
  }
  fs::rename(partial, backup_path, ec);
  if (ec) {
    fs::remove(partial, ec);
    return Unavailable("cannot move the backup to " + backup_path + ": " + ec.message());
  }
  return info;
}

Result<SqliteBackupInfo> RestoreSqlite(const std::string& backup_path, const std::string& database_path) {
  auto info = VerifySqliteBackup(backup_path);
  if (!info.ok()) return info.status();
  auto from = Open(backup_path, SQLITE_OPEN_READONLY, "cannot open the backup");
  if (!from.ok()) return from.status();
  std::error_code ec;
  if (const auto dir = fs::path(database_path).parent_path(); !dir.empty()) fs::create_directories(dir, ec);
  auto to = Open(database_path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, "cannot open the database");
  if (!to.ok()) return to.status();
  if (Status s = Copy(from->get(), to->get(), "restoring " + database_path); !s.ok()) return s;
  return info;
}

}  // namespace estimate::store
