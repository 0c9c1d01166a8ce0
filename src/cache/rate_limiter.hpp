#pragma once
// Request counters for rate limiting: a fixed window of `window` seconds and at most `limit` hits
// per key in it (RATE_LIMIT_TTL, RATE_LIMIT_LIMIT). In process by default; in Redis when
// REDIS_URL is set, so that every instance counts against the same budget.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "cache/redis_client.hpp"

namespace estimate::cache {

struct RateDecision {
  bool allowed = true;
  std::int64_t remaining = 0;
  std::chrono::seconds retry_after{0};  // when refused: until the window ends
};

class RateLimiter {
 public:
  virtual ~RateLimiter() = default;
  // Counts one hit for `key` at `now` (seconds since the epoch) and says whether it may pass.
  // Thread-safe. A limiter that cannot reach its store lets the request pass (fail open): an
  // outage of the counter store must not take the API down.
  virtual RateDecision Hit(const std::string& key, std::int64_t now) = 0;
};

std::unique_ptr<RateLimiter> MakeInProcessRateLimiter(std::int64_t limit,
                                                      std::chrono::seconds window);
std::unique_ptr<RateLimiter> MakeRedisRateLimiter(const RedisAddress& address, std::int64_t limit,
                                                  std::chrono::seconds window);

}  // namespace estimate::cache
