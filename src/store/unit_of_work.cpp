#include "store/unit_of_work.hpp"

#include <soci/soci.h>

#include "store/sql_support.hpp"

namespace estimate::store {

namespace {

const char* BeginStatement(Dialect dialect, UnitOfWork::Isolation isolation) {
  if (dialect == Dialect::kSqlite) return "BEGIN IMMEDIATE";
  return isolation == UnitOfWork::Isolation::kSnapshot ? "BEGIN ISOLATION LEVEL REPEATABLE READ"
                                                       : "BEGIN";
}

}  // namespace

Result<UnitOfWork> UnitOfWork::Begin(Database& db, Isolation isolation) {
  auto lease = db.Acquire();
  if (!lease.ok()) return lease.status();
  try {
    lease->session() << BeginStatement(db.dialect(), isolation);
  } catch (const std::exception& e) {
    bool broken = false;
    Status status = internal::StatusOfException(e, "beginning a transaction", broken);
    if (broken) lease->MarkBroken();
    return status;
  }
  return UnitOfWork(std::move(lease).value(), db.dialect());
}

UnitOfWork::UnitOfWork(Lease lease, Dialect dialect)
    : lease_(std::move(lease)), dialect_(dialect), open_(true) {}

UnitOfWork::UnitOfWork(UnitOfWork&& other) noexcept
    : lease_(std::move(other.lease_)),
      dialect_(other.dialect_),
      open_(other.open_),
      failed_(other.failed_) {
  other.lease_.reset();
  other.open_ = false;
}

UnitOfWork::~UnitOfWork() { Rollback(); }

Status UnitOfWork::Commit() {
  if (!open_) return FailedPrecondition("unit of work: it has ended already");
  if (failed_) {
    Rollback();
    return FailedPrecondition("unit of work: an operation in it failed; nothing was written");
  }
  try {
    lease_->session() << "COMMIT";
    open_ = false;
    lease_.reset();
    return Status::Ok();
  } catch (const std::exception& e) {
    // Whatever the engine left behind, a fresh connection starts clean; the database rolls an
    // unfinished transaction back when its connection closes.
    open_ = false;
    lease_->MarkBroken();
    lease_.reset();
    bool broken = false;
    Status status = internal::StatusOfException(e, "committing", broken);
    if (status.code() == StatusCode::kInternal) return Unavailable(status.message());
    return status;
  }
}

void UnitOfWork::Rollback() {
  if (!open_) return;
  open_ = false;
  try {
    lease_->session() << "ROLLBACK";
  } catch (const std::exception&) {
    lease_->MarkBroken();
  }
  lease_.reset();
}

}  // namespace estimate::store
