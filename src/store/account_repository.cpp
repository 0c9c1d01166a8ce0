#include "store/account_repository.hpp"

#include <soci/soci.h>

#include "auth/password.hpp"
#include "core/text.hpp"
#include "store/sql_support.hpp"

namespace estimate::store {
namespace {

using internal::Execute;
using internal::RunIn;
using internal::RunLeased;
using internal::RunOwn;

constexpr const char* kUserColumns =
    "SELECT id, email, password_hash, display_name, active, created_at FROM users ";

Result<std::string> CheckName(std::string_view field, std::string_view name) {
  const std::string_view trimmed = core::TrimWhitespace(name);
  if (trimmed.empty()) return InvalidArgument(std::string(field) + ": must not be empty");
  if (trimmed.size() > kMaxNameBytes) {
    return InvalidArgument(std::string(field) + ": longer than " + std::to_string(kMaxNameBytes) +
                           " bytes");
  }
  for (const char c : trimmed) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
      return InvalidArgument(std::string(field) + ": contains a control character");
    }
  }
  return std::string(trimmed);
}

Status CheckPasswordHash(std::string_view password_hash) {
  auto parsed = auth::ParsePhc(password_hash);
  if (!parsed.ok()) {
    return InvalidArgument("password_hash: not an argon2id PHC string (" +
                           parsed.status().message() + ")");
  }
  return Status::Ok();
}

Result<auth::Role> RoleOfText(const std::string& text) {
  auto role = auth::ParseRole(text);
  if (!role) return Internal("memberships: unknown role \"" + text + "\" in the database");
  return *role;
}

core::Timestamp TimeOfText(const std::string& text) {
  auto t = core::ParseUtcTimestamp(text);
  return t.ok() ? *t : core::Timestamp{};
}

// The user matching `where` (" WHERE …" with one parameter), NotFound naming `what` otherwise.
template <typename Key>
Result<User> ReadUser(soci::session& s, const std::string& where, const Key& key,
                      const std::string& what) {
  User user;
  long long id = 0;
  int active = 0;
  std::string created_at;
  s << kUserColumns + where, soci::into(id), soci::into(user.email), soci::into(user.password_hash),
      soci::into(user.display_name), soci::into(active), soci::into(created_at), soci::use(key);
  if (!s.got_data()) return NotFound(what + " does not exist");
  user.id = id;
  user.active = active != 0;
  user.created_at = TimeOfText(created_at);
  return user;
}

bool UserExists(soci::session& s, long long id) {
  int one = 0;
  s << "SELECT 1 FROM users WHERE id = :id", soci::into(one), soci::use(id);
  return s.got_data();
}

bool OrganizationExists(soci::session& s, long long id) {
  int one = 0;
  s << "SELECT 1 FROM organizations WHERE id = :id", soci::into(one), soci::use(id);
  return s.got_data();
}

std::string UserName(std::int64_t id) { return "user " + std::to_string(id); }
std::string OrganizationName(std::int64_t id) { return "organization " + std::to_string(id); }
std::string MembershipName(std::int64_t user_id, std::int64_t organization_id) {
  return "membership of user " + std::to_string(user_id) + " in organization " +
         std::to_string(organization_id);
}

Result<auth::Role> ReadRole(soci::session& s, long long user_id, long long organization_id) {
  std::string role;
  s << "SELECT role FROM memberships WHERE user_id = :u AND organization_id = :o", soci::into(role),
      soci::use(user_id), soci::use(organization_id);
  if (!s.got_data()) return NotFound(MembershipName(user_id, organization_id) + " does not exist");
  return RoleOfText(role);
}

// The organizations of `table` (memberships or invitations, a constant) naming the user, with
// the role of each, by organization id.
Result<std::vector<UserMembership>> OrganizationsOfUser(soci::session& s, const char* table,
                                                        long long user_id) {
  long long id = 0;
  UserMembership row;
  std::string role;
  soci::statement st =
      (s.prepare << std::string("SELECT o.id, o.name, t.role FROM ") + table +
                        " t JOIN organizations o ON o.id = t.organization_id "
                        "WHERE t.user_id = :u ORDER BY o.id",
       soci::into(id), soci::into(row.organization_name), soci::into(role), soci::use(user_id));
  st.execute();
  std::vector<UserMembership> out;
  while (st.fetch()) {
    auto parsed = RoleOfText(role);
    if (!parsed.ok()) return parsed.status();
    row.organization_id = id;
    row.role = *parsed;
    out.push_back(row);
  }
  return out;
}

