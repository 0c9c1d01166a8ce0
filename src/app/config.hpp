#pragma once
// The service's configuration: the seed's environment variables, read from the environment and
// from a `.env` file (the environment wins), validated as a whole. Every bad value is reported,
// each on its own line naming the variable, before anything starts.
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "files/file_store.hpp"

namespace estimate::app {

struct Config {
  int port = 3000;
  std::string env = "development";  // NODE_ENV / APP_ENV: development | production | test
  std::string database_url = "sqlite://data/estimate.db";
  std::string redis_url;  // empty: in-process cache and counters
  std::string jwt_secret, jwt_refresh_secret;
  std::chrono::seconds jwt_expires_in{15 * 60};
  std::chrono::seconds jwt_refresh_expires_in{7 * 24 * 3600};
  std::string openai_api_key, openai_model = "gpt-4o-mini", openai_base_url = "https://api.openai.com/v1";
  std::string chroma_url;
  std::string chroma_token;  // CHROMA_TOKEN
  std::string openai_embedding_model;  // OPENAI_EMBEDDING_MODEL; empty: fastText
  std::string update_schedule = "0 2 * * *";      // FSBTS_UPDATE_SCHEDULE (checked: core/cron.hpp)
  std::string update_time_zone = "Europe/Moscow";  // FSBTS_TIME_ZONE (checked: app/time_zone.hpp)
  std::string ai_cache_dir = "data/ai";  // the assistant's models, one folder per release
  std::string storage_type = "local";  // local | s3
  std::string storage_path = "data/files";
  std::uint64_t upload_max_size = 10 * 1024 * 1024;
  std::string aws_access_key_id, aws_secret_access_key, aws_region, aws_s3_bucket, aws_endpoint;
  bool prometheus_enabled = true;
  std::string metrics_host;  // METRICS_ADDR; empty: /metrics on PORT
  int metrics_port = 0;
  std::string metrics_token;
  int max_connections = 0;  // 0: from the descriptor limit
  std::string log_level = "info";
  std::string log_format = "text";  // text | json
  std::vector<std::string> cors_origins;  // empty: no cross-origin access; "*": any
  std::chrono::seconds rate_limit_ttl{60};
  int rate_limit_limit = 100;
  std::string gge_xsd_dir = "../shared/samples/xsd";  // the ГГЭ schemas exports are validated by
  std::string minstroyrf_api_key;
  // The data collector (issue 15).
  std::string fgis_base_url = "https://fgiscs.minstroyrf.ru/api";  // FGIS_BASE_URL
  std::vector<std::string> fgis_datasets = {"7707082071-fsnb"};    // FGIS_BASE_DATASETS
  std::vector<std::pair<std::string, int>> fgis_territories;       // FGIS_PRICE_TERRITORIES
  double fgis_requests_per_second = 2;                             // FGIS_REQUESTS_PER_SECOND
  std::chrono::milliseconds fgis_connect_timeout{10'000};          // FGIS_CONNECT_TIMEOUT
  std::chrono::milliseconds fgis_stall_timeout{30'000};            // FGIS_STALL_TIMEOUT
  std::chrono::milliseconds fgis_retry_delay{1000};                // FGIS_RETRY_DELAY
  int fgis_attempts = 5;                                           // FGIS_ATTEMPTS
  std::string collector_dir = "data/collector";                    // COLLECTOR_DIR
  std::uint64_t collector_max_file_size = 4ull << 30;              // COLLECTOR_MAX_FILE_SIZE
  std::uint64_t collector_min_free_space = 256ull << 20;           // COLLECTOR_MIN_FREE_SPACE
  std::string collector_price_change_percent = "10";               // COLLECTOR_PRICE_CHANGE_PERCENT
  bool collector_auto_activate_prices = false;                     // COLLECTOR_AUTO_ACTIVATE_PRICES
  std::string backup_dir = "data/backups";                         // BACKUP_DIR (scripts/backup-*.sh)
  int backup_retention_days = 30;                                  // BACKUP_RETENTION_DAYS
  // The built web application served at / by the api role; empty (WEB_ROOT set to nothing): not
  // served. Relative to the working directory.
  std::string web_root = "web/dist";

  bool production() const { return env == "production"; }
};

struct ConfigVariable {
  const char* name;
  const char* default_value;  // as written in .env.example; "" for none
  const char* meaning;
  bool secret;
};

// Every variable the service reads, in the order of the README and .env.example.
const std::vector<ConfigVariable>& ConfigVariables();

// The file storage of attachments as the configuration names it (STORAGE_*, AWS_*).
files::StorageSettings StorageSettingsOf(const Config& config);

// Reads KEY=VALUE lines ('#' comments, optional quotes, `export ` prefix). Returns the problems
// with file:line for lines that are not assignments.
std::map<std::string, std::string> ReadEnvFile(const std::string& path,
                                               std::vector<std::string>& problems);

// Builds the configuration from `values` (variable → value). `problems` gets one line per bad
// value, e.g. "PORT: \"abc\" is not a port number (1–65535)".
Config ParseConfig(const std::map<std::string, std::string>& values,
                   std::vector<std::string>& problems);

// Every variable the service reads with its value as it applies ("NAME=value", one per line, in
// the order of ConfigVariables): secrets and the password of a database URL masked as ***, a
// variable not set marked "(default)". Variables of `values` the service does not read are listed
// after them as "(not read by the service)" — deployment files use them (POSTGRES_*, GRAFANA_*).
std::string DescribeConfig(const std::map<std::string, std::string>& values);

// The environment merged over the `.env` file at `env_file` (if it exists).
std::map<std::string, std::string> CollectEnvironment(const std::string& env_file,
                                                      std::vector<std::string>& problems);

}  // namespace estimate::app
