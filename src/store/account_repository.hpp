#pragma once
// Organizations (the tenants), users and their memberships with a role in each organization
// (migration 0003).
//
// Guarantees:
// - Emails are stored normalized: surrounding blanks dropped, ASCII letters lower-cased (other
//   characters as given). Look-ups by email normalize the same way, so "Ann@Example.COM" finds,
//   and collides with, "ann@example.com".
// - Password hashes are argon2id PHC strings (auth/password.hpp); anything else is refused.
// - A user holds at most one membership (one role) per organization.
// - Errors are values: InvalidArgument naming the field ("email: …"), NotFound naming what is
//   missing, AlreadyExists for a taken email or an existing membership, Unavailable when the
//   database cannot be reached or is busy, Internal for anything unexpected.
//
// Every write has an overload that runs in the caller's UnitOfWork (unit_of_work.hpp), so that a
// service writes the change and its audit record in one transaction; the other overload commits
// on its own. Look-ups have the overload too, to read inside the unit what it is about to change.
//
// Thread-safety: the repository holds only the Database, itself thread-safe; each call leases its
// own session (or uses the unit's).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/role.hpp"
#include "core/clock.hpp"
#include "core/status.hpp"
#include "store/database.hpp"
#include "store/unit_of_work.hpp"

namespace estimate::store {

struct Organization {
  std::int64_t id = 0;
  std::string name{};
  core::Timestamp created_at{};
};

struct User {
  std::int64_t id = 0;
  std::string email{};          // normalized
  std::string password_hash{};  // argon2id PHC string
  std::string display_name{};
  bool active = true;
  core::Timestamp created_at{};
};

struct NewUser {
  std::string email{};
  std::string password_hash{};
  std::string display_name{};
  bool active = true;
};

// A user as a member of one organization (ListMembers).
struct Member {
  std::int64_t user_id = 0;
  std::string email{};
  std::string display_name{};
  bool active = true;
  auth::Role role = auth::Role::kViewer;
};

// One organization a user belongs to (MembershipsOfUser).
struct UserMembership {
  std::int64_t organization_id = 0;
  std::string organization_name{};
  auth::Role role = auth::Role::kViewer;
};

inline constexpr std::size_t kMaxEmailBytes = 254;  // RFC 5321's path limit
inline constexpr std::size_t kMaxNameBytes = 200;   // organization and display names

// The stored form of `email`, or InvalidArgument starting with "email: " (empty, too long,
// blanks or control characters inside, not local@domain).
Result<std::string> NormalizeEmail(std::string_view email);

class AccountRepository {
 public:
  explicit AccountRepository(Database& db) : db_(db) {}

  // A new organization. InvalidArgument "name: …" for an empty (after trimming blanks) or
  // too long name.
  Result<Organization> CreateOrganization(std::string_view name);
  Result<Organization> CreateOrganization(UnitOfWork& uow, std::string_view name);

  // NotFound for an unknown id.
  Result<Organization> FindOrganization(std::int64_t id);

  // A new user. InvalidArgument for a bad email, password_hash or display_name (named);
  // AlreadyExists when the normalized email is registered.
  Result<User> CreateUser(const NewUser& user);
  Result<User> CreateUser(UnitOfWork& uow, const NewUser& user);

  // NotFound when no user has that (normalized) email or id; InvalidArgument for a malformed
  // email.
  Result<User> FindUserByEmail(std::string_view email);
  Result<User> FindUserByEmail(UnitOfWork& uow, std::string_view email);
  Result<User> FindUserById(std::int64_t id);
  Result<User> FindUserById(UnitOfWork& uow, std::int64_t id);

  // NotFound for an unknown user; InvalidArgument "password_hash: …" for anything but an argon2id
  // PHC string.
  Status SetPasswordHash(std::int64_t user_id, std::string_view password_hash);
  Status SetPasswordHash(UnitOfWork& uow, std::int64_t user_id, std::string_view password_hash);

  // Activates or deactivates a user (a deactivated user keeps memberships but cannot sign in;
  // the caller also revokes their sessions). NotFound for an unknown user.
  Status SetActive(std::int64_t user_id, bool active);
  Status SetActive(UnitOfWork& uow, std::int64_t user_id, bool active);

  // Makes the user a member of the organization. NotFound naming the unknown user or
  // organization; AlreadyExists when they are a member already (ChangeRole changes the role).
  Status AddMembership(std::int64_t user_id, std::int64_t organization_id, auth::Role role);
  Status AddMembership(UnitOfWork& uow, std::int64_t user_id, std::int64_t organization_id,
                       auth::Role role);

  // Sets the role of an existing membership and returns the previous one (for the audit
  // record). NotFound when the user is not a member.
  Result<auth::Role> ChangeRole(std::int64_t user_id, std::int64_t organization_id,
                                auth::Role role);
  Result<auth::Role> ChangeRole(UnitOfWork& uow, std::int64_t user_id, std::int64_t organization_id,
                                auth::Role role);

  // Ends a membership and returns the role it had. NotFound when the user is not a member.
  Result<auth::Role> RemoveMembership(std::int64_t user_id, std::int64_t organization_id);
  Result<auth::Role> RemoveMembership(UnitOfWork& uow, std::int64_t user_id,
                                      std::int64_t organization_id);

  // The user's role in the organization; NotFound when not a member.
  Result<auth::Role> FindMembership(std::int64_t user_id, std::int64_t organization_id);
  Result<auth::Role> FindMembership(UnitOfWork& uow, std::int64_t user_id,
                                    std::int64_t organization_id);

  // What every authenticated request is checked against: the role `user_id` holds now in
  // `organization_id`, provided the session `family` is live (issued to this user, not revoked)
  // and the user active and a member; nullopt when any of that no longer holds. One indexed
  // query.
  Result<std::optional<auth::Role>> SessionRole(std::int64_t user_id, std::int64_t organization_id,
                                                std::string_view family);

  // The members of an organization by email, deactivated users included (with active = false).
  // NotFound for an unknown organization.
  Result<std::vector<Member>> ListMembers(std::int64_t organization_id);

  // The organizations a user belongs to, by organization id. NotFound for an unknown user.
  Result<std::vector<UserMembership>> MembershipsOfUser(std::int64_t user_id);

  // Invitations: an organization asks an existing account to join with a role. Invite replaces
  // an earlier invitation's role; the organizations inviting a user come by organization id;
  // TakeInvitation ends one and returns its role (NotFound when there is none).
  Status Invite(UnitOfWork& uow, std::int64_t user_id, std::int64_t organization_id,
                auth::Role role);
  Result<std::vector<UserMembership>> InvitationsOfUser(std::int64_t user_id);
  Result<auth::Role> TakeInvitation(UnitOfWork& uow, std::int64_t user_id,
                                    std::int64_t organization_id);

 private:
  Database& db_;
};

}  // namespace estimate::store
