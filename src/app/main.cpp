// estimate-service: the one program. Subcommands: serve, migrate, calc, version.
// Over 1,000 lines because the roles of `serve` (api, ai, collector) share the infrastructure
// wired here and each other's services; the collector's role (issue 15) moves them to app/.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <atomic>
#include <condition_variable>
#include <iostream>
#include <memory>
#include <thread>
#include <type_traits>

#include "api/ai_routes.hpp"
#include "api/attachment_routes.hpp"
#include "api/auth_routes.hpp"
#include "api/base_routes.hpp"
#include "api/collector_routes.hpp"
#include "api/calc_routes.hpp"
#include "api/docs_routes.hpp"
#include "api/estimate_routes.hpp"
#include "api/health.hpp"
#include "api/heavy_work.hpp"
#include "api/job_routes.hpp"
#include "files/file_store.hpp"
#include "services/attachment_service.hpp"
#include "store/attachment_repository.hpp"
#include "app/base_commands.hpp"
#include "app/calc_command.hpp"
#include "app/collector_role.hpp"
#include "app/config.hpp"
#include "app/roles.hpp"
#include "app/user_commands.hpp"
#include "auth/in_memory_login_throttle.hpp"
#include "auth/jwt.hpp"
#include "auth/session_manager.hpp"
#include "cache/event_bus.hpp"
#include "cache/rate_limiter.hpp"
#include "cache/redis_client.hpp"
#include "cache/result_cache.hpp"
#include "core/clock.hpp"
#include "http/client.hpp"
#include "http/pipeline.hpp"
#include "http/server.hpp"
#include "http/static_files.hpp"
#include "services/account_service.hpp"
#include "services/assistant_service.hpp"
#include "services/auth_service.hpp"
#include "services/base_service.hpp"
#include "services/estimate_service.hpp"
#include "services/export_job_service.hpp"
#include "services/session_guard.hpp"
#include "store/account_repository.hpp"
#include "store/audit_repository.hpp"
#include "store/base_release_repository.hpp"
#include "store/estimate_repository.hpp"
#include "store/export_job_repository.hpp"
#include "store/sql_refresh_token_store.hpp"
#include "store/suggestion_feedback_repository.hpp"
#include "store/database.hpp"
#include "store/sqlite_backup.hpp"
#include "store/migrator.hpp"
#include "telemetry/log.hpp"
#include "telemetry/metrics.hpp"
#include "telemetry/system_clock.hpp"

namespace {

using namespace estimate;

constexpr int kExitUsage = 2;

struct GlobalOptions {
  std::string env_file = ".env";
};

struct ServeOptions {
  std::string host = "0.0.0.0";
  int port = 0;  // 0: from PORT
  int io_threads = 2;
  int workers = 8;
  int read_timeout_ms = 30000;
  int shutdown_grace_ms = 20000;
  int pool_size = 8;
  std::string roles = std::string(app::kAllRoles);
};

std::string VersionLine() {
  return std::string("estimate-service ") + ESTIMATE_VERSION + " (commit " + ESTIMATE_GIT_COMMIT +
         ", g++ " + __VERSION__ + ")";
}

// Loads and validates the configuration; prints every problem and returns false on any.
bool LoadConfig(const GlobalOptions& global, app::Config& config) {
  std::vector<std::string> problems;
  auto values = app::CollectEnvironment(global.env_file, problems);
  config = app::ParseConfig(values, problems);
  if (problems.empty()) return true;
  std::cerr << "estimate-service: invalid configuration:\n";
  for (const auto& p : problems) std::cerr << "  " << p << "\n";
  return false;
}

std::unique_ptr<store::Database> OpenDatabase(const app::Config& config, std::size_t pool_size) {
  store::DatabaseOptions options;
  options.url = config.database_url;
  options.pool_size = pool_size;
  auto db = store::Database::Open(options);
  if (!db.ok()) {
    std::cerr << "estimate-service: " << db.status().message() << "\n";
    return nullptr;
  }
  return std::move(db).value();
}

int Migrate(const GlobalOptions& global) {
  app::Config config;
  if (!LoadConfig(global, config)) return kExitUsage;
  telemetry::InitLogging(config.log_format == "json" ? telemetry::LogFormat::kJson
                                                     : telemetry::LogFormat::kText,
                         config.log_level);
  auto db = OpenDatabase(config, 1);
  if (!db) return 1;
  auto state = store::InspectSchema(*db);
  if (!state.ok()) {
    std::cerr << "estimate-service migrate: " << state.status().message() << "\n";
    return 1;
  }
  if (state->applied > state->known) {
    std::cerr << "estimate-service migrate: the database " << db->display_url()
              << " is at schema version " << state->applied
              << ", newer than this program knows (" << state->known << "); upgrade the program\n";
    return 1;
  }
  auto applied = store::Migrate(*db);
  if (!applied.ok()) {
    std::cerr << "estimate-service migrate: " << applied.status().message() << "\n";
    return 1;
  }
  telemetry::LogInfo("migrations applied", {{"database", db->display_url()},
                                            {"applied", std::to_string(*applied), true},
                                            {"schema_version", std::to_string(state->known), true}});
  return 0;
}

// The channel on which every instance hears of ended sessions: Redis when configured; else, on
// SQLite, a file beside the database (the command line and the server share the host); else
// none (nothing is remembered).
std::unique_ptr<cache::EventBus> MakeEventBus(const app::Config& config) {
  if (!config.redis_url.empty()) {
    return cache::MakeRedisEventBus(cache::ParseRedisUrl(config.redis_url).value(),
                                    "estimate-service:sessions");
  }
  constexpr std::string_view kSqlite = "sqlite://";
  if (config.database_url.starts_with(kSqlite)) {
    std::string path = config.database_url.substr(kSqlite.size());
    path = path.substr(0, path.find('?'));
    return cache::MakeFileEventBus(path + "-sessions");
  }
  return cache::MakeLocalEventBus();
}

// The API's collaborators over one database, wired once for `serve` and `routes`. `clock` is the
// time every one of them reads.
struct ApiServices {
  ApiServices(store::Database& db, auth::TokenSettings tokens,
              std::unique_ptr<cache::ResultCache> results_cache,
              std::unique_ptr<cache::EventBus> event_bus, const core::Clock& clock,
              services::EstimateServices::Options estimate_options = {},
              services::CollectorSettings collector_settings = {},
              files::FileStore* file_store = nullptr)
      : releases(db),
        base(releases),
        collector(db, base, std::move(collector_settings)),
        accounts(db),
        audit(db, clock),
        estimates(db),
        bus(std::move(event_bus)),
        sql_refresh_tokens(db, clock),
        guard(accounts, bus.get()),
        refresh_tokens(sql_refresh_tokens, &guard, bus.get()),
        throttle({}, clock),
        sessions(std::move(tokens), refresh_tokens, clock),
        auth(accounts, audit, sessions, throttle),
        account_service(db, accounts, audit, refresh_tokens),
        results(std::move(results_cache)),
        estimate_service(db, estimates, audit, base, *results, std::move(estimate_options)),
        export_job_rows(db, clock),
        export_jobs(export_job_rows, estimate_service.documents, clock, ExportJobOptions()),
        attachment_rows(db, clock),
        files(file_store),
        attachments(file_store != nullptr
                        ? std::make_unique<services::AttachmentService>(db, attachment_rows, estimates,
                                                                        audit, *file_store)
                        : nullptr) {}

  // The export jobs' rows name the process that runs them (for whoever reads the table).
  static services::ExportJobOptions ExportJobOptions() {
    services::ExportJobOptions o;
    auto id = auth::NewTokenId();
    o.instance = id.ok() ? id->substr(0, 12) : "instance";
    return o;
  }

