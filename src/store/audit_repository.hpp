#pragma once
// The audit log (migration 0003): one appended row per write — who, when, what, on which entity,
// in which request, the entity before and after as JSON — queried per organization, newest
// first. Rows are never changed or deleted through this repository.
//
// To audit a change atomically, append in the same UnitOfWork as the change (unit_of_work.hpp):
// the record commits with the change or not at all. The overload without a unit appends on its
// own (events that change nothing else, such as a sign-in).
//
// Errors: InvalidArgument naming the field (organization_id, action, entity_type, entity_id,
// limit, offset, from/to); NotFound when the organization or actor does not exist; Unavailable
// when the database cannot be reached or is busy.
//
// Thread-safety: the repository holds only the Database and the clock; each call leases its own
// session (or uses the unit's).
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/status.hpp"
#include "store/database.hpp"
#include "store/unit_of_work.hpp"
#include "telemetry/system_clock.hpp"

namespace estimate::store {

struct AuditRecord {
  std::int64_t id = 0;  // assigned by Append
  std::int64_t organization_id = 0;
  std::optional<std::int64_t> actor_user_id{};  // nullopt: the system (CLI, collector, timers)
  core::Timestamp at{};       // left at the epoch (the default), Append stamps the current time
  std::string action{};       // a verb in snake_case: "create", "update", "role_change", …
  std::string entity_type{};  // the glossary's name: "estimate", "user", "membership", …
  std::string entity_id{};    // the entity's id as text
  std::string request_id{};   // the HTTP request's id; empty for none
  std::optional<std::string> before_json{};  // JSON text of the entity before; nullopt: none
  std::optional<std::string> after_json{};   // JSON text after; nullopt: deleted / none
  // Filled by Query (ignored by Append): the actor's display name, or their email when it is
  // empty; empty for the system or a user that no longer exists.
  std::string actor_name{};
};

inline constexpr int kDefaultAuditLimit = 100;
inline constexpr int kMaxAuditLimit = 1000;

// Filters of Query; each one left unset matches everything.
struct AuditQuery {
  std::optional<std::string> entity_type{};
  std::optional<std::string> entity_id{};  // usually with entity_type
  std::optional<std::int64_t> actor_user_id{};
  std::optional<core::Timestamp> from{};  // inclusive
  std::optional<core::Timestamp> to{};    // exclusive
  int limit = kDefaultAuditLimit;   // 1 … kMaxAuditLimit
  int offset = 0;
};

class AuditRepository {
 public:
  // `clock` stamps records whose `at` is unset; tests pass a core::ManualClock. It must outlive
  // the repository.
  explicit AuditRepository(Database& db, const core::Clock& clock = telemetry::SystemClock())
      : db_(db), clock_(clock) {}

  // Appends `record` and returns it as stored (with its id and time). The JSON texts are stored
  // as given: the caller serializes them.
  Result<AuditRecord> Append(const AuditRecord& record);
  Result<AuditRecord> Append(UnitOfWork& uow, const AuditRecord& record);

  // Records of `organization_id` matching `query`, newest first (by time, then by id), at most
  // query.limit of them after skipping query.offset, with their actors' names (one query, joined
  // from users). No error for an unknown organization: it has no records.
  Result<std::vector<AuditRecord>> Query(std::int64_t organization_id,
                                         const AuditQuery& query = {});

 private:
  Result<AuditRecord> Checked(const AuditRecord& record) const;

  Database& db_;
  const core::Clock& clock_;
};

}  // namespace estimate::store
