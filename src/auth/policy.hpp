#pragma once
// What each role may do: one table (policy.cpp) of role × permission, nothing else decides.
// Ownership ("only the author's drafts") and organization boundaries ("only estimates of the
// token's organization") are the service's checks on top of this one.
#include <optional>
#include <string_view>

#include "auth/role.hpp"
#include "core/status.hpp"

namespace estimate::auth {

// The actions of the estimates service. An estimate's lifecycle is draft → review → approved,
// with review → draft (returned) and approved → draft (reopened).
enum class Permission {
  kReadEstimates,    // list, open, export estimates; search and read the normative base
  kCreateEstimate,   // create a draft (new, copy, import from a document)
  kEditDraft,        // change positions, sections and parameters of a draft
  kDeleteDraft,      // delete a draft
  kSubmitForReview,  // draft → review
  kApproveEstimate,  // review → approved
  kReturnToDraft,    // review → draft, with remarks
  kReopenApproved,   // approved → draft (the only way to change an approved estimate)
  kComment,          // remarks on an estimate or a position
  kImportBase,       // import, activate or roll back a normative base release
  kManageUsers,      // invite users, change roles, deactivate, reset sessions
  kReadAudit,        // read the audit log
};

inline constexpr Permission kAllPermissions[] = {
    Permission::kReadEstimates, Permission::kCreateEstimate,  Permission::kEditDraft,
    Permission::kDeleteDraft,   Permission::kSubmitForReview, Permission::kApproveEstimate,
    Permission::kReturnToDraft, Permission::kReopenApproved,  Permission::kComment,
    Permission::kImportBase,    Permission::kManageUsers,     Permission::kReadAudit,
};

// "read_estimates", "create_estimate", …: snake_case, for logs, audit and the API's errors.
const char* PermissionName(Permission permission);
std::optional<Permission> ParsePermission(std::string_view name);

// Whether `role` grants `permission`. Pure, constant time.
bool Allowed(Role role, Permission permission);

// Ok, or PermissionDenied naming the role and the action (no user data).
Status Authorize(Role role, Permission permission);

// The permission a status change of an estimate needs: draft→review kSubmitForReview,
// review→approved kApproveEstimate, review→draft kReturnToDraft, approved→draft kReopenApproved;
// nullopt for any other pair (not a transition of the lifecycle).
std::optional<Permission> PermissionForStatusChange(std::string_view from, std::string_view to);

}  // namespace estimate::auth