// The bodies of the operations, each on a session in a transaction or autocommit.

auto CreateOrganizationBody(const std::string& name) {
  return [name](soci::session& s) -> Result<Organization> {
    Organization org;
    org.name = name;
    long long id = 0;
    std::string created_at;
    s << "INSERT INTO organizations (name) VALUES (:name) RETURNING id, created_at", soci::into(id),
        soci::into(created_at), soci::use(org.name);
    org.id = id;
    org.created_at = TimeOfText(created_at);
    return org;
  };
}

auto CreateUserBody(User user) {
  return [user = std::move(user)](soci::session& s) mutable -> Result<User> {
    int taken = 0;
    s << "SELECT 1 FROM users WHERE email = :email", soci::into(taken), soci::use(user.email);
    if (s.got_data()) {
      return Status(StatusCode::kAlreadyExists, "email: " + user.email + " is already registered");
    }
    long long id = 0;
    int active = user.active ? 1 : 0;
    std::string created_at;
    s << "INSERT INTO users (email, password_hash, display_name, active) "
         "VALUES (:email, :hash, :name, :active) RETURNING id, created_at",
        soci::into(id), soci::into(created_at), soci::use(user.email),
        soci::use(user.password_hash), soci::use(user.display_name), soci::use(active);
    user.id = id;
    user.created_at = TimeOfText(created_at);
    return user;
  };
}

Result<User> CheckNewUser(const NewUser& user) {
  auto email = NormalizeEmail(user.email);
  if (!email.ok()) return email.status();
  if (Status s = CheckPasswordHash(user.password_hash); !s.ok()) return s;
  auto name = CheckName("display_name", user.display_name);
  if (!name.ok()) return name.status();
  User out;
  out.email = std::move(email).value();
  out.password_hash = user.password_hash;
  out.display_name = std::move(name).value();
  out.active = user.active;
  return out;
}

auto FindByEmailBody(const std::string& email) {
  return [email](soci::session& s) {
    return ReadUser(s, "WHERE email = :email", email, "user " + email);
  };
}

auto FindByIdBody(std::int64_t id) {
  return [id](soci::session& s) {
    const long long key = id;
    return ReadUser(s, "WHERE id = :id", key, UserName(id));
  };
}

auto SetPasswordHashBody(std::int64_t user_id, std::string hash) {
  return [user_id, hash = std::move(hash)](soci::session& s) -> Status {
    const long long id = user_id;
    if (Execute(s, "UPDATE users SET password_hash = :hash WHERE id = :id", soci::use(hash),
                soci::use(id)) == 0) {
      return NotFound(UserName(user_id) + " does not exist");
    }
    return Status::Ok();
  };
}

auto SetActiveBody(std::int64_t user_id, bool active) {
  return [user_id, active](soci::session& s) -> Status {
    const long long id = user_id;
    const int flag = active ? 1 : 0;
    if (Execute(s, "UPDATE users SET active = :active WHERE id = :id", soci::use(flag),
                soci::use(id)) == 0) {
      return NotFound(UserName(user_id) + " does not exist");
    }
    return Status::Ok();
  };
}

auto AddMembershipBody(std::int64_t user_id, std::int64_t organization_id, auth::Role role) {
  return [=](soci::session& s) -> Status {
    const long long u = user_id, o = organization_id;
    if (!UserExists(s, u)) return NotFound(UserName(user_id) + " does not exist");
    if (!OrganizationExists(s, o)) return NotFound(OrganizationName(o) + " does not exist");
    if (ReadRole(s, u, o).ok()) {
      return Status(StatusCode::kAlreadyExists,
                    MembershipName(user_id, organization_id) + " exists already");
    }
    const std::string name = auth::RoleName(role);
    s << "INSERT INTO memberships (user_id, organization_id, role) VALUES (:u, :o, :role)",
        soci::use(u), soci::use(o), soci::use(name);
    return Status::Ok();
  };
}

