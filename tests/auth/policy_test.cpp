#include "auth/policy.hpp"

#include <gtest/gtest.h>

#include <string>

namespace estimate::auth {
namespace {

// The whole matrix, as a reviewer reads it. Changing the policy means changing this picture.
constexpr const char* kExpectedMatrix =
    "permission          admin estimator reviewer viewer\n"
    "read_estimates      x     x         x        x\n"
    "create_estimate     x     x         .        .\n"
    "edit_draft          x     x         .        .\n"
    "delete_draft        x     x         .        .\n"
    "submit_for_review   x     x         .        .\n"
    "approve_estimate    x     .         x        .\n"
    "return_to_draft     x     .         x        .\n"
    "reopen_approved     x     .         .        .\n"
    "comment             x     x         x        .\n"
    "import_base         x     .         .        .\n"
    "manage_users        x     .         .        .\n"
    "read_audit          x     .         .        .\n";

std::string Pad(std::string s, std::size_t width) {
  s.resize(std::max(width, s.size()), ' ');
  return s;
}

std::string Matrix() {
  std::string out = Pad("permission", 20);
  for (const Role role : kAllRoles)
    out += Pad(RoleName(role), std::string(RoleName(role)).size() + 1);
  out.back() = '\n';
  for (const Permission p : kAllPermissions) {
    std::string line = Pad(PermissionName(p), 20);
    for (const Role role : kAllRoles) {
      line += Pad(Allowed(role, p) ? "x" : ".", std::string(RoleName(role)).size() + 1);
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

TEST(Policy, RoleByPermissionMatrixIsExactlyThePolicy) {
  const std::string matrix = Matrix();
  std::cout << matrix;
  EXPECT_EQ(matrix, kExpectedMatrix);
}

TEST(Policy, ViewerOnlyReads) {
  for (const Permission p : kAllPermissions) {
    EXPECT_EQ(Allowed(Role::kViewer, p), p == Permission::kReadEstimates) << PermissionName(p);
  }
}

TEST(Policy, AdminMayDoEverything) {
  for (const Permission p : kAllPermissions) EXPECT_TRUE(Allowed(Role::kAdmin, p));
}

TEST(Policy, EstimatorCannotApproveOrChangeApprovedEstimates) {
  EXPECT_FALSE(Allowed(Role::kEstimator, Permission::kApproveEstimate));
  EXPECT_FALSE(Allowed(Role::kEstimator, Permission::kReopenApproved));
  EXPECT_FALSE(Allowed(Role::kEstimator, Permission::kReturnToDraft));
  EXPECT_TRUE(Allowed(Role::kEstimator, Permission::kSubmitForReview));
}

TEST(Policy, ReviewerCannotWriteEstimates) {
  EXPECT_FALSE(Allowed(Role::kReviewer, Permission::kCreateEstimate));
  EXPECT_FALSE(Allowed(Role::kReviewer, Permission::kEditDraft));
  EXPECT_TRUE(Allowed(Role::kReviewer, Permission::kApproveEstimate));
  EXPECT_TRUE(Allowed(Role::kReviewer, Permission::kReturnToDraft));
  EXPECT_TRUE(Allowed(Role::kReviewer, Permission::kComment));
}

TEST(Policy, AuthorizeNamesTheRoleAndTheAction) {
  EXPECT_TRUE(Authorize(Role::kReviewer, Permission::kApproveEstimate).ok());
  const Status s = Authorize(Role::kEstimator, Permission::kApproveEstimate);
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(s.message(), "role estimator may not approve_estimate");
}

TEST(Policy, StatusChangesMapToTheirPermissions) {
  EXPECT_EQ(PermissionForStatusChange("draft", "review"), Permission::kSubmitForReview);
  EXPECT_EQ(PermissionForStatusChange("review", "approved"), Permission::kApproveEstimate);
  EXPECT_EQ(PermissionForStatusChange("review", "draft"), Permission::kReturnToDraft);
  EXPECT_EQ(PermissionForStatusChange("approved", "draft"), Permission::kReopenApproved);
  EXPECT_EQ(PermissionForStatusChange("draft", "approved"), std::nullopt);
  EXPECT_EQ(PermissionForStatusChange("approved", "review"), std::nullopt);
  EXPECT_EQ(PermissionForStatusChange("draft", "draft"), std::nullopt);
}

TEST(Role, NamesRoundTripAndUnknownNamesAreRefused) {
  for (const Role role : kAllRoles) EXPECT_EQ(ParseRole(RoleName(role)), role);
  EXPECT_EQ(ParseRole("Admin"), std::nullopt);
  EXPECT_EQ(ParseRole("root"), std::nullopt);
  EXPECT_EQ(ParseRole(""), std::nullopt);
  for (const Permission p : kAllPermissions) EXPECT_EQ(ParsePermission(PermissionName(p)), p);
  EXPECT_EQ(ParsePermission("everything"), std::nullopt);
}

}  // namespace
}  // namespace estimate::auth
