#pragma once
// Private to src/store (included by .cpp files only; it includes SOCI): how the repositories of
// accounts, refresh tokens, the audit log and estimates run their statements — in a caller's
// UnitOfWork, in a unit of their own, or on a plain leased session for reads — and how a database
// exception (or a StoreError found between statements) becomes a Status at their edge.
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <exception>
#include <string>
#include <type_traits>
#include <utility>

#include "core/status.hpp"
#include "store/database.hpp"
#include "store/store_error.hpp"
#include "store/unit_of_work.hpp"

namespace estimate::store::internal {

struct UnitOfWorkAccess {
  static soci::session& Session(UnitOfWork& uow) { return uow.lease_->session(); }
  static void MarkFailed(UnitOfWork& uow, bool broken) {
    uow.failed_ = true;
    if (broken) uow.lease_->MarkBroken();
  }
};

enum class SqlError {
  kUniqueViolation,
  kForeignKeyViolation,
  kOtherConstraint,
  kBusy,        // lock wait timed out, serialization failure, deadlock: try again later
  kConnection,  // the connection is gone or unusable
  kOther,
};

inline SqlError ClassifySqlError(const std::exception& e) {
  if (const auto* pg = dynamic_cast<const soci::postgresql_soci_error*>(&e)) {
    const std::string state = pg->sqlstate();
    if (state == "23505") return SqlError::kUniqueViolation;
    if (state == "23503") return SqlError::kForeignKeyViolation;
    if (state.starts_with("23")) return SqlError::kOtherConstraint;
    if (state == "40001" || state == "40P01" || state == "55P03") return SqlError::kBusy;
    if (state.starts_with("08") || state.starts_with("57P")) return SqlError::kConnection;
    if (pg->get_error_category() == soci::soci_error::connection_error) {
      return SqlError::kConnection;
    }
    return SqlError::kOther;
  }
  if (const auto* lite = dynamic_cast<const soci::sqlite3_soci_error*>(&e)) {
    const std::string what = lite->what();
    switch (lite->result() & 0xFF) {
      case SQLITE_CONSTRAINT:
        if (what.find("UNIQUE") != std::string::npos) return SqlError::kUniqueViolation;
        if (what.find("PRIMARY KEY") != std::string::npos) return SqlError::kUniqueViolation;
        if (what.find("FOREIGN KEY") != std::string::npos) return SqlError::kForeignKeyViolation;
        return SqlError::kOtherConstraint;
      case SQLITE_BUSY:
      case SQLITE_LOCKED:
        return SqlError::kBusy;
      case SQLITE_CANTOPEN:
      case SQLITE_IOERR:
      case SQLITE_FULL:
      case SQLITE_NOTADB:
      case SQLITE_CORRUPT:
        return SqlError::kConnection;
      default:
        return SqlError::kOther;
    }
  }
  if (const auto* soci_error = dynamic_cast<const soci::soci_error*>(&e)) {
    switch (soci_error->get_error_category()) {
      case soci::soci_error::constraint_violation:
        return SqlError::kOtherConstraint;
      case soci::soci_error::connection_error:
        return SqlError::kConnection;
      default:
        break;
    }
  }
  return SqlError::kOther;
}

// The Status of a database exception; `broken` tells whether the session must be replaced
// (unknown state of the connection). A StoreError keeps its code and its message, which names
// what it found already.
inline Status StatusOfException(const std::exception& e, const std::string& what, bool& broken) {
  if (const auto* store = dynamic_cast<const StoreError*>(&e)) {
    broken = store->code() == StatusCode::kUnavailable;
    return {store->code(), store->what()};
  }
  std::string message = e.what();
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
    message.pop_back();
  }
  message = what + ": " + message;
  broken = false;
  switch (ClassifySqlError(e)) {
    case SqlError::kUniqueViolation:
      return {StatusCode::kAlreadyExists, std::move(message)};
    case SqlError::kForeignKeyViolation:
      return NotFound(std::move(message));
    case SqlError::kOtherConstraint:
      return InvalidArgument(std::move(message));
    case SqlError::kBusy:
      return Unavailable(std::move(message));
    case SqlError::kConnection:
      broken = true;
      return Unavailable(std::move(message));
    case SqlError::kOther:
      break;
  }
  broken = true;
  return Internal(std::move(message));
}

inline const Status& StatusOf(const Status& s) { return s; }
template <typename T>
const Status& StatusOf(const Result<T>& r) {
  return r.status();
}

// Runs `body(session)` in the caller's unit. `body` returns Status or Result<T>; it throws only
// database errors, which poison the unit and come back as a Status.
template <typename Body>
auto RunIn(UnitOfWork& uow, const std::string& what, Body&& body)
    -> std::invoke_result_t<Body&, soci::session&> {
  if (!uow.open()) return FailedPrecondition(what + ": the unit of work has ended");
  if (uow.failed()) {
    return FailedPrecondition(what + ": an earlier operation of the unit of work failed");
  }
  try {
    return body(UnitOfWorkAccess::Session(uow));
  } catch (const std::exception& e) {
    bool broken = false;
    Status status = StatusOfException(e, what, broken);
    UnitOfWorkAccess::MarkFailed(uow, broken);
    return status;
  }
}

// Runs `body(session)` in a unit of its own begun with `isolation`, committed when `body`
// succeeds and `keep(result)` holds: a write that turns out to change nothing rolls back.
template <typename Body, typename Keep>
auto RunOwn(Database& db, UnitOfWork::Isolation isolation, const std::string& what, Body&& body,
            Keep&& keep) -> std::invoke_result_t<Body&, soci::session&> {
  auto uow = UnitOfWork::Begin(db, isolation);
  if (!uow.ok()) return uow.status();
  auto result = RunIn(*uow, what, body);
  if (!StatusOf(result).ok() || !keep(result)) return result;  // ~UnitOfWork rolls back
  Status committed = uow->Commit();
  if (!committed.ok()) return Status(committed.code(), what + ": " + committed.message());
  return result;
}

// Runs `body(session)` in a unit of its own, committed when `body` succeeds.
template <typename Body>
auto RunOwn(Database& db, const std::string& what, Body&& body)
    -> std::invoke_result_t<Body&, soci::session&> {
  return RunOwn(db, UnitOfWork::Isolation::kReadCommitted, what, body,
                [](const auto&) { return true; });
}

// Runs `body(session)` on a leased session in autocommit mode: reads, and writes of a single
// statement.
template <typename Body>
auto RunLeased(Database& db, const std::string& what, Body&& body)
    -> std::invoke_result_t<Body&, soci::session&> {
  auto lease = db.Acquire();
  if (!lease.ok()) return lease.status();
  try {
    return body(lease->session());
  } catch (const std::exception& e) {
    bool broken = false;
    Status status = StatusOfException(e, what, broken);
    if (broken) lease->MarkBroken();
    return status;
  }
}

// Rows changed by one statement.
template <typename... Uses>
long long Execute(soci::session& s, const std::string& sql, Uses&&... uses) {
  soci::statement st = ((s.prepare << sql), ..., std::forward<Uses>(uses));
  st.execute(true);
  return st.get_affected_rows();
}

// The name an actor is shown by, in a query that LEFT JOINs users AS u on the actor's id: the
// display name, or the email when that is empty; '' when no user has the id (the system's 0, a
// NULL actor). One expression on both engines.
inline constexpr const char* kActorNameSql = "COALESCE(NULLIF(u.display_name, ''), u.email, '')";

}  // namespace estimate::store::internal