auto ChangeRoleBody(std::int64_t user_id, std::int64_t organization_id, auth::Role role) {
  return [=](soci::session& s) -> Result<auth::Role> {
    const long long u = user_id, o = organization_id;
    auto previous = ReadRole(s, u, o);
    if (!previous.ok()) return previous;
    const std::string name = auth::RoleName(role);
    s << "UPDATE memberships SET role = :role WHERE user_id = :u AND organization_id = :o",
        soci::use(name), soci::use(u), soci::use(o);
    return previous;
  };
}

auto RemoveMembershipBody(std::int64_t user_id, std::int64_t organization_id) {
  return [=](soci::session& s) -> Result<auth::Role> {
    const long long u = user_id, o = organization_id;
    auto previous = ReadRole(s, u, o);
    if (!previous.ok()) return previous;
    s << "DELETE FROM memberships WHERE user_id = :u AND organization_id = :o", soci::use(u),
        soci::use(o);
    return previous;
  };
}

auto FindMembershipBody(std::int64_t user_id, std::int64_t organization_id) {
  return [=](soci::session& s) { return ReadRole(s, user_id, organization_id); };
}

}  // namespace

Result<std::string> NormalizeEmail(std::string_view email) {
  const std::string_view trimmed = core::TrimWhitespace(email);
  if (trimmed.empty()) return InvalidArgument("email: must not be empty");
  if (trimmed.size() > kMaxEmailBytes) {
    return InvalidArgument("email: longer than " + std::to_string(kMaxEmailBytes) + " bytes");
  }
  std::string out;
  out.reserve(trimmed.size());
  for (const char c : trimmed) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte == 0x7F) {
      return InvalidArgument("email: contains a blank or a control character");
    }
    out += core::AsciiLower(c);
  }
  const auto at = out.rfind('@');
  if (at == std::string::npos || at == 0 || at + 1 == out.size()) {
    return InvalidArgument("email: \"" + out + "\" is not of the form local@domain");
  }
  return out;
}

Result<Organization> AccountRepository::CreateOrganization(std::string_view name) {
  auto checked = CheckName("name", name);
  if (!checked.ok()) return checked.status();
  return RunOwn(db_, "creating an organization", CreateOrganizationBody(*checked));
}

Result<Organization> AccountRepository::CreateOrganization(UnitOfWork& uow, std::string_view name) {
  auto checked = CheckName("name", name);
  if (!checked.ok()) return checked.status();
  return RunIn(uow, "creating an organization", CreateOrganizationBody(*checked));
}

Result<Organization> AccountRepository::FindOrganization(std::int64_t id) {
  return RunLeased(db_, "reading an organization", [id](soci::session& s) -> Result<Organization> {
    const long long key = id;
    Organization org;
    std::string created_at;
    s << "SELECT name, created_at FROM organizations WHERE id = :id", soci::into(org.name),
        soci::into(created_at), soci::use(key);
    if (!s.got_data()) return NotFound(OrganizationName(id) + " does not exist");
    org.id = id;
    org.created_at = TimeOfText(created_at);
    return org;
  });
}

Result<User> AccountRepository::CreateUser(const NewUser& user) {
  auto checked = CheckNewUser(user);
  if (!checked.ok()) return checked.status();
  return RunOwn(db_, "creating a user", CreateUserBody(std::move(checked).value()));
}

Result<User> AccountRepository::CreateUser(UnitOfWork& uow, const NewUser& user) {
  auto checked = CheckNewUser(user);
  if (!checked.ok()) return checked.status();
  return RunIn(uow, "creating a user", CreateUserBody(std::move(checked).value()));
}

Result<User> AccountRepository::FindUserByEmail(std::string_view email) {
  auto normalized = NormalizeEmail(email);
  if (!normalized.ok()) return normalized.status();
  return RunLeased(db_, "finding a user by email", FindByEmailBody(*normalized));
}

