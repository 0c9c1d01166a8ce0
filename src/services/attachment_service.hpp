#pragma once
// Attachments of an estimate (issue 16): the uploaded original an estimate was imported from,
// and the exported documents (ГГЭ XML, XLSX, PDF, АРПС) a user keeps with it to hand over or to
// compare later. The bytes go to the file storage (files/file_store.hpp: a folder or an S3
// bucket), the row to the database (store/attachment_repository.hpp), in that order: the file is
// written first and the row, with its audit record, in one transaction after it; a failed row
// deletes the file again. Deletion removes the row (and its audit record) first and the file
// after, so no row ever names a missing file; a file left by a crash between the two is only
// unreachable. Every read checks the file's size and SHA-256 against its row (Internal, naming
// the attachment, when they differ or the file is gone: the storage was damaged).
//
// Who: everyone who reads the estimate lists and downloads its attachments; keeping and
// deleting one needs the right to comment (admins, estimators, reviewers; not viewers), and
// deleting one somebody else kept needs an admin. Rows of another organization are NotFound.
// Thread-safe.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/status.hpp"
#include "services/actor.hpp"
#include "services/estimate_types.hpp"

namespace estimate::store {
class Database;
class AttachmentRepository;
class AuditRepository;
class EstimateRepository;
}  // namespace estimate::store
namespace estimate::files {
class FileStore;
}

namespace estimate::services {

class CatalogService;
class DocumentService;

struct AttachmentView {
  std::int64_t id = 0;
  std::int64_t estimate_id = 0;
  std::string kind;  // import | export
  std::string file_name;
  std::string content_type;
  std::int64_t size = 0;
  std::string sha256;
  core::Timestamp created_at{};
  std::optional<std::int64_t> created_by{};
  std::string created_by_name;
};

struct AttachmentFile {
  AttachmentView view;
  std::string bytes;
};

struct ImportWithOriginal {
  EditOutcome outcome;
  std::optional<AttachmentView> original;  // nullopt: the estimate stays without it (`warning`)
  std::string warning;
};

class AttachmentService {
 public:
  AttachmentService(store::Database& db, store::AttachmentRepository& rows,
                    store::EstimateRepository& estimates, store::AuditRepository& audit,
                    files::FileStore& files);

  Result<std::vector<AttachmentView>> List(const Actor& actor, std::int64_t estimate_id);
  Result<AttachmentFile> Get(const Actor& actor, std::int64_t estimate_id, std::int64_t id);
  // Keeps `file` (an export) with the estimate.
  Result<AttachmentView> Keep(const Actor& actor, std::int64_t estimate_id, const ExportedFile& file);
  Status Delete(const Actor& actor, std::int64_t estimate_id, std::int64_t id);

  // DocumentService::Import, with the uploaded original kept as the new estimate's attachment.
  // The original is stored before the estimate is made: a storage that cannot take it refuses
  // the import (Unavailable) before anything is created; a row that cannot be written deletes
  // the new estimate again. Should that delete fail too (the database went away between the
  // two), the estimate stays without its original and the answer says so in `warning`: the
  // caller is never told that nothing was imported when something was.
  Result<ImportWithOriginal> Import(const Actor& actor, DocumentService& documents,
                                    CatalogService& catalog, std::int64_t object_id,
                                    std::string_view bytes, const std::string& filename,
                                    const ImportOptions& options);

  // The storage keys of an estimate's attachments, and their removal once the estimate is gone
  // (its rows go with it by the database's cascade): the estimate routes' delete.
  Result<std::vector<std::string>> KeysOf(const Actor& actor, std::int64_t estimate_id);
  void RemoveFiles(const std::vector<std::string>& keys);

  // Whether the storage can be written now, for /health/ready; and what it is.
  Status CheckStorage();
  std::string StorageName() const;

 private:
  Result<std::string> StoreBytes(const Actor& actor, std::string_view bytes);
  Result<AttachmentView> AddRow(const Actor& actor, std::int64_t estimate_id, const std::string& kind,
                                const std::string& file_name, const std::string& content_type,
                                std::string_view bytes, const std::string& key);

  // The storage's failure as the client sees it (no path, key or server text: those go to the
  // log with the request id).
  Status StorageFailure(const Actor& actor, const Status& status, const std::string& what) const;

  store::Database& db_;
  store::AttachmentRepository& rows_;
  store::EstimateRepository& estimates_;
  store::AuditRepository& audit_;
  files::FileStore& files_;
};

// The content type of an uploaded original, by its first bytes and name.
std::string ContentTypeOfUpload(std::string_view bytes, const std::string& filename);

}  // namespace estimate::services
