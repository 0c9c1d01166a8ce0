#include "store/attachment_repository.hpp"

#include <soci/soci.h>

#include "store/sql_support.hpp"

namespace estimate::store {
namespace {

using internal::Execute;
using internal::RunIn;
using internal::RunLeased;
using internal::StoreError;

const std::string kSelect = std::string(
    "SELECT a.id, a.organization_id, a.estimate_id, a.kind, a.file_name, a.content_type, a.size, "
    "a.sha256, a.storage_key, COALESCE(a.created_by, 0), ") + internal::kActorNameSql +
    ", a.created_at FROM attachments a LEFT JOIN users u ON u.id = a.created_by "
    "WHERE a.organization_id = :org AND a.estimate_id = :estimate";

struct Row {
  long long id = 0, organization = 0, estimate = 0, size = 0, created_by = 0;
  std::string kind, file_name, content_type, sha256, key, name, created_at;
};

AttachmentRecord RecordOf(const Row& r) {
  AttachmentRecord a;
  a.id = r.id;
  a.organization_id = r.organization;
  a.estimate_id = r.estimate;
  a.kind = r.kind;
  a.file_name = r.file_name;
  a.content_type = r.content_type;
  a.size = r.size;
  a.sha256 = r.sha256;
  a.storage_key = r.key;
  if (r.created_by != 0) a.created_by = r.created_by;
  a.created_by_name = r.name;
  auto at = core::ParseUtcTimestamp(r.created_at);
  if (!at.ok()) throw StoreError(StatusCode::kInternal, "attachments.created_at: " + at.status().message());
  a.created_at = *at;
  return a;
}

}  // namespace

Result<AttachmentRecord> AttachmentRepository::Add(UnitOfWork& uow, const AttachmentRecord& record) {
  const core::Timestamp now = clock_.Now();
  return RunIn(uow, "storing an attachment", [&](soci::session& s) -> Result<AttachmentRecord> {
    const long long org = record.organization_id, estimate = record.estimate_id;
    int found = 0;
    s << "SELECT COUNT(*) FROM estimates WHERE id = :id AND organization_id = :org",
        soci::into(found), soci::use(estimate), soci::use(org);
    if (found == 0) return NotFound("estimate " + std::to_string(record.estimate_id) + " not found");
    const long long size = record.size;
    const std::string at = core::FormatUtcTimestamp(now);
    long long created_by = record.created_by.value_or(0);
    soci::indicator by_ind = record.created_by ? soci::i_ok : soci::i_null;
    long long id = 0;
    s << "INSERT INTO attachments (organization_id, estimate_id, kind, file_name, content_type, "
         "size, sha256, storage_key, created_by, created_at) VALUES (:org, :estimate, :kind, "
         ":file_name, :content_type, :size, :sha256, :key, :created_by, :at) RETURNING id",
        soci::use(org), soci::use(estimate), soci::use(record.kind), soci::use(record.file_name),
        soci::use(record.content_type), soci::use(size), soci::use(record.sha256),
        soci::use(record.storage_key), soci::use(created_by, by_ind), soci::use(at), soci::into(id);
    AttachmentRecord out = record;
    out.id = id;
    out.created_at = now;
    return out;
  });
}

Result<std::vector<AttachmentRecord>> AttachmentRepository::List(std::int64_t organization_id,
                                                                 std::int64_t estimate_id) {
  return RunLeased(db_, "listing attachments", [&](soci::session& s) -> Result<std::vector<AttachmentRecord>> {
    const long long org = organization_id, estimate = estimate_id;
    Row r;
    soci::statement st = (s.prepare << kSelect + " ORDER BY a.id", soci::into(r.id),
                          soci::into(r.organization), soci::into(r.estimate), soci::into(r.kind),
                          soci::into(r.file_name), soci::into(r.content_type), soci::into(r.size),
                          soci::into(r.sha256), soci::into(r.key), soci::into(r.created_by),
                          soci::into(r.name), soci::into(r.created_at), soci::use(org),
                          soci::use(estimate));
    st.execute();
    std::vector<AttachmentRecord> out;
    while (st.fetch()) out.push_back(RecordOf(r));
    return out;
  });
}

Result<AttachmentRecord> AttachmentRepository::Get(std::int64_t organization_id,
                                                   std::int64_t estimate_id, std::int64_t id) {
  return RunLeased(db_, "reading an attachment", [&](soci::session& s) -> Result<AttachmentRecord> {
    const long long org = organization_id, estimate = estimate_id, wanted = id;
    Row r;
    s << kSelect + " AND a.id = :id", soci::into(r.id), soci::into(r.organization),
        soci::into(r.estimate), soci::into(r.kind), soci::into(r.file_name),
        soci::into(r.content_type), soci::into(r.size), soci::into(r.sha256), soci::into(r.key),
        soci::into(r.created_by), soci::into(r.name), soci::into(r.created_at), soci::use(org),
        soci::use(estimate), soci::use(wanted);
    if (!s.got_data()) return NotFound("attachment " + std::to_string(id) + " not found");
    return RecordOf(r);
  });
}

Status AttachmentRepository::Remove(UnitOfWork& uow, std::int64_t organization_id,
                                    std::int64_t estimate_id, std::int64_t id) {
  return RunIn(uow, "deleting an attachment", [&](soci::session& s) -> Status {
    const long long org = organization_id, estimate = estimate_id, wanted = id;
    if (Execute(s, "DELETE FROM attachments WHERE id = :id AND organization_id = :org AND estimate_id = :estimate",
                soci::use(wanted), soci::use(org), soci::use(estimate)) == 0) {
      return NotFound("attachment " + std::to_string(id) + " not found");
    }
    return Status::Ok();
  });
}

}  // namespace estimate::store
