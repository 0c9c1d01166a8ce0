#include "services/attachment_service.hpp"

#include "auth/jwt.hpp"
#include "auth/policy.hpp"
#include "collector/fetcher.hpp"
#include "files/file_store.hpp"
#include "services/catalog_service.hpp"
#include "services/document_service.hpp"
#include "services/estimate_internal.hpp"
#include "store/attachment_repository.hpp"
#include "store/audit_repository.hpp"
#include "store/estimate_repository.hpp"
#include "store/unit_of_work.hpp"
#include "telemetry/log.hpp"

namespace estimate::services {
namespace {

using collector::Sha256Hex;
using internal::Denied;

AttachmentView ViewOf(const store::AttachmentRecord& r) {
  AttachmentView v;
  v.id = r.id;
  v.estimate_id = r.estimate_id;
  v.kind = r.kind;
  v.file_name = r.file_name;
  v.content_type = r.content_type;
  v.size = r.size;
  v.sha256 = r.sha256;
  v.created_at = r.created_at;
  v.created_by = r.created_by;
  v.created_by_name = r.created_by_name;
  return v;
}

// The audit's picture of an attachment: what it is, never its bytes. JSON by hand: the names
// are escaped for the few characters JSON needs.
std::string AuditJson(const store::AttachmentRecord& r) {
  std::string name;
  for (const char c : r.file_name) {
    if (c == '"' || c == '\\') name += '\\';
    if (static_cast<unsigned char>(c) < 0x20) continue;
    name += c;
  }
  return "{\"estimate_id\":" + std::to_string(r.estimate_id) + ",\"kind\":\"" + r.kind +
         "\",\"file_name\":\"" + name + "\",\"size\":" + std::to_string(r.size) +
         ",\"sha256\":\"" + r.sha256 + "\"}";
}

bool EndsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

std::string ContentTypeOfUpload(std::string_view bytes, const std::string& filename) {
  if (bytes.starts_with("PK")) return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  if (EndsWith(filename, ".csv")) return "text/csv; charset=utf-8";
  if (bytes.starts_with("1#")) return "text/plain";
  return "application/xml";
}

AttachmentService::AttachmentService(store::Database& db, store::AttachmentRepository& rows,
                                     store::EstimateRepository& estimates,
                                     store::AuditRepository& audit, files::FileStore& files)
    : db_(db), rows_(rows), estimates_(estimates), audit_(audit), files_(files) {}

Result<std::vector<AttachmentView>> AttachmentService::List(const Actor& actor, std::int64_t estimate_id) {
  if (Status s = Denied(actor, auth::Permission::kReadEstimates); !s.ok()) return s;
  if (auto e = estimates_.GetEstimate(actor.organization_id, estimate_id); !e.ok()) return e.status();
  auto rows = rows_.List(actor.organization_id, estimate_id);
  if (!rows.ok()) return rows.status();
  std::vector<AttachmentView> out;
  out.reserve(rows->size());
  for (const auto& r : *rows) out.push_back(ViewOf(r));
  return out;
}

Result<AttachmentFile> AttachmentService::Get(const Actor& actor, std::int64_t estimate_id, std::int64_t id) {
  if (Status s = Denied(actor, auth::Permission::kReadEstimates); !s.ok()) return s;
  auto row = rows_.Get(actor.organization_id, estimate_id, id);
  if (!row.ok()) return row.status();
  auto bytes = files_.Get(row->storage_key);
  if (!bytes.ok()) {
    if (bytes.status().code() == StatusCode::kNotFound) {
      return Internal("attachment " + std::to_string(id) + ": its file is missing from the storage");
    }
    return StorageFailure(actor, bytes.status(), "read the file");
  }
  if (static_cast<std::int64_t>(bytes->size()) != row->size || Sha256Hex(*bytes) != row->sha256) {
    return Internal("attachment " + std::to_string(id) +
                    ": the stored file differs from what was kept (size or SHA-256)");
  }
  return AttachmentFile{ViewOf(*row), std::move(bytes).value()};
}

Status AttachmentService::StorageFailure(const Actor& actor, const Status& status,
                                         const std::string& what) const {
  telemetry::LogWarn("file storage failed",
                     {{"request_id", actor.request_id}, {"storage", files_.Describe()},
                      {"action", what}, {"reason", status.message()}});
  if (status.code() != StatusCode::kUnavailable) return status;
  return Unavailable("file storage: cannot " + what + " now (the service's log says why, request " +
                     actor.request_id + ")");
}

Result<std::string> AttachmentService::StoreBytes(const Actor& actor, std::string_view bytes) {
  auto token = auth::NewTokenId();
  if (!token.ok()) return token.status();
  const std::string key = "org-" + std::to_string(actor.organization_id) + "/" + *token;
  if (Status s = files_.Put(key, bytes); !s.ok()) return StorageFailure(actor, s, "store the file");
  return key;
}

Result<AttachmentView> AttachmentService::AddRow(const Actor& actor, std::int64_t estimate_id,
                                                 const std::string& kind, const std::string& file_name,
                                                 const std::string& content_type,
                                                 std::string_view bytes, const std::string& key) {
  store::AttachmentRecord record;
  record.organization_id = actor.organization_id;
  record.estimate_id = estimate_id;
  record.kind = kind;
  record.file_name = file_name;
  record.content_type = content_type;
  record.size = static_cast<std::int64_t>(bytes.size());
  record.sha256 = Sha256Hex(bytes);
  record.storage_key = key;
  if (actor.user_id > 0) record.created_by = actor.user_id;
  auto added = [&]() -> Result<store::AttachmentRecord> {
    auto uow = store::UnitOfWork::Begin(db_);
    if (!uow.ok()) return uow.status();
    auto row = rows_.Add(*uow, record);
    if (!row.ok()) return row.status();
    store::AuditRecord audit;
    audit.organization_id = actor.organization_id;
    audit.actor_user_id = actor.AuditActor();
    audit.action = "create";
    audit.entity_type = "attachment";
    audit.entity_id = std::to_string(row->id);
    audit.request_id = actor.request_id;
    audit.after_json = AuditJson(*row);
    if (auto a = audit_.Append(*uow, audit); !a.ok()) return a.status();
    if (Status s = uow->Commit(); !s.ok()) return s;
    return row;
  }();
  if (!added.ok()) {
    (void)files_.Delete(key);  // the row is not there: neither is its file
    return added.status();
  }
  AttachmentView view = ViewOf(*added);
  view.created_by_name.clear();
  return view;
}

Result<AttachmentView> AttachmentService::Keep(const Actor& actor, std::int64_t estimate_id,
                                               const ExportedFile& file) {
  if (Status s = Denied(actor, auth::Permission::kComment); !s.ok()) return s;
  if (auto e = estimates_.GetEstimate(actor.organization_id, estimate_id); !e.ok()) return e.status();
  auto key = StoreBytes(actor, file.bytes);
  if (!key.ok()) return key.status();
  return AddRow(actor, estimate_id, "export", file.filename, file.content_type, file.bytes, *key);
}

Status AttachmentService::Delete(const Actor& actor, std::int64_t estimate_id, std::int64_t id) {
  if (Status s = Denied(actor, auth::Permission::kComment); !s.ok()) return s;
  auto row = rows_.Get(actor.organization_id, estimate_id, id);
  if (!row.ok()) return row.status();
  if (row->created_by != std::optional<std::int64_t>(actor.user_id) &&
      !auth::Allowed(actor.role, auth::Permission::kManageUsers)) {
    return Status(StatusCode::kPermissionDenied, "attachment " + std::to_string(id) +
                                                     ": only who kept it or an admin may delete it");
  }
  auto uow = store::UnitOfWork::Begin(db_);
  if (!uow.ok()) return uow.status();
  if (Status s = rows_.Remove(*uow, actor.organization_id, estimate_id, id); !s.ok()) return s;
  store::AuditRecord audit;
  audit.organization_id = actor.organization_id;
  audit.actor_user_id = actor.AuditActor();
  audit.action = "delete";
  audit.entity_type = "attachment";
  audit.entity_id = std::to_string(id);
  audit.request_id = actor.request_id;
  audit.before_json = AuditJson(*row);
  if (auto a = audit_.Append(*uow, audit); !a.ok()) return a.status();
  if (Status s = uow->Commit(); !s.ok()) return s;
  RemoveFiles({row->storage_key});
  return Status::Ok();
}

Result<ImportWithOriginal> AttachmentService::Import(const Actor& actor, DocumentService& documents,
                                                     CatalogService& catalog, std::int64_t object_id,
                                                     std::string_view bytes, const std::string& filename,
                                                     const ImportOptions& options) {
  if (Status s = Denied(actor, auth::Permission::kCreateEstimate); !s.ok()) return s;
  auto key = StoreBytes(actor, bytes);
  if (!key.ok()) {
    return Status(key.status().code(),
                  "file: the original cannot be kept, nothing was imported: " + key.status().message());
  }
  auto outcome = documents.Import(actor, object_id, bytes, filename, options);
  if (!outcome.ok()) {
    (void)files_.Delete(*key);
    return outcome.status();
  }
  auto original = AddRow(actor, outcome->estimate_id, "import", filename,
                         ContentTypeOfUpload(bytes, filename), bytes, *key);
  if (!original.ok()) {
    // Nothing half-made: the estimate goes again. If that fails too, say what is there.
    const Status undone = catalog.DeleteEstimate(actor, outcome->estimate_id, outcome->version);
    if (undone.ok()) {
      return Status(original.status().code(),
                    "file: the original cannot be kept, nothing was imported: " + original.status().message());
    }
    telemetry::LogError("an imported estimate stays without its original",
                        {{"request_id", actor.request_id},
                         {"estimate_id", std::to_string(outcome->estimate_id), true},
                         {"reason", original.status().message()},
                         {"undo", undone.message()}});
    return ImportWithOriginal{std::move(outcome).value(), std::nullopt,
                              "the original file was not kept with the estimate (" +
                                  original.status().message() + ")"};
  }
  return ImportWithOriginal{std::move(outcome).value(), std::move(original).value(), {}};
}

Result<std::vector<std::string>> AttachmentService::KeysOf(const Actor& actor, std::int64_t estimate_id) {
  auto rows = rows_.List(actor.organization_id, estimate_id);
  if (!rows.ok()) {
    telemetry::LogWarn("the files of an estimate being deleted are not known; they may stay",
                       {{"request_id", actor.request_id},
                        {"estimate_id", std::to_string(estimate_id), true},
                        {"reason", rows.status().message()}});
    return rows.status();
  }
  std::vector<std::string> keys;
  for (const auto& r : *rows) keys.push_back(r.storage_key);
  return keys;
}

void AttachmentService::RemoveFiles(const std::vector<std::string>& keys) {
  for (const auto& key : keys) {
    if (Status s = files_.Delete(key); !s.ok()) {
      telemetry::LogWarn("an attachment's file was not deleted; it is unreachable",
                         {{"key", key}, {"reason", s.message()}});
    }
  }
}

Status AttachmentService::CheckStorage() { return files_.Check(); }
std::string AttachmentService::StorageName() const { return files_.Describe(); }

}  // namespace estimate::services
