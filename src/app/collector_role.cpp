#include "app/collector_role.hpp"

#include <unistd.h>

#include <iostream>

#include "app/time_zone.hpp"
#include "core/cron.hpp"
#include "services/base_service.hpp"
#include "store/base_release_repository.hpp"
#include "store/database.hpp"
#include "telemetry/log.hpp"

namespace estimate::app {

services::CollectorSettings CollectorSettingsOf(const Config& config) {
  services::CollectorSettings s;
  s.base_url = config.fgis_base_url;
  s.datasets = config.fgis_datasets;
  for (const auto& [region, zone] : config.fgis_territories) s.territories.push_back({region, zone});
  s.work_dir = config.collector_dir;
  if (config.database_url.rfind("sqlite://", 0) == 0) {
    s.sqlite_lock_file = config.database_url.substr(9) + ".collector-lock";
  }
  s.fetch.connect_timeout = config.fgis_connect_timeout;
  s.fetch.low_speed_time = std::chrono::duration_cast<std::chrono::seconds>(config.fgis_stall_timeout);
  if (s.fetch.low_speed_time.count() < 1) s.fetch.low_speed_time = std::chrono::seconds(1);
  s.fetch.first_delay = config.fgis_retry_delay;
  s.fetch.attempts = config.fgis_attempts;
  s.fetch.requests_per_second = config.fgis_requests_per_second;
  s.fetch.max_bytes = config.collector_max_file_size;
  s.fetch.min_free_bytes = config.collector_min_free_space;
  s.fetch.api_key = config.minstroyrf_api_key;
  auto percent = core::Decimal::Parse(config.collector_price_change_percent);
  if (percent.ok()) s.price_change_percent = *percent;
  s.auto_activate_prices = config.collector_auto_activate_prices;
  char host[256] = {0};
  gethostname(host, sizeof host - 1);
  s.instance = std::string(host) + ":" + std::to_string(getpid());
  return s;
}

Result<std::unique_ptr<CollectorScheduler>> CollectorScheduler::Start(
    const Config& config, services::CollectorService& service, std::function<void()> refresh) {
  // Checked by the configuration already; checked again for the message.
  auto cron = core::CronSchedule::Parse(config.update_schedule);
  if (!cron.ok()) return Status(cron.status().code(), "FSBTS_UPDATE_SCHEDULE: " + cron.status().message());
  auto zone = TimeZone::Load(config.update_time_zone);
  if (!zone.ok()) return Status(zone.status().code(), "FSBTS_TIME_ZONE: " + zone.status().message());
  std::unique_ptr<CollectorScheduler> s(new CollectorScheduler());
  s->service_ = &service;
  s->refresh_ = std::move(refresh);
  s->schedule_ = config.update_schedule;
  s->zone_ = config.update_time_zone;
  s->thread_ = std::thread([p = s.get()] { p->Loop(); });
  return s;
}

CollectorScheduler::~CollectorScheduler() {
  if (service_ != nullptr) service_->RequestStop();  // a collection under way ends now
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void CollectorScheduler::Loop() {
  const auto cron = core::CronSchedule::Parse(schedule_).value();
  const auto zone = TimeZone::Load(zone_).value();
  auto next_run = [&] {
    const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    auto local = cron.Next(zone.ToLocal(now));
    return local ? std::optional<std::chrono::sys_seconds>(zone.ToUtc(*local)) : std::nullopt;
  };
  std::optional<std::chrono::sys_seconds> next = next_run();
  if (next) {
    telemetry::LogInfo("collector: next scheduled collection",
                       {{"at", std::to_string(next->time_since_epoch().count()), true},
                        {"schedule", schedule_},
                        {"time_zone", zone_}});
  }
  std::unique_lock lock(mu_);
  while (!cv_.wait_for(lock, std::chrono::seconds(1), [&] { return stop_; })) {
    lock.unlock();
    if (refresh_) refresh_();
    while (service_->RunQueued()) {
      std::lock_guard check(mu_);
      if (stop_) break;
    }
    if (next && std::chrono::system_clock::now() >= *next) {
      services::CollectRequest request;
      request.origin = "schedule";
      const auto job = service_->RunNow(request);
      telemetry::LogInfo("collector: scheduled collection ended",
                         {{"job", std::to_string(job.id), true}, {"status", job.status}});
      next = next_run();
    }
    lock.lock();
  }
}

int RunCollect(store::Database& db, const Config& config, const CollectCommand& command) {
  store::BaseReleaseRepository releases(db);
  services::BaseService base(releases);
  if (Status s = base.LoadActive(); !s.ok()) {
    telemetry::LogInfo("collect: no active release yet", {{"reason", s.message()}});
  }
  services::CollectorService collector(db, base, CollectorSettingsOf(config));
  services::CollectRequest request;
  request.what = command.what;
  request.region = command.region;
  request.zone = command.region.empty() ? command.zone : (command.zone == 0 ? 1 : command.zone);
  request.quarter = command.quarter;
  request.origin = "cli";
  request.wait_if_busy = !command.if_idle;
  request.Normalize();
  if (Status s = request.Check(); !s.ok()) {
    std::cerr << "estimate-service collect: " << s.message() << "\n";
    return 2;
  }
  const services::CollectorJobView job = collector.RunNow(request);
  std::cout << "Collector job " << job.id << ": " << job.status;
  if (job.release_id) {
    std::cout << ", release " << *job.release_id << (job.activated ? " (activated)" : " (draft)");
  }
  std::cout << "; " << job.requests << " requests, " << job.retries << " retries, " << job.bytes
            << " bytes\n";
  if (!job.summary.empty()) std::cout << job.summary << "\n";
  if (!job.error.empty()) std::cerr << "estimate-service collect: " << job.error << "\n";
  if (job.status == "skipped" && command.if_idle) return 0;
  return job.status == "succeeded" || job.status == "nothing_new" ? 0 : 1;
}

}  // namespace estimate::app
