#include "auth/policy.hpp"

#include <array>
#include <cstddef>
#include <string>

namespace estimate::auth {
namespace {

struct Grant {
  Permission permission;
  const char* name;
  bool admin, estimator, reviewer, viewer;
};

// The policy. One row per permission, in enum order (checked at compile time below).
// clang-format off
// Columns: permission, name, then whether admin, estimator, reviewer, viewer hold it.
constexpr std::array<Grant, 12> kPolicy = {{
    {Permission::kReadEstimates,   "read_estimates",    true, true,  true,  true},
    {Permission::kCreateEstimate,  "create_estimate",   true, true,  false, false},
    {Permission::kEditDraft,       "edit_draft",        true, true,  false, false},
    {Permission::kDeleteDraft,     "delete_draft",      true, true,  false, false},
    {Permission::kSubmitForReview, "submit_for_review", true, true,  false, false},
    {Permission::kApproveEstimate, "approve_estimate",  true, false, true,  false},
    {Permission::kReturnToDraft,   "return_to_draft",   true, false, true,  false},
    {Permission::kReopenApproved,  "reopen_approved",   true, false, false, false},
    {Permission::kComment,         "comment",           true, true,  true,  false},
    {Permission::kImportBase,      "import_base",       true, false, false, false},
    {Permission::kManageUsers,     "manage_users",      true, false, false, false},
    {Permission::kReadAudit,       "read_audit",        true, false, false, false},
}};
// clang-format on

constexpr bool RowsInEnumOrder() {
  if (kPolicy.size() != std::size(kAllPermissions)) return false;
  for (std::size_t i = 0; i < kPolicy.size(); ++i) {
    if (static_cast<std::size_t>(kPolicy[i].permission) != i) return false;
    if (kAllPermissions[i] != kPolicy[i].permission) return false;
  }
  return true;
}
static_assert(RowsInEnumOrder(), "kPolicy needs one row per Permission, in enum order");

const Grant& Row(Permission permission) { return kPolicy[static_cast<std::size_t>(permission)]; }

}  // namespace

const char* PermissionName(Permission permission) { return Row(permission).name; }

std::optional<Permission> ParsePermission(std::string_view name) {
  for (const Grant& g : kPolicy) {
    if (name == g.name) return g.permission;
  }
  return std::nullopt;
}

bool Allowed(Role role, Permission permission) {
  const Grant& g = Row(permission);
  switch (role) {
    case Role::kAdmin:
      return g.admin;
    case Role::kEstimator:
      return g.estimator;
    case Role::kReviewer:
      return g.reviewer;
    case Role::kViewer:
      return g.viewer;
  }
  return false;
}

Status Authorize(Role role, Permission permission) {
  if (Allowed(role, permission)) return Status::Ok();
  return {StatusCode::kPermissionDenied,
          std::string("role ") + RoleName(role) + " may not " + PermissionName(permission)};
}

std::optional<Permission> PermissionForStatusChange(std::string_view from, std::string_view to) {
  if (from == "draft" && to == "review") return Permission::kSubmitForReview;
  if (from == "review" && to == "approved") return Permission::kApproveEstimate;
  if (from == "review" && to == "draft") return Permission::kReturnToDraft;
  if (from == "approved" && to == "draft") return Permission::kReopenApproved;
  return std::nullopt;
}

}  // namespace estimate::auth
