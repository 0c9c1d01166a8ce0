#include "store/sql_refresh_token_store.hpp"

#include <soci/soci.h>

#include <chrono>
#include <string>

#include "core/clock.hpp"
#include "store/sql_support.hpp"

namespace estimate::store {
namespace {

using internal::Execute;
using internal::RunLeased;
using internal::RunOwn;

std::string TextOfSeconds(auth::Seconds t) {
  return core::FormatUtcTimestamp(std::chrono::time_point_cast<std::chrono::milliseconds>(t));
}

const char* StateName(auth::RefreshTokenState state) {
  switch (state) {
    case auth::RefreshTokenState::kActive:
      return "active";
    case auth::RefreshTokenState::kUsed:
      return "used";
    case auth::RefreshTokenState::kRevoked:
      return "revoked";
  }
  return "revoked";
}

Result<auth::RefreshTokenState> StateOfText(const std::string& text) {
  for (auto state : {auth::RefreshTokenState::kActive, auth::RefreshTokenState::kUsed,
                     auth::RefreshTokenState::kRevoked}) {
    if (text == StateName(state)) return state;
  }
  return Internal("refresh_tokens: unknown state \"" + text + "\" in the database");
}

// Whether `family` is revoked.
bool FamilyRevoked(soci::session& s, const std::string& family) {
  int one = 0;
  s << "SELECT 1 FROM revoked_families WHERE family = :family", soci::into(one), soci::use(family);
  return s.got_data();
}

}  // namespace

Status SqlRefreshTokenStore::Insert(const auth::RefreshTokenRecord& record) {
  return RunLeased(db_, "refresh token: inserting", [&record](soci::session& s) -> Status {
    const std::string expires = TextOfSeconds(record.expires);
    const long long inserted =
        Execute(s,
                "INSERT INTO refresh_tokens (jti, family, user_id, expires_at, state) "
                "SELECT CAST(:jti AS TEXT), CAST(:family AS TEXT), CAST(:user_id AS TEXT), "
                "CAST(:expires_at AS TEXT), 'active' "
                "WHERE NOT EXISTS (SELECT 1 FROM revoked_families WHERE family = :revoked) "
                "ON CONFLICT (jti) DO NOTHING",
                soci::use(record.jti), soci::use(record.family), soci::use(record.user),
                soci::use(expires), soci::use(record.family));
    if (inserted == 1) return Status::Ok();
    if (FamilyRevoked(s, record.family)) {
      return FailedPrecondition("refresh token: the family was revoked");
    }
    return {StatusCode::kAlreadyExists, "refresh token: the jti exists"};
  });
}

Result<auth::RefreshTokenRecord> SqlRefreshTokenStore::Find(std::string_view jti) {
  return RunLeased(
      db_, "refresh token: reading", [jti](soci::session& s) -> Result<auth::RefreshTokenRecord> {
        auth::RefreshTokenRecord record;
        record.jti = std::string(jti);
        std::string expires, state;
        int revoked = 0;
        s << "SELECT t.family, t.user_id, t.expires_at, t.state, "
             "CASE WHEN r.family IS NULL THEN 0 ELSE 1 END "
             "FROM refresh_tokens t LEFT JOIN revoked_families r ON r.family = t.family "
             "WHERE t.jti = :jti",
            soci::into(record.family), soci::into(record.user), soci::into(expires),
            soci::into(state), soci::into(revoked), soci::use(record.jti);
        if (!s.got_data()) return NotFound("refresh token: unknown jti");
        auto parsed_state = StateOfText(state);
        if (!parsed_state.ok()) return parsed_state.status();
        auto parsed_expires = core::ParseUtcTimestamp(expires);
        if (!parsed_expires.ok()) {
          return Internal("refresh_tokens.expires_at: " + parsed_expires.status().message());
        }
        record.state = revoked != 0 ? auth::RefreshTokenState::kRevoked : *parsed_state;
        record.expires = std::chrono::floor<std::chrono::seconds>(*parsed_expires);
        return record;
      });
}

Status SqlRefreshTokenStore::MarkUsed(std::string_view jti) {
  return RunLeased(db_, "refresh token: marking used", [jti](soci::session& s) -> Status {
    const std::string key(jti);
    const long long changed =
        Execute(s,
                "UPDATE refresh_tokens SET state = 'used' WHERE jti = :jti AND state = 'active' "
                "AND NOT EXISTS (SELECT 1 FROM revoked_families r "
                "WHERE r.family = refresh_tokens.family)",
                soci::use(key));
    if (changed == 1) return Status::Ok();
    int one = 0;
    s << "SELECT 1 FROM refresh_tokens WHERE jti = :jti", soci::into(one), soci::use(key);
    if (!s.got_data()) return NotFound("refresh token: unknown jti");
    return FailedPrecondition("refresh token: not active");
  });
}

Status SqlRefreshTokenStore::RevokeFamily(std::string_view family) {
  const std::string now = core::FormatUtcTimestamp(clock_.Now());
  return RunOwn(db_, "refresh token: revoking a family",
                [family, &now](soci::session& s) -> Status {
                  const std::string key(family);
                  s << "INSERT INTO revoked_families (family, revoked_at) VALUES (:family, :at) "
                       "ON CONFLICT (family) DO NOTHING",
                      soci::use(key), soci::use(now);
                  s << "UPDATE refresh_tokens SET state = 'revoked' WHERE family = :family "
                       "AND state <> 'revoked'",
                      soci::use(key);
                  return Status::Ok();
                });
}

Status SqlRefreshTokenStore::RevokeUser(std::string_view user) {
  const std::string now = core::FormatUtcTimestamp(clock_.Now());
  return RunOwn(
      db_, "refresh token: revoking a user's sessions", [user, &now](soci::session& s) -> Status {
        const std::string key(user);
        s << "INSERT INTO revoked_families (family, revoked_at) "
             "SELECT DISTINCT family, CAST(:at AS TEXT) FROM refresh_tokens WHERE user_id = :user "
             "ON CONFLICT (family) DO NOTHING",
            soci::use(now), soci::use(key);
        s << "UPDATE refresh_tokens SET state = 'revoked' WHERE user_id = :user "
             "AND state <> 'revoked'",
            soci::use(key);
        return Status::Ok();
      });
}

Status SqlRefreshTokenStore::DeleteExpired(auth::Seconds now) {
  return RunOwn(db_, "refresh token: deleting expired tokens", [now](soci::session& s) -> Status {
    const std::string cutoff = TextOfSeconds(now);
    s << "DELETE FROM refresh_tokens WHERE expires_at < :now", soci::use(cutoff);
    // A revoked family with no tokens left can no longer be presented: forget it too.
    s << "DELETE FROM revoked_families WHERE NOT EXISTS "
         "(SELECT 1 FROM refresh_tokens t WHERE t.family = revoked_families.family)";
    return Status::Ok();
  });
}

}  // namespace estimate::store