Result<User> AccountRepository::FindUserByEmail(UnitOfWork& uow, std::string_view email) {
  auto normalized = NormalizeEmail(email);
  if (!normalized.ok()) return normalized.status();
  return RunIn(uow, "finding a user by email", FindByEmailBody(*normalized));
}

Result<User> AccountRepository::FindUserById(std::int64_t id) {
  return RunLeased(db_, "finding a user", FindByIdBody(id));
}

Result<User> AccountRepository::FindUserById(UnitOfWork& uow, std::int64_t id) {
  return RunIn(uow, "finding a user", FindByIdBody(id));
}

Status AccountRepository::SetPasswordHash(std::int64_t user_id, std::string_view password_hash) {
  if (Status s = CheckPasswordHash(password_hash); !s.ok()) return s;
  return RunLeased(db_, "setting a password hash",
                   SetPasswordHashBody(user_id, std::string(password_hash)));
}

Status AccountRepository::SetPasswordHash(UnitOfWork& uow, std::int64_t user_id,
                                          std::string_view password_hash) {
  if (Status s = CheckPasswordHash(password_hash); !s.ok()) return s;
  return RunIn(uow, "setting a password hash",
               SetPasswordHashBody(user_id, std::string(password_hash)));
}

Status AccountRepository::SetActive(std::int64_t user_id, bool active) {
  return RunLeased(db_, "activating or deactivating a user", SetActiveBody(user_id, active));
}

Status AccountRepository::SetActive(UnitOfWork& uow, std::int64_t user_id, bool active) {
  return RunIn(uow, "activating or deactivating a user", SetActiveBody(user_id, active));
}

Status AccountRepository::AddMembership(std::int64_t user_id, std::int64_t organization_id,
                                        auth::Role role) {
  return RunOwn(db_, "adding a membership", AddMembershipBody(user_id, organization_id, role));
}

Status AccountRepository::AddMembership(UnitOfWork& uow, std::int64_t user_id,
                                        std::int64_t organization_id, auth::Role role) {
  return RunIn(uow, "adding a membership", AddMembershipBody(user_id, organization_id, role));
}

Result<auth::Role> AccountRepository::ChangeRole(std::int64_t user_id, std::int64_t organization_id,
                                                 auth::Role role) {
  return RunOwn(db_, "changing a role", ChangeRoleBody(user_id, organization_id, role));
}

Result<auth::Role> AccountRepository::ChangeRole(UnitOfWork& uow, std::int64_t user_id,
                                                 std::int64_t organization_id, auth::Role role) {
  return RunIn(uow, "changing a role", ChangeRoleBody(user_id, organization_id, role));
}

Result<auth::Role> AccountRepository::RemoveMembership(std::int64_t user_id,
                                                       std::int64_t organization_id) {
  return RunOwn(db_, "removing a membership", RemoveMembershipBody(user_id, organization_id));
}

Result<auth::Role> AccountRepository::RemoveMembership(UnitOfWork& uow, std::int64_t user_id,
                                                       std::int64_t organization_id) {
  return RunIn(uow, "removing a membership", RemoveMembershipBody(user_id, organization_id));
}

Result<auth::Role> AccountRepository::FindMembership(std::int64_t user_id,
                                                     std::int64_t organization_id) {
  return RunLeased(db_, "reading a membership", FindMembershipBody(user_id, organization_id));
}

Result<auth::Role> AccountRepository::FindMembership(UnitOfWork& uow, std::int64_t user_id,
                                                     std::int64_t organization_id) {
  return RunIn(uow, "reading a membership", FindMembershipBody(user_id, organization_id));
}

