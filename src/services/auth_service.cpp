#include "services/auth_service.hpp"

#include <boost/json.hpp>

#include <charconv>
#include <utility>

#include "services/store_views.hpp"
#include "store/account_repository.hpp"
#include "store/audit_repository.hpp"

namespace estimate::services {
namespace {

constexpr const char* kWrongCredentials = "email or password is wrong";

Status Unauthenticated(std::string message) {
  return {StatusCode::kUnauthenticated, std::move(message)};
}

// The membership a sign-in speaks for: the requested one, or the only one.
Result<store::UserMembership> ChooseMembership(const std::vector<store::UserMembership>& all,
                                               std::optional<std::int64_t> wanted) {
  if (wanted) {
    for (const auto& m : all) {
      if (m.organization_id == *wanted) return m;
    }
    return Unauthenticated(kWrongCredentials);  // no hint that the account exists
  }
  if (all.size() == 1) return all.front();
  if (all.empty()) return Unauthenticated("the account belongs to no organization");
  return InvalidArgument(
      "organization_id: the account belongs to several organizations; name one of them");
}

}  // namespace

std::optional<std::int64_t> ParseId(std::string_view text) {
  std::int64_t v = 0;
  if (text.empty() || text.size() > 18 || text.front() == '0') return std::nullopt;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size() || v <= 0) return std::nullopt;
  return v;
}

AuthService::AuthService(store::AccountRepository& accounts, store::AuditRepository& audit,
                         auth::SessionManager& sessions, auth::LoginThrottle& throttle,
                         auth::Argon2Params password_params)
    : accounts_(accounts), audit_(audit), sessions_(sessions), throttle_(throttle),
      password_params_(password_params) {}

LoginOutcome AuthService::Login(const LoginRequest& request) {
  LoginOutcome out;
  auto email = store::NormalizeEmail(request.email);
  if (!email.ok()) {
    out.status = email.status();
    return out;
  }
  if (request.password.empty() || request.password.size() > auth::kMaxPasswordBytes) {
    out.status = InvalidArgument("password: is required (at most " +
                                 std::to_string(auth::kMaxPasswordBytes) + " bytes)");
    return out;
  }
  const auth::ThrottleDecision check = throttle_.Check(*email, request.ip);
  AuditLockChanges(*email, request, check.released, {});
  if (!check.allowed) {
    out.status = {StatusCode::kResourceExhausted,
                  "too many failed sign-ins; try again in " +
                      std::to_string(check.retry_after.count()) + " s"};
    out.retry_after = check.retry_after;
    return out;
  }
  auto user = accounts_.FindUserByEmail(*email);
  bool verified = false;
  if (user.ok()) {
    auto match = auth::VerifyPassword(request.password, user->password_hash);
    verified = match.ok() && *match && user->active;
  } else if (user.status().code() == StatusCode::kNotFound) {
    auth::VerifyDummyPassword(request.password, password_params_);
  } else {
    out.status = user.status();  // the database is down: not the client's failure
    return out;
  }
  if (!verified) {
    auto d = throttle_.RecordFailure(*email, request.ip);
    out.retry_after = d.retry_after;
    out.status = Unauthenticated(kWrongCredentials);
    if (user.ok()) {
      if (auto ms = accounts_.MembershipsOfUser(user->id); ms.ok()) {
        for (const auto& m : *ms) {
          AuditSignIn(m.organization_id, user->id, "login_failed", request.request_id,
                      user->active ? "wrong password" : "deactivated user");
        }
      }
    }
    AuditLockChanges(*email, request, d.released, d.locked_now);
    return out;
  }
  auto memberships = accounts_.MembershipsOfUser(user->id);
  if (!memberships.ok()) {
    out.status = memberships.status();
    return out;
  }
  auto membership = ChooseMembership(*memberships, request.organization_id);
  if (!membership.ok()) {
    out.status = membership.status();
    return out;
  }
  AuditLockChanges(*email, request, throttle_.RecordSuccess(*email, request.ip), {});
  if (auth::NeedsRehash(user->password_hash, password_params_)) {
    // Best effort: the sign-in succeeds even if the new hash cannot be stored now.
    if (auto rehashed = auth::HashPassword(request.password, password_params_); rehashed.ok()) {
      (void)accounts_.SetPasswordHash(user->id, *rehashed);
    }
  }
  auto tokens = sessions_.StartSession({std::to_string(user->id),
                                        std::to_string(membership->organization_id),
                                        membership->role});
  if (!tokens.ok()) {
    out.status = tokens.status();
    return out;
  }
  AuditSignIn(membership->organization_id, user->id, "login", request.request_id, "");
  out.session = SessionInfo{std::move(tokens).value(), ViewOf(*user), ViewOf(*membership)};
  return out;
}