  store::BaseReleaseRepository releases;
  services::BaseService base;
  services::CollectorService collector;
  store::AccountRepository accounts;
  store::AuditRepository audit;
  store::EstimateRepository estimates;
  // Session revocations reach every instance's guard through the bus (Redis pub/sub).
  std::unique_ptr<cache::EventBus> bus;
  store::SqlRefreshTokenStore sql_refresh_tokens;
  services::SessionGuard guard;
  services::RevocationNotifier refresh_tokens;
  auth::InMemoryLoginThrottle throttle;
  auth::SessionManager sessions;
  services::AuthService auth;
  services::AccountService account_service;
  std::unique_ptr<cache::ResultCache> results;
  services::EstimateServices estimate_service;
  store::ExportJobRepository export_job_rows;
  services::ExportJobService export_jobs;
  store::AttachmentRepository attachment_rows;
  files::FileStore* files;  // null: no attachments (`routes` lists them all the same)
  std::unique_ptr<services::AttachmentService> attachments;
};

// The routes of the api role; `serve` and `routes` (which lists them) share it.
void AddApiRoutes(http::Router& router, ApiServices& api_services, cache::RateLimiter* user_limiter,
                  api::HeavyWorkGate* heavy) {
  api::AddBaseRoutes(router, api_services.base);
  api::AddCalcRoutes(router);
  api::AddDocsRoutes(router);
  const api::AuthContext context{&api_services.sessions, &api_services.guard, user_limiter, heavy};
  api::AddAuthRoutes(router, context, api_services.auth, api_services.account_service,
                     api_services.estimate_service);
  api::AddEstimateRoutes(router, context, api_services.estimate_service, &api_services.export_jobs,
                         api_services.attachments.get());
  api::AddJobRoutes(router, context, api_services.export_jobs);
  if (api_services.attachments != nullptr) {
    api::AddAttachmentRoutes(router, context, *api_services.attachments,
                             api_services.estimate_service.documents, &api_services.export_jobs);
  }
  api::AddCollectorRoutes(router, context, api_services.collector);
}

// The built web application at / (WEB_ROOT): its files from memory, and index.html for GET of
// every path that no route matches outside /api, /health and /metrics (the application's client
// routes, /projects/12). With WEB_ROOT empty, or no index.html there (the tests, an API-only
// deployment), the API is served alone. The files are read here once: a rebuild of the
// application needs a restart.
void AddWebApp(http::Router& router, const std::string& web_root) {
  if (web_root.empty()) {
    telemetry::LogInfo("web application not served: WEB_ROOT is empty");
    return;
  }
  auto loaded = http::StaticFiles::Load(web_root);
  if (!loaded.ok()) {
    telemetry::LogWarn("web application not served (WEB_ROOT); the API is",
                       {{"web_root", web_root}, {"reason", loaded.status().message()}});
    return;
  }
  auto app = std::make_shared<const http::StaticFiles>(std::move(loaded).value());
  telemetry::LogInfo("web application served at /",
                     {{"web_root", web_root},
                      {"files", std::to_string(app->file_count()), true},
                      {"bytes", std::to_string(app->total_bytes()), true}});
  // From memory, never blocking: on the network threads.
  router.SetFallback(
      "/*", [app](http::Request& request) { return app->Serve(request); },
      {"api", "health", "metrics"}, http::Execution::kInline);
}

// The token settings of the configuration. Outside production a missing secret is generated for
// this process (sessions then end when it stops), with a warning; production refuses to start
// without them (app::ParseConfig).
Result<auth::TokenSettings> TokenSettingsOf(const app::Config& config) {
  auth::TokenSettings t;
  t.access_secret = config.jwt_secret;
  t.refresh_secret = config.jwt_refresh_secret;
  t.access_ttl = config.jwt_expires_in;
  t.refresh_ttl = config.jwt_refresh_expires_in;
  for (std::string* secret : {&t.access_secret, &t.refresh_secret}) {
    if (!secret->empty()) continue;
    auto a = auth::NewTokenId();
    auto b = auth::NewTokenId();
    if (!a.ok() || !b.ok()) return Internal("cannot generate a JWT secret: no randomness");
    *secret = *a + *b;
  }
  if (config.jwt_secret.empty() || config.jwt_refresh_secret.empty()) {
    telemetry::LogWarn("JWT_SECRET / JWT_REFRESH_SECRET not set: generated for this process; "
                       "sessions end when it stops and other instances will not accept them",
                       {});
  }
  if (Status s = auth::SessionManager::CheckSettings(t); !s.ok()) return s;
  return t;
}

// `estimate-service routes`: the HTTP routes, one "METHOD PATTERN" per line (checked against the
// OpenAPI document by the tests). Builds the router without touching any database. The web
// application's fallback (GET /*, AddWebApp) is not a route of the API and is not listed.
int ListRoutes() {
  // PostgreSQL connects lazily: nothing is opened or created here.
  auto db = store::Database::Open({"postgresql://unused@127.0.0.1/unused", 1});
  auth::TokenSettings tokens;
  tokens.access_secret = std::string(32, 'a');
  tokens.refresh_secret = std::string(32, 'r');
  // A store that is never written: the routes are only listed.
  auto file_store = files::MakeFileStore({});
  ApiServices api_services(**db, tokens, cache::MakeInProcessResultCache(1),
                           cache::MakeLocalEventBus(), telemetry::SystemClock(), {}, {},
                           file_store->get());
  telemetry::Registry registry;
  http::Router router;
  api::AddHealthRoutes(router, {}, {}, registry, api::MetricsAccess{});
  AddApiRoutes(router, api_services, nullptr, nullptr);
  services::AssistantService assistant(api_services.base, {});  // never refreshed: no training
  services::ChatService chat(api_services.base, &assistant, {}, {});
  store::SuggestionFeedbackRepository feedback(**db);
  services::BoqAssistant boq(api_services.base, assistant, feedback, nullptr);
  api::AddAiRoutes(router, {&api_services.sessions, &api_services.guard, nullptr, nullptr},
                   {assistant, chat, boq, registry});
  for (const auto& route : router.routes()) std::cout << route.method << " " << route.pattern << "\n";
  return 0;
}

// Commands that only need the configuration and a database connection.
template <typename Fn>
int WithDatabase(const GlobalOptions& global, Fn&& fn) {
  app::Config config;
  if (!LoadConfig(global, config)) return kExitUsage;
  telemetry::InitLogging(config.log_format == "json" ? telemetry::LogFormat::kJson
                                                     : telemetry::LogFormat::kText,
                         config.log_level);
  auto db = OpenDatabase(config, 2);
  if (!db) return 1;
  auto state = store::InspectSchema(*db);
  if (!state.ok()) {
    std::cerr << "estimate-service: " << state.status().message() << "\n";
    return 1;
  }
  if (state->applied != state->known) {
    std::cerr << "estimate-service: the database is at schema version " << state->applied
              << ", this program needs " << state->known
              << (state->applied < state->known ? "; run `estimate-service migrate`\n"
                                                : "; upgrade the program\n");
    return 1;
  }
  if constexpr (std::is_invocable_v<Fn, store::Database&, const app::Config&>) {
    return fn(*db, config);
  } else {
    return fn(*db);
  }
}

// What every role shares, wired once by `serve`: the configuration, the database, the clock, the
// metrics registry, the readiness checks and the rate-limit counters. The roles add their routes
// to one router behind one listener.
struct Infrastructure {
  app::Config config;
  std::unique_ptr<store::Database> db;
  const core::Clock& clock = telemetry::SystemClock();
  telemetry::Registry registry;
  std::vector<api::ReadinessCheck> checks;
  std::unique_ptr<cache::RateLimiter> limiter;
  std::unique_ptr<files::FileStore> files;  // attachments: STORAGE_TYPE
};

// Fills `infra`; returns 0, or the exit status when the process cannot start.
int OpenInfrastructure(const GlobalOptions& global, const ServeOptions& options,
                       Infrastructure& infra) {
  app::Config& config = infra.config;
  if (!LoadConfig(global, config)) return kExitUsage;
  telemetry::InitLogging(config.log_format == "json" ? telemetry::LogFormat::kJson
                                                     : telemetry::LogFormat::kText,
                         config.log_level);
  infra.db = OpenDatabase(config, static_cast<std::size_t>(options.pool_size));
  if (!infra.db) return 1;
  store::Database* database = infra.db.get();

  // A database newer than the program means a newer program migrated it: refuse, do not guess.
  if (auto state = store::InspectSchema(*database); !state.ok()) {
    telemetry::LogWarn(
        "database not reachable at start; serving, not ready",
        {{"database", database->display_url()}, {"reason", state.status().message()}});
  } else if (state->applied > state->known) {
    telemetry::LogError("database schema is newer than this program; refusing to start",
                        {{"database", database->display_url()},
                         {"schema_version", std::to_string(state->applied), true},
                         {"known_version", std::to_string(state->known), true}});
    return 1;
  } else if (state->applied < state->known) {
    telemetry::LogWarn("database not migrated; run `estimate-service migrate`",
                       {{"schema_version", std::to_string(state->applied), true},
                        {"known_version", std::to_string(state->known), true}});
  }

  telemetry::Registry& registry = infra.registry;
  telemetry::AddProcessMetrics(registry);
  registry.AddCallback({"estimate_service_build_info", "Build of the running program.", "gauge",
                        [] {
                          return std::vector<std::pair<telemetry::Labels, double>>{
                              {{{"version", ESTIMATE_VERSION}, {"commit", ESTIMATE_GIT_COMMIT}},
                               1}};
                        }});
  registry.AddCallback({"db_pool_connections", "Database pool connections by state.", "gauge",
                        [database] {
                          auto s = database->Stats();
                          return std::vector<std::pair<telemetry::Labels, double>>{
                              {{{"state", "in_use"}}, static_cast<double>(s.in_use)},
                              {{{"state", "idle"}}, static_cast<double>(s.idle)}};
                        }});
  registry.AddCallback({"db_pool_size", "Database pool size (connections allowed).", "gauge",
                        [database] {
                          return std::vector<std::pair<telemetry::Labels, double>>{
                              {{}, static_cast<double>(database->Stats().size)}};
                        }});

  infra.checks.push_back(
      {"database", [database]() -> Status {
         auto state = store::InspectSchema(*database);
         if (!state.ok()) return state.status();
         if (state->applied < state->known) {
           return FailedPrecondition("schema at version " + std::to_string(state->applied) +
                                     ", this program needs " + std::to_string(state->known) +
                                     ": run `estimate-service migrate`");
         }
         if (state->applied > state->known) {
           return FailedPrecondition("schema version " + std::to_string(state->applied) +
                                     " is newer than this program knows");
         }
         return Status::Ok();
       }});
  // The ГГЭ schemas every ГГЭ XML export is validated against (GGE_XSD_DIR): without them only
  // those exports are refused, so readiness reports it as degraded, not unavailable.
  {
    const std::string dir = config.gge_xsd_dir;
    auto schemas = [dir]() -> Status {
      if (dir.empty()) return FailedPrecondition("GGE_XSD_DIR is empty: ГГЭ XML exports are refused");
      for (const char* xsd : {"LocalEstimateResourceIndexMethod-3_01.xsd", "ObjectEstimate-3_01.xsd",
                              "SummaryEstimate-current.xsd"}) {
        std::error_code ec;
        if (!std::filesystem::exists(std::filesystem::path(dir) / xsd, ec)) {
          return FailedPrecondition(dir + " has no " + xsd + ": ГГЭ XML exports are refused");
        }
      }
      return Status::Ok();
    };
    if (Status s = schemas(); s.ok()) {
      telemetry::LogInfo("ГГЭ XML exports are validated against the schemas", {{"gge_xsd_dir", dir}});
    } else {
      telemetry::LogWarn("ГГЭ XML exports are not available", {{"reason", s.message()}});
    }
    infra.checks.push_back({"gge_schemas", schemas, true});
  }
  // Where attachments live (STORAGE_TYPE): without it only attachments fail, so readiness
  // reports it as degraded.
  {
    auto store = files::MakeFileStore(app::StorageSettingsOf(config));
    if (!store.ok()) {
      telemetry::LogError("file storage cannot be used; refusing to start", {{"reason", store.status().message()}});
      return 1;
    }
    infra.files = std::move(store).value();
    files::FileStore* files = infra.files.get();
    if (Status s = files->Check(); s.ok()) {
      telemetry::LogInfo("attachments are stored", {{"storage", files->Describe()}});
    } else {
      telemetry::LogWarn("attachments cannot be stored now", {{"storage", files->Describe()}, {"reason", s.message()}});
    }
    infra.checks.push_back({"files", [files] { return files->Check(); }, true});
  }
  // The newest backup of scripts/backup-db.sh (by the time in its name), for the backup-age alert.
  registry.AddCallback(
      {"backup_last_success_timestamp_seconds",
       "When the newest database backup in BACKUP_DIR was made (from its name); 0: none there.", "gauge",
       [dir = config.backup_dir] {
         double newest = 0;
         std::error_code ec;
         for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
           const std::string name = entry.path().filename().string();
           // estimate-db-YYYYMMDD-HHMMSS.*
           if (name.size() < 27 || name.rfind("estimate-db-", 0) != 0 ||
               (!name.ends_with(".dump") && !name.ends_with(".sqlite"))) {
             continue;
           }
           std::tm tm{};
           if (strptime(name.substr(12, 15).c_str(), "%Y%m%d-%H%M%S", &tm) == nullptr) continue;
           newest = std::max(newest, static_cast<double>(timegm(&tm)));
         }
         return std::vector<std::pair<telemetry::Labels, double>>{{{}, newest}};
       }});
  if (!config.redis_url.empty()) {
    auto address = cache::ParseRedisUrl(config.redis_url).value();
    infra.checks.push_back({"redis", [address] {
                              return cache::RedisPing(address, std::chrono::milliseconds(1000));
                            }});
  }

