// estimate-service: the one program. Subcommands: serve, migrate, calc, version.
#include <CLI/CLI.hpp>

#include <atomic>
#include <condition_variable>
#include <iostream>
#include <memory>
#include <thread>

#include "api/base_routes.hpp"
#include "api/calc_routes.hpp"
#include "api/docs_routes.hpp"
#include "api/health.hpp"
#include "app/base_commands.hpp"
#include "app/calc_command.hpp"
#include "app/config.hpp"
#include "cache/rate_limiter.hpp"
#include "cache/redis_client.hpp"
#include "http/pipeline.hpp"
#include "http/server.hpp"
#include "services/base_service.hpp"
#include "store/base_release_repository.hpp"
#include "store/database.hpp"
#include "store/migrator.hpp"
#include "telemetry/log.hpp"
#include "telemetry/metrics.hpp"

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

// Every route of the service; `serve` and `routes` (which lists them) share it.
void AddRoutes(http::Router& router, std::vector<api::ReadinessCheck> checks,
               const telemetry::Registry& registry, bool metrics_enabled,
               services::BaseService& base) {
  api::AddHealthRoutes(router, std::move(checks), registry, metrics_enabled);
  api::AddBaseRoutes(router, base);
  api::AddCalcRoutes(router);
  api::AddDocsRoutes(router);
}

// `estimate-service routes`: the HTTP routes, one "METHOD PATTERN" per line (checked against the
// OpenAPI document by the tests). Builds the router without touching any database.
int ListRoutes() {
  // PostgreSQL connects lazily: nothing is opened or created here.
  auto db = store::Database::Open({"postgresql://unused@127.0.0.1/unused", 1});
  store::BaseReleaseRepository releases(**db);
  services::BaseService base(releases);
  telemetry::Registry registry;
  http::Router router;
  AddRoutes(router, {}, registry, /*metrics_enabled=*/true, base);
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
  return fn(*db);
}

