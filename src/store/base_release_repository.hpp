#pragma once
// Releases of the normative base in the database (migration 0002): save a whole imported release,
// list them, load one back into memory, and choose the active one with a history that Rollback
// walks back.
//
// Guarantees:
// - Save is one transaction: the release with every row of it, or nothing (a failure midway —
//   a duplicate norm code, a lost connection — leaves no row of it and the active release as it
//   was). Saving never activates.
// - Load rebuilds the release exactly as saved (same order, decimals at the scale they were
//   written, absent values still absent) and calls Finish(); the caller shares it as
//   std::shared_ptr<const BaseRelease>.
// - Exactly one release is active once any has been activated; Activate and Rollback switch it
//   atomically.
//
// Speed: a full ФСНБ release (60 000 norms, a million resource lines, 32 000 priced resources,
// regional prices) saves in seconds — raw SQLite prepared statements in one transaction, COPY
// FROM STDIN on PostgreSQL — and loads back in a few (COPY TO STDOUT on PostgreSQL).
//
// Thread-safety: the repository holds only the Database, itself thread-safe; each call leases its
// own session. Concurrent Activate/Rollback calls serialize in the database.
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "core/status.hpp"
#include "normbase/base_release.hpp"
#include "store/database.hpp"

namespace estimate::store {

class BaseReleaseRepository {
 public:
  explicit BaseReleaseRepository(Database& db) : db_(db) {}

  // Writes the release (release.info.id and .active are ignored) and returns its new id.
  // InvalidArgument when the database refuses the data (a duplicate norm or price-book code, an
  // invalid decimal), naming the table; Unavailable when the database cannot be reached.
  Result<std::int64_t> Save(const normbase::BaseRelease& release);

  // Every saved release, newest first, with its source files, the active flag and the territories
  // of its regional prices (ReleaseInfo::territories; region_name as saved, empty when the files
  // gave none). Three queries whatever the number of releases.
  Result<std::vector<normbase::ReleaseInfo>> List();

  // The figures of a saved release, from the columns written at save time (no loading).
  Result<normbase::ReleaseCounts> Counts(std::int64_t id);

  // The whole release, Finish()ed. NotFound for an unknown id.
  Result<std::shared_ptr<normbase::BaseRelease>> Load(std::int64_t id);

  // Makes `id` the only active release and records the activation. Activating the active release
  // again changes nothing. NotFound for an unknown id.
  Status Activate(std::int64_t id);

  // Returns to the release that was active before the current activation, and forgets that
  // activation (a second Rollback goes one step further back). FailedPrecondition when there is
  // no earlier activation of a release that still exists.
  Status Rollback();

  // The active release, or nullopt when none has been activated.
  Result<std::optional<std::int64_t>> ActiveId();

  // Removes a release and all its rows. FailedPrecondition for the active release; NotFound for
  // an unknown id.
  Status Delete(std::int64_t id);

 private:
  Database& db_;
};

}  // namespace estimate::store
