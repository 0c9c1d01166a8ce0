#pragma once
// Applies the embedded migrations of the database's dialect, each in its own transaction, and
// records them in schema_migrations. Safe to run from several processes at once: PostgreSQL takes
// an advisory lock, SQLite an immediate write transaction.
#include "core/status.hpp"
#include "store/database.hpp"

namespace estimate::store {

struct SchemaState {
  int applied = 0;  // highest version recorded in the database (0: none)
  int known = 0;    // highest version this program carries
};

Result<SchemaState> InspectSchema(Database& db);

// The random id migration 0001 gave this database (settings.installation_id): it tells databases
// apart where they share something, e.g. cache keys in one Redis. Unavailable when unreachable.
Result<std::string> InstallationId(Database& db);

// Returns the number of migrations applied. On failure nothing of the failing migration remains
// and the message names it.
Result<int> Migrate(Database& db);

int KnownSchemaVersion(Dialect dialect);

}  // namespace estimate::store
