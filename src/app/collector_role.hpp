#pragma once
// The collector's wiring: its settings from the configuration, the role of `serve` (the
// schedule and the queued jobs), and `estimate-service collect`.
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "app/config.hpp"
#include "services/collector_service.hpp"

namespace estimate::store {
class Database;
}

namespace estimate::app {

// The collector's settings from the configuration (FGIS_*, COLLECTOR_*, MINSTROYRF_API_KEY).
services::CollectorSettings CollectorSettingsOf(const Config& config);

// The collector role of `serve`: one thread that runs the queued jobs (an admin's «collect now»)
// as they come, and a collection at every minute FSBTS_UPDATE_SCHEDULE names in
// FSBTS_TIME_ZONE. A collection already running elsewhere makes the scheduled one `skipped`.
class CollectorScheduler {
 public:
  // `service` must outlive the scheduler; `refresh` (may be empty) is called every second before
  // looking for work (the role's own base service notices other processes' activations).
  static Result<std::unique_ptr<CollectorScheduler>> Start(const Config& config,
                                                           services::CollectorService& service,
                                                           std::function<void()> refresh);
  ~CollectorScheduler();

 private:
  CollectorScheduler() = default;
  void Loop();

  services::CollectorService* service_ = nullptr;
  std::function<void()> refresh_;
  std::string schedule_, zone_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

// `estimate-service collect [--what base|prices|all] [--region R --zone Z [--quarter Q]]`.
struct CollectCommand {
  std::string what = "all";
  std::string region, quarter;
  int zone = 0;
  bool if_idle = false;  // skip (exit 0) when another collection runs instead of waiting
};
int RunCollect(store::Database& db, const Config& config, const CollectCommand& command);

}  // namespace estimate::app
