#include "store/audit_repository.hpp"

#include <soci/soci.h>

#include <deque>

#include "store/sql_support.hpp"

namespace estimate::store {
namespace {

using internal::RunIn;
using internal::RunLeased;
using internal::RunOwn;

constexpr std::size_t kMaxWordBytes = 100;  // action, entity_type
constexpr std::size_t kMaxIdBytes = 200;    // entity_id, request_id

Status CheckText(const char* field, const std::string& value, std::size_t max, bool required) {
  if (required && value.empty()) return InvalidArgument(std::string(field) + ": must not be empty");
  if (value.size() > max) {
    return InvalidArgument(std::string(field) + ": longer than " + std::to_string(max) + " bytes");
  }
  return Status::Ok();
}

auto AppendBody(AuditRecord record) {
  return [record = std::move(record)](soci::session& s) mutable -> Result<AuditRecord> {
    const long long organization = record.organization_id;
    long long actor = record.actor_user_id.value_or(0);
    soci::indicator actor_ind = record.actor_user_id ? soci::i_ok : soci::i_null;
    const std::string at = core::FormatUtcTimestamp(record.at);
    soci::indicator request_ind = record.request_id.empty() ? soci::i_null : soci::i_ok;
    std::string before = record.before_json.value_or(""), after = record.after_json.value_or("");
    soci::indicator before_ind = record.before_json ? soci::i_ok : soci::i_null;
    soci::indicator after_ind = record.after_json ? soci::i_ok : soci::i_null;
    long long id = 0;
    s << "INSERT INTO audit_log (organization_id, actor_user_id, at, action, entity_type, "
         "entity_id, request_id, before_json, after_json) VALUES (:organization_id, :actor, :at, "
         ":action, :entity_type, :entity_id, :request_id, :before_json, :after_json) RETURNING id",
        soci::into(id), soci::use(organization), soci::use(actor, actor_ind), soci::use(at),
        soci::use(record.action), soci::use(record.entity_type), soci::use(record.entity_id),
        soci::use(record.request_id, request_ind), soci::use(before, before_ind),
        soci::use(after, after_ind);
    record.id = id;
    return record;
  };
}

}  // namespace

Result<AuditRecord> AuditRepository::Checked(const AuditRecord& record) const {
  if (record.organization_id <= 0) {
    return InvalidArgument("organization_id: must be a positive id");
  }
  if (record.actor_user_id && *record.actor_user_id <= 0) {
    return InvalidArgument("actor_user_id: must be a positive id when given");
  }
  for (const Status& s : {CheckText("action", record.action, kMaxWordBytes, true),
                          CheckText("entity_type", record.entity_type, kMaxWordBytes, true),
                          CheckText("entity_id", record.entity_id, kMaxIdBytes, true),
                          CheckText("request_id", record.request_id, kMaxIdBytes, false)}) {
    if (!s.ok()) return s;
  }
  AuditRecord out = record;
  if (out.at == core::Timestamp{}) out.at = clock_.Now();
  return out;
}

Result<AuditRecord> AuditRepository::Append(const AuditRecord& record) {
  auto checked = Checked(record);
  if (!checked.ok()) return checked.status();
  return RunOwn(db_, "appending an audit record", AppendBody(std::move(checked).value()));
}

Result<AuditRecord> AuditRepository::Append(UnitOfWork& uow, const AuditRecord& record) {
  auto checked = Checked(record);
  if (!checked.ok()) return checked.status();
  return RunIn(uow, "appending an audit record", AppendBody(std::move(checked).value()));
}

Result<std::vector<AuditRecord>> AuditRepository::Query(std::int64_t organization_id,
                                                        const AuditQuery& query) {
  if (query.limit < 1 || query.limit > kMaxAuditLimit) {
    return InvalidArgument("limit: must be between 1 and " + std::to_string(kMaxAuditLimit));
  }
  if (query.offset < 0) return InvalidArgument("offset: must not be negative");
  if (query.from && query.to && *query.to < *query.from) {
    return InvalidArgument("to: earlier than from");
  }
  return RunLeased(
      db_, "querying the audit log", [&](soci::session& s) -> Result<std::vector<AuditRecord>> {
        soci::statement st(s);
        // Bound values must stay put until the statement has run: a deque never moves them.
        std::deque<std::string> texts;
        std::deque<long long> numbers;
        std::string sql =
            "SELECT a.id, a.actor_user_id, a.at, a.action, a.entity_type, a.entity_id, "
            "a.request_id, a.before_json, a.after_json, " +
            std::string(internal::kActorNameSql) +
            " FROM audit_log a LEFT JOIN users u ON u.id = a.actor_user_id"
            " WHERE a.organization_id = :organization_id";
        st.exchange(soci::use(numbers.emplace_back(organization_id)));
        auto filter_text = [&](const char* condition, const std::string& value) {
          sql += condition;
          st.exchange(soci::use(texts.emplace_back(value)));
        };
        if (query.entity_type) filter_text(" AND a.entity_type = :entity_type", *query.entity_type);
        if (query.entity_id) filter_text(" AND a.entity_id = :entity_id", *query.entity_id);
        if (query.actor_user_id) {
          sql += " AND a.actor_user_id = :actor";
          st.exchange(soci::use(numbers.emplace_back(*query.actor_user_id)));
        }
        if (query.from) filter_text(" AND a.at >= :from", core::FormatUtcTimestamp(*query.from));
        if (query.to) filter_text(" AND a.at < :to", core::FormatUtcTimestamp(*query.to));
        sql += " ORDER BY a.at DESC, a.id DESC LIMIT :limit OFFSET :offset";
        st.exchange(soci::use(numbers.emplace_back(query.limit)));
        st.exchange(soci::use(numbers.emplace_back(query.offset)));

        long long id = 0, actor = 0;
        std::string at, action, entity_type, entity_id, request_id, before, after, actor_name;
        soci::indicator actor_ind = soci::i_ok, request_ind = soci::i_ok, before_ind = soci::i_ok,
                        after_ind = soci::i_ok;
        st.exchange(soci::into(id));
        st.exchange(soci::into(actor, actor_ind));
        st.exchange(soci::into(at));
        st.exchange(soci::into(action));
        st.exchange(soci::into(entity_type));
        st.exchange(soci::into(entity_id));
        st.exchange(soci::into(request_id, request_ind));
        st.exchange(soci::into(before, before_ind));
        st.exchange(soci::into(after, after_ind));
        st.exchange(soci::into(actor_name));
        st.alloc();
        st.prepare(sql);
        st.define_and_bind();
        st.execute();

        std::vector<AuditRecord> out;
        while (st.fetch()) {
          AuditRecord& r = out.emplace_back();
          r.id = id;
          r.organization_id = organization_id;
          if (actor_ind == soci::i_ok) r.actor_user_id = actor;
          auto parsed = core::ParseUtcTimestamp(at);
          if (!parsed.ok()) return Internal("audit_log.at: " + parsed.status().message());
          r.at = *parsed;
          r.action = action;
          r.entity_type = entity_type;
          r.entity_id = entity_id;
          if (request_ind == soci::i_ok) r.request_id = request_id;
          if (before_ind == soci::i_ok) r.before_json = before;
          if (after_ind == soci::i_ok) r.after_json = after;
          r.actor_name = actor_name;
        }
        return out;
      });
}

}  // namespace estimate::store
