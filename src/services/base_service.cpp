#include "services/base_service.hpp"

#include <utility>

#include "normbase/regions.hpp"
#include "store/base_release_repository.hpp"

namespace estimate::services {

std::shared_ptr<const ActiveBase> BaseService::Active() const {
  std::lock_guard lock(mu_);
  return active_;
}

Result<std::shared_ptr<const ActiveBase>> BaseService::Current() const {
  auto active = Active();
  if (!active->release) {
    return Unavailable(
        "no normative base release is active; import one with `estimate-service import PATH…`");
  }
  return active;
}

bool BaseService::Holding() const {
  std::lock_guard lock(mu_);
  return holding_;
}

void BaseService::Install(std::shared_ptr<const normbase::BaseRelease> release) {
  auto next = std::make_shared<ActiveBase>();
  next->search = normbase::SearchIndex::Build(*release);
  next->release = std::move(release);
  std::lock_guard lock(mu_);
  active_id_ = next->release->info.id;
  active_ = std::move(next);
  holding_ = true;
}

Status BaseService::LoadAndInstall(std::int64_t id) {
  auto release = repository_.Load(id);
  if (!release.ok()) return release.status();
  (*release)->info.active = true;
  Install(std::shared_ptr<const normbase::BaseRelease>(std::move(*release)));
  return Status::Ok();
}

Status BaseService::LoadActive() {
  auto id = repository_.ActiveId();
  if (!id.ok()) return id.status();
  if (!id->has_value()) {
    std::lock_guard lock(mu_);
    holding_ = true;
    return Status::Ok();
  }
  return LoadAndInstall(**id);
}

Status BaseService::RefreshIfChanged() {
  auto id = repository_.ActiveId();
  if (!id.ok()) return id.status();
  std::int64_t current;
  {
    std::lock_guard lock(mu_);
    current = active_id_;
  }
  if (!id->has_value() || **id == current) return Status::Ok();
  return LoadAndInstall(**id);
}

Result<std::vector<normbase::ReleaseInfo>> BaseService::Releases() {
  auto releases = repository_.List();
  if (!releases.ok()) return releases;
  for (auto& info : *releases) {
    for (auto& t : info.territories) {
      if (t.region_name.empty()) t.region_name = std::string(normbase::RegionName(t.region_code));
    }
  }
  return releases;
}

Status BaseService::Activate(std::int64_t id) {
  if (Status s = repository_.Activate(id); !s.ok()) return s;
  return Holding() ? LoadAndInstall(id) : Status::Ok();
}

Status BaseService::Rollback() {
  if (Status s = repository_.Rollback(); !s.ok()) return s;
  return Holding() ? LoadActive() : Status::Ok();
}

Result<std::shared_ptr<normbase::BaseRelease>> BaseService::LoadRelease(std::int64_t id) {
  return repository_.Load(id);
}

}  // namespace estimate::services
