#pragma once
// A user's role within one organization. The same user may hold different roles in different
// organizations; a token carries the role for the organization it was issued for.
#include <optional>
#include <string_view>

namespace estimate::auth {

enum class Role {
  kAdmin,      // everything, including users, audit and the normative base
  kEstimator,  // writes estimates: creates and edits drafts, submits them for review
  kReviewer,   // checks estimates: approves or returns them, comments
  kViewer,     // reads only
};

inline constexpr Role kAllRoles[] = {Role::kAdmin, Role::kEstimator, Role::kReviewer,
                                     Role::kViewer};

// "admin", "estimator", "reviewer", "viewer": the name in JSON, SQL and tokens.
const char* RoleName(Role role);

// The role named `name` (exact, lower-case), nullopt for anything else.
std::optional<Role> ParseRole(std::string_view name);

}  // namespace estimate::auth