  // Rate-limit counters: shared through Redis when configured, else in this process.
  if (!config.redis_url.empty()) {
    infra.limiter = cache::MakeRedisRateLimiter(cache::ParseRedisUrl(config.redis_url).value(),
                                                config.rate_limit_limit, config.rate_limit_ttl);
  } else {
    infra.limiter = cache::MakeInProcessRateLimiter(config.rate_limit_limit, config.rate_limit_ttl);
  }
  return 0;
}

// The api role: the HTTP API over the shared infrastructure, and a thread that, once a second,
// picks up a release another process activated (every instance sees it within that second) and,
// once an hour, forgets expired refresh tokens. The thread stops when the role is destroyed.
// The result cache's hit and miss counts (one api role per process).
std::atomic<std::uint64_t>& ResultCacheHits() {
  static std::atomic<std::uint64_t> n{0};
  return n;
}
std::atomic<std::uint64_t>& ResultCacheMisses() {
  static std::atomic<std::uint64_t> n{0};
  return n;
}

class ApiRole {
 public:
  // The role's routes on `router`. InvalidArgument when the token settings are unusable.
  static Result<std::unique_ptr<ApiRole>> Start(Infrastructure& infra, http::Router& router) {
    const app::Config& config = infra.config;
    auto tokens = TokenSettingsOf(config);
    if (!tokens.ok()) return tokens.status();
    // Computed results: shared through Redis when configured, else in this process.
    std::unique_ptr<cache::ResultCache> results = std::make_unique<cache::CountingResultCache>(
        config.redis_url.empty()
            ? cache::MakeInProcessResultCache(256u << 20)
            : cache::MakeRedisResultCache(cache::ParseRedisUrl(config.redis_url).value(),
                                          std::chrono::hours(1), 64u << 20),
        ResultCacheHits(), ResultCacheMisses());
    infra.registry.AddCallback(
        {"result_cache_requests_total",
         "Look-ups of computed results (estimate views, ОСР, ССР) by answer: hit or miss.", "counter", [] {
           return std::vector<std::pair<telemetry::Labels, double>>{
               {{{"result", "hit"}}, static_cast<double>(ResultCacheHits().load())},
               {{{"result", "miss"}}, static_cast<double>(ResultCacheMisses().load())}};
         }});
    services::EstimateServices::Options estimate_options;
    estimate_options.gge_xsd_dir = config.gge_xsd_dir;
    estimate_options.clock = &infra.clock;
    auto role = std::unique_ptr<ApiRole>(new ApiRole(*infra.db, std::move(tokens).value(),
                                                     std::move(results), MakeEventBus(config),
                                                     infra.clock, std::move(estimate_options),
                                                     app::CollectorSettingsOf(config),
                                                     infra.files.get()));
    role->LoadBase();
    const services::EditingService* editing = &role->services_.estimate_service.editing;
    infra.registry.AddCallback(
        {"estimate_position_calculations_total",
         "Positions calculated by estimate edits (one per new or changed position; a whole "
         "recalculation counts every position).",
         "counter", [editing] {
           return std::vector<std::pair<telemetry::Labels, double>>{
               {{}, static_cast<double>(editing->position_calculations())}};
         }});
    const services::ExportJobService* jobs = &role->services_.export_jobs;
    infra.registry.AddCallback(
        {"export_jobs_ended_total",
         "Export jobs this process ran to their end, by how they ended (done, failed, cancelled).",
         "counter", [jobs] {
           std::vector<std::pair<telemetry::Labels, double>> out;
           for (auto s : {services::ExportJobStatus::kDone, services::ExportJobStatus::kFailed,
                          services::ExportJobStatus::kCancelled}) {
             out.push_back({{{"status", services::ExportJobStatusName(s)}},
                            static_cast<double>(jobs->Ended(s))});
           }
           return out;
         }});
    infra.registry.AddCallback(
        {"export_jobs_running", "Export jobs queued or running in this process.", "gauge",
         [jobs] {
           return std::vector<std::pair<telemetry::Labels, double>>{
               {{}, static_cast<double>(jobs->RunningCount())}};
         }});
    AddApiRoutes(router, role->services_, infra.limiter.get(), &role->heavy_);
    AddWebApp(router, config.web_root);
    role->refresher_ = std::thread([r = role.get()] { r->Refresh(); });
    return Result<std::unique_ptr<ApiRole>>(std::move(role));
  }

