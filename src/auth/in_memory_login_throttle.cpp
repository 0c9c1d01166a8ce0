#include "auth/in_memory_login_throttle.hpp"

#include <algorithm>
#include <cstdint>
#include <utility>

namespace estimate::auth {
namespace {

// Keys of the two kinds share one map; the prefixes keep an account named like an IP apart.
std::string AccountKey(std::string_view account) { return "a:" + std::string(account); }
std::string IpKey(std::string_view ip) { return "i:" + std::string(ip); }

ThrottleDecision Combine(const ThrottleDecision& a, const ThrottleDecision& b) {
  ThrottleDecision d;
  d.retry_after = std::max(a.retry_after, b.retry_after);
  d.allowed = a.allowed && b.allowed;
  d.locked = a.locked || b.locked;
  return d;
}

}  // namespace

InMemoryLoginThrottle::InMemoryLoginThrottle(ThrottleSettings settings, const Clock& clock)
    : settings_(std::move(settings)), clock_(clock) {}

InMemoryLoginThrottle::Entry* InMemoryLoginThrottle::Find(const std::string& key) {
  const auto it = entries_.find(key);
  return it == entries_.end() ? nullptr : &it->second;
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

ThrottleDecision InMemoryLoginThrottle::Check(std::string_view account, std::string_view ip) {
  const Seconds now = clock_.Now();
  std::lock_guard lock(mutex_);
  return Combine(DecisionFor(Find(AccountKey(account)), now), DecisionFor(Find(IpKey(ip)), now));
}

void InMemoryLoginThrottle::Fail(const std::string& key, const ThrottleLimit& limit, Seconds now) {
  Entry* entry = Find(key);
  if (entry == nullptr) {
    if (entries_.size() >= settings_.max_entries && !lru_.empty()) {
      entries_.erase(lru_.back());
      lru_.pop_back();
    }
    lru_.push_front(key);
    entry = &entries_[key];
    entry->lru = lru_.begin();
  } else {
    lru_.splice(lru_.begin(), lru_, entry->lru);
  }

  // A failure during a lock or a delay still counts: the client ignored Retry-After.
  std::erase_if(entry->failures, [&](Seconds t) { return t <= now - limit.window; });
  entry->failures.push_back(now);
  const int count = static_cast<int>(entry->failures.size());
  if (count >= limit.max_failures) {
    entry->locked_until = now + limit.lockout;
    entry->failures.clear();  // after the lock, a fresh allowance
    entry->next_attempt = {};
    return;
  }
  if (count > limit.free_failures) {
    // base × 2^(count − free − 1), capped; the shift is bounded so it cannot overflow.
    const int doublings = std::min(count - limit.free_failures - 1, 20);
    const auto delay =
        std::min(settings_.base_delay * (std::int64_t{1} << doublings), settings_.max_delay);
    entry->next_attempt = now + delay;
  }
}

ThrottleDecision InMemoryLoginThrottle::RecordFailure(std::string_view account,
                                                      std::string_view ip) {
  const Seconds now = clock_.Now();
  std::lock_guard lock(mutex_);
  const std::string account_key = AccountKey(account);
  const std::string ip_key = IpKey(ip);
  Fail(account_key, settings_.account, now);
  Fail(ip_key, settings_.ip, now);
  return Combine(DecisionFor(Find(account_key), now), DecisionFor(Find(ip_key), now));
}

void InMemoryLoginThrottle::RecordSuccess(std::string_view account, std::string_view /*ip*/) {
  std::lock_guard lock(mutex_);
  const auto it = entries_.find(AccountKey(account));
  if (it == entries_.end()) return;
  lru_.erase(it->second.lru);
  entries_.erase(it);
}

std::size_t InMemoryLoginThrottle::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace estimate::auth
