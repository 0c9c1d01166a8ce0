#pragma once
// Every authenticated request is authorised against the state of now, not the state the access
// token was issued in: its session (the token's `fam`) must be live — not ended by logout,
// refresh-token reuse, a password change, a role change or a removal — and the user active and
// still a member, and the request acts with the role the user holds now.
//
// The check is one indexed query (store::AccountRepository::SessionRole). With Redis, answers are
// remembered per session for `max_age` and dropped on every instance as soon as a session or a
// user changes: RevocationNotifier publishes each revocation on the event bus, and an instance
// remembers anything only while its subscription is live (cache::EventBus), so a change made
// anywhere — another instance, the command line — is never answered from a stale memory. The
// instance that makes the change forgets at once, before it answers. Without Redis, on SQLite,
// the command line on the same host tells through a file next to the database (checked with
// one stat() per request); on PostgreSQL without Redis nothing is remembered and every request
// asks the database.
//
// Thread-safe.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "auth/refresh_token_store.hpp"
#include "auth/role.hpp"
#include "cache/event_bus.hpp"
#include "core/status.hpp"

namespace estimate::store {
class AccountRepository;
}

namespace estimate::services {

class SessionGuard {
 public:
  struct Options {
    std::chrono::milliseconds max_age{60'000};  // bounds a message lost in a publish
    std::size_t max_entries = 100'000;
  };

  // `bus` may be null (nothing remembered). Starts listening on it.
  SessionGuard(store::AccountRepository& accounts, cache::EventBus* bus, Options options);
  SessionGuard(store::AccountRepository& accounts, cache::EventBus* bus)
      : SessionGuard(accounts, bus, Options{}) {}
  ~SessionGuard();  // stops the bus's callbacks
  SessionGuard(const SessionGuard&) = delete;
  SessionGuard& operator=(const SessionGuard&) = delete;

  // The role `user_id` holds now in `organization_id` within session `family`; Unauthenticated
  // when the session ended or the membership is gone; Unavailable when the database is.
  Result<auth::Role> CurrentRole(std::int64_t user_id, std::int64_t organization_id,
                                 std::string_view family);

  // Forgets a session or every session of a user, in this instance (the bus does the others).
  void ForgetSession(std::string_view family);
  void ForgetUser(std::string_view user_id);

  // What the bus says: "family:<id>" or "user:<id>".
  void OnMessage(std::string_view message);

  std::size_t remembered() const;

 private:
  struct Entry {
    std::int64_t user_id = 0;
    std::int64_t organization_id = 0;
    auth::Role role = auth::Role::kViewer;
    std::chrono::steady_clock::time_point checked;
  };
  void ForgetAll();

  store::AccountRepository& accounts_;
  cache::EventBus* bus_;
  Options options_;
  mutable std::shared_mutex mu_;
  std::unordered_map<std::string, Entry> entries_;  // by family
  // Moves on with every forgetting, so that an answer read from the database before a change
  // is not remembered after it.
  std::atomic<std::uint64_t> epoch_{0};
};

// A RefreshTokenStore that tells the guards of every instance about each revocation it makes:
// `local` (may be null: the command line) at once, the others through `bus` (may be null).
class RevocationNotifier final : public auth::RefreshTokenStore {
 public:
  RevocationNotifier(auth::RefreshTokenStore& inner, SessionGuard* local, cache::EventBus* bus)
      : inner_(inner), local_(local), bus_(bus) {}

  Status Insert(const auth::RefreshTokenRecord& record) override { return inner_.Insert(record); }
  Result<auth::RefreshTokenRecord> Find(std::string_view jti) override { return inner_.Find(jti); }
  Status MarkUsed(std::string_view jti) override { return inner_.MarkUsed(jti); }
  Status RevokeFamily(std::string_view family) override;
  Status RevokeUser(std::string_view user) override;
  Status DeleteExpired(auth::Seconds now) override { return inner_.DeleteExpired(now); }

 private:
  void Tell(const std::string& message);

  auth::RefreshTokenStore& inner_;
  SessionGuard* local_;
  cache::EventBus* bus_;
};

}  // namespace estimate::services