Result<std::optional<auth::Role>> AccountRepository::SessionRole(std::int64_t user_id,
                                                                 std::int64_t organization_id,
                                                                 std::string_view family) {
  return RunLeased(
      db_, "checking a session",
      [&](soci::session& s) -> Result<std::optional<auth::Role>> {
        const long long u = user_id;
        const long long o = organization_id;
        const std::string user_text = std::to_string(user_id);
        const std::string fam(family);
        std::string role;
        s << "SELECT m.role FROM memberships m JOIN users u ON u.id = m.user_id "
             "WHERE m.user_id = :u AND m.organization_id = :o AND u.active = 1 "
             "AND EXISTS (SELECT 1 FROM refresh_tokens t "
             "WHERE t.family = :f AND t.user_id = :ut) "
             "AND NOT EXISTS (SELECT 1 FROM revoked_families r WHERE r.family = :rf)",
            soci::into(role), soci::use(u), soci::use(o), soci::use(fam), soci::use(user_text),
            soci::use(fam);
        if (!s.got_data()) return std::optional<auth::Role>();
        auto parsed = RoleOfText(role);
        if (!parsed.ok()) return parsed.status();
        return std::optional<auth::Role>(*parsed);
      });
}

Result<std::vector<Member>> AccountRepository::ListMembers(std::int64_t organization_id) {
  return RunLeased(db_, "listing members",
                   [organization_id](soci::session& s) -> Result<std::vector<Member>> {
                     const long long o = organization_id;
                     if (!OrganizationExists(s, o)) {
                       return NotFound(OrganizationName(organization_id) + " does not exist");
                     }
                     long long id = 0;
                     int active = 0;
                     Member member;
                     std::string role;
                     soci::statement st =
                         (s.prepare << "SELECT u.id, u.email, u.display_name, u.active, m.role "
                                       "FROM memberships m JOIN users u ON u.id = m.user_id "
                                       "WHERE m.organization_id = :o ORDER BY u.email",
                          soci::into(id), soci::into(member.email), soci::into(member.display_name),
                          soci::into(active), soci::into(role), soci::use(o));
                     st.execute();
                     std::vector<Member> out;
                     while (st.fetch()) {
                       auto parsed = RoleOfText(role);
                       if (!parsed.ok()) return parsed.status();
                       member.user_id = id;
                       member.active = active != 0;
                       member.role = *parsed;
                       out.push_back(member);
                     }
                     return out;
                   });
}

Result<std::vector<UserMembership>> AccountRepository::MembershipsOfUser(std::int64_t user_id) {
  return RunLeased(db_, "listing memberships",
                   [user_id](soci::session& s) -> Result<std::vector<UserMembership>> {
                     if (!UserExists(s, user_id)) {
                       return NotFound(UserName(user_id) + " does not exist");
                     }
                     return OrganizationsOfUser(s, "memberships", user_id);
                   });
}

Status AccountRepository::Invite(UnitOfWork& uow, std::int64_t user_id,
                                 std::int64_t organization_id, auth::Role role) {
  return RunIn(uow, "inviting a user", [=](soci::session& s) -> Status {
    const long long u = user_id, o = organization_id;
    const std::string name = auth::RoleName(role);
    s << "INSERT INTO invitations (organization_id, user_id, role) VALUES (:o, :u, :role) "
         "ON CONFLICT (organization_id, user_id) DO UPDATE SET role = excluded.role",
        soci::use(o), soci::use(u), soci::use(name);
    return Status::Ok();
  });
}

Result<std::vector<UserMembership>> AccountRepository::InvitationsOfUser(std::int64_t user_id) {
  return RunLeased(db_, "listing invitations",
                   [user_id](soci::session& s) -> Result<std::vector<UserMembership>> {
                     return OrganizationsOfUser(s, "invitations", user_id);
                   });
}

Result<auth::Role> AccountRepository::TakeInvitation(UnitOfWork& uow, std::int64_t user_id,
                                                     std::int64_t organization_id) {
  return RunIn(uow, "accepting an invitation", [=](soci::session& s) -> Result<auth::Role> {
    const long long u = user_id, o = organization_id;
    std::string role;
    s << "SELECT role FROM invitations WHERE organization_id = :o AND user_id = :u",
        soci::into(role), soci::use(o), soci::use(u);
    if (!s.got_data()) {
      return NotFound("no invitation of organization " + std::to_string(organization_id));
    }
    s << "DELETE FROM invitations WHERE organization_id = :o AND user_id = :u", soci::use(o),
        soci::use(u);
    return RoleOfText(role);
  });
}

}  // namespace estimate::store
