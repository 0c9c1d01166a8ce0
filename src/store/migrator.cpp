#include "store/migrator.hpp"

#include <soci/soci.h>

#include <algorithm>
#include <sstream>

#include "core/text.hpp"
#include "store/migrations.hpp"

namespace estimate::store {
namespace {

const std::vector<Migration>& MigrationsFor(Dialect d) {
  return d == Dialect::kSqlite ? Migrations_sqlite() : Migrations_postgresql();
}

// Splits a migration into statements: a statement ends with a line whose last non-blank
// character is ';'. Comment lines are dropped. (Migrations keep to this layout.)
std::vector<std::string> SplitStatements(const std::string& sql) {
  std::vector<std::string> out;
  std::istringstream in(sql);
  std::string current;
  for (std::string line; std::getline(in, line);) {
    const std::string_view trimmed = core::TrimWhitespace(line);
    if (trimmed.empty() || trimmed.starts_with("--")) continue;
    current += line;
    current += '\n';
    if (trimmed.back() == ';') {
      out.push_back(current);
      current.clear();
    }
  }
  if (!core::TrimWhitespace(current).empty()) out.push_back(current);
  return out;
}

void EnsureBookkeeping(soci::session& s) {
  s << "CREATE TABLE IF NOT EXISTS schema_migrations ("
       "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)";
}

int AppliedVersion(soci::session& s) {
  int version = 0;
  soci::indicator ind = soci::i_ok;
  s << "SELECT MAX(version) FROM schema_migrations", soci::into(version, ind);
  return ind == soci::i_null ? 0 : version;
}

bool HasBookkeeping(soci::session& s, Dialect d) {
  int n = 0;
  if (d == Dialect::kSqlite) {
    s << "SELECT COUNT(*) FROM sqlite_master WHERE type='table' AND name='schema_migrations'",
        soci::into(n);
  } else {
    s << "SELECT COUNT(*) FROM information_schema.tables WHERE table_name='schema_migrations' "
         "AND table_schema = current_schema()",
        soci::into(n);
  }
  return n > 0;
}

std::string UtcNow(soci::session& s, Dialect d) {
  std::string now;
  if (d == Dialect::kSqlite) {
    s << "SELECT strftime('%Y-%m-%dT%H:%M:%fZ','now')", soci::into(now);
  } else {
    s << "SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')",
        soci::into(now);
  }
  return now;
}

}  // namespace

int KnownSchemaVersion(Dialect dialect) {
  const auto& list = MigrationsFor(dialect);
  return list.empty() ? 0 : list.back().version;
}

Result<SchemaState> InspectSchema(Database& db) {
  auto lease = db.Acquire();
  if (!lease.ok()) return lease.status();
  try {
    SchemaState state;
    state.known = KnownSchemaVersion(db.dialect());
    if (HasBookkeeping(lease->session(), db.dialect())) {
      state.applied = AppliedVersion(lease->session());
    }
    return state;
  } catch (const std::exception& e) {
    lease->MarkBroken();
    return Unavailable(std::string("database: cannot read the schema version: ") + e.what());
  }
}

Result<std::string> InstallationId(Database& db) {
  auto lease = db.Acquire();
  if (!lease.ok()) return lease.status();
  try {
    std::string id;
    soci::indicator ind = soci::i_null;
    lease->session() << "SELECT value FROM settings WHERE key = 'installation_id'", soci::into(id, ind);
    if (ind != soci::i_ok || id.empty()) return NotFound("settings: no installation_id; run migrate");
    return id;
  } catch (const std::exception& e) {
    lease->MarkBroken();
    return Unavailable(std::string("database: cannot read the installation id: ") + e.what());
  }
}

Result<int> Migrate(Database& db) {
  auto lease = db.Acquire();
  if (!lease.ok()) return lease.status();
  soci::session& s = lease->session();
  int applied_now = 0;
  for (const Migration& m : MigrationsFor(db.dialect())) {
    std::string stage = "bookkeeping";
    try {
      soci::transaction tr(s);
      if (db.dialect() == Dialect::kPostgresql) {
        // One migrator at a time across processes; released at commit or rollback.
        s << "SELECT pg_advisory_xact_lock(74210001)";
      }
      EnsureBookkeeping(s);
      int current = AppliedVersion(s);
      if (m.version <= current) {
        tr.rollback();
        continue;
      }
      stage = "statement";
      for (const std::string& statement : SplitStatements(m.sql)) s << statement;
      std::string name = m.name;
      std::string now = UtcNow(s, db.dialect());
      s << "INSERT INTO schema_migrations (version, name, applied_at) VALUES (:v, :n, :t)",
          soci::use(m.version), soci::use(name), soci::use(now);
      tr.commit();
      ++applied_now;
    } catch (const std::exception& e) {
      lease->MarkBroken();
      return Internal("migration " + std::string(m.name) + " failed (" + stage +
                      "), nothing of it was applied: " + e.what());
    }
  }
  return applied_now;
}

}  // namespace estimate::store
