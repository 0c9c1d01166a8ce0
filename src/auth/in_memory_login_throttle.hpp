#pragma once
// LoginThrottle in a process's memory, time from the injected Clock. Counts and known-good
// addresses are per process: another instance, or this one after a restart, starts afresh (the
// owner's addresses become known-good again with the next sign-in from each). At most
// settings.max_entries keys are remembered; past that the least recently failed key is
// forgotten (memory stays bounded under a flood of made-up accounts, at the price of possibly
// forgetting an old count). Likewise at most settings.max_entries accounts keep known-good
// addresses, the least recently signed in to forgotten first, each with its
// settings.known_addresses_per_account most recent ones. Thread-safe.
#include <list>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "auth/login_throttle.hpp"
#include "auth/time.hpp"
#include "telemetry/system_clock.hpp"

namespace estimate::auth {

class InMemoryLoginThrottle final : public LoginThrottle {
 public:
  // `clock` must outlive the throttle.
  explicit InMemoryLoginThrottle(ThrottleSettings settings = {},
                                 const core::Clock& clock = telemetry::SystemClock());

  ThrottleDecision Check(std::string_view account, std::string_view ip) override;
  ThrottleDecision RecordFailure(std::string_view account, std::string_view ip) override;
  std::vector<LockChange> RecordSuccess(std::string_view account, std::string_view ip) override;

  std::size_t size() const;            // counted keys
  std::size_t known_accounts() const;  // accounts with known-good addresses

 private:
  struct Entry {
    std::vector<Seconds> failures;  // within the window, oldest first; at most max_failures
    Seconds next_attempt{};         // the delay: no attempt before this
    Seconds locked_until{};         // the epoch: no lock (or one already reported over)
    std::list<std::string>::iterator lru;
  };

  struct KnownAddresses {
    std::vector<std::string> addresses;  // most recent sign-in first
    std::list<std::string>::iterator lru;
  };

  // The three keys of one attempt.
  struct Keys {
    std::string pair;
    std::string address;
    std::string account;
  };

  ThrottleDecision DecisionFor(const Entry* entry, Seconds now) const;
  // The decision for the next attempt of `account` from `ip`, merged into `d`.
  void Decide(const Keys& keys, std::string_view account, std::string_view ip, Seconds now,
              ThrottleDecision& d);
  // Ends the lock of `entry` if it is over, and says so in `released`.
  static void ReleaseIfOver(Entry* entry, ThrottleKey key, Seconds now,
                            std::vector<LockChange>& released);
  // Counts a failure; true if it engaged a lock.
  bool Fail(const std::string& key, const ThrottleLimit& limit, Seconds now);
  Entry& Touch(const std::string& key);
  Entry* Find(const std::string& key);
  bool IsKnown(std::string_view account, std::string_view ip) const;
  void Remember(std::string_view account, std::string_view ip);

  const ThrottleSettings settings_;
  const core::Clock& clock_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
  std::list<std::string> lru_;  // most recently failed first
  std::unordered_map<std::string, KnownAddresses> known_;
  std::list<std::string> known_lru_;  // most recently signed in to first
};

}  // namespace estimate::auth
