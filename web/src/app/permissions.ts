// What each role may do — the service's policy (src/auth/policy.cpp), mirrored so that a role
// sees no affordance it cannot use. The service still checks every call; a 403 is explained.
import type { Role } from "../api/client";

export type Permission =
  | "read_estimates"
  | "create_estimate"
  | "edit_draft"
  | "delete_draft"
  | "submit_for_review"
  | "approve_estimate"
  | "return_to_draft"
  | "reopen_approved"
  | "comment"
  | "import_base"
  | "manage_users"
  | "read_audit";

const GRANTS: Record<Permission, Role[]> = {
  read_estimates: ["admin", "estimator", "reviewer", "viewer"],
  create_estimate: ["admin", "estimator"],
  edit_draft: ["admin", "estimator"],
  delete_draft: ["admin", "estimator"],
  submit_for_review: ["admin", "estimator"],
  approve_estimate: ["admin", "reviewer"],
  return_to_draft: ["admin", "reviewer"],
  reopen_approved: ["admin"],
  comment: ["admin", "estimator", "reviewer"],
  import_base: ["admin"],
  manage_users: ["admin"],
  read_audit: ["admin"],
};

export function allowed(role: Role | undefined, permission: Permission): boolean {
  return role !== undefined && GRANTS[permission].includes(role);
}

export const ROLE_NAMES: Record<Role, string> = {
  admin: "администратор",
  estimator: "сметчик",
  reviewer: "проверяющий",
  viewer: "наблюдатель",
};
