#include "services/account_service.hpp"

#include <boost/json.hpp>

#include <utility>

#include "auth/policy.hpp"
#include "services/store_views.hpp"
#include "store/account_repository.hpp"
#include "store/audit_repository.hpp"
#include "store/database.hpp"
#include "store/unit_of_work.hpp"

namespace estimate::services {
namespace {

std::string MemberJson(const UserView& user, std::int64_t organization_id, auth::Role role) {
  boost::json::object o{{"user_id", user.id},
                        {"email", user.email},
                        {"display_name", user.display_name},
                        {"organization_id", organization_id},
                        {"role", auth::RoleName(role)}};
  return boost::json::serialize(o);
}

// The name shown for an account without one: the part of the e-mail before '@'.
std::string DisplayName(const NewMember& member) {
  if (!member.display_name.empty()) return member.display_name;
  return member.email.substr(0, member.email.find('@'));
}

store::AuditRecord Record(const Actor& actor, std::int64_t organization_id, const char* action,
                          const char* entity_type, std::int64_t entity_id) {
  store::AuditRecord r;
  r.organization_id = organization_id;
  r.actor_user_id = actor.AuditActor();
  r.action = action;
  r.entity_type = entity_type;
  r.entity_id = std::to_string(entity_id);
  r.request_id = actor.request_id;
  return r;
}

// Runs `body(uow)` in one transaction and commits it.
template <typename T, typename Body>
Result<T> InUnit(store::Database& db, Body body) {
  auto uow = store::UnitOfWork::Begin(db);
  if (!uow.ok()) return uow.status();
  Result<T> r = body(*uow);
  if (!r.ok()) return r;
  if (Status s = uow->Commit(); !s.ok()) return s;
  return r;
}

}  // namespace

AccountService::AccountService(store::Database& db, store::AccountRepository& accounts,
                               store::AuditRepository& audit, auth::RefreshTokenStore& sessions,
                               auth::Argon2Params password_params)
    : db_(db), accounts_(accounts), audit_(audit), sessions_(sessions),
      password_params_(password_params) {}

Result<CreatedAccount> AccountService::AddUser(const NewMember& member,
                                               const std::string& organization_name,
                                               std::optional<std::int64_t> organization_id) {
  if (Status s = auth::CheckPasswordPolicy(member.password); !s.ok()) return s;
  auto hash = auth::HashPassword(member.password, password_params_);
  if (!hash.ok()) return hash.status();
  const Actor system;
  return InUnit<CreatedAccount>(db_, [&](store::UnitOfWork& uow) -> Result<CreatedAccount> {
    CreatedAccount out;
    if (organization_id) {
      auto org = accounts_.FindOrganization(*organization_id);
      if (!org.ok()) return org.status();
      out.organization = ViewOf(*org);
    } else {
      auto org = accounts_.CreateOrganization(uow, organization_name);
      if (!org.ok()) return org.status();
      out.organization = ViewOf(*org);
      auto rec = Record(system, out.organization.id, "create", "organization", out.organization.id);
      rec.after_json = boost::json::serialize(boost::json::object{{"name", out.organization.name}});
      if (auto a = audit_.Append(uow, rec); !a.ok()) return a.status();
    }
    auto user = accounts_.CreateUser(uow, {member.email, *hash, DisplayName(member), true});
    if (!user.ok()) return user.status();
    out.user = ViewOf(*user);
    if (Status s = accounts_.AddMembership(uow, out.user.id, out.organization.id, member.role);
        !s.ok()) {
      return s;
    }
    out.role = member.role;
    auto rec = Record(system, out.organization.id, "create", "membership", out.user.id);
    rec.after_json = MemberJson(out.user, out.organization.id, member.role);
    if (auto a = audit_.Append(uow, rec); !a.ok()) return a.status();
    return out;
  });
}

Status AccountService::SetPassword(const std::string& email, const std::string& password) {
  if (Status s = auth::CheckPasswordPolicy(password); !s.ok()) return s;
  auto hash = auth::HashPassword(password, password_params_);
  if (!hash.ok()) return hash.status();
  auto user = accounts_.FindUserByEmail(email);
  if (!user.ok()) return user.status();
  auto memberships = accounts_.MembershipsOfUser(user->id);
  if (!memberships.ok()) return memberships.status();
  auto done = InUnit<bool>(db_, [&](store::UnitOfWork& uow) -> Result<bool> {
    if (Status s = accounts_.SetPasswordHash(uow, user->id, *hash); !s.ok()) return s;
    for (const auto& m : *memberships) {
      auto rec = Record(Actor{}, m.organization_id, "password_change", "user", user->id);
      if (auto a = audit_.Append(uow, rec); !a.ok()) return a.status();
    }
    return true;
  });
  if (!done.ok()) return done.status();
  return sessions_.RevokeUser(std::to_string(user->id));
}

Status AccountService::SetRole(const std::string& email, std::int64_t organization_id,
                               auth::Role role) {
  auto user = accounts_.FindUserByEmail(email);
  if (!user.ok()) return user.status();
  auto done = InUnit<bool>(db_, [&](store::UnitOfWork& uow) -> Result<bool> {
    auto old = accounts_.ChangeRole(uow, user->id, organization_id, role);
    if (!old.ok()) return old.status();
    auto rec = Record(Actor{}, organization_id, "role_change", "membership", user->id);
    rec.before_json = MemberJson(ViewOf(*user), organization_id, *old);
    rec.after_json = MemberJson(ViewOf(*user), organization_id, role);
    if (auto a = audit_.Append(uow, rec); !a.ok()) return a.status();
    return true;
  });
  if (!done.ok()) return done.status();
  return sessions_.RevokeUser(std::to_string(user->id));
}

Result<std::vector<MemberView>> AccountService::ListMembers(const Actor& actor) {
  if (Status s = auth::Authorize(actor.role, auth::Permission::kManageUsers); !s.ok()) return s;
  auto members = accounts_.ListMembers(actor.organization_id);
  if (!members.ok()) return members.status();
  return ViewsOf(*members);
}

Result<MemberView> AccountService::FindMember(std::int64_t organization_id,
                                              std::int64_t user_id) {
  auto members = accounts_.ListMembers(organization_id);
  if (!members.ok()) return members.status();
  for (auto& m : *members) {
    if (m.user_id == user_id) return ViewOf(m);
  }
  return NotFound("user " + std::to_string(user_id) + " is not a member of this organization");
}

Result<MemberAddition> AccountService::AddMember(const Actor& actor, const NewMember& member) {
  if (Status s = auth::Authorize(actor.role, auth::Permission::kManageUsers); !s.ok()) return s;
  if (Status s = auth::CheckPasswordPolicy(member.password); !s.ok()) return s;
  // Hashed whether or not it is used, so that both answers take the same time.
  auto hash = auth::HashPassword(member.password, password_params_);
  if (!hash.ok()) return hash.status();
  auto existing = accounts_.FindUserByEmail(member.email);
  if (existing.ok()) {
    if (accounts_.FindMembership(existing->id, actor.organization_id).ok()) {
      return Status(StatusCode::kAlreadyExists,
                    "email: " + existing->email + " is a member of this organization already");
    }
    // Registered elsewhere: an invitation, and nothing of the account in the answer or the log.
    auto invited = InUnit<bool>(db_, [&](store::UnitOfWork& uow) -> Result<bool> {
      if (Status s = accounts_.Invite(uow, existing->id, actor.organization_id, member.role);
          !s.ok()) {
        return s;
      }
      auto rec = Record(actor, actor.organization_id, "invite", "membership", existing->id);
      boost::json::object after{{"email", existing->email}, {"role", auth::RoleName(member.role)}};
      rec.after_json = boost::json::serialize(after);
      if (auto a = audit_.Append(uow, rec); !a.ok()) return a.status();
      return true;
    });
    if (!invited.ok()) return invited.status();
    return MemberAddition{{0, existing->email, {}, true, member.role}, true};
  }
  if (existing.status().code() != StatusCode::kNotFound) return existing.status();
  auto added = InUnit<MemberView>(db_, [&](store::UnitOfWork& uow) -> Result<MemberView> {
    auto user = accounts_.CreateUser(uow, {member.email, *hash, DisplayName(member), true});
    if (!user.ok()) return user.status();
    if (Status s = accounts_.AddMembership(uow, user->id, actor.organization_id, member.role);
        !s.ok()) {
      return s;
    }
    auto rec = Record(actor, actor.organization_id, "create", "membership", user->id);
    rec.after_json = MemberJson(ViewOf(*user), actor.organization_id, member.role);
    if (auto a = audit_.Append(uow, rec); !a.ok()) return a.status();
    return MemberView{user->id, user->email, user->display_name, user->active, member.role};
  });
  if (!added.ok()) return added.status();
  return MemberAddition{*added, false};
}

Result<MembershipView> AccountService::AcceptInvitation(const Actor& actor,
                                                        std::int64_t organization_id) {
  auto organization = accounts_.FindOrganization(organization_id);
  if (!organization.ok()) return NotFound("no invitation of organization " +
                                          std::to_string(organization_id));
  return InUnit<MembershipView>(
      db_, [&](store::UnitOfWork& uow) -> Result<MembershipView> {
        auto role = accounts_.TakeInvitation(uow, actor.user_id, organization_id);
        if (!role.ok()) return role.status();
        if (Status s = accounts_.AddMembership(uow, actor.user_id, organization_id, *role);
            !s.ok()) {
          return s;
        }
        Actor joining = actor;
        joining.organization_id = organization_id;
        auto rec = Record(joining, organization_id, "accept_invitation", "membership",
                          actor.user_id);
        boost::json::object after{{"role", auth::RoleName(*role)}};
        rec.after_json = boost::json::serialize(after);
        if (auto a = audit_.Append(uow, rec); !a.ok()) return a.status();
        return MembershipView{organization_id, organization->name, *role};
      });
}

Result<MemberView> AccountService::ChangeRole(const Actor& actor, std::int64_t user_id,
                                              auth::Role role) {
  if (Status s = auth::Authorize(actor.role, auth::Permission::kManageUsers); !s.ok()) return s;
  auto member = FindMember(actor.organization_id, user_id);
  if (!member.ok()) return member.status();
  if (user_id == actor.user_id && role != auth::Role::kAdmin) {
    return FailedPrecondition("role: an admin cannot demote themself; ask another admin");
  }
  auto user = accounts_.FindUserById(user_id);
  if (!user.ok()) return user.status();
  auto done = InUnit<bool>(db_, [&](store::UnitOfWork& uow) -> Result<bool> {
    auto old = accounts_.ChangeRole(uow, user_id, actor.organization_id, role);
    if (!old.ok()) return old.status();
    auto rec = Record(actor, actor.organization_id, "role_change", "membership", user_id);
    rec.before_json = MemberJson(ViewOf(*user), actor.organization_id, *old);
    rec.after_json = MemberJson(ViewOf(*user), actor.organization_id, role);
    if (auto a = audit_.Append(uow, rec); !a.ok()) return a.status();
    return true;
  });
  if (!done.ok()) return done.status();
  if (Status s = sessions_.RevokeUser(std::to_string(user_id)); !s.ok()) return s;
  member->role = role;
  return member;
}

Status AccountService::RemoveMember(const Actor& actor, std::int64_t user_id) {
  if (Status s = auth::Authorize(actor.role, auth::Permission::kManageUsers); !s.ok()) return s;
  auto member = FindMember(actor.organization_id, user_id);
  if (!member.ok()) return member.status();
  if (user_id == actor.user_id) {
    return FailedPrecondition("user_id: an admin cannot remove themself; ask another admin");
  }
  auto user = accounts_.FindUserById(user_id);
  if (!user.ok()) return user.status();
  auto done = InUnit<bool>(db_, [&](store::UnitOfWork& uow) -> Result<bool> {
    auto old = accounts_.RemoveMembership(uow, user_id, actor.organization_id);
    if (!old.ok()) return old.status();
    auto rec = Record(actor, actor.organization_id, "delete", "membership", user_id);
    rec.before_json = MemberJson(ViewOf(*user), actor.organization_id, *old);
    if (auto a = audit_.Append(uow, rec); !a.ok()) return a.status();
    return true;
  });
  if (!done.ok()) return done.status();
  return sessions_.RevokeUser(std::to_string(user_id));
}

}  // namespace estimate::services
