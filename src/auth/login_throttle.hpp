#pragma once
// Slows and then stops password guessing. Failed sign-ins are counted per account and per client
// IP over a sliding window; after a few free failures each further one doubles the wait before the
// next attempt (the delay hint), and at the limit the key is locked for a while. The login path:
//
//   if (auto d = throttle.Check(account, ip); !d.allowed) → 429 with Retry-After: d.retry_after
//   verify the password
//   wrong → d = throttle.RecordFailure(account, ip) → 401 (Retry-After: d.retry_after if > 0)
//   right → throttle.RecordSuccess(account, ip)
//
// Unknown accounts count like known ones, so the answers do not reveal which accounts exist.
// `account` is the normalized sign-in name (lower-cased e-mail); `ip` the client address.
// InMemoryLoginThrottle (in_memory_login_throttle.hpp) serves one process; a Redis-backed one
// shares the counts between instances.
#include <chrono>
#include <cstddef>
#include <string_view>

namespace estimate::auth {

struct ThrottleLimit {
  int max_failures;  // failures within `window` that lock the key
  std::chrono::seconds window;
  std::chrono::seconds lockout;  // how long a lock lasts
  int free_failures;             // failures before the delay starts doubling
};

struct ThrottleSettings {
  // 5 failures in 15 minutes lock an account for 15 minutes. An IP gets more room: offices sign
  // in through one address.
  ThrottleLimit account{5, std::chrono::minutes(15), std::chrono::minutes(15), 1};
  ThrottleLimit ip{20, std::chrono::minutes(15), std::chrono::minutes(15), 5};
  std::chrono::seconds base_delay{1};  // the wait after the first failure past the free ones
  std::chrono::seconds max_delay{60};
  std::size_t max_entries = 100'000;  // memory bound of the in-memory implementation
};

struct ThrottleDecision {
  bool allowed = true;
  std::chrono::seconds retry_after{0};  // 0 when allowed; else the Retry-After header's value
  bool locked = false;                  // the limit was reached (not just the delay)
};

// Implementations are thread-safe.
class LoginThrottle {
 public:
  virtual ~LoginThrottle() = default;

  // Whether an attempt for `account` from `ip` may go ahead now. Creates no state.
  virtual ThrottleDecision Check(std::string_view account, std::string_view ip) = 0;

  // Counts a failed attempt against both keys; returns the decision for the next attempt.
  virtual ThrottleDecision RecordFailure(std::string_view account, std::string_view ip) = 0;

  // Clears the account's failures. The IP's stay until they age out of the window: otherwise
  // one valid account would let its owner reset the count while guessing others' passwords.
  virtual void RecordSuccess(std::string_view account, std::string_view ip) = 0;
};

}  // namespace estimate::auth
