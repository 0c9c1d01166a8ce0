#pragma once
// Backups of the embedded default (SQLite) with SQLite's online backup API: a consistent copy of
// a database that the service may be writing at that moment, page by page, verified once written;
// and the restore of such a copy over a database (the service stopped), after the same check.
// PostgreSQL is backed up with pg_dump's custom format (scripts/backup-db.sh).
//
// A backup is verified by opening it read-only: `PRAGMA integrity_check` answers "ok" and it holds
// the schema_migrations table of this service. A file that fails either check — truncated,
// damaged, another program's database or no database at all — is refused, naming the file and
// what is wrong, and nothing is written.
#include <cstdint>
#include <string>

#include "core/status.hpp"

namespace estimate::store {

struct SqliteBackupInfo {
  std::int64_t schema_version = 0;  // the newest migration the copy holds
  std::int64_t bytes = 0;
};

// Copies the database at `database_path` into `backup_path` (replaced), then verifies the copy.
Result<SqliteBackupInfo> BackupSqlite(const std::string& database_path, const std::string& backup_path);

// Checks a backup as BackupSqlite does after writing it.
Result<SqliteBackupInfo> VerifySqliteBackup(const std::string& backup_path);

// Verifies `backup_path`, then copies it over the database at `database_path` (created when
// missing) in one step of the backup API: the database is either the backup's or as it was.
Result<SqliteBackupInfo> RestoreSqlite(const std::string& backup_path, const std::string& database_path);

// The file of a sqlite:// DATABASE_URL; InvalidArgument for another one.
Result<std::string> SqlitePathOfUrl(const std::string& url);

}  // namespace estimate::store
