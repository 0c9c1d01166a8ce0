#pragma once
// LoginThrottle in a process's memory, time from the injected Clock. At most
// settings.max_entries keys are remembered; past that the least recently failed key is
// forgotten (memory stays bounded under a flood of made-up accounts, at the price of possibly
// forgetting an old count). Thread-safe.
#include <list>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "auth/clock.hpp"
#include "auth/login_throttle.hpp"

namespace estimate::auth {

class InMemoryLoginThrottle final : public LoginThrottle {
 public:
  // `clock` must outlive the throttle.
  explicit InMemoryLoginThrottle(ThrottleSettings settings = {},
                                 const Clock& clock = SystemClock());

  ThrottleDecision Check(std::string_view account, std::string_view ip) override;
  ThrottleDecision RecordFailure(std::string_view account, std::string_view ip) override;
  void RecordSuccess(std::string_view account, std::string_view ip) override;

  std::size_t size() const;

 private:
  struct Entry {
    std::vector<Seconds> failures;  // within the window, oldest first; at most max_failures
    Seconds next_attempt{};         // the delay: no attempt before this
    Seconds locked_until{};
    std::list<std::string>::iterator lru;
  };

  ThrottleDecision DecisionFor(const Entry* entry, Seconds now) const;
  void Fail(const std::string& key, const ThrottleLimit& limit, Seconds now);
  Entry* Find(const std::string& key);

  const ThrottleSettings settings_;
  const Clock& clock_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
  std::list<std::string> lru_;  // most recently failed first
};

}  // namespace estimate::auth
