#pragma once
// One database transaction that several repositories write into, so that a change and its audit
// record (and anything else the use case touches) commit together or not at all:
//
//   auto uow = UnitOfWork::Begin(db);
//   if (!uow.ok()) return uow.status();
//   auto user = accounts.CreateUser(*uow, new_user);
//   if (!user.ok()) return user.status();          // ~UnitOfWork rolls back
//   auto audited = audit.Append(*uow, record);
//   if (!audited.ok()) return audited.status();
//   return uow->Commit();
//
// Every repository write has two overloads: one taking a UnitOfWork& runs in it; the other runs
// in a unit of its own, committed before it returns. A repository call that fails with a database
// error poisons the unit (PostgreSQL aborts the transaction anyway): later calls in it fail with
// FailedPrecondition and Commit rolls back. A call that fails on a checked condition (NotFound,
// AlreadyExists found by a look-up, InvalidArgument of the input) writes nothing and leaves the
// unit usable; the caller decides whether to go on.
//
// The unit holds one leased session until it commits or rolls back, so keep it short and never hold
// two at once in one thread (with a pool of one that would wait for itself). On SQLite it begins
// with BEGIN IMMEDIATE: writers queue on the busy timeout instead of failing on a lock upgrade, and
// every read in the unit sees one state. On PostgreSQL it is a READ COMMITTED transaction by
// default, and repositories make their own statements safe under it (compare-and-set updates,
// unique indexes); a kSnapshot unit is REPEATABLE READ instead, for a use case that copies rows it
// does not lock (EstimateRepository::Duplicate). In a kSnapshot unit an update of a row that
// another transaction changed after the snapshot fails with Unavailable (a serialization failure
// that poisons the unit: retry it), so compare-and-set writes belong in the default units.
//
// Not thread-safe: one unit belongs to one thread at a time.
#include <optional>

#include "core/status.hpp"
#include "store/database.hpp"

namespace estimate::store {

namespace internal {
struct UnitOfWorkAccess;
}

class UnitOfWork {
 public:
  // What the unit's reads see on PostgreSQL. SQLite units are serialized whatever the choice.
  enum class Isolation {
    kReadCommitted,  // each statement sees what was committed before it began
    kSnapshot,       // every statement sees what was committed before the unit's first one
  };

  // Leases a session and begins the transaction. Unavailable if the database cannot be reached.
  static Result<UnitOfWork> Begin(Database& db, Isolation isolation = Isolation::kReadCommitted);

  UnitOfWork(UnitOfWork&& other) noexcept;
  UnitOfWork& operator=(UnitOfWork&&) = delete;
  UnitOfWork(const UnitOfWork&) = delete;
  UnitOfWork& operator=(const UnitOfWork&) = delete;
  // Rolls back when neither committed nor rolled back.
  ~UnitOfWork();

  // Makes every write of the unit durable and returns its session to the pool. FailedPrecondition
  // (and a rollback) when an operation in it failed with a database error, or when the unit has
  // ended already; Unavailable when the database refuses the commit (nothing of the unit remains
  // then).
  Status Commit();

  // Discards every write of the unit and returns its session to the pool. Safe to call twice.
  void Rollback();

  // Begun, and neither committed nor rolled back.
  bool open() const { return open_; }
  // An operation in the unit failed with a database error; Commit will refuse.
  bool failed() const { return failed_; }
  Dialect dialect() const { return dialect_; }

 private:
  friend struct internal::UnitOfWorkAccess;
  UnitOfWork(Lease lease, Dialect dialect);

  std::optional<Lease> lease_;
  Dialect dialect_;
  bool open_ = false;
  bool failed_ = false;
};

}  // namespace estimate::store
