#pragma once
// Signing in and out: passwords checked against the account store under the login throttle, and
// sessions as rotating token pairs (auth::SessionManager).
//
//   Login    email + password (+ the organization, for members of several) → a token pair for one
//            organization with the user's role there. Wrong email and wrong password answer the
//            same, in the same time (a dummy verification for unknown accounts). Failures are
//            counted per (account, IP), per IP and per account (auth/login_throttle.hpp); past
//            the free ones the caller must wait (ResourceExhausted with retry_after). An
//            attacker's failures lock the attacker's address out of the account, not the owner
//            signing in from elsewhere. A hash made with weaker parameters is replaced.
//   Refresh  rotates the pair; the user's current state is re-read, so a deactivated user or a
//            removed membership ends the session, and a changed role takes effect.
//   Logout   revokes the session (the refresh token's family).
//   Me       the user, the organization of the token, the role there and every membership.
//
// Sign-ins, failed ones included, and the throttle's locks of the account as they begin and end
// (login_locked, login_unlocked: which key, the address, until when) are written to the audit
// log of each organization of the account (best effort: a sign-in does not fail because the log
// cannot be written). A lock ends in the log when a later attempt finds it over.
// Thread-safe when its collaborators are (they are).
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/login_throttle.hpp"
#include "auth/password.hpp"
#include "auth/session_manager.hpp"
#include "core/status.hpp"
#include "services/account_views.hpp"
#include "services/actor.hpp"

namespace estimate::store {
class AccountRepository;
class AuditRepository;
}  // namespace estimate::store

namespace estimate::services {

struct LoginRequest {
  std::string email;
  std::string password;
  std::optional<std::int64_t> organization_id;  // required only for members of several
  std::string ip;
  std::string request_id;
};

struct SessionInfo {
  auth::TokenPair tokens;
  UserView user;
  MembershipView membership;  // the organization the tokens speak for
};

struct LoginOutcome {
  Status status;  // Unauthenticated, ResourceExhausted (throttled), InvalidArgument, Unavailable
  std::chrono::seconds retry_after{0};  // with ResourceExhausted, and after a counted failure
  std::optional<SessionInfo> session;
};

struct MeInfo {
  UserView user;
  MembershipView membership;
  std::vector<MembershipView> memberships;
  std::vector<MembershipView> invitations;  // organizations asking the user to join
};

class AuthService {
 public:
  // Every reference must outlive the service.
  AuthService(store::AccountRepository& accounts, store::AuditRepository& audit,
              auth::SessionManager& sessions, auth::LoginThrottle& throttle,
              auth::Argon2Params password_params = {});

  LoginOutcome Login(const LoginRequest& request);
  Result<SessionInfo> Refresh(const std::string& refresh_token);
  Status Logout(const std::string& refresh_token);
  Result<MeInfo> Me(const Actor& actor);

 private:
  void AuditSignIn(std::int64_t organization_id, std::int64_t user_id, const char* action,
                   const std::string& request_id, const std::string& detail);
  // The throttle's locks that ended and began at this attempt, as "login_unlocked" and
  // "login_locked" records ({"key","address","until"}) of the account's organizations.
  void AuditLockChanges(const std::string& email, const LoginRequest& request,
                        const std::vector<auth::LockChange>& released,
                        const std::vector<auth::LockChange>& locked);

  store::AccountRepository& accounts_;
  store::AuditRepository& audit_;
  auth::SessionManager& sessions_;
  auth::LoginThrottle& throttle_;
  auth::Argon2Params password_params_;
};

// "17" → 17; nullopt for anything but a positive decimal integer (ids in tokens and paths).
std::optional<std::int64_t> ParseId(std::string_view text);

}  // namespace estimate::services
