#include "auth/session_manager.hpp"

#include <utility>

#include "auth/internal.hpp"

namespace estimate::auth {

using internal::Unauthenticated;

SessionManager::SessionManager(TokenSettings settings, RefreshTokenStore& store,
                               const core::Clock& clock)
    : settings_(std::move(settings)), store_(store), clock_(clock) {}

Status SessionManager::CheckSettings(const TokenSettings& s) {
  const std::string min_bytes = std::to_string(kMinSecretBytes);
  if (s.access_secret.size() < kMinSecretBytes) {
    return InvalidArgument("JWT_SECRET: shorter than " + min_bytes + " bytes");
  }
  if (s.refresh_secret.size() < kMinSecretBytes) {
    return InvalidArgument("JWT_REFRESH_SECRET: shorter than " + min_bytes + " bytes");
  }
  if (s.refresh_secret == s.access_secret) {
    return InvalidArgument("JWT_REFRESH_SECRET: must differ from JWT_SECRET");
  }
  if (s.access_ttl.count() <= 0) return InvalidArgument("JWT_EXPIRES_IN: must be positive");
  if (s.refresh_ttl <= s.access_ttl) {
    return InvalidArgument("JWT_REFRESH_EXPIRES_IN: must be longer than JWT_EXPIRES_IN");
  }
  if (s.leeway.count() < 0 || s.leeway.count() > 300) {
    return InvalidArgument("leeway: must be 0–300 seconds");
  }
  return Status::Ok();
}

Result<TokenPair> SessionManager::StartSession(const Subject& subject) {
  auto family = NewTokenId();
  if (!family.ok()) return family.status();
  return Issue(subject, *family);
}

Result<TokenPair> SessionManager::Rotate(std::string_view refresh_token,
                                         const SubjectCheck& check) {
  auto claims = VerifyRefresh(refresh_token);
  if (!claims.ok()) return claims.status();

  auto record = store_.Find(claims->jti);
  if (!record.ok()) {
    if (record.status().code() == StatusCode::kNotFound) {
      return Unauthenticated("refresh token: unknown");
    }
    return record.status();
  }
  if (record->family != claims->fam || record->user != claims->sub) {
    return Unauthenticated("refresh token: does not match its session");
  }
  const auto revoke_for_reuse = [&]() -> Status {
    if (Status s = store_.RevokeFamily(claims->fam); !s.ok()) return s;
    return Unauthenticated("refresh token: reused; the session was revoked, sign in again");
  };
  switch (record->state) {
    case RefreshTokenState::kRevoked:
      return Unauthenticated("refresh token: the session was revoked, sign in again");
    case RefreshTokenState::kUsed:
      return revoke_for_reuse();
    case RefreshTokenState::kActive:
      break;
  }
  if (Status s = store_.MarkUsed(claims->jti); !s.ok()) {
    // Someone else used it between Find and MarkUsed: reuse, just faster.
    if (s.code() == StatusCode::kFailedPrecondition) return revoke_for_reuse();
    return s;
  }

  Subject subject{claims->sub, claims->org, claims->role};
  if (check) {
    auto current = check(subject);
    if (!current.ok()) {
      if (Status s = store_.RevokeFamily(claims->fam); !s.ok()) return s;
      return current.status();
    }
    if (current->user != subject.user || current->organization != subject.organization) {
      return Internal("refresh: the subject check changed the user or organization");
    }
    subject = std::move(*current);
  }
  auto pair = Issue(subject, claims->fam);
  if (!pair.ok() && pair.status().code() == StatusCode::kFailedPrecondition) {
    // The family was revoked while we rotated (a concurrent reuse or logout).
    return Unauthenticated("refresh token: the session was revoked, sign in again");
  }
  return pair;
}

Status SessionManager::Logout(std::string_view refresh_token) {
  auto claims = VerifyRefresh(refresh_token);
  if (!claims.ok()) return claims.status();
  auto record = store_.Find(claims->jti);
  if (!record.ok()) {
    if (record.status().code() == StatusCode::kNotFound) {
      return Unauthenticated("refresh token: unknown");
    }
    return record.status();
  }
  return store_.RevokeFamily(record->family);
}

Result<Claims> SessionManager::VerifyAccess(std::string_view access_token) const {
  return Verify(access_token, settings_.access_secret, TokenType::kAccess, core::NowSeconds(clock_),
                settings_.leeway);
}

Result<Claims> SessionManager::VerifyRefresh(std::string_view refresh_token) const {
  return Verify(refresh_token, settings_.refresh_secret, TokenType::kRefresh,
                core::NowSeconds(clock_), settings_.leeway);
}

Result<TokenPair> SessionManager::Issue(const Subject& subject, const std::string& family) {
  const Seconds now = core::NowSeconds(clock_);
  auto access_id = NewTokenId();
  if (!access_id.ok()) return access_id.status();
  auto refresh_id = NewTokenId();
  if (!refresh_id.ok()) return refresh_id.status();

  Claims access{.sub = subject.user,
                .org = subject.organization,
                .role = subject.role,
                .typ = TokenType::kAccess,
                .jti = *access_id,
                .iat = now,
                .exp = now + settings_.access_ttl,
                .nbf = std::nullopt,
                .fam = family};
  Claims refresh = access;
  refresh.typ = TokenType::kRefresh;
  refresh.jti = *refresh_id;
  refresh.exp = now + settings_.refresh_ttl;

  auto access_token = Sign(access, settings_.access_secret);
  if (!access_token.ok()) return access_token.status();
  auto refresh_token = Sign(refresh, settings_.refresh_secret);
  if (!refresh_token.ok()) return refresh_token.status();

  // Remembered only after both tokens exist, so a failure leaves nothing half-issued.
  if (Status s = store_.Insert({.jti = refresh.jti,
                                .family = family,
                                .user = subject.user,
                                .expires = refresh.exp,
                                .state = RefreshTokenState::kActive});
      !s.ok()) {
    return s;
  }
  return TokenPair{.access_token = std::move(*access_token),
                   .refresh_token = std::move(*refresh_token),
                   .access_expires = access.exp,
                   .refresh_expires = refresh.exp,
                   .family = family};
}

}  // namespace estimate::auth
