#pragma once
// Accounts as the administrator manages them: the first admin from the command line, members of an
// organization from the API (add, change role, remove). Every change is written with its audit
// record in one transaction; a role change or removal also ends the member's sessions, so the
// new rights apply at once instead of when the access token expires.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "auth/password.hpp"
#include "auth/refresh_token_store.hpp"
#include "auth/role.hpp"
#include "core/status.hpp"
#include "services/account_views.hpp"
#include "services/actor.hpp"

namespace estimate::store {
class AccountRepository;
class AuditRepository;
class Database;
}  // namespace estimate::store

namespace estimate::services {

struct NewMember {
  std::string email;
  std::string password;  // checked against the password policy
  std::string display_name;
  auth::Role role = auth::Role::kViewer;
};

// What POST /users did: a new account made a member, or — for an address registered already, in
// another organization — an invitation its owner accepts (`member` then holds the normalized
// email and the role only: nothing of the account is told to the inviting organization).
struct MemberAddition {
  MemberView member;
  bool invited = false;
};

struct CreatedAccount {
  UserView user;
  OrganizationView organization;
  auth::Role role = auth::Role::kViewer;
};

class AccountService {
 public:
  AccountService(store::Database& db, store::AccountRepository& accounts,
                 store::AuditRepository& audit, auth::RefreshTokenStore& sessions,
                 auth::Argon2Params password_params = {});

  // CLI: a user in a new organization named `organization_name` (or in the existing
  // `organization_id`), all in one transaction. The actor is the system.
  Result<CreatedAccount> AddUser(const NewMember& member, const std::string& organization_name,
                                 std::optional<std::int64_t> organization_id = std::nullopt);
  // CLI: a new password (policy-checked) for the account of `email`; its sessions end.
  Status SetPassword(const std::string& email, const std::string& password);
  // CLI: the role of the account of `email` in `organization_id`; its sessions end.
  Status SetRole(const std::string& email, std::int64_t organization_id, auth::Role role);

  // API (manage_users): the members of the actor's organization.
  Result<std::vector<MemberView>> ListMembers(const Actor& actor);
  // A new account, member of the actor's organization; for an email registered in another
  // organization, an invitation (the given password is not used). AlreadyExists only when the
  // account is a member of the actor's organization already.
  Result<MemberAddition> AddMember(const Actor& actor, const NewMember& member);
  // The actor's account joins `organization_id` with the role it was invited with. NotFound
  // without an invitation.
  Result<MembershipView> AcceptInvitation(const Actor& actor, std::int64_t organization_id);
  // NotFound unless the user is a member of the actor's organization. An admin cannot demote or
  // remove themself (FailedPrecondition): an organization keeps at least the admin who acts.
  Result<MemberView> ChangeRole(const Actor& actor, std::int64_t user_id, auth::Role role);
  Status RemoveMember(const Actor& actor, std::int64_t user_id);

 private:
  Result<MemberView> FindMember(std::int64_t organization_id, std::int64_t user_id);

  store::Database& db_;
  store::AccountRepository& accounts_;
  store::AuditRepository& audit_;
  auth::RefreshTokenStore& sessions_;
  auth::Argon2Params password_params_;
};

}  // namespace estimate::services
