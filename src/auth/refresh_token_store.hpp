#pragma once
// Where refresh tokens are remembered, so that each can be used once. The store module implements
// this on SQL (one row per token: jti primary key, family, user, expires, state; one row per
// revoked family); InMemoryRefreshTokenStore (in_memory_refresh_token_store.hpp) is the reference
// implementation for tests.
//
// Contract of every implementation (the rotation's safety rests on the first two):
// - MarkUsed is a compare-and-set: of two concurrent calls for one active token exactly one
//   succeeds (SQL: UPDATE … SET state = 'used' WHERE jti = ? AND state = 'active').
// - A revoked family stays revoked: Insert into it fails, and Find reports its tokens as
//   kRevoked, so a rotation racing with a revocation cannot leave a live token behind.
// - Store failures (database down) are Unavailable/Internal and pass through unchanged.
// Implementations are thread-safe.
#include <string>
#include <string_view>

#include "auth/time.hpp"
#include "core/status.hpp"

namespace estimate::auth {

enum class RefreshTokenState { kActive, kUsed, kRevoked };

struct RefreshTokenRecord {
  std::string jti;
  std::string family;
  std::string user;
  Seconds expires{};
  RefreshTokenState state = RefreshTokenState::kActive;
};

class RefreshTokenStore {
 public:
  virtual ~RefreshTokenStore() = default;

  // Remembers a new active token. AlreadyExists for a known jti; FailedPrecondition if its
  // family was revoked.
  virtual Status Insert(const RefreshTokenRecord& record) = 0;

  // The token `jti`, NotFound if unknown (never issued, or deleted after expiry).
  virtual Result<RefreshTokenRecord> Find(std::string_view jti) = 0;

  // Active → used, atomically. NotFound if unknown; FailedPrecondition if it was not active.
  virtual Status MarkUsed(std::string_view jti) = 0;

  // Revokes every token of `family`, present and future. Ok for an unknown family.
  virtual Status RevokeFamily(std::string_view family) = 0;

  // Revokes every family of `user` (password change, deactivation, "sign out everywhere").
  virtual Status RevokeUser(std::string_view user) = 0;

  // Forgets tokens that expired before `now`: they fail verification anyway, so their state no
  // longer matters. Housekeeping, run from a timer.
  virtual Status DeleteExpired(Seconds now) = 0;
};

}  // namespace estimate::auth
