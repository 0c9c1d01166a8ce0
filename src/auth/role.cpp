#include "auth/role.hpp"

namespace estimate::auth {

const char* RoleName(Role role) {
  switch (role) {
    case Role::kAdmin:
      return "admin";
    case Role::kEstimator:
      return "estimator";
    case Role::kReviewer:
      return "reviewer";
    case Role::kViewer:
      return "viewer";
  }
  return "unknown";
}

std::optional<Role> ParseRole(std::string_view name) {
  for (const Role role : kAllRoles) {
    if (name == RoleName(role)) return role;
  }
  return std::nullopt;
}

}  // namespace estimate::auth