  // What the ai role shares with this role in one process: the release in memory and the
  // token check.
  services::BaseService& base() { return services_.base; }
  services::CollectorService& collector() { return services_.collector; }
  services::EstimateServices& estimates() { return services_.estimate_service; }
  api::AuthContext auth_context(cache::RateLimiter* user_limiter) {
    return api::AuthContext{&services_.sessions, &services_.guard, user_limiter, nullptr};
  }

  ~ApiRole() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    if (refresher_.joinable()) refresher_.join();
  }

 private:
  ApiRole(store::Database& db, auth::TokenSettings tokens,
          std::unique_ptr<cache::ResultCache> results, std::unique_ptr<cache::EventBus> bus,
          const core::Clock& clock, services::EstimateServices::Options estimate_options,
          services::CollectorSettings collector_settings, files::FileStore* files)
      : services_(db, std::move(tokens), std::move(results), std::move(bus), clock,
                  std::move(estimate_options), std::move(collector_settings), files),
        clock_(clock) {}

  // The normative base: the active release in memory.
  void LoadBase() {
    services::BaseService& base = services_.base;
    if (Status s = base.LoadActive(); !s.ok()) {
      telemetry::LogWarn("normative base not loaded", {{"reason", s.message()}});
    } else if (auto active = base.Active(); active->release) {
      telemetry::LogInfo("normative base loaded",
                         {{"release_id", std::to_string(active->release->info.id), true},
                          {"release", active->release->info.name},
                          {"norms", std::to_string(active->release->norms.size()), true}});
    }
  }

  void Refresh() {
    std::unique_lock lock(mu_);
    int ticks = 0;
    while (!cv_.wait_for(lock, std::chrono::seconds(1), [&] { return stop_; })) {
      lock.unlock();
      if (Status s = services_.base.RefreshIfChanged(); !s.ok()) {
        telemetry::LogDebug("normative base refresh failed", {{"reason", s.message()}});
      }
      if (++ticks % 3600 == 1) {
        if (Status s = services_.refresh_tokens.DeleteExpired(core::NowSeconds(clock_)); !s.ok()) {
          telemetry::LogDebug("expired refresh tokens not deleted", {{"reason", s.message()}});
        }
      }
      lock.lock();
    }
  }

  // Documents read or written at once: 3 in the process, 2 per organization. Declared before
  // the services: a running export job holds a slot until the job service has stopped it.
  api::HeavyWorkGate heavy_{3, 2};
  ApiServices services_;
  const core::Clock& clock_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread refresher_;
};

// The ai role: the assistant (ARCHITECTURE.md) — norm suggestion now; the estimate checker and
// chat plug in here. With the api role in the process it shares that role's release in memory
// and token check; alone, it loads the active release and checks tokens itself (the same
// JWT_SECRET). A thread, once a second, picks up a release another process activated and starts
// its model (services::AssistantService trains or loads it without blocking requests).
class AiRole {
 public:
  static Result<std::unique_ptr<AiRole>> Start(Infrastructure& infra, http::Router& router,
                                               ApiRole* api) {
    auto role = std::unique_ptr<AiRole>(new AiRole());
    services::BaseService* base = nullptr;
    api::AuthContext context;
    if (api != nullptr) {
      base = &api->base();
      context = api->auth_context(infra.limiter.get());
    } else {
      auto tokens = TokenSettingsOf(infra.config);
      if (!tokens.ok()) return tokens.status();
      role->own_ = std::make_unique<Own>(*infra.db, std::move(tokens).value(),
                                         MakeEventBus(infra.config), infra.clock);
      if (Status s = role->own_->base.LoadActive(); !s.ok()) {
        telemetry::LogWarn("ai role: normative base not loaded", {{"reason", s.message()}});
      }
      base = &role->own_->base;
      context = api::AuthContext{&role->own_->sessions, &role->own_->guard, infra.limiter.get(),
                                 nullptr};
    }
    services::AssistantOptions options;
    options.cache_dir = infra.config.ai_cache_dir;
    if (!infra.config.chroma_url.empty()) {
      ai::ChromaSettings chroma;
      chroma.url = infra.config.chroma_url;
      chroma.token = infra.config.chroma_token;
      options.chroma = std::move(chroma);
    }
    if (!infra.config.openai_embedding_model.empty() && !infra.config.openai_api_key.empty()) {
      ai::OpenAiSettings embeddings;
      embeddings.api_key = infra.config.openai_api_key;
      embeddings.base_url = infra.config.openai_base_url;
      embeddings.embedding_model = infra.config.openai_embedding_model;
      options.embeddings = std::move(embeddings);
    }
    role->assistant_ = std::make_unique<services::AssistantService>(*base, std::move(options));
    const services::AssistantService* assistant = role->assistant_.get();
    infra.registry.AddCallback(
        {"ai_model_release_id",
         "The release whose norm suggestion model answers (0: none yet).", "gauge",
         [assistant] {
           return std::vector<std::pair<telemetry::Labels, double>>{
               {{}, static_cast<double>(assistant->State().release_id)}};
         }});
    infra.registry.AddCallback(
        {"ai_model_training", "1 while a norm suggestion model is being trained or loaded.",
         "gauge", [assistant] {
           return std::vector<std::pair<telemetry::Labels, double>>{
               {{}, assistant->State().training_release_id != 0 ? 1.0 : 0.0}};
         }});
    // The chat: a model when OPENAI_API_KEY is set; the estimate at hand and the drafts of a
    // ВОР through the api role's services when it runs here.
    services::ChatOptions chat;
    if (!infra.config.openai_api_key.empty()) {
      ai::OpenAiSettings model;
      model.api_key = infra.config.openai_api_key;
      model.base_url = infra.config.openai_base_url;
      model.model = infra.config.openai_model;
      chat.model = std::move(model);
    }
    services::EstimateDigestSource digests;
    if (api != nullptr) {
      services::EstimateReader* reader = &api->estimates().reader;
      digests = [reader](const services::Actor& actor, std::int64_t id) { return reader->Digest(actor, id); };
    }
    role->chat_ = std::make_unique<services::ChatService>(*base, role->assistant_.get(),
                                                          std::move(digests), std::move(chat));
    role->feedback_ = std::make_unique<store::SuggestionFeedbackRepository>(*infra.db);
    role->boq_ = std::make_unique<services::BoqAssistant>(
        *base, *role->assistant_, *role->feedback_, api != nullptr ? &api->estimates().documents : nullptr);
    api::AddAiRoutes(router, context, {*role->assistant_, *role->chat_, *role->boq_, infra.registry});
    role->assistant_->Refresh();
    role->ticker_ = std::thread([r = role.get()] { r->Tick(); });
    return Result<std::unique_ptr<AiRole>>(std::move(role));
  }

