#pragma once
// Private to services: the store's rows as the views and filters services return and take
// (account_views.hpp, audit_types.hpp). Not included by any public services header, so callers
// of the services never see a store type through them.
#include <vector>

#include "services/account_views.hpp"
#include "services/audit_types.hpp"
#include "store/account_repository.hpp"
#include "store/audit_repository.hpp"

namespace estimate::services {

static_assert(kDefaultAuditLimit == store::kDefaultAuditLimit &&
              kMaxAuditLimit == store::kMaxAuditLimit);

inline UserView ViewOf(const store::User& u) { return {u.id, u.email, u.display_name, u.active}; }
inline OrganizationView ViewOf(const store::Organization& o) { return {o.id, o.name}; }
inline MemberView ViewOf(const store::Member& m) {
  return {m.user_id, m.email, m.display_name, m.active, m.role};
}
inline MembershipView ViewOf(const store::UserMembership& m) {
  return {m.organization_id, m.organization_name, m.role};
}
template <typename Row>
auto ViewsOf(const std::vector<Row>& rows) {
  std::vector<decltype(ViewOf(rows.front()))> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(ViewOf(r));
  return out;
}

inline store::AuditQuery QueryOf(const AuditFilter& f) {
  store::AuditQuery q;
  q.entity_type = f.entity_type;
  q.entity_id = f.entity_id;
  q.actor_user_id = f.actor_user_id;
  q.from = f.from;
  q.to = f.to;
  q.limit = f.limit;
  q.offset = f.offset;
  return q;
}

inline AuditEntry EntryOf(const store::AuditRecord& r) {
  return {r.id,        r.organization_id, r.actor_user_id, r.at,         r.action,    r.entity_type,
          r.entity_id, r.request_id,      r.before_json,   r.after_json, r.actor_name};
}

}  // namespace estimate::services
