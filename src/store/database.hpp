#pragma once
// The database: SQLite (`sqlite://path`) or PostgreSQL (`postgresql://…`), behind one pool of
// SOCI sessions. Connections are opened lazily and re-opened after a failure, so the service
// survives a database restart without restarting itself. Thread-safe.
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "core/status.hpp"

namespace soci {
class session;
}

namespace estimate::store {

enum class Dialect { kSqlite, kPostgresql };

struct DatabaseOptions {
  std::string url;             // sqlite://relative/or/absolute/path | postgresql://user@host/db
  std::size_t pool_size = 8;
  std::chrono::milliseconds acquire_timeout{5000};
};

struct PoolStats {
  std::size_t in_use = 0;
  std::size_t idle = 0;  // open connections not leased
  std::size_t size = 0;  // configured slots
};

class Database;

// A leased session; returned to the pool on destruction. Call MarkBroken() after a connection
// error so that the next lease reconnects instead of reusing a dead connection.
class Lease {
 public:
  Lease(Lease&& other) noexcept;
  Lease& operator=(Lease&&) = delete;
  ~Lease();
  soci::session& session();
  void MarkBroken();

 private:
  friend class Database;
  Lease(Database* db, std::size_t slot) : db_(db), slot_(slot) {}
  Database* db_;
  std::size_t slot_;
  bool broken_ = false;
};

class Database {
 public:
  // Checks the URL; opens no connection yet.
  static Result<std::unique_ptr<Database>> Open(const DatabaseOptions& options);
  ~Database();

  Dialect dialect() const { return dialect_; }
  // The URL with any password replaced by ***, for logs and messages.
  const std::string& display_url() const { return display_url_; }

  // Leases a connected session, connecting if needed. Unavailable if the database cannot be
  // reached or no session frees up within the acquire timeout.
  Result<Lease> Acquire();

  // SELECT 1 on a leased session: ok, or Unavailable with the database's message.
  Status Ping();

  PoolStats Stats() const;

 private:
  friend class Lease;
  struct Impl;
  explicit Database(Dialect dialect, std::string connect_string, std::string display_url,
                    const DatabaseOptions& options);
  void Release(std::size_t slot, bool broken);

  Dialect dialect_;
  std::string display_url_;
  std::unique_ptr<Impl> impl_;
};

// Parses a DATABASE_URL: the dialect and the connect string for SOCI. Exposed for config checks.
Result<Dialect> DialectOfUrl(const std::string& url);

}  // namespace estimate::store