Result<SessionInfo> AuthService::Refresh(const std::string& refresh_token) {
  std::optional<UserView> user;
  std::optional<MembershipView> membership;
  // The user's state now, not when the session began.
  auto check = [&](const auth::Subject& subject) -> Result<auth::Subject> {
    const auto user_id = ParseId(subject.user);
    const auto org_id = ParseId(subject.organization);
    if (!user_id || !org_id) return Unauthenticated("refresh token: malformed subject");
    auto u = accounts_.FindUserById(*user_id);
    if (!u.ok()) {
      if (u.status().code() == StatusCode::kNotFound) {
        return Unauthenticated("the account no longer exists");
      }
      return u.status();
    }
    if (!u->active) return Unauthenticated("the account is deactivated");
    auto role = accounts_.FindMembership(*user_id, *org_id);
    if (!role.ok()) {
      if (role.status().code() == StatusCode::kNotFound) {
        return Unauthenticated("the account is no longer a member of the organization");
      }
      return role.status();
    }
    auto org = accounts_.FindOrganization(*org_id);
    if (!org.ok()) return org.status();
    user = ViewOf(*u);
    membership = MembershipView{org->id, org->name, *role};
    return auth::Subject{subject.user, subject.organization, *role};
  };
  auto tokens = sessions_.Rotate(refresh_token, check);
  if (!tokens.ok()) return tokens.status();
  return SessionInfo{std::move(tokens).value(), std::move(*user), std::move(*membership)};
}

Status AuthService::Logout(const std::string& refresh_token) {
  return sessions_.Logout(refresh_token);
}

Result<MeInfo> AuthService::Me(const Actor& actor) {
  auto user = accounts_.FindUserById(actor.user_id);
  if (!user.ok()) return user.status();
  auto memberships = accounts_.MembershipsOfUser(actor.user_id);
  if (!memberships.ok()) return memberships.status();
  MeInfo me;
  me.user = ViewOf(*user);
  me.memberships = ViewsOf(*memberships);
  for (const auto& m : me.memberships) {
    if (m.organization_id == actor.organization_id) me.membership = m;
  }
  if (me.membership.organization_id == 0) {
    return Unauthenticated("the account is no longer a member of the organization");
  }
  me.membership.role = actor.role;  // the role of now (services::SessionGuard)
  auto invitations = accounts_.InvitationsOfUser(actor.user_id);
  if (!invitations.ok()) return invitations.status();
  me.invitations = ViewsOf(*invitations);
  return me;
}

void AuthService::AuditLockChanges(const std::string& email, const LoginRequest& request,
                                   const std::vector<auth::LockChange>& released,
                                   const std::vector<auth::LockChange>& locked) {
  if (released.empty() && locked.empty()) return;
  // Best effort, like the sign-in records. An unknown account has no log to write to.
  auto user = accounts_.FindUserByEmail(email);
  if (!user.ok()) return;
  auto memberships = accounts_.MembershipsOfUser(user->id);
  if (!memberships.ok()) return;
  auto append = [&](const char* action, const auth::LockChange& change) {
    const std::string after = boost::json::serialize(
        boost::json::object{{"key", auth::ThrottleKeyName(change.key)},
                            {"address", request.ip},
                            {"until", core::FormatUtcTimestamp(change.until)}});
    for (const auto& m : *memberships) {
      store::AuditRecord record;
      record.organization_id = m.organization_id;
      // The throttle acts, not the account's owner: whoever failed may be anyone.
      record.actor_user_id = std::nullopt;
      record.action = action;
      record.entity_type = "session";
      record.entity_id = std::to_string(user->id);
      record.request_id = request.request_id;
      record.after_json = after;
      (void)audit_.Append(record);
    }
  };
  for (const auto& change : released) append("login_unlocked", change);
  for (const auto& change : locked) append("login_locked", change);
}

void AuthService::AuditSignIn(std::int64_t organization_id, std::int64_t user_id,
                              const char* action, const std::string& request_id,
                              const std::string& detail) {
  store::AuditRecord record;
  record.organization_id = organization_id;
  record.actor_user_id = user_id;
  record.action = action;
  record.entity_type = "session";
  record.entity_id = std::to_string(user_id);
  record.request_id = request_id;
  if (!detail.empty()) record.after_json = "{\"reason\":\"" + detail + "\"}";
  (void)audit_.Append(record);  // the sign-in does not fail when the log cannot be written
}

}  // namespace estimate::services
