#pragma once
// The audit log as services show it: a filter to read it by and the entries it returns,
// independent of how the store keeps them. The API parses its query parameters into an
// AuditFilter (times with core::ParseUtc) and writes AuditEntry values as JSON.
#include <cstdint>
#include <optional>
#include <string>

#include "core/clock.hpp"

namespace estimate::services {

inline constexpr int kDefaultAuditLimit = 100;
inline constexpr int kMaxAuditLimit = 1000;

// Each filter left unset matches everything.
struct AuditFilter {
  std::optional<std::string> entity_type;
  std::optional<std::string> entity_id;  // usually with entity_type
  std::optional<std::int64_t> actor_user_id;
  std::optional<core::Timestamp> from;  // inclusive
  std::optional<core::Timestamp> to;    // exclusive
  int limit = kDefaultAuditLimit;     // 1 … kMaxAuditLimit
  int offset = 0;
};

// One audit record of the caller's organization.
struct AuditEntry {
  std::int64_t id = 0;
  std::int64_t organization_id = 0;
  std::optional<std::int64_t> actor_user_id;  // nullopt: the system (CLI, collector, timers)
  core::Timestamp at{};
  std::string action;       // "create", "update", "role_change", "login", …
  std::string entity_type;  // "estimate", "user", "membership", …
  std::string entity_id;
  std::string request_id;                  // empty for none
  std::optional<std::string> before_json;  // JSON text of the entity before; nullopt: none
  std::optional<std::string> after_json;   // JSON text after; nullopt: deleted / none
  // The actor's display name, or their email when it is empty; empty for the system or a user
  // that no longer exists.
  std::string actor_name;
};

}  // namespace estimate::services
