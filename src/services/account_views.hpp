#pragma once
// What the account and sign-in use cases return: the parts of users, organizations and
// memberships a caller may be shown, independent of how the store keeps them (no password hash,
// no creation time). The API writes them as JSON, the CLI as text.
#include <cstdint>
#include <string>

#include "auth/role.hpp"

namespace estimate::services {

struct UserView {
  std::int64_t id = 0;
  std::string email;  // normalized
  std::string display_name;
  bool active = true;
};

struct OrganizationView {
  std::int64_t id = 0;
  std::string name;
};

// A user as a member of one organization (the administrator's list).
struct MemberView {
  std::int64_t user_id = 0;
  std::string email;
  std::string display_name;
  bool active = true;
  auth::Role role = auth::Role::kViewer;
};

// One organization a user belongs to, or is invited to, with the role there.
struct MembershipView {
  std::int64_t organization_id = 0;
  std::string organization_name;
  auth::Role role = auth::Role::kViewer;
};

}  // namespace estimate::services