  ~AiRole() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    if (ticker_.joinable()) ticker_.join();
    boq_.reset();
    chat_.reset();
    assistant_.reset();  // stops a training under way
  }

 private:
  // Without the api role: the release in memory and the token check of this role's own.
  struct Own {
    Own(store::Database& db, auth::TokenSettings tokens, std::unique_ptr<cache::EventBus> event_bus,
        const core::Clock& clock)
        : releases(db),
          base(releases),
          accounts(db),
          bus(std::move(event_bus)),
          sql_refresh_tokens(db, clock),
          guard(accounts, bus.get()),
          refresh_tokens(sql_refresh_tokens, &guard, bus.get()),
          sessions(std::move(tokens), refresh_tokens, clock) {}
    store::BaseReleaseRepository releases;
    services::BaseService base;
    store::AccountRepository accounts;
    std::unique_ptr<cache::EventBus> bus;
    store::SqlRefreshTokenStore sql_refresh_tokens;
    services::SessionGuard guard;
    services::RevocationNotifier refresh_tokens;
    auth::SessionManager sessions;
  };

  void Tick() {
    std::unique_lock lock(mu_);
    while (!cv_.wait_for(lock, std::chrono::seconds(1), [&] { return stop_; })) {
      lock.unlock();
      if (own_) {
        if (Status s = own_->base.RefreshIfChanged(); !s.ok()) {
          telemetry::LogDebug("ai role: normative base refresh failed", {{"reason", s.message()}});
        }
      }
      assistant_->Refresh();
      lock.lock();
    }
  }

  std::unique_ptr<Own> own_;
  std::unique_ptr<services::AssistantService> assistant_;
  std::unique_ptr<services::ChatService> chat_;
  std::unique_ptr<store::SuggestionFeedbackRepository> feedback_;
  std::unique_ptr<services::BoqAssistant> boq_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread ticker_;
};

// The collector role: the ФГИС ЦС schedule and the queued «collect now» jobs, on one thread
// (app/collector_role.hpp). With the api role in the process it shares that role's release in
// memory (an activation is served at once); alone, it keeps its own and notices others'.
class CollectorRole {
 public:
  static Result<std::unique_ptr<CollectorRole>> Start(Infrastructure& infra, ApiRole* api) {
    auto role = std::unique_ptr<CollectorRole>(new CollectorRole());
    services::CollectorService* service = nullptr;
    std::function<void()> refresh;
    if (api != nullptr) {
      service = &api->collector();
    } else {
      role->releases_ = std::make_unique<store::BaseReleaseRepository>(*infra.db);
      role->base_ = std::make_unique<services::BaseService>(*role->releases_);
      if (Status s = role->base_->LoadActive(); !s.ok()) {
        telemetry::LogWarn("collector role: normative base not loaded", {{"reason", s.message()}});
      }
      role->own_ = std::make_unique<services::CollectorService>(
          *infra.db, *role->base_, app::CollectorSettingsOf(infra.config));
      service = role->own_.get();
      services::BaseService* base = role->base_.get();
      refresh = [base] {
        if (Status s = base->RefreshIfChanged(); !s.ok()) {
          telemetry::LogDebug("collector role: normative base refresh failed", {{"reason", s.message()}});
        }
      };
    }
    const services::CollectorMetrics* m = &service->metrics();
    auto gauge = [](double v) { return std::vector<std::pair<telemetry::Labels, double>>{{{}, v}}; };
    infra.registry.AddCallback({"collector_runs_total", "Collections this process ran, by how they ended.",
                                "counter", [m] {
                                  const double runs = double(m->runs.load());
                                  const double failed = double(m->failures.load());
                                  const double skipped = double(m->skipped.load());
                                  const double none = double(m->nothing_new.load());
                                  return std::vector<std::pair<telemetry::Labels, double>>{
                                      {{{"status", "failed"}}, failed},
                                      {{{"status", "skipped"}}, skipped},
                                      {{{"status", "nothing_new"}}, none},
                                      {{{"status", "succeeded"}},
                                       std::max(0.0, runs - failed - skipped - none - m->running.load())}};
                                }});
    infra.registry.AddCallback({"collector_failures_total", "Collections that failed.", "counter",
                                [m, gauge] { return gauge(double(m->failures.load())); }});
    infra.registry.AddCallback({"collector_last_success_timestamp_seconds",
                                "When the last collection that succeeded (or found nothing new) ended; 0: none yet.",
                                "gauge", [m, gauge] { return gauge(double(m->last_success_unix.load())); }});
    infra.registry.AddCallback({"collector_last_duration_seconds", "How long the last collection took.",
                                "gauge", [m, gauge] { return gauge(double(m->last_duration_ms.load()) / 1000.0); }});
    infra.registry.AddCallback({"collector_downloaded_bytes_total", "Bytes the collector received from the portal.",
                                "counter", [m, gauge] { return gauge(double(m->bytes.load())); }});
    infra.registry.AddCallback({"collector_requests_total", "Requests the collector sent to the portal.",
                                "counter", [m, gauge] { return gauge(double(m->requests.load())); }});
    infra.registry.AddCallback({"collector_running", "1 while a collection runs in this process.", "gauge",
                                [m, gauge] { return gauge(double(m->running.load())); }});
    auto scheduler = app::CollectorScheduler::Start(infra.config, *service, std::move(refresh));
    if (!scheduler.ok()) return scheduler.status();
    role->scheduler_ = std::move(scheduler).value();
    return role;
  }

  ~CollectorRole() { scheduler_.reset(); }  // before the service it runs

 private:
  CollectorRole() = default;
  std::unique_ptr<store::BaseReleaseRepository> releases_;
  std::unique_ptr<services::BaseService> base_;
  std::unique_ptr<services::CollectorService> own_;
  std::unique_ptr<app::CollectorScheduler> scheduler_;
};

// /metrics: on a listener of its own (METRICS_ADDR), or on PORT behind METRICS_TOKEN or to
// loopback clients only.
bool MetricsApart(const app::Config& config) {
  return config.prometheus_enabled && !config.metrics_host.empty();
}

api::MetricsAccess MetricsOnPort(const app::Config& config) {
  const bool apart = MetricsApart(config);
  if (config.production() && config.prometheus_enabled && !apart && config.metrics_token.empty()) {
    telemetry::LogWarn("/metrics answers no one in production without METRICS_ADDR or "
                       "METRICS_TOKEN; set one for Prometheus",
                       {});
  }
  return api::MetricsAccess{config.prometheus_enabled && !apart, false, config.metrics_token,
                            !config.production()};
}

