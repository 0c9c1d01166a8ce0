#pragma once
// Sessions as token pairs: a short-lived access token and a refresh token that is used once.
// Each sign-in starts a family (the session); every refresh marks the presented token used and
// issues a new pair in the same family. Presenting a used token again means two parties hold
// that session (one of them stole it), so the whole family is revoked: the thief's and the
// user's tokens stop refreshing, and the user signs in again (OAuth 2.0 Security BCP §4.14).
//
// Both tokens carry the family (`fam`). VerifyAccess checks only the signature and the times; the
// API then checks every request against the session and the membership as they are now
// (services::SessionGuard), so an access token of a revoked family is refused at once.
// Two concurrent refreshes with one token (two browser tabs) count as reuse; the client
// serializes its refreshes.
//
// Thread-safe when the store is. Time comes from the injected Clock.
#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include "auth/jwt.hpp"
#include "auth/refresh_token_store.hpp"
#include "auth/role.hpp"
#include "auth/time.hpp"
#include "core/status.hpp"
#include "telemetry/system_clock.hpp"

namespace estimate::auth {

// From app::Config: JWT_SECRET, JWT_REFRESH_SECRET, JWT_EXPIRES_IN, JWT_REFRESH_EXPIRES_IN.
struct TokenSettings {
  std::string access_secret;
  std::string refresh_secret;
  std::chrono::seconds access_ttl{15 * 60};
  std::chrono::seconds refresh_ttl{7 * 24 * 3600};
  std::chrono::seconds leeway{5};  // clock skew between instances
};

// Who a session is for: a user acting within one organization with one role there.
struct Subject {
  std::string user;
  std::string organization;
  Role role = Role::kViewer;
};

struct TokenPair {
  std::string access_token;
  std::string refresh_token;
  Seconds access_expires{};
  Seconds refresh_expires{};
  std::string family;
};

// Called during a refresh with the subject of the presented token; returns the subject to issue
// the new pair for (the user's current role), or an error (user deactivated, removed from the
// organization) that fails the refresh and revokes the family.
using SubjectCheck = std::function<Result<Subject>(const Subject&)>;

class SessionManager {
 public:
  // `store` and `clock` must outlive the manager.
  SessionManager(TokenSettings settings, RefreshTokenStore& store,
                 const core::Clock& clock = telemetry::SystemClock());

  // Problems of `settings`, one InvalidArgument naming the variable: secrets shorter than
  // kMinSecretBytes, equal secrets, non-positive lifetimes, a refresh lifetime not longer than
  // the access lifetime. app checks this at start; the other calls fail on a bad secret anyway.
  static Status CheckSettings(const TokenSettings& settings);

  // Starts a session (after a successful sign-in): a new family and its first pair.
  Result<TokenPair> StartSession(const Subject& subject);

  // Exchanges a refresh token for a new pair in the same family. Unauthenticated for an invalid,
  // expired, unknown or revoked token; for a reused one the family is revoked first and the
  // message says so. Store failures pass through (Unavailable).
  Result<TokenPair> Rotate(std::string_view refresh_token, const SubjectCheck& check = {});

  // Ends the session of `refresh_token`: its family is revoked. Unauthenticated for an invalid
  // or unknown token; a used or already revoked one still revokes (the family, again).
  Status Logout(std::string_view refresh_token);

  // The claims of a valid access token (not a refresh token), for the HTTP middleware.
  Result<Claims> VerifyAccess(std::string_view access_token) const;

 private:
  Result<Claims> VerifyRefresh(std::string_view refresh_token) const;
  Result<TokenPair> Issue(const Subject& subject, const std::string& family);

  TokenSettings settings_;
  RefreshTokenStore& store_;
  const core::Clock& clock_;
};

}  // namespace estimate::auth
