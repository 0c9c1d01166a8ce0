#include "store/database.hpp"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <optional>
#include <vector>

namespace estimate::store {

struct Database::Impl {
  std::string connect_string;
  std::chrono::milliseconds acquire_timeout;
  mutable std::mutex mu;
  std::condition_variable freed;
  struct Slot {
    std::unique_ptr<soci::session> session;
    bool busy = false;
  };
  std::vector<Slot> slots;
};

Result<Dialect> DialectOfUrl(const std::string& url) {
  if (url.rfind("sqlite://", 0) == 0) {
    if (url.size() == 9) return InvalidArgument("DATABASE_URL: sqlite:// needs a file path");
    return Dialect::kSqlite;
  }
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) {
    return Dialect::kPostgresql;
  }
  return InvalidArgument("DATABASE_URL: \"" + url.substr(0, url.find(':')) +
                         "\" is not a supported scheme; use sqlite://PATH or postgresql://…");
}

namespace {

std::string HidePassword(const std::string& url) {
  auto scheme_end = url.find("://");
  auto at = url.find('@');
  if (scheme_end == std::string::npos || at == std::string::npos) return url;
  auto colon = url.find(':', scheme_end + 3);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon + 1) + "***" + url.substr(at);
}

}  // namespace

Result<std::unique_ptr<Database>> Database::Open(const DatabaseOptions& options) {
  auto dialect = DialectOfUrl(options.url);
  if (!dialect.ok()) return dialect.status();
  if (options.pool_size == 0) return InvalidArgument("database pool size must be at least 1");
  std::string connect;
  if (*dialect == Dialect::kSqlite) {
    std::filesystem::path path = options.url.substr(9);
    std::error_code ec;
    if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
    if (ec) {
      return Unavailable("DATABASE_URL: cannot create " + path.parent_path().string() + ": " +
                         ec.message());
    }
    connect = "db=" + path.string() + " timeout=5 shared_cache=false";
  } else {
    // libpq takes the URI as it is; a connect timeout keeps readiness checks short when the
    // server is down or unreachable.
    connect = options.url;
    if (connect.find("connect_timeout") == std::string::npos) {
      connect += connect.find('?') == std::string::npos ? "?connect_timeout=3"
                                                         : "&connect_timeout=3";
    }
  }
  return std::unique_ptr<Database>(
      new Database(*dialect, std::move(connect), HidePassword(options.url), options));
}

Database::Database(Dialect dialect, std::string connect_string, std::string display_url,
                   const DatabaseOptions& options)
    : dialect_(dialect), display_url_(std::move(display_url)), impl_(std::make_unique<Impl>()) {
  impl_->connect_string = std::move(connect_string);
  impl_->acquire_timeout = options.acquire_timeout;
  impl_->slots.resize(options.pool_size);
}

Database::~Database() = default;

Result<Lease> Database::Acquire() {
  std::size_t slot = 0;
  {
    std::unique_lock lock(impl_->mu);
    auto free_slot = [&]() -> std::optional<std::size_t> {
      // Prefer an open connection, then an empty slot.
      std::optional<std::size_t> empty;
      for (std::size_t i = 0; i < impl_->slots.size(); ++i) {
        if (impl_->slots[i].busy) continue;
        if (impl_->slots[i].session) return i;
        if (!empty) empty = i;
      }
      return empty;
    };
    std::optional<std::size_t> found;
    if (!impl_->freed.wait_for(lock, impl_->acquire_timeout,
                               [&] { return (found = free_slot()).has_value(); })) {
      return Unavailable("database: no connection free within " +
                         std::to_string(impl_->acquire_timeout.count()) + " ms");
    }
    slot = *found;
    impl_->slots[slot].busy = true;
  }
  Lease lease(this, slot);
  auto& s = impl_->slots[slot].session;
  if (!s) {
    try {
      auto session = std::make_unique<soci::session>();
      if (dialect_ == Dialect::kSqlite) {
        session->open(*soci::factory_sqlite3(), impl_->connect_string);
        *session << "PRAGMA journal_mode=WAL";
        *session << "PRAGMA synchronous=NORMAL";
        *session << "PRAGMA foreign_keys=ON";
        *session << "PRAGMA busy_timeout=5000";
        // A big import grows the WAL to hundreds of MB; truncate it back after checkpoints.
        *session << "PRAGMA journal_size_limit=67108864";
      } else {
        session->open(*soci::factory_postgresql(), impl_->connect_string);
        // Notices ("relation … already exists, skipping") would go to stderr through libpq.
        *session << "SET client_min_messages TO warning";
      }
      s = std::move(session);
    } catch (const std::exception& e) {
      lease.MarkBroken();
      std::string what = e.what();
      while (!what.empty() && (what.back() == '\n' || what.back() == ' ')) what.pop_back();
      return Unavailable("database " + display_url_ + " unreachable: " + what);
    }
  }
  return lease;
}

Status Database::Ping() {
  auto lease = Acquire();
  if (!lease.ok()) return lease.status();
  try {
    int one = 0;
    lease->session() << "SELECT 1", soci::into(one);
    return Status::Ok();
  } catch (const std::exception& e) {
    lease->MarkBroken();
    return Unavailable(std::string("database query failed: ") + e.what());
  }
}

PoolStats Database::Stats() const {
  std::lock_guard lock(impl_->mu);
  PoolStats stats;
  stats.size = impl_->slots.size();
  for (const auto& slot : impl_->slots) {
    if (slot.busy) ++stats.in_use;
    else if (slot.session) ++stats.idle;
  }
  return stats;
}

void Database::Release(std::size_t slot, bool broken) {
  std::unique_ptr<soci::session> dead;
  {
    std::lock_guard lock(impl_->mu);
    if (broken) dead = std::move(impl_->slots[slot].session);
    impl_->slots[slot].busy = false;
  }
  impl_->freed.notify_one();
  // `dead` closes its connection here, outside the lock.
}

Lease::Lease(Lease&& other) noexcept : db_(other.db_), slot_(other.slot_), broken_(other.broken_) {
  other.db_ = nullptr;
}

Lease::~Lease() {
  if (db_ != nullptr) db_->Release(slot_, broken_);
}

soci::session& Lease::session() { return *db_->impl_->slots[slot_].session; }

void Lease::MarkBroken() { broken_ = true; }

}  // namespace estimate::store