// The METRICS_ADDR listener, when configured: started by Start, stopped by the destructor.
class MetricsListener {
 public:
  Status Start(const app::Config& config, telemetry::Registry& registry) {
    if (!MetricsApart(config)) return Status::Ok();
    api::AddMetricsRoute(router_, registry, api::MetricsAccess{true, true, {}});
    pipeline_.emplace(router_, registry);
    http::ServerOptions m;
    m.host = config.metrics_host;
    m.port = static_cast<unsigned short>(config.metrics_port);
    m.io_threads = 1;
    m.worker_threads = 1;
    m.heavy_threads = 1;
    m.heavy_queue = 0;
    m.max_connections = 64;
    m.shutdown_grace = std::chrono::milliseconds(1000);
    server_.emplace(m, *pipeline_);
    if (Status s = server_->Listen(); !s.ok()) {
      server_.reset();
      return s;
    }
    thread_ = std::thread([this] { server_->Run(); });
    return Status::Ok();
  }

  void Stop() {
    if (!thread_.joinable()) return;
    server_->Stop();
    thread_.join();
  }

  ~MetricsListener() { Stop(); }

 private:
  http::Router router_;
  std::optional<http::Pipeline> pipeline_;
  std::optional<http::Server> server_;
  std::thread thread_;
};

