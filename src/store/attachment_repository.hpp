#pragma once
// Attachments of estimates (migration 0009): the rows that name a stored file (files/), by
// organization and estimate. The file itself is the caller's (services/attachment_service.hpp).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/status.hpp"
#include "store/database.hpp"
#include "store/unit_of_work.hpp"
#include "telemetry/system_clock.hpp"

namespace estimate::store {

struct AttachmentRecord {
  std::int64_t id = 0;  // assigned by Add
  std::int64_t organization_id = 0;
  std::int64_t estimate_id = 0;
  std::string kind;  // import | export
  std::string file_name;
  std::string content_type;
  std::int64_t size = 0;
  std::string sha256;  // hex
  std::string storage_key;
  std::optional<std::int64_t> created_by{};
  std::string created_by_name;  // filled by List and Get: the user's name, or email
  core::Timestamp created_at{};  // stamped by Add
};

class AttachmentRepository {
 public:
  explicit AttachmentRepository(Database& db, const core::Clock& clock = telemetry::SystemClock())
      : db_(db), clock_(clock) {}

  // The row, with its id and time. NotFound when the estimate is not one of the organization's.
  Result<AttachmentRecord> Add(UnitOfWork& uow, const AttachmentRecord& record);
  // The attachments of an estimate, oldest first.
  Result<std::vector<AttachmentRecord>> List(std::int64_t organization_id, std::int64_t estimate_id);
  // NotFound for an attachment that is not the estimate's, or not the organization's.
  Result<AttachmentRecord> Get(std::int64_t organization_id, std::int64_t estimate_id, std::int64_t id);
  // Deletes the row; NotFound as Get.
  Status Remove(UnitOfWork& uow, std::int64_t organization_id, std::int64_t estimate_id, std::int64_t id);

 private:
  Database& db_;
  const core::Clock& clock_;
};

}  // namespace estimate::store
