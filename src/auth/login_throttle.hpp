#pragma once
// Slows and then stops password guessing, so that an attacker's failures hold back the attacker
// and not the account's owner. Failed sign-ins are counted over a sliding window under three
// keys; after a few free failures each further one doubles the wait before the next attempt
// (the delay hint), and at the key's limit the key is locked for a while:
//
//   pair     (account, address): one address guessing one account's password. Its lock keeps
//            that address out of that account only; the owner signs in from anywhere else.
//   address  one address guessing across many accounts (password spraying).
//   account  the account over every address (guessing spread over many addresses). A much
//            higher limit, and it holds back only addresses that are not known-good for the
//            account: an address becomes known-good once a sign-in of the account succeeded
//            from it, so the owner's usual addresses keep working while the account is under
//            attack from elsewhere.
//
// The login path:
//
//   d = throttle.Check(account, ip); audit d.released
//   if (!d.allowed) → 429 with Retry-After: d.retry_after
//   verify the password
//   wrong → d = throttle.RecordFailure(account, ip); audit d.released, d.locked_now
//           → 401 (Retry-After: d.retry_after if > 0)
//   right → audit throttle.RecordSuccess(account, ip)
//
// Unknown accounts count like known ones (and never have known-good addresses, like an account
// never signed in to), so the answers do not reveal which accounts exist. `account` is the
// normalized sign-in name (lower-cased e-mail); `ip` the client address.
// InMemoryLoginThrottle (in_memory_login_throttle.hpp) serves one process; a Redis-backed one
// would share the counts and the known-good addresses between instances.
#include <chrono>
#include <cstddef>
#include <string_view>
#include <vector>

#include "auth/time.hpp"

namespace estimate::auth {

struct ThrottleLimit {
  int max_failures;  // failures within `window` that lock the key
  std::chrono::seconds window;
  std::chrono::seconds lockout;  // how long a lock lasts
  int free_failures;             // failures before the delay starts doubling
};

struct ThrottleSettings {
  // 5 failures in 15 minutes from one address lock that address out of the account for 15
  // minutes.
  ThrottleLimit pair{5, std::chrono::minutes(15), std::chrono::minutes(15), 1};
  // An address gets more room across accounts: offices sign in through one address.
  ThrottleLimit ip{20, std::chrono::minutes(15), std::chrono::minutes(15), 5};
  // Across all addresses, for those that are not known-good for the account. Ten times the
  // pair's room: it is reached only by guessing from ten or more addresses at once.
  ThrottleLimit account{50, std::chrono::minutes(15), std::chrono::minutes(15), 10};
  std::chrono::seconds base_delay{1};  // the wait after the first failure past the free ones
  std::chrono::seconds max_delay{60};
  // Memory bounds of the in-memory implementation: counted keys, and accounts with known-good
  // addresses (each remembers its most recent ones only).
  std::size_t max_entries = 100'000;
  std::size_t known_addresses_per_account = 8;
};

enum class ThrottleKey { kPair, kAddress, kAccount };

// "pair", "address", "account": the names the audit log uses.
constexpr const char* ThrottleKeyName(ThrottleKey key) {
  switch (key) {
    case ThrottleKey::kPair: return "pair";
    case ThrottleKey::kAddress: return "address";
    case ThrottleKey::kAccount: return "account";
  }
  return "?";
}

// A lock that began or ended, for the audit log.
struct LockChange {
  ThrottleKey key;
  Seconds until;  // when the lock ends, or was to end (for one a success cleared early)
};

struct ThrottleDecision {
  bool allowed = true;
  std::chrono::seconds retry_after{0};  // 0 when allowed; else the Retry-After header's value
  bool locked = false;                  // the limit was reached (not just the delay)
  std::vector<LockChange> locked_now;   // RecordFailure: the locks this failure engaged
  // Locks this call found over: each is reported once, by the first call that finds it. A lock
  // is found when a later attempt touches its key; one forgotten first (see max_entries) ends
  // unreported.
  std::vector<LockChange> released;
};

// Implementations are thread-safe.
class LoginThrottle {
 public:
  virtual ~LoginThrottle() = default;

  // Whether an attempt for `account` from `ip` may go ahead now. Creates no state; it ends
  // the locks it finds over (reported in `released`).
  virtual ThrottleDecision Check(std::string_view account, std::string_view ip) = 0;

  // Counts a failed attempt against the three keys (the account-wide one whether or not `ip`
  // is known-good); returns the decision for the next attempt from `ip`, with the locks this
  // failure engaged.
  virtual ThrottleDecision RecordFailure(std::string_view account, std::string_view ip) = 0;

  // Clears the pair's failures (and its lock, were it still on: reported in the result, with
  // any lock found over) and makes `ip` known-good for `account`. The address's failures stay
  // until they age out of the window: otherwise one valid account would let its owner reset the
  // count while guessing others' passwords. The account-wide ones stay too: the owner's sign-in
  // does not end guessing from elsewhere, and must not give it a fresh allowance.
  virtual std::vector<LockChange> RecordSuccess(std::string_view account, std::string_view ip) = 0;
};

}  // namespace estimate::auth
