#pragma once
// The normative base as a service: its releases (list, import from files, verify files without
// importing, accept a release handed over whole, activate, roll back) and the active release
// with its search index held in memory for every reader. Reading it — search, cards, pricing —
// is base_search.hpp and base_pricing.hpp, on the ActiveBase a reader takes from Current().
// Inputs and results are typed (base_types.hpp); the API and the CLI call the same functions.
//
// Readers call Current() (or Active()) and keep the returned pointer for the duration of their
// work; activation builds the new release's index first and then swaps the pointer, so a reader
// never sees a half-built state and an old release lives until its last reader lets go.
//
// Several processes may share one database (CLI imports while the server runs, several API
// instances): RefreshIfChanged() notices another process's activation and loads that release.
//
// Errors: Unavailable (no release is active; the database cannot be reached), NotFound (an
// unknown release id), FailedPrecondition (nothing to roll back to), InvalidArgument (files with
// errors, named in the outcome's diagnostics).
//
// Thread-safe.
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "core/status.hpp"
#include "services/base_types.hpp"

namespace estimate::store {
class BaseReleaseRepository;
}

namespace estimate::services {

class BaseService {
 public:
  // `repository` must outlive the service.
  explicit BaseService(store::BaseReleaseRepository& repository) : repository_(repository) {}

  // Loads the active release of the database (if any) into memory with its search index; from
  // then on Activate and Rollback reload it too. A service that never loaded (a CLI command that
  // only switches releases) leaves the releases in the database.
  Status LoadActive();
  // Reloads when another process activated a different release since the last look.
  Status RefreshIfChanged();

  // The active release and its index; null members when no release is active.
  std::shared_ptr<const ActiveBase> Active() const;
  // The same, or Unavailable saying how to import a release when none is active.
  Result<std::shared_ptr<const ActiveBase>> Current() const;

  // Every saved release, newest first, with its source files, the active flag and its priced
  // territories; a territory whose price files gave no region name has the official name of its
  // code (normbase/regions.hpp), or none for a code outside that table.
  Result<std::vector<normbase::ReleaseInfo>> Releases();
  // Reads the files into a release and hands it to AcceptRelease; nothing is written when the
  // files have errors.
  ImportOutcome Import(const ImportRequest& request, const normbase::ProgressFn& progress);
  // Reads the files as Import does and reports what a release of them would hold, with every
  // diagnostic; writes nothing (release_id 0).
  ImportOutcome Verify(const ImportRequest& request, const normbase::ProgressFn& progress);
  // The entry point of a release that was imported elsewhere (the collector): records its
  // provenance, saves it in one transaction and activates it as `options` say. `release` must be
  // Finish()ed.
  ImportOutcome AcceptRelease(std::shared_ptr<normbase::BaseRelease> release,
                              const ReleaseProvenance& provenance, const AcceptOptions& options);
  Status Activate(std::int64_t id);
  Status Rollback();

  // A saved release read back whole and mutable, for a caller that builds a new release from it
  // (the collector adds new price sets to a copy of the active one). NotFound for an unknown id.
  Result<std::shared_ptr<normbase::BaseRelease>> LoadRelease(std::int64_t id);

 private:
  // Files → a release, with diagnostics; outcome.status not ok when they have errors.
  std::shared_ptr<normbase::BaseRelease> Read(const ImportRequest& request,
                                              const normbase::ProgressFn& progress,
                                              ImportOutcome& outcome);
  // Makes `release` the in-memory active one (builds its index, then swaps).
  void Install(std::shared_ptr<const normbase::BaseRelease> release);
  Status LoadAndInstall(std::int64_t id);
  bool Holding() const;

  store::BaseReleaseRepository& repository_;
  mutable std::mutex mu_;
  std::shared_ptr<const ActiveBase> active_ = std::make_shared<ActiveBase>();
  std::int64_t active_id_ = 0;
  bool holding_ = false;  // LoadActive or an import installed a release in memory
};

}  // namespace estimate::services
