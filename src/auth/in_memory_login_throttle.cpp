#include "auth/in_memory_login_throttle.hpp"

#include <algorithm>
#include <cstdint>
#include <utility>

namespace estimate::auth {
namespace {

// Keys of the three kinds share one map; the prefixes keep an account named like an IP apart.
// An address holds no '|', so a pair's key splits only one way.
std::string PairKey(std::string_view account, std::string_view ip) {
  return "p:" + std::string(ip) + "|" + std::string(account);
}
std::string AccountKey(std::string_view account) { return "a:" + std::string(account); }
std::string IpKey(std::string_view ip) { return "i:" + std::string(ip); }

void Merge(ThrottleDecision& into, const ThrottleDecision& d) {
  into.retry_after = std::max(into.retry_after, d.retry_after);
  into.allowed = into.allowed && d.allowed;
  into.locked = into.locked || d.locked;
}

}  // namespace

InMemoryLoginThrottle::InMemoryLoginThrottle(ThrottleSettings settings, const core::Clock& clock)
    : settings_(std::move(settings)), clock_(clock) {}

InMemoryLoginThrottle::Entry* InMemoryLoginThrottle::Find(const std::string& key) {
  const auto it = entries_.find(key);
  return it == entries_.end() ? nullptr : &it->second;
}

InMemoryLoginThrottle::Entry& InMemoryLoginThrottle::Touch(const std::string& key) {
  if (Entry* entry = Find(key)) {
    lru_.splice(lru_.begin(), lru_, entry->lru);
    return *entry;
  }
  if (entries_.size() >= settings_.max_entries && !lru_.empty()) {
    entries_.erase(lru_.back());
    lru_.pop_back();
  }
  lru_.push_front(key);
  Entry& entry = entries_[key];
  entry.lru = lru_.begin();
  return entry;
}

bool InMemoryLoginThrottle::IsKnown(std::string_view account, std::string_view ip) const {
  const auto it = known_.find(std::string(account));
  return it != known_.end() &&
         std::ranges::find(it->second.addresses, ip) != it->second.addresses.end();
}

void InMemoryLoginThrottle::Remember(std::string_view account, std::string_view ip) {
  auto it = known_.find(std::string(account));
  if (it == known_.end()) {
    if (known_.size() >= settings_.max_entries && !known_lru_.empty()) {
      known_.erase(known_lru_.back());
      known_lru_.pop_back();
    }
    known_lru_.emplace_front(account);
    it = known_.emplace(std::string(account), KnownAddresses{}).first;
    it->second.lru = known_lru_.begin();
  } else {
    known_lru_.splice(known_lru_.begin(), known_lru_, it->second.lru);
  }
  auto& addresses = it->second.addresses;
  std::erase(addresses, ip);
  addresses.emplace(addresses.begin(), ip);
  if (addresses.size() > settings_.known_addresses_per_account) {
    addresses.resize(settings_.known_addresses_per_account);
  }
}

ThrottleDecision InMemoryLoginThrottle::DecisionFor(const Entry* entry, Seconds now) const {
  ThrottleDecision d;
  if (entry == nullptr) return d;
  if (now < entry->locked_until) {
    d.locked = true;
    d.retry_after = entry->locked_until - now;
  } else if (now < entry->next_attempt) {
    d.retry_after = entry->next_attempt - now;
  }
  d.allowed = d.retry_after.count() == 0;
  return d;
}

void InMemoryLoginThrottle::Decide(const Keys& keys, std::string_view account, std::string_view ip,
                                   Seconds now, ThrottleDecision& d) {
  Merge(d, DecisionFor(Find(keys.pair), now));
  Merge(d, DecisionFor(Find(keys.address), now));
  // The owner's addresses are not held back by guessing from elsewhere.
  if (!IsKnown(account, ip)) Merge(d, DecisionFor(Find(keys.account), now));
}

void InMemoryLoginThrottle::ReleaseIfOver(Entry* entry, ThrottleKey key, Seconds now,
                                          std::vector<LockChange>& released) {
  if (entry == nullptr || entry->locked_until == Seconds{} || now < entry->locked_until) return;
  released.push_back({key, entry->locked_until});
  entry->locked_until = {};
}

ThrottleDecision InMemoryLoginThrottle::Check(std::string_view account, std::string_view ip) {
  const Seconds now = core::NowSeconds(clock_);
  const Keys keys{PairKey(account, ip), IpKey(ip), AccountKey(account)};
  std::lock_guard lock(mutex_);
  ThrottleDecision d;
  ReleaseIfOver(Find(keys.pair), ThrottleKey::kPair, now, d.released);
  ReleaseIfOver(Find(keys.address), ThrottleKey::kAddress, now, d.released);
  ReleaseIfOver(Find(keys.account), ThrottleKey::kAccount, now, d.released);
  Decide(keys, account, ip, now, d);
  return d;
}

bool InMemoryLoginThrottle::Fail(const std::string& key, const ThrottleLimit& limit, Seconds now) {
  Entry& entry = Touch(key);
  // A failure during a lock or a delay still counts: the client ignored Retry-After.
  std::erase_if(entry.failures, [&](Seconds t) { return t <= now - limit.window; });
  entry.failures.push_back(now);
  const int count = static_cast<int>(entry.failures.size());
  if (count >= limit.max_failures) {
    entry.locked_until = now + limit.lockout;
    entry.failures.clear();  // after the lock, a fresh allowance
    entry.next_attempt = {};
    return true;
  }
  if (count > limit.free_failures) {
    // base × 2^(count − free − 1), capped; the shift is bounded so it cannot overflow.
    const int doublings = std::min(count - limit.free_failures - 1, 20);
    const auto delay =
        std::min(settings_.base_delay * (std::int64_t{1} << doublings), settings_.max_delay);
    entry.next_attempt = now + delay;
  }
  return false;
}

ThrottleDecision InMemoryLoginThrottle::RecordFailure(std::string_view account,
                                                      std::string_view ip) {
  const Seconds now = core::NowSeconds(clock_);
  const Keys keys{PairKey(account, ip), IpKey(ip), AccountKey(account)};
  std::lock_guard lock(mutex_);
  ThrottleDecision d;
  struct Counted {
    const std::string& key;
    ThrottleKey kind;
    const ThrottleLimit& limit;
  };
  for (const Counted& c : {Counted{keys.pair, ThrottleKey::kPair, settings_.pair},
                           Counted{keys.address, ThrottleKey::kAddress, settings_.ip},
                           Counted{keys.account, ThrottleKey::kAccount, settings_.account}}) {
    ReleaseIfOver(Find(c.key), c.kind, now, d.released);
    if (Fail(c.key, c.limit, now)) d.locked_now.push_back({c.kind, now + c.limit.lockout});
  }
  // Found again: with a tiny max_entries one key's Touch may have forgotten another.
  Decide(keys, account, ip, now, d);
  return d;
}

std::vector<LockChange> InMemoryLoginThrottle::RecordSuccess(std::string_view account,
                                                             std::string_view ip) {
  const Seconds now = core::NowSeconds(clock_);
  const Keys keys{PairKey(account, ip), IpKey(ip), AccountKey(account)};
  std::lock_guard lock(mutex_);
  std::vector<LockChange> released;
  if (const auto it = entries_.find(keys.pair); it != entries_.end()) {
    // Still on only when a sign-in raced the failure that locked the pair; over or not, it ends.
    if (it->second.locked_until != Seconds{}) {
      released.push_back({ThrottleKey::kPair, it->second.locked_until});
    }
    lru_.erase(it->second.lru);
    entries_.erase(it);
  }
  ReleaseIfOver(Find(keys.address), ThrottleKey::kAddress, now, released);
  ReleaseIfOver(Find(keys.account), ThrottleKey::kAccount, now, released);
  Remember(account, ip);
  return released;
}

std::size_t InMemoryLoginThrottle::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

std::size_t InMemoryLoginThrottle::known_accounts() const {
  std::lock_guard lock(mutex_);
  return known_.size();
}

}  // namespace estimate::auth
