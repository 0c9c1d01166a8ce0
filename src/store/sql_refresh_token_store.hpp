#pragma once
// auth::RefreshTokenStore on the database (migration 0003: refresh_tokens, revoked_families), so
// that sessions survive restarts and every instance of the service sees one set of tokens.
//
// How the contract of auth/refresh_token_store.hpp is kept:
// - MarkUsed is one statement, UPDATE … SET state = 'used' WHERE jti = ? AND state = 'active'
//   AND the family is not revoked; it succeeds only when it changed one row. PostgreSQL re-checks
//   the condition on the row a concurrent update committed, SQLite runs one writer at a time: of
//   concurrent calls for one token exactly one succeeds, across processes too.
// - Insert is one INSERT … SELECT … WHERE NOT EXISTS (a revoked_families row): FailedPrecondition
//   for a revoked family, AlreadyExists for a known jti. A revocation committing between that
//   check and the insert (READ COMMITTED) cannot leave a live token either: Find reports the token
//   of a revoked family as kRevoked and MarkUsed refuses it, since both read revoked_families.
// - RevokeFamily and RevokeUser record the families in revoked_families and mark their tokens
//   revoked, in one transaction.
// - Database failures are Unavailable (unreachable, busy) or Internal, and pass through.
//
// `user` is stored as given (the token's subject). RefreshTokenRecord carries no organization,
// so refresh_tokens.organization_id stays NULL.
//
// Thread-safe: each call leases its own session.
#include <string_view>

#include "auth/refresh_token_store.hpp"
#include "core/clock.hpp"
#include "store/database.hpp"
#include "telemetry/system_clock.hpp"

namespace estimate::store {

class SqlRefreshTokenStore final : public auth::RefreshTokenStore {
 public:
  // `db` must outlive the store and be migrated; `clock` (revocation times) must outlive it too.
  explicit SqlRefreshTokenStore(Database& db, const core::Clock& clock = telemetry::SystemClock())
      : db_(db), clock_(clock) {}

  Status Insert(const auth::RefreshTokenRecord& record) override;
  Result<auth::RefreshTokenRecord> Find(std::string_view jti) override;
  Status MarkUsed(std::string_view jti) override;
  Status RevokeFamily(std::string_view family) override;
  Status RevokeUser(std::string_view user) override;
  Status DeleteExpired(auth::Seconds now) override;

 private:
  Database& db_;
  const core::Clock& clock_;
};

}  // namespace estimate::store
