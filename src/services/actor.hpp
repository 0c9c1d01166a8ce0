#pragma once
// Who is asking: the authenticated user, the organization the token speaks for and the role there,
// with the request id for the audit log. Every use case of the services takes one.
#include <cstdint>
#include <optional>
#include <string>

#include "auth/role.hpp"

namespace estimate::services {

struct Actor {
  std::int64_t user_id = 0;
  std::int64_t organization_id = 0;
  auth::Role role = auth::Role::kViewer;
  std::string request_id;
  // The audit's actor: nullopt for the system (CLI), else the user.
  std::optional<std::int64_t> AuditActor() const {
    return user_id > 0 ? std::optional<std::int64_t>(user_id) : std::nullopt;
  }
};

}  // namespace estimate::services
