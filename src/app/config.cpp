#include "app/config.hpp"

#include <arpa/inet.h>

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <set>
#include <sstream>

#include "app/time_zone.hpp"
#include "cache/redis_client.hpp"
#include "core/cron.hpp"
#include "core/decimal.hpp"
#include "core/text.hpp"
#include "store/database.hpp"

extern char** environ;

namespace estimate::app {
namespace {

// What the configuration trims around lines, names and values (CRLF files included).
constexpr std::string_view kBlanks = " \t\r";

bool ParseUint(std::string_view s, std::uint64_t& out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

// "900", "900s", "15m", "12h", "7d" → seconds.
bool ParseDuration(const std::string& s, std::chrono::seconds& out) {
  if (s.empty()) return false;
  std::uint64_t mult = 1;
  std::string digits = s;
  switch (s.back()) {
    case 's': mult = 1; digits.pop_back(); break;
    case 'm': mult = 60; digits.pop_back(); break;
    case 'h': mult = 3600; digits.pop_back(); break;
    case 'd': mult = 86400; digits.pop_back(); break;
    default: break;
  }
  std::uint64_t n = 0;
  if (!ParseUint(digits, n) || n == 0 || n > 10ull * 365 * 86400 / mult) return false;
  out = std::chrono::seconds(n * mult);
  return true;
}

// "10485760", "512kb", "10mb", "1gb" (case-insensitive, binary multiples) → bytes.
bool ParseSize(std::string s, std::uint64_t& out) {
  s = core::AsciiLower(s);
  std::uint64_t mult = 1;
  auto strip = [&](const char* suffix, std::uint64_t m) {
    std::string_view sv(suffix);
    if (s.size() > sv.size() && s.compare(s.size() - sv.size(), sv.size(), sv) == 0) {
      s.resize(s.size() - sv.size());
      mult = m;
      return true;
    }
    return false;
  };
  strip("kb", 1024) || strip("mb", 1024 * 1024) || strip("gb", 1024ull * 1024 * 1024) ||
      strip("b", 1);
  std::uint64_t n = 0;
  if (!ParseUint(core::TrimAny(s, kBlanks), n) || n == 0 || n > (1ull << 40) / mult) return false;
  out = n * mult;
  return true;
}

bool ParseBool(std::string s, bool& out) {
  s = core::AsciiLower(s);
  if (s == "true" || s == "1" || s == "yes" || s == "on") return out = true, true;
  if (s == "false" || s == "0" || s == "no" || s == "off") return out = false, true;
  return false;
}

// A value that the deployment guides write in place of a secret ("your-super-secret-jwt-key",
// "sk-your-openai-api-key", "secure_password", "changeme"): refused in production.
bool LooksLikePlaceholder(std::string value) {
  value = core::AsciiLower(value);
  for (std::string_view mark : {"your-", "your_", "change-me", "changeme", "change_me", "replace-me",
                                "placeholder", "secure_password", "example-secret"}) {
    if (value.find(mark) != std::string::npos) return true;
  }
  return value == "password" || value == "secret";
}

// The password of a URL (postgresql://user:PASSWORD@host/db, redis://:PASSWORD@host, or a
// password=… query parameter), empty when it has none. The user part ends at the last '@' before
// the host, as the service's parsers read it.
std::string UrlPassword(const std::string& url) {
  const auto scheme = url.find("://");
  if (scheme == std::string::npos) return {};
  if (const auto q = url.find("password="); q != std::string::npos) {
    const auto end = url.find('&', q);
    return url.substr(q + 9, end == std::string::npos ? std::string::npos : end - q - 9);
  }
  const auto path = url.find('/', scheme + 3);
  const auto at = url.rfind('@', path == std::string::npos ? std::string::npos : path);
  if (at == std::string::npos || at < scheme + 3) return {};
  const auto colon = url.find(':', scheme + 3);
  return colon != std::string::npos && colon < at ? url.substr(colon + 1, at - colon - 1) : std::string();
}

// The URL with its password replaced by ***.
std::string MaskUrl(std::string url) {
  const std::string password = UrlPassword(url);
  if (password.empty()) return url;
  if (const auto q = url.find("password=" + password); q != std::string::npos) {
    return url.replace(q + 9, password.size(), "***");
  }
  const auto at = url.rfind(password + "@");
  return at == std::string::npos ? url : url.replace(at, password.size(), "***");
}

// "250ms", "2s", "1m", "1500" (ms) → milliseconds, at most a day.
bool ParseMillis(std::string s, std::chrono::milliseconds& out) {
  std::uint64_t mult = 1;
  if (s.size() > 2 && s.compare(s.size() - 2, 2, "ms") == 0) {
    s.resize(s.size() - 2);
  } else if (!s.empty() && s.back() == 's') {
    s.pop_back();
    mult = 1000;
  } else if (!s.empty() && s.back() == 'm') {
    s.pop_back();
    mult = 60'000;
  }
  std::uint64_t n = 0;
  if (!ParseUint(s, n) || n == 0 || n > 86'400'000 / mult) return false;
  out = std::chrono::milliseconds(n * mult);
  return true;
}

// The items of a comma-separated list, trimmed.
std::vector<std::string> SplitList(const std::string& v) {
  std::vector<std::string> out;
  std::string item;
  std::istringstream list(v);
  while (std::getline(list, item, ',')) out.emplace_back(core::TrimBlanks(item));
  return out;
}

bool IsHttpUrl(const std::string& s) {
  return (s.rfind("http://", 0) == 0 && s.size() > 7) || (s.rfind("https://", 0) == 0 && s.size() > 8);
}

std::string Quote(const std::string& v) { return "\"" + v + "\""; }

}  // namespace

const std::vector<ConfigVariable>& ConfigVariables() {
  static const std::vector<ConfigVariable> kVariables = {
      {"PORT", "3000", "TCP port of the HTTP server", false},
      {"NODE_ENV", "development", "development | production | test (APP_ENV is a synonym)", false},
      {"DATABASE_URL", "sqlite://data/estimate.db", "sqlite://PATH or postgresql://USER:PASSWORD@HOST:PORT/DB", false},
      {"REDIS_URL", "", "redis://[:PASSWORD@]HOST:PORT[/DB]; empty: in-process cache and counters", false},
      {"JWT_SECRET", "", "secret of access tokens; production: at least 32 bytes", true},
      {"JWT_REFRESH_SECRET", "", "secret of refresh tokens; production: at least 32 bytes, not JWT_SECRET", true},
      {"JWT_EXPIRES_IN", "15m", "lifetime of an access token (900, 900s, 15m, 12h, 7d)", false},
      {"JWT_REFRESH_EXPIRES_IN", "7d", "lifetime of a refresh token", false},
      {"OPENAI_API_KEY", "", "key of an OpenAI-compatible model API; empty: no model, retrieval answers", true},
      {"OPENAI_MODEL", "gpt-4o-mini", "model name for the AI assistant", false},
      {"OPENAI_BASE_URL", "https://api.openai.com/v1", "base URL of the OpenAI-compatible API", false},
      {"OPENAI_EMBEDDING_MODEL", "", "with OPENAI_API_KEY: embeddings model of the norm suggestion (e.g. text-embedding-3-small); empty: fastText trained here", false},
      {"CHROMA_URL", "", "optional Chroma vector database URL; empty: local hnswlib index", false},
      {"CHROMA_TOKEN", "", "token of the Chroma server (x-chroma-token); empty: none", true},
      {"CHROMA_API_KEY", "", "the same as CHROMA_TOKEN (the deployment guide's name), used when that is empty", true},
      {"FSBTS_UPDATE_SCHEDULE", "0 2 * * *", "the collector's schedule: 5-field cron (minute hour day-of-month month day-of-week) in FSBTS_TIME_ZONE", false},
      {"FSBTS_TIME_ZONE", "Europe/Moscow", "time zone of FSBTS_UPDATE_SCHEDULE (a tzdata name)", false},
      {"AI_CACHE_DIR", "data/ai", "folder of the assistant's models and vector indexes, one per release", false},
      {"STORAGE_TYPE", "local", "local (files under STORAGE_PATH) | s3", false},
      {"STORAGE_PATH", "data/files", "folder of uploads and exports when STORAGE_TYPE=local", false},
      {"UPLOAD_MAX_SIZE", "10mb", "largest request body accepted (bytes, or with kb/mb/gb)", false},
      {"AWS_ACCESS_KEY_ID", "", "S3 access key (STORAGE_TYPE=s3)", true},
      {"AWS_SECRET_ACCESS_KEY", "", "S3 secret key (STORAGE_TYPE=s3)", true},
      {"AWS_REGION", "", "S3 region (STORAGE_TYPE=s3)", false},
      {"AWS_S3_BUCKET", "", "S3 bucket (STORAGE_TYPE=s3)", false},
      {"AWS_ENDPOINT", "", "S3-compatible endpoint URL, e.g. MinIO; empty: AWS", false},
      {"PROMETHEUS_ENABLED", "true", "serve GET /metrics", false},
      {"METRICS_ADDR", "", "HOST:PORT of a listener of its own for GET /metrics (production: an address the ingress does not route to); empty: on PORT, to loopback clients or with METRICS_TOKEN", false},
      {"METRICS_TOKEN", "", "if set, GET /metrics on PORT needs Authorization: Bearer METRICS_TOKEN", true},
      {"MAX_CONNECTIONS", "0", "open HTTP connections at most; 0: the descriptor limit less a reserve", false},
      {"LOG_LEVEL", "info", "trace | debug | info | warn | error | critical | off", false},
      {"LOG_FORMAT", "text", "text | json (one JSON object per line)", false},
      {"CORS_ORIGIN", "", "allowed browser origins, comma-separated, or *; empty: none", false},
      {"RATE_LIMIT_TTL", "60000", "rate-limit window in milliseconds (60000 = one minute), or with s / m", false},
      {"RATE_LIMIT_LIMIT", "100", "requests per window per user and per IP", false},
      {"MINSTROYRF_API_KEY", "", "key of the ФГИС ЦС / Minstroy API for the collector (sent as X-Api-Key only when set; the portal's open data needs none)", true},
      {"FGIS_BASE_URL", "https://fgiscs.minstroyrf.ru/api", "base URL of the ФГИС ЦС portal API the collector reads", false},
      {"FGIS_BASE_DATASETS", "7707082071-fsnb", "open-data sets whose current files make a ФСНБ release, comma-separated", false},
      {"FGIS_PRICE_TERRITORIES", "", "regions and price zones whose current prices are collected besides those the active release holds, e.g. 77:1,50:1", false},
      {"FGIS_REQUESTS_PER_SECOND", "2", "requests to the portal per second at most (0.1–5)", false},
      {"FGIS_CONNECT_TIMEOUT", "10s", "connect timeout of a request to the portal (ms, s or m)", false},
      {"FGIS_STALL_TIMEOUT", "30s", "a transfer slower than 1 KiB/s for this long is cut and retried", false},
      {"FGIS_RETRY_DELAY", "1s", "first wait before a retry, doubled each time with jitter (ms, s or m)", false},
      {"FGIS_ATTEMPTS", "5", "attempts of a request in all (1–20)", false},
      {"COLLECTOR_DIR", "data/collector", "folder of the running collection's downloads (removed when it ends); on SQLite the collection lock is a file beside the database", false},
      {"COLLECTOR_MAX_FILE_SIZE", "4gb", "largest file the collector downloads", false},
      {"COLLECTOR_MIN_FREE_SPACE", "256mb", "disk space the collector leaves free; a download that would use it fails", false},
      {"COLLECTOR_PRICE_CHANGE_PERCENT", "10", "prices that moved by more than this percentage are listed in a release's report", false},
      {"BACKUP_DIR", "data/backups", "folder of scripts/backup-db.sh and backup-files.sh; the service reports its newest backup's time on /metrics", false},
      {"BACKUP_RETENTION_DAYS", "30", "backups older than this many days (by the date in their names) are removed after a backup", false},
      {"COLLECTOR_AUTO_ACTIVATE_PRICES", "false", "activate at once a release that only adds a quarter's prices (a new ФСНБ always waits for an admin)", false},
      {"GGE_XSD_DIR", "../shared/samples/xsd", "folder of the Minstroy/ГГЭ XSD schemas every XML export is validated against", false},
      {"WEB_ROOT", "web/dist", "folder of the built web application (index.html, assets/) that the api role serves at /, read once at start; empty: not served", false},
  };
  return kVariables;
}

std::string DescribeConfig(const std::map<std::string, std::string>& values) {
  std::string out;
  std::set<std::string> known;
  for (const auto& v : ConfigVariables()) {
    known.insert(v.name);
    auto it = values.find(v.name);
    std::string value = it != values.end() ? it->second : v.default_value;
    if (v.secret && !value.empty()) value = "***";
    // URLs may carry credentials: shown without them.
    if (value.find("://") != std::string::npos) value = MaskUrl(value);
    out += std::string(v.name) + "=" + value + (it == values.end() ? "  (default)" : "") + "\n";
  }
  for (const auto& [name, value] : values) {
    if (known.count(name) != 0) continue;
    // Only what looks like a setting: the environment's own variables (PATH, HOME) are not.
    static const char* kPrefixes[] = {"POSTGRES_", "GRAFANA_", "REDIS_", "AZURE_", "S3_"};
    bool ours = false;
    for (const char* p : kPrefixes) ours = ours || name.rfind(p, 0) == 0;
    if (ours) out += name + "  (not read by the service: for the deployment files)\n";
  }
  return out;
}

std::map<std::string, std::string> ReadEnvFile(const std::string& path,
                                               std::vector<std::string>& problems) {
  std::map<std::string, std::string> values;
  std::ifstream in(path);
  if (!in) return values;
  int line_no = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_no;
    line = std::string(core::TrimAny(line, kBlanks));
    if (line.empty() || line[0] == '#') continue;
    if (line.rfind("export ", 0) == 0) line = std::string(core::TrimAny(line.substr(7), kBlanks));
    auto eq = line.find('=');
    if (eq == std::string::npos || eq == 0) {
      problems.push_back(path + ":" + std::to_string(line_no) + ": not a KEY=VALUE line");
      continue;
    }
    std::string key(core::TrimAny(line.substr(0, eq), kBlanks));
    std::string value(core::TrimAny(line.substr(eq + 1), kBlanks));
    if (!value.empty() && (value.front() == '"' || value.front() == '\'')) {
      // Quoted, as deployment guides write it: FSBTS_UPDATE_SCHEDULE="0 2 * * *" # Daily at 2 AM
      const auto close = value.find(value.front(), 1);
      const std::string_view after =
          close == std::string::npos ? std::string_view() : core::TrimAny(std::string_view(value).substr(close + 1), kBlanks);
      if (close == std::string::npos || (!after.empty() && after.front() != '#')) {
        problems.push_back(path + ":" + std::to_string(line_no) + ": " + key +
                           (close == std::string::npos ? ": the quote is not closed"
                                                       : ": text after the closing quote that is not a # comment"));
        continue;
      }
      value = value.substr(1, close - 1);
    } else if (auto hash = value.find(" #"); hash != std::string::npos) {
      value = std::string(core::TrimAny(value.substr(0, hash), kBlanks));
    }
    values[key] = value;
  }
  return values;
}

std::map<std::string, std::string> CollectEnvironment(const std::string& env_file,
                                                      std::vector<std::string>& problems) {
  auto values = ReadEnvFile(env_file, problems);
  std::set<std::string> known;
  for (const auto& v : ConfigVariables()) known.insert(v.name);
  known.insert("APP_ENV");
  for (char** e = environ; *e != nullptr; ++e) {
    std::string kv = *e;
    auto eq = kv.find('=');
    if (eq == std::string::npos) continue;
    std::string key = kv.substr(0, eq);
    if (known.count(key)) values[key] = kv.substr(eq + 1);
  }
  return values;
}

Config ParseConfig(const std::map<std::string, std::string>& values,
                   std::vector<std::string>& problems) {
  Config c;
  auto get = [&](const char* name, std::string& out) {
    auto it = values.find(name);
    if (it == values.end() || it->second.empty()) return false;
    out = it->second;
    return true;
  };
  auto bad = [&](const char* name, const std::string& value, const std::string& why) {
    problems.push_back(std::string(name) + ": " + Quote(value) + " " + why);
  };
  std::string v;

  if (get("PORT", v)) {
    std::uint64_t p = 0;
    if (!ParseUint(v, p) || p == 0 || p > 65535) bad("PORT", v, "is not a port number (1–65535)");
    else c.port = static_cast<int>(p);
  }
  if (get("APP_ENV", v)) c.env = v;
  if (get("NODE_ENV", v)) c.env = v;
  if (c.env != "development" && c.env != "production" && c.env != "test") {
    bad(values.count("NODE_ENV") ? "NODE_ENV" : "APP_ENV", c.env,
        "is not one of development, production, test");
  }
  if (get("DATABASE_URL", v)) c.database_url = v;
  if (auto d = store::DialectOfUrl(c.database_url); !d.ok()) problems.push_back(d.status().message());
  if (get("REDIS_URL", v)) {
    c.redis_url = v;
    if (auto r = cache::ParseRedisUrl(v); !r.ok()) problems.push_back(r.status().message());
  }
  get("JWT_SECRET", c.jwt_secret);
  get("JWT_REFRESH_SECRET", c.jwt_refresh_secret);
  if (get("JWT_EXPIRES_IN", v) && !ParseDuration(v, c.jwt_expires_in)) {
    bad("JWT_EXPIRES_IN", v, "is not a duration (e.g. 900, 15m, 12h, 7d)");
  }
  if (get("JWT_REFRESH_EXPIRES_IN", v) && !ParseDuration(v, c.jwt_refresh_expires_in)) {
    bad("JWT_REFRESH_EXPIRES_IN", v, "is not a duration (e.g. 7d)");
  }
  if (c.production()) {
    // Secrets are never echoed, not even in this message.
    if (c.jwt_secret.size() < 32) {
      problems.push_back("JWT_SECRET: is " + std::string(c.jwt_secret.empty() ? "missing" : "shorter than 32 bytes") +
                         "; production requires a random secret of at least 32 bytes");
    }
    if (c.jwt_refresh_secret.size() < 32) {
      problems.push_back("JWT_REFRESH_SECRET: is " +
                         std::string(c.jwt_refresh_secret.empty() ? "missing" : "shorter than 32 bytes") +
                         "; production requires a random secret of at least 32 bytes");
    } else if (c.jwt_refresh_secret == c.jwt_secret) {
      problems.push_back("JWT_REFRESH_SECRET: must differ from JWT_SECRET");
    }
    // The deployment guide's placeholders, copied as they are: each one named, never echoed.
    for (const char* name : {"JWT_SECRET", "JWT_REFRESH_SECRET", "OPENAI_API_KEY", "CHROMA_TOKEN",
                             "CHROMA_API_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                             "MINSTROYRF_API_KEY", "METRICS_TOKEN"}) {
      if (auto it = values.find(name); it != values.end() && LooksLikePlaceholder(it->second)) {
        problems.push_back(std::string(name) +
                           ": is the deployment guide's placeholder, not a secret; production needs the real one");
      }
    }
    if (LooksLikePlaceholder(UrlPassword(c.database_url))) {
      problems.push_back("DATABASE_URL: its password is the deployment guide's placeholder; production needs the real one");
    }
  }
  get("OPENAI_API_KEY", c.openai_api_key);
  get("OPENAI_MODEL", c.openai_model);
  get("OPENAI_EMBEDDING_MODEL", c.openai_embedding_model);
  if (get("OPENAI_BASE_URL", v)) {
    if (!IsHttpUrl(v)) bad("OPENAI_BASE_URL", v, "is not an http(s) URL");
    else c.openai_base_url = v;
  }
  if (get("CHROMA_URL", v)) {
    if (!IsHttpUrl(v)) bad("CHROMA_URL", v, "is not an http(s) URL");
    else c.chroma_url = v;
  }
  get("CHROMA_TOKEN", c.chroma_token);
  // The deployment guide's name for it.
  if (c.chroma_token.empty()) get("CHROMA_API_KEY", c.chroma_token);
  if (get("STORAGE_TYPE", v)) {
    if (v == "azure") {
      bad("STORAGE_TYPE", v, "is not supported yet; use local or s3 (an S3-compatible server: AWS_ENDPOINT)");
    } else if (v != "local" && v != "s3") {
      bad("STORAGE_TYPE", v, "is not one of local, s3");
    } else {
      c.storage_type = v;
    }
  }
  get("STORAGE_PATH", c.storage_path);
  get("AI_CACHE_DIR", c.ai_cache_dir);
  // The collector's schedule: refused at the start, naming the variable and the field.
  get("FSBTS_UPDATE_SCHEDULE", c.update_schedule);
  if (auto schedule = core::CronSchedule::Parse(c.update_schedule); !schedule.ok()) {
    problems.push_back("FSBTS_UPDATE_SCHEDULE: " + schedule.status().message());
  }
  get("FSBTS_TIME_ZONE", c.update_time_zone);
  if (auto zone = TimeZone::Load(c.update_time_zone); !zone.ok()) {
    problems.push_back("FSBTS_TIME_ZONE: " + zone.status().message());
  }
  get("AWS_ACCESS_KEY_ID", c.aws_access_key_id);
  get("AWS_SECRET_ACCESS_KEY", c.aws_secret_access_key);
  get("AWS_REGION", c.aws_region);
  get("AWS_S3_BUCKET", c.aws_s3_bucket);
  if (get("AWS_ENDPOINT", v)) {
    if (!IsHttpUrl(v)) bad("AWS_ENDPOINT", v, "is not an http(s) URL");
    else c.aws_endpoint = v;
  }
  if (c.storage_type == "s3") {
    for (auto [name, value] : {std::pair{"AWS_S3_BUCKET", &c.aws_s3_bucket},
                               std::pair{"AWS_REGION", &c.aws_region},
                               std::pair{"AWS_ACCESS_KEY_ID", &c.aws_access_key_id},
                               std::pair{"AWS_SECRET_ACCESS_KEY", &c.aws_secret_access_key}}) {
      if (value->empty()) problems.push_back(std::string(name) + ": is required when STORAGE_TYPE=s3");
    }
  }
  if (get("UPLOAD_MAX_SIZE", v) && !ParseSize(v, c.upload_max_size)) {
    bad("UPLOAD_MAX_SIZE", v, "is not a size (bytes, or e.g. 512kb, 10mb, 1gb)");
  }
  if (get("PROMETHEUS_ENABLED", v) && !ParseBool(v, c.prometheus_enabled)) {
    bad("PROMETHEUS_ENABLED", v, "is not true or false");
  }
  if (get("METRICS_ADDR", v) && !v.empty()) {
    const auto colon = v.rfind(':');
    std::uint64_t port = 0;
    std::string host = colon == std::string::npos ? std::string() : v.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
      host = host.substr(1, host.size() - 2);
    }
    unsigned char ip[16];
    const bool literal = ::inet_pton(AF_INET, host.c_str(), ip) == 1 ||
                         ::inet_pton(AF_INET6, host.c_str(), ip) == 1;
    if (colon == std::string::npos || !literal || !ParseUint(v.substr(colon + 1), port) ||
        port == 0 || port > 65535) {
      bad("METRICS_ADDR", v, "is not IP:PORT (e.g. 127.0.0.1:9464, 0.0.0.0:9464, [::1]:9464)");
    } else {
      c.metrics_host = host;
      c.metrics_port = static_cast<int>(port);
    }
  }
  get("METRICS_TOKEN", c.metrics_token);
  if (get("MAX_CONNECTIONS", v)) {
    std::uint64_t n = 0;
    if (!ParseUint(v, n) || n > 1000000) bad("MAX_CONNECTIONS", v, "is not a whole number up to 1000000");
    else c.max_connections = static_cast<int>(n);
  }
  if (get("LOG_LEVEL", v)) {
    static const std::set<std::string> kLevels = {"trace", "debug", "info", "warn",
                                                  "error", "critical", "off"};
    if (!kLevels.count(v)) bad("LOG_LEVEL", v, "is not one of trace, debug, info, warn, error, critical, off");
    else c.log_level = v;
  }
  if (get("LOG_FORMAT", v)) {
    if (v != "text" && v != "json") bad("LOG_FORMAT", v, "is not one of text, json");
    else c.log_format = v;
  }
  if (get("CORS_ORIGIN", v)) {
    std::string item;
    std::istringstream list(v);
    while (std::getline(list, item, ',')) {
      item = std::string(core::TrimAny(item, kBlanks));
      if (item.empty()) continue;
      if (item != "*" && !IsHttpUrl(item)) bad("CORS_ORIGIN", item, "is not * or an http(s) origin");
      else c.cors_origins.push_back(item);
    }
  }
  if (get("RATE_LIMIT_TTL", v)) {
    // Milliseconds, as the deployment guides write it (60000 = one minute); "60s" or "1m" too.
    std::chrono::milliseconds ttl{0};
    const bool bare = !v.empty() && std::all_of(v.begin(), v.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
    if (!v.empty() && v.back() == 'h') {
      std::uint64_t hours = 0;
      if (ParseUint(v.substr(0, v.size() - 1), hours) && hours >= 1 && hours <= 24) {
        ttl = std::chrono::hours(hours);
      }
    } else if (!ParseMillis(v, ttl)) {
      ttl = std::chrono::milliseconds(0);
    }
    if (bare && ttl.count() % 1000 != 0) {
      // Seconds written as before are milliseconds now: 3600 would be 3.6 s.
      bad("RATE_LIMIT_TTL", v, "is in milliseconds and not whole seconds (60000 = one minute); for seconds write " + v + "s");
    } else if (ttl < std::chrono::seconds(1)) {
      bad("RATE_LIMIT_TTL", v, "is not a window of at least one second: milliseconds (60000) or 60s, 1m, 1h");
    } else {
      c.rate_limit_ttl = std::chrono::ceil<std::chrono::seconds>(ttl);
    }
  }
  if (get("RATE_LIMIT_LIMIT", v)) {
    std::uint64_t n = 0;
    if (!ParseUint(v, n) || n == 0 || n > 1000000000) bad("RATE_LIMIT_LIMIT", v, "is not a positive whole number");
    else c.rate_limit_limit = static_cast<int>(n);
  }
  get("MINSTROYRF_API_KEY", c.minstroyrf_api_key);
  if (get("FGIS_BASE_URL", v)) {
    if (!IsHttpUrl(v)) bad("FGIS_BASE_URL", v, "is not an http(s):// URL");
    else c.fgis_base_url = v;
  }
  if (get("FGIS_BASE_DATASETS", v)) {
    c.fgis_datasets.clear();
    for (const auto& item : SplitList(v)) {
      if (!item.empty()) c.fgis_datasets.emplace_back(item);
    }
  }
  if (get("FGIS_PRICE_TERRITORIES", v)) {
    for (const std::string& item : SplitList(v)) {
      if (item.empty()) continue;
      const auto colon = item.find(':');
      std::uint64_t region = 0, zone = 0;
      if (colon == std::string::npos || !ParseUint(item.substr(0, colon), region) ||
          !ParseUint(item.substr(colon + 1), zone) || region == 0 || region > 99 || zone == 0 ||
          zone > 99) {
        bad("FGIS_PRICE_TERRITORIES", item, "is not REGION:ZONE such as 77:1");
        continue;
      }
      c.fgis_territories.emplace_back(std::to_string(region).insert(0, region < 10 ? "0" : ""),
                                      static_cast<int>(zone));
    }
  }
  if (get("FGIS_REQUESTS_PER_SECOND", v)) {
    // Tenths: "2", "0.5", "4.5".
    std::uint64_t whole = 0, tenth = 0;
    const auto dot = v.find('.');
    const bool ok = ParseUint(v.substr(0, dot), whole) &&
                    (dot == std::string::npos || (v.size() == dot + 2 && ParseUint(v.substr(dot + 1), tenth)));
    const std::uint64_t tenths = whole * 10 + tenth;
    if (!ok || tenths < 1 || tenths > 50) bad("FGIS_REQUESTS_PER_SECOND", v, "is not a number from 0.1 to 5");
    else c.fgis_requests_per_second = static_cast<double>(tenths) / 10;
  }
  for (auto [name, target] : {std::pair{"FGIS_CONNECT_TIMEOUT", &c.fgis_connect_timeout},
                              std::pair{"FGIS_STALL_TIMEOUT", &c.fgis_stall_timeout},
                              std::pair{"FGIS_RETRY_DELAY", &c.fgis_retry_delay}}) {
    if (get(name, v) && !ParseMillis(v, *target)) bad(name, v, "is not a duration such as 500ms, 10s or 1m");
  }
  if (get("FGIS_ATTEMPTS", v)) {
    std::uint64_t n = 0;
    if (!ParseUint(v, n) || n < 1 || n > 20) bad("FGIS_ATTEMPTS", v, "is not a whole number from 1 to 20");
    else c.fgis_attempts = static_cast<int>(n);
  }
  get("COLLECTOR_DIR", c.collector_dir);
  if (get("COLLECTOR_MAX_FILE_SIZE", v) && !ParseSize(v, c.collector_max_file_size)) {
    bad("COLLECTOR_MAX_FILE_SIZE", v, "is not a size such as 4gb");
  }
  if (get("COLLECTOR_MIN_FREE_SPACE", v) && !ParseSize(v, c.collector_min_free_space)) {
    bad("COLLECTOR_MIN_FREE_SPACE", v, "is not a size such as 256mb");
  }
  if (get("COLLECTOR_PRICE_CHANGE_PERCENT", v)) {
    auto d = core::Decimal::Parse(v);
    if (!d.ok() || d->IsNegative() || d->IntegerDigits() > 4) {
      bad("COLLECTOR_PRICE_CHANGE_PERCENT", v, "is not a percentage such as 10 or 2.5");
    } else {
      c.collector_price_change_percent = v;
    }
  }
  get("BACKUP_DIR", c.backup_dir);
  if (get("BACKUP_RETENTION_DAYS", v)) {
    std::uint64_t n = 0;
    if (!ParseUint(v, n) || n < 1 || n > 3650) bad("BACKUP_RETENTION_DAYS", v, "is not a number of days from 1 to 3650");
    else c.backup_retention_days = static_cast<int>(n);
  }
  if (get("COLLECTOR_AUTO_ACTIVATE_PRICES", v) && !ParseBool(v, c.collector_auto_activate_prices)) {
    bad("COLLECTOR_AUTO_ACTIVATE_PRICES", v, "is not true or false");
  }
  get("GGE_XSD_DIR", c.gge_xsd_dir);
  // Unlike the others, WEB_ROOT set to nothing is a value: the application is not served.
  if (auto it = values.find("WEB_ROOT"); it != values.end()) {
    c.web_root = std::string(core::TrimAny(it->second, kBlanks));
  }
  return c;
}

files::StorageSettings StorageSettingsOf(const Config& config) {
  files::StorageSettings s;
  s.type = config.storage_type;
  s.path = config.storage_path;
  s.s3_bucket = config.aws_s3_bucket;
  s.s3_region = config.aws_region;
  s.s3_endpoint = config.aws_endpoint;
  s.s3_access_key = config.aws_access_key_id;
  s.s3_secret_key = config.aws_secret_access_key;
  return s;
}

}  // namespace estimate::app