int Serve(const GlobalOptions& global, const ServeOptions& options) {
  const std::vector<std::string> roles = app::ParseRoles(options.roles).value();  // checked by CLI
  const auto runs = [&](std::string_view role) {
    return std::find(roles.begin(), roles.end(), role) != roles.end();
  };
  Infrastructure infra;
  if (const int rc = OpenInfrastructure(global, options, infra); rc != 0) return rc;
  const app::Config& config = infra.config;

  http::Router router;
  api::AddHealthRoutes(router, std::move(infra.checks), roles, infra.registry,
                       MetricsOnPort(config));
  std::unique_ptr<ApiRole> api_role;
  if (runs("api")) {
    auto started = ApiRole::Start(infra, router);
    if (!started.ok()) {
      std::cerr << "estimate-service: " << started.status().message() << "\n";
      return kExitUsage;
    }
    api_role = std::move(started).value();
  }
  std::unique_ptr<AiRole> ai_role;
  if (runs("ai")) {
    auto started = AiRole::Start(infra, router, api_role.get());
    if (!started.ok()) {
      std::cerr << "estimate-service: " << started.status().message() << "\n";
      return kExitUsage;
    }
    ai_role = std::move(started).value();
  }
  std::unique_ptr<CollectorRole> collector_role;
  if (runs("collector")) {
    auto started = CollectorRole::Start(infra, api_role.get());
    if (!started.ok()) {
      std::cerr << "estimate-service: " << started.status().message() << "\n";
      return kExitUsage;
    }
    collector_role = std::move(started).value();
  }

  http::ResponseCompressor compressor(http::CompressionOptions{}, infra.registry);
  http::EdgeOptions edge;
  edge.cors_origins = config.cors_origins;
  edge.rate_limiter = infra.limiter.get();
  edge.compressor = &compressor;
  http::Pipeline pipeline(router, infra.registry, std::move(edge));

  http::ServerOptions server_options;
  server_options.host = options.host;
  server_options.port = static_cast<unsigned short>(options.port != 0 ? options.port : config.port);
  server_options.io_threads = options.io_threads;
  server_options.worker_threads = options.workers;
  server_options.body_limit = config.upload_max_size;
  server_options.read_timeout = std::chrono::milliseconds(options.read_timeout_ms);
  server_options.shutdown_grace = std::chrono::milliseconds(options.shutdown_grace_ms);
  server_options.max_connections = config.max_connections;
  server_options.fd_reserve = 64 + 2 * options.pool_size;
  http::Server server(server_options, pipeline);

  MetricsListener metrics;
  if (Status s = metrics.Start(config, infra.registry); !s.ok()) {
    telemetry::LogError("cannot start the metrics listener (METRICS_ADDR)",
                        {{"reason", s.message()}});
    return 1;
  }
  if (Status s = server.Listen(); !s.ok()) {
    telemetry::LogError("cannot start", {{"reason", s.message()}});
    return 1;
  }
  std::string role_list;
  for (const auto& role : roles) role_list += (role_list.empty() ? "" : ",") + role;
  telemetry::LogInfo("listening",
                     {{"address", options.host},
                      {"port", std::to_string(server.port()), true},
                      {"env", config.env},
                      {"roles", role_list},
                      {"database", infra.db->display_url()},
                      {"redis", config.redis_url.empty() ? "off" : "on"},
                      {"max_connections", std::to_string(server.max_connections()), true},
                      {"metrics", MetricsApart(config) ? config.metrics_host + ":" +
                                                             std::to_string(config.metrics_port)
                                                       : std::string("on PORT")},
                      {"version", ESTIMATE_VERSION}});
  const bool clean = server.Run();
  metrics.Stop();
  // The roles stop in the reverse of their start: each may use the ones started before it.
  collector_role.reset();  // its scheduler uses the api role's collector service and the database
  ai_role.reset();         // its ticker reads the api role's release and the database
  api_role.reset();        // stops the api role's thread before the database closes
  infra.db.reset();  // closes the pool's connections
  telemetry::LogInfo("stopped", {{"clean", clean ? "true" : "false", true}});
  return clean ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"Estimate Service: construction cost estimates (ЛСР, ОСР, ССР) by Методика 421/пр "
               "on the federal base ФСНБ-2022.",
               "estimate-service"};
  cli.require_subcommand(1);
  GlobalOptions global;
  cli.add_option("--env-file", global.env_file, "File of KEY=VALUE settings read under the environment")
      ->capture_default_str();

  ServeOptions serve;
  auto* serve_cmd = cli.add_subcommand("serve", "Serve the HTTP API (embedded default: http://localhost:3000)");
  serve_cmd->add_option("--host", serve.host, "Address to listen on")->capture_default_str();
  serve_cmd->add_option("--port", serve.port, "Port to listen on (default: PORT, 3000); 0 keeps PORT")
      ->check(CLI::Range(0, 65535));
  serve_cmd->add_option("--io-threads", serve.io_threads, "Network threads")
      ->check(CLI::Range(1, 64))->capture_default_str();
  serve_cmd->add_option("--workers", serve.workers, "Worker threads for database and heavy work")
      ->check(CLI::Range(1, 256))->capture_default_str();
  serve_cmd->add_option("--db-pool-size", serve.pool_size, "Database connections in the pool")
      ->check(CLI::Range(1, 256))->capture_default_str();
  serve_cmd->add_option("--read-timeout-ms", serve.read_timeout_ms,
                        "A request must arrive whole within this; idle connections close after it")
      ->check(CLI::Range(100, 3600000))->capture_default_str();
  serve_cmd->add_option("--shutdown-grace-ms", serve.shutdown_grace_ms,
                        "On SIGTERM/SIGINT, time given to requests in flight")
      ->check(CLI::Range(0, 3600000))->capture_default_str();
  serve_cmd
      ->add_option("--roles", serve.roles,
                   "Roles this process runs, comma-separated: api (the HTTP API), ai, collector; "
                   "every process serves /health and /metrics")
      ->check(CLI::Validator(
          [](std::string& value) {
            auto roles = app::ParseRoles(value);
            return roles.ok() ? std::string() : roles.status().message();
          },
          "ROLE[,ROLE…]", "roles"))
      ->capture_default_str();

  cli.add_subcommand("migrate", "Apply the database migrations (each in a transaction)");
  cli.add_subcommand("version", "Print the version and build");
  std::string backup_file;
  auto* backup_sub = cli.add_subcommand(
      "backup", "Copy the SQLite database (DATABASE_URL) to FILE with SQLite's online backup, then verify the copy "
                "(PostgreSQL: scripts/backup-db.sh)");
  backup_sub->add_option("FILE", backup_file, "The backup file (replaced)")->required();
  auto* restore_sub = cli.add_subcommand(
      "restore", "Verify FILE, a backup made by `backup`, and copy it over the SQLite database (DATABASE_URL); "
                 "stop the service first (PostgreSQL: scripts/restore-db.sh)");
  restore_sub->add_option("FILE", backup_file, "The backup file")->required();
  std::string health_url;
  auto* health_sub = cli.add_subcommand(
      "health", "Ask a running service whether it is ready (the container's health check): exit 0 on 200");
  health_sub->add_option("--url", health_url, "Default: http://127.0.0.1:PORT/health/ready");
  auto* config_sub = cli.add_subcommand("config", "The configuration");
  config_sub->require_subcommand(1);
  config_sub->add_subcommand("check", "Validate the configuration (environment and .env) and print it, secrets masked; exit 2 naming each bad value");
  cli.add_subcommand("routes", "List the HTTP routes (METHOD PATTERN per line)");

  std::string calc_path;
  std::string calc_format = "json";
  auto* calc_cmd = cli.add_subcommand(
      "calc", "Compute an estimate document (contracts/calc-v1.md) and print the result");
  calc_cmd->add_option("FILE", calc_path, "Estimate document JSON, or - for stdin")->required();
  calc_cmd->add_option("--format", calc_format, "Output: json (estimate-result/1) or text (Russian table)")
      ->check(CLI::IsMember({"json", "text"}))->capture_default_str();

  std::string export_path, export_format = "gge";
  std::string export_xsd_dir = std::getenv("GGE_XSD_DIR") != nullptr ? std::getenv("GGE_XSD_DIR") : "";
  auto* export_cmd = cli.add_subcommand(
      "export", "Write an estimate document (ЛСР of either method, ОСР, ССР) as ГГЭ XML "
                "(validated against the XSD), XLSX, PDF or АРПС");
  export_cmd->add_option("FILE", export_path, "Estimate document JSON (with an optional header), or -")
      ->required();
  export_cmd->add_option("--format", export_format,
                         "gge (ГГЭ XML 3.01), gge-3.02 (the 3.02 draft), xlsx or pdf (the ЛСР "
                         "form), arps (АРПС 1.10, cp866)")
      ->check(CLI::IsMember({"gge", "gge-3.02", "xlsx", "pdf", "arps"}))->capture_default_str();
  std::string import_estimate_path;
  auto* import_estimate_cmd = cli.add_subcommand(
      "import-estimate", "Read a ГГЭ XML ЛСР/ОСР/ССР or an АРПС file as a document, comparing its totals");
  import_estimate_cmd->add_option("FILE", import_estimate_path, "The .gge file, or -")->required();
  export_cmd->add_option("--xsd-dir", export_xsd_dir,
                         "Folder of the ГГЭ schemas (default: GGE_XSD_DIR)");

  app::ImportCommand import_cmd;
  auto* import_sub = cli.add_subcommand(
      "import", "Import normative base files (ФСНБ-2022 XML, ФСБЦ, ТГ, coefficients, НР/СП XLSX, "
                "ФГИС ЦС prices) as one new release");
  import_sub->add_option("PATH", import_cmd.paths,
                         "Files, folders (recursive) and zip archives; a folder named "
                         "prices_<region>_<zone>_<quarter> carries its own region and quarter")
      ->required()->check(CLI::ExistingPath);
  import_sub->add_option("--region", import_cmd.region, "Region code of price files (e.g. 28)");
  import_sub->add_option("--zone", import_cmd.zone, "Price zone of price files")
      ->check(CLI::Range(1, 99))->capture_default_str();
  import_sub->add_option("--quarter", import_cmd.quarter, "Quarter of price files, e.g. 2025-Q2");
  import_sub->add_option("--name", import_cmd.name, "Name of the release (default: from the files)");
  import_sub->add_flag("--no-activate", import_cmd.no_activate, "Save the release without activating it");
  import_sub->add_flag("--skip-if-loaded", import_cmd.skip_if_loaded,
                       "Do nothing when a saved release has exactly these source files");
  import_sub->add_flag("--json", import_cmd.json, "Print the summary as JSON");

  app::ReleasesCommand releases_cmd;
  auto* releases_sub = cli.add_subcommand("releases", "List, activate or roll back base releases");
  releases_sub->require_subcommand(1);
  auto* rel_list = releases_sub->add_subcommand("list", "List releases (* marks the active one)");
  rel_list->add_flag("--json", releases_cmd.json, "Print JSON");
  auto* rel_activate = releases_sub->add_subcommand("activate", "Make a release the active one");
  rel_activate->add_option("ID", releases_cmd.id, "Release id")->required()->check(CLI::PositiveNumber);
  rel_activate->add_flag("--json", releases_cmd.json, "Print JSON");
  auto* rel_rollback = releases_sub->add_subcommand("rollback", "Return to the previously active release");
  rel_rollback->add_flag("--json", releases_cmd.json, "Print JSON");

  app::RepriceCommand reprice_cmd;
  auto* reprice_sub = cli.add_subcommand("reprice", "Re-price an estimate document into a price set of the active release");
  reprice_sub->add_option("FILE", reprice_cmd.path, "The estimate document (calc-v1 JSON)")->required();
  reprice_sub->add_option("--region", reprice_cmd.region, "Region code, e.g. 28")->required();
  reprice_sub->add_option("--zone", reprice_cmd.zone, "Price zone")->check(CLI::Range(1, 99))->capture_default_str();
  reprice_sub->add_option("--quarter", reprice_cmd.quarter, "Quarter, e.g. 2025-Q3")->required();
  reprice_sub->add_option("--output,-o", reprice_cmd.output, "Write the document here (default: stdout)");

  app::NormsCommand norms_cmd;
  app::CollectCommand collect_cmd;
  auto* collect_sub = cli.add_subcommand(
      "collect", "Run one collection from ФГИС ЦС now (a draft release when something is new); "
                 "exit 1 when it fails");
  collect_sub->add_option("--what", collect_cmd.what, "base, prices or all")
      ->check(CLI::IsMember({"base", "prices", "all"}))->capture_default_str();
  collect_sub->add_option("--region", collect_cmd.region, "Prices of this region only, e.g. 77");
  collect_sub->add_option("--zone", collect_cmd.zone, "Its price zone (default 1)")->check(CLI::Range(1, 99));
  collect_sub->add_option("--quarter", collect_cmd.quarter, "That quarter, e.g. 2026-Q3 (default: the latest)");
  collect_sub->add_flag("--if-idle", collect_cmd.if_idle,
                        "When another collection runs, skip (exit 0) instead of waiting for it");

  auto* norms_sub = cli.add_subcommand("norms", "Search and show norms of the active release");
  norms_sub->require_subcommand(1);
  auto* norms_search = norms_sub->add_subcommand("search", "Search norms by words or codes");
  norms_search->add_option("QUERY", norms_cmd.query, "Words, shorthand or a code (prefix)")->required();
  norms_search->add_option("--family", norms_cmd.family, "gesn, gesnm, gesnr, gesnp, gesnmr");
  norms_search->add_option("--collection", norms_cmd.collection, "Collection (сборник) code, e.g. 12");
  norms_search->add_option("--unit", norms_cmd.unit, "Unit, e.g. \"100 м2\"");
  norms_search->add_option("--limit", norms_cmd.limit, "Hits to show")->check(CLI::Range(1, 1000))
      ->capture_default_str();
  norms_search->add_flag("--json", norms_cmd.json, "Print JSON");
  auto* norms_show = norms_sub->add_subcommand("show", "Show a norm, priced when a region and quarter are given");
  norms_show->add_option("FAMILY", norms_cmd.family, "gesn, gesnm, gesnr, gesnp, gesnmr (or ГЭСН…)")->required();
  norms_show->add_option("CODE", norms_cmd.code, "Norm code, e.g. 12-01-001-01")->required();
  norms_show->add_option("--region", norms_cmd.region, "Region code for pricing");
  norms_show->add_option("--zone", norms_cmd.zone, "Price zone")->check(CLI::Range(1, 99))->capture_default_str();
  norms_show->add_option("--quarter", norms_cmd.quarter, "Quarter for pricing, e.g. 2025-Q2");
  norms_show->add_option("--quantity", norms_cmd.quantity, "Quantity of the position (default 1)");
  norms_show->add_flag("--json", norms_cmd.json, "Print JSON");

  app::UserCommand user_cmd;
  auto* user_sub = cli.add_subcommand("user", "Manage accounts: add, passwd, role, ensure-admin");
  user_sub->require_subcommand(1);
  auto* user_add = user_sub->add_subcommand("add", "Add a user with a role in an organization");
  auto* user_passwd = user_sub->add_subcommand("passwd", "Set a user's password (their sessions end)");
  auto* user_role = user_sub->add_subcommand("role", "Set a user's role in an organization");
  auto* user_admin = user_sub->add_subcommand(
      "ensure-admin", "Create the first admin unless the account exists (used by `make run`)");
  for (auto* sub : {user_add, user_passwd, user_role, user_admin}) {
    sub->add_option("--email", user_cmd.email, "The account's e-mail (sign-in name)")->required();
  }
  user_admin->get_option("--email")->default_val("admin@example.com");
  user_admin->get_option("--email")->required(false)->capture_default_str();
  user_admin->add_option("--org-name", user_cmd.org_name, "Name of the organization to create")
      ->default_val("Моя организация")->capture_default_str();
  user_admin->add_option("--password-file", user_cmd.password_file,
                         "Where the generated password is written (mode 0600)")
      ->capture_default_str();
  user_add->add_option("--name", user_cmd.display_name, "Display name");
  user_add->add_option("--role", user_cmd.role, "admin, estimator, reviewer or viewer")
      ->check(CLI::IsMember({"admin", "estimator", "reviewer", "viewer"}))->capture_default_str();
  user_add->add_option("--org-name", user_cmd.org_name, "Create a new organization of this name");
  user_add->add_option("--org-id", user_cmd.org_id, "Add to this existing organization")
      ->check(CLI::PositiveNumber);
  user_role->add_option("--role", user_cmd.role, "admin, estimator, reviewer or viewer")
      ->required()->check(CLI::IsMember({"admin", "estimator", "reviewer", "viewer"}));
  user_role->add_option("--org-id", user_cmd.org_id, "The organization")->required()
      ->check(CLI::PositiveNumber);
  for (auto* sub : {user_add, user_passwd}) {
    sub->add_flag("--password-stdin", user_cmd.password_stdin,
                  "Read the password from the first line of stdin (else one is generated and printed)");
  }

  try {
    cli.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return cli.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return cli.exit(e);
  } catch (const CLI::ParseError& e) {
    std::string what = e.what();
    if (what.empty()) what = e.get_name();
    std::cerr << "estimate-service: " << what << " (see estimate-service --help)\n";
    return kExitUsage;
  }

  if (cli.got_subcommand("version")) {
    std::cout << VersionLine() << "\n";
    return 0;
  }
  if (cli.got_subcommand("backup") || cli.got_subcommand("restore")) {
    app::Config config;
    if (!LoadConfig(global, config)) return kExitUsage;
    auto path = store::SqlitePathOfUrl(config.database_url);
    if (!path.ok()) {
      std::cerr << "estimate-service: " << path.status().message() << "\n";
      return kExitUsage;
    }
    const bool backup = cli.got_subcommand("backup");
    auto done = backup ? store::BackupSqlite(*path, backup_file) : store::RestoreSqlite(backup_file, *path);
    if (!done.ok()) {
      std::cerr << "estimate-service " << (backup ? "backup" : "restore") << ": " << done.status().message() << "\n";
      return 1;
    }
    std::cout << (backup ? "Backup " + backup_file + " written and verified" : "Restored " + *path + " from " + backup_file)
              << ": schema version " << done->schema_version << ", " << done->bytes << " bytes\n";
    return 0;
  }
  if (cli.got_subcommand("health")) {
    if (health_url.empty()) {
      app::Config config;
      if (!LoadConfig(global, config)) return kExitUsage;
      health_url = "http://127.0.0.1:" + std::to_string(config.port) + "/health/ready";
    }
    http::ClientRequest request;
    request.url = health_url;
    request.connect_timeout = std::chrono::milliseconds(2000);
    request.timeout = std::chrono::milliseconds(3000);
    auto answer = http::Fetch(request);
    if (!answer.ok()) {
      std::cerr << "estimate-service health: " << answer.status().message() << "\n";
      return 1;
    }
    std::cout << answer->status << " " << answer->body << "\n";
    return answer->status == 200 ? 0 : 1;
  }
  if (cli.got_subcommand("config")) {
    std::vector<std::string> problems;
    const auto values = app::CollectEnvironment(global.env_file, problems);
    (void)app::ParseConfig(values, problems);
    std::cout << app::DescribeConfig(values);
    if (!problems.empty()) {
      std::cerr << "estimate-service: invalid configuration:\n";
      for (const auto& p : problems) std::cerr << "  " << p << "\n";
      return kExitUsage;
    }
    std::cout << "configuration valid\n";
    return 0;
  }
  if (cli.got_subcommand("migrate")) return Migrate(global);
  if (cli.got_subcommand("routes")) return ListRoutes();
  if (cli.got_subcommand("export")) {
    if (export_xsd_dir.empty()) {
      // As the service reads it: the environment, else .env, else the default.
      std::vector<std::string> problems;
      const auto values = app::CollectEnvironment(global.env_file, problems);
      if (auto it = values.find("GGE_XSD_DIR"); it != values.end()) export_xsd_dir = it->second;
      else export_xsd_dir = app::Config().gge_xsd_dir;
    }
    return app::RunExport(export_path, export_format, export_xsd_dir, ESTIMATE_VERSION, std::cout,
                          std::cerr, telemetry::SystemClock());
  }
  if (cli.got_subcommand("import-estimate")) {
    return app::RunImportEstimate(import_estimate_path, std::cout, std::cerr);
  }
  if (cli.got_subcommand("import")) {
    return WithDatabase(global, [&](store::Database& db) { return app::RunImport(db, import_cmd); });
  }
  if (cli.got_subcommand("user")) {
    user_cmd.action = user_add->parsed()      ? "add"
                      : user_passwd->parsed() ? "passwd"
                      : user_role->parsed()   ? "role"
                                              : "ensure-admin";
    if (user_cmd.action == "ensure-admin") user_cmd.role = "admin";
    return WithDatabase(global, [&](store::Database& db, const app::Config& config) {
      auto bus = MakeEventBus(config);
      const int code = app::RunUser(db, user_cmd, bus.get());
      bus->Flush();  // the running instances have heard of ended sessions before we return
      return code;
    });
  }
  if (cli.got_subcommand("releases")) {
    releases_cmd.action = rel_activate->parsed() ? "activate" : rel_rollback->parsed() ? "rollback" : "list";
    return WithDatabase(global, [&](store::Database& db) { return app::RunReleases(db, releases_cmd); });
  }
  if (cli.got_subcommand("collect")) {
    return WithDatabase(global, [&](store::Database& db, const app::Config& config) {
      return app::RunCollect(db, config, collect_cmd);
    });
  }
  if (cli.got_subcommand("reprice")) {
    return WithDatabase(global, [&](store::Database& db) { return app::RunReprice(db, reprice_cmd); });
  }
  if (cli.got_subcommand("norms")) {
    norms_cmd.action = norms_show->parsed() ? "show" : "search";
    return WithDatabase(global, [&](store::Database& db) { return app::RunNorms(db, norms_cmd); });
  }
  if (cli.got_subcommand("calc")) {
    return app::RunCalc(calc_path, calc_format, std::cout, std::cerr);
  }
  return Serve(global, serve);
}
