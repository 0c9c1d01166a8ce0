#include "cache/rate_limiter.hpp"

#include <algorithm>
#include <array>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace estimate::cache {
namespace {

// The decision for the `count`-th hit of a window that started at `start`.
RateDecision Decide(std::int64_t count, std::int64_t limit, std::int64_t start,
                    std::int64_t window, std::int64_t now) {
  RateDecision d;
  d.allowed = count <= limit;
  d.remaining = std::max<std::int64_t>(0, limit - count);
  if (!d.allowed) d.retry_after = std::chrono::seconds(std::max<std::int64_t>(1, start + window - now));
  return d;
}

struct Window {
  std::int64_t start = 0;
  std::int64_t count = 0;
};

// Sharded so that concurrent requests of different clients rarely meet on one lock; each shard
// forgets keys of past windows when it grows.
class InProcessRateLimiter final : public RateLimiter {
 public:
  InProcessRateLimiter(std::int64_t limit, std::chrono::seconds window)
      : limit_(limit), window_(window.count() > 0 ? window.count() : 1) {}

  RateDecision Hit(const std::string& key, std::int64_t now) override {
    const std::int64_t start = now - now % window_;
    Shard& shard = shards_[std::hash<std::string>()(key) % shards_.size()];
    std::lock_guard lock(shard.mu);
    if (shard.windows.size() > 50000) {
      std::erase_if(shard.windows, [start](const auto& kv) { return kv.second.start != start; });
    }
    Window& w = shard.windows[key];
    if (w.start != start) w = {start, 0};
    ++w.count;
    return Decide(w.count, limit_, start, window_, now);
  }

 private:
  struct Shard {
    std::mutex mu;
    std::unordered_map<std::string, Window> windows;
  };
  std::int64_t limit_;
  std::int64_t window_;
  std::array<Shard, 16> shards_;
};

// INCR of "rl:<window>:<key>:<window start>" with an expiry of two windows, in one round trip.
class RedisRateLimiter final : public RateLimiter {
 public:
  RedisRateLimiter(RedisAddress address, std::int64_t limit, std::chrono::seconds window)
      : pool_(std::move(address)), limit_(limit), window_(window.count() > 0 ? window.count() : 1) {}

  RateDecision Hit(const std::string& key, std::int64_t now) override {
    const std::int64_t start = now - now % window_;
    // The window length is part of the key: instances configured differently never share a count.
    const std::string redis_key =
        "rl:" + std::to_string(window_) + ":" + key + ":" + std::to_string(start);
    auto replies = pool_.Run({{"INCR", redis_key}, {"EXPIRE", redis_key, std::to_string(2 * window_)}});
    if (!replies || (*replies)[0].type != RedisReply::Type::kInteger) return {};  // fail open
    return Decide((*replies)[0].integer, limit_, start, window_, now);
  }

 private:
  RedisPool pool_;
  std::int64_t limit_;
  std::int64_t window_;
};

}  // namespace

std::unique_ptr<RateLimiter> MakeInProcessRateLimiter(std::int64_t limit,
                                                      std::chrono::seconds window) {
  return std::make_unique<InProcessRateLimiter>(limit, window);
}

std::unique_ptr<RateLimiter> MakeRedisRateLimiter(const RedisAddress& address, std::int64_t limit,
                                                  std::chrono::seconds window) {
  return std::make_unique<RedisRateLimiter>(address, limit, window);
}

}  // namespace estimate::cache
