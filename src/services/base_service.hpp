#pragma once
// The normative base as a service: importing releases (parse → one transaction → activate),
// listing, activating and rolling back, and the active release with its search index held in
// memory for every reader.
//
// Readers call Active() and keep the returned pointer for the duration of their work; activation
// builds the new release's index first and then swaps the pointer, so a reader never sees a
// half-built state and an old release lives until its last reader lets go.
//
// Several processes may share one database (CLI imports while the server runs, several API
// instances): RefreshIfChanged() notices another process's activation and loads that release.
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/status.hpp"
#include "normbase/base_release.hpp"
#include "normbase/importers.hpp"
#include "normbase/search.hpp"
#include "store/base_release_repository.hpp"

namespace estimate::services {

struct ActiveBase {
  std::shared_ptr<const normbase::BaseRelease> release;
  std::shared_ptr<const normbase::SearchIndex> search;
};

struct ImportRequest {
  // Files, folders and zip archives. A folder named prices_<region>_<zone>_<quarter> (e.g.
  // prices_28_1_2025-Q2), given or directly inside a given folder, is imported with that region,
  // zone and quarter; `options` applies to everything else.
  std::vector<std::string> paths;
  normbase::ImportOptions options;
  std::string name;            // the release's name; empty: as the files say
  bool activate = true;
  bool skip_if_loaded = false;  // nothing is saved when a release with the same sources exists
};

struct ImportOutcome {
  Status status;                 // not ok: nothing was written; diagnostics say why
  std::int64_t release_id = 0;
  bool skipped = false;          // skip_if_loaded found the same sources in release_id
  bool activated = false;
  normbase::ReleaseCounts counts;
  std::vector<normbase::ImportDiagnostic> warnings;
  std::vector<normbase::ImportDiagnostic> errors;
};

class BaseService {
 public:
  explicit BaseService(store::BaseReleaseRepository& repository) : repository_(repository) {}

  // Loads the active release of the database (if any) into memory with its search index.
  Status LoadActive();
  // Reloads when another process activated a different release since the last look.
  Status RefreshIfChanged();

  ImportOutcome Import(const ImportRequest& request, const normbase::ProgressFn& progress);

  Result<std::vector<normbase::ReleaseInfo>> Releases();
  Status Activate(std::int64_t id);
  Status Rollback();

  // The active release and its index; null members when no release is active.
  std::shared_ptr<const ActiveBase> Active() const;

 private:
  // Makes `release` the in-memory active one (builds its index, then swaps).
  void Install(std::shared_ptr<const normbase::BaseRelease> release);
  Status LoadAndInstall(std::int64_t id);

  store::BaseReleaseRepository& repository_;
  mutable std::mutex mu_;
  std::shared_ptr<const ActiveBase> active_ = std::make_shared<ActiveBase>();
  std::int64_t active_id_ = 0;
};

}  // namespace estimate::services