int Serve(const GlobalOptions& global, const ServeOptions& options) {
  app::Config config;
  if (!LoadConfig(global, config)) return kExitUsage;
  telemetry::InitLogging(config.log_format == "json" ? telemetry::LogFormat::kJson
                                                     : telemetry::LogFormat::kText,
                         config.log_level);
  auto db = OpenDatabase(config, static_cast<std::size_t>(options.pool_size));
  if (!db) return 1;

  // A database newer than the program means a newer program migrated it: refuse, do not guess.
  if (auto state = store::InspectSchema(*db); !state.ok()) {
    telemetry::LogWarn("database not reachable at start; serving, not ready",
                       {{"database", db->display_url()}, {"reason", state.status().message()}});
  } else if (state->applied > state->known) {
    telemetry::LogError("database schema is newer than this program; refusing to start",
                        {{"database", db->display_url()},
                         {"schema_version", std::to_string(state->applied), true},
                         {"known_version", std::to_string(state->known), true}});
    return 1;
  } else if (state->applied < state->known) {
    telemetry::LogWarn("database not migrated; run `estimate-service migrate`",
                       {{"schema_version", std::to_string(state->applied), true},
                        {"known_version", std::to_string(state->known), true}});
  }

  telemetry::Registry registry;
  telemetry::AddProcessMetrics(registry);
  registry.AddCallback({"estimate_service_build_info", "Build of the running program.", "gauge",
                        [] {
                          return std::vector<std::pair<telemetry::Labels, double>>{
                              {{{"version", ESTIMATE_VERSION}, {"commit", ESTIMATE_GIT_COMMIT}},
                               1}};
                        }});
  store::Database* database = db.get();
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

  std::vector<api::ReadinessCheck> checks;
  checks.push_back({"database", [database]() -> Status {
                      auto state = store::InspectSchema(*database);
                      if (!state.ok()) return state.status();
                      if (state->applied < state->known) {
                        return FailedPrecondition(
                            "schema at version " + std::to_string(state->applied) +
                            ", this program needs " + std::to_string(state->known) +
                            ": run `estimate-service migrate`");
                      }
                      if (state->applied > state->known) {
                        return FailedPrecondition("schema version " +
                                                  std::to_string(state->applied) +
                                                  " is newer than this program knows");
                      }
                      return Status::Ok();
                    }});
  if (!config.redis_url.empty()) {
    auto address = cache::ParseRedisUrl(config.redis_url).value();
    checks.push_back({"redis", [address] {
                        return cache::RedisPing(address, std::chrono::milliseconds(1000));
                      }});
  }

  // The normative base: the active release in memory; a release activated by another process
  // (the CLI, another instance) is picked up within a few seconds.
  store::BaseReleaseRepository releases(*database);
  services::BaseService base(releases);
  if (Status s = base.LoadActive(); !s.ok()) {
    telemetry::LogWarn("normative base not loaded", {{"reason", s.message()}});
  } else if (auto active = base.Active(); active->release) {
    telemetry::LogInfo("normative base loaded",
                       {{"release_id", std::to_string(active->release->info.id), true},
                        {"release", active->release->info.name},
                        {"norms", std::to_string(active->release->norms.size()), true}});
  }
  std::mutex refresher_mu;
  std::condition_variable refresher_cv;
  bool refresher_stop = false;
  std::thread refresher([&] {
    std::unique_lock lock(refresher_mu);
    while (!refresher_cv.wait_for(lock, std::chrono::seconds(3), [&] { return refresher_stop; })) {
      lock.unlock();
      if (Status s = base.RefreshIfChanged(); !s.ok()) {
        telemetry::LogDebug("normative base refresh failed", {{"reason", s.message()}});
      }
      lock.lock();
    }
  });

  http::Router router;
  AddRoutes(router, std::move(checks), registry, config.prometheus_enabled, base);
  // Rate-limit counters: shared through Redis when configured, else in this process.
  std::unique_ptr<cache::RateLimiter> limiter;
  if (!config.redis_url.empty()) {
    limiter = cache::MakeRedisRateLimiter(cache::ParseRedisUrl(config.redis_url).value(),
                                          config.rate_limit_limit, config.rate_limit_ttl);
  } else {
    limiter = cache::MakeInProcessRateLimiter(config.rate_limit_limit, config.rate_limit_ttl);
  }
  http::EdgeOptions edge;
  edge.cors_origins = config.cors_origins;
  edge.rate_limiter = limiter.get();
  http::Pipeline pipeline(router, registry, std::move(edge));

  http::ServerOptions server_options;
  server_options.host = options.host;
  server_options.port = static_cast<unsigned short>(options.port != 0 ? options.port : config.port);
  server_options.io_threads = options.io_threads;
  server_options.worker_threads = options.workers;
  server_options.body_limit = config.upload_max_size;
  server_options.read_timeout = std::chrono::milliseconds(options.read_timeout_ms);
  server_options.shutdown_grace = std::chrono::milliseconds(options.shutdown_grace_ms);
  http::Server server(server_options, pipeline);
  if (Status s = server.Listen(); !s.ok()) {
    telemetry::LogError("cannot start", {{"reason", s.message()}});
    {
      std::lock_guard lock(refresher_mu);
      refresher_stop = true;
    }
    refresher_cv.notify_all();
    refresher.join();
    return 1;
  }
  telemetry::LogInfo("listening", {{"address", options.host},
                                   {"port", std::to_string(server.port()), true},
                                   {"env", config.env},
                                   {"database", db->display_url()},
                                   {"redis", config.redis_url.empty() ? "off" : "on"},
                                   {"version", ESTIMATE_VERSION}});
  const bool clean = server.Run();
  {
    std::lock_guard lock(refresher_mu);
    refresher_stop = true;
  }
  refresher_cv.notify_all();
  refresher.join();
  db.reset();  // closes the pool's connections
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

  cli.add_subcommand("migrate", "Apply the database migrations (each in a transaction)");
  cli.add_subcommand("version", "Print the version and build");
  cli.add_subcommand("routes", "List the HTTP routes (METHOD PATTERN per line)");

  std::string calc_path;
  std::string calc_format = "json";
  auto* calc_cmd = cli.add_subcommand(
      "calc", "Compute an estimate document (contracts/calc-v1.md) and print the result");
  calc_cmd->add_option("FILE", calc_path, "Estimate document JSON, or - for stdin")->required();
  calc_cmd->add_option("--format", calc_format, "Output: json (estimate-result/1) or text (Russian table)")
      ->check(CLI::IsMember({"json", "text"}))->capture_default_str();

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

  app::NormsCommand norms_cmd;
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
  if (cli.got_subcommand("migrate")) return Migrate(global);
  if (cli.got_subcommand("routes")) return ListRoutes();
  if (cli.got_subcommand("import")) {
    return WithDatabase(global, [&](store::Database& db) { return app::RunImport(db, import_cmd); });
  }
  if (cli.got_subcommand("releases")) {
    releases_cmd.action = rel_activate->parsed() ? "activate" : rel_rollback->parsed() ? "rollback" : "list";
    return WithDatabase(global, [&](store::Database& db) { return app::RunReleases(db, releases_cmd); });
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
