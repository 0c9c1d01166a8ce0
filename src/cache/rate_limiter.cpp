#include "cache/rate_limiter.hpp"

#include <hiredis/hiredis.h>

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

struct ContextFree {
  void operator()(redisContext* c) const { redisFree(c); }
};
struct ReplyFree {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using Context = std::unique_ptr<redisContext, ContextFree>;

// INCR of "rl:<window>:<key>:<window start>" with an expiry of two windows, on a small pool of
// connections (a broken one is dropped and replaced on the next hit).
class RedisRateLimiter final : public RateLimiter {
 public:
  RedisRateLimiter(RedisAddress address, std::int64_t limit, std::chrono::seconds window)
      : address_(std::move(address)), limit_(limit),
        window_(window.count() > 0 ? window.count() : 1) {}

  RateDecision Hit(const std::string& key, std::int64_t now) override {
    const std::int64_t start = now - now % window_;
    // The window length is part of the key: instances configured differently never share a count.
    const std::string redis_key =
        "rl:" + std::to_string(window_) + ":" + key + ":" + std::to_string(start);
    Context ctx = Take();
    if (!ctx) return {};  // fail open
    redisAppendCommand(ctx.get(), "INCR %b", redis_key.data(), redis_key.size());
    redisAppendCommand(ctx.get(), "EXPIRE %b %lld", redis_key.data(), redis_key.size(),
                       static_cast<long long>(2 * window_));
    std::int64_t count = -1;
    for (int i = 0; i < 2; ++i) {
      void* raw = nullptr;
      if (redisGetReply(ctx.get(), &raw) != REDIS_OK) return {};  // connection dropped: fail open
      std::unique_ptr<redisReply, ReplyFree> reply(static_cast<redisReply*>(raw));
      if (i == 0 && reply->type == REDIS_REPLY_INTEGER) count = reply->integer;
    }
    Give(std::move(ctx));
    if (count < 0) return {};
    return Decide(count, limit_, start, window_, now);
  }

 private:
  Context Take() {
    {
      std::lock_guard lock(mu_);
      if (!idle_.empty()) {
        Context c = std::move(idle_.back());
        idle_.pop_back();
        return c;
      }
    }
    timeval tv{0, 500000};
    Context c(redisConnectWithTimeout(address_.host.c_str(), address_.port, tv));
    if (!c || c->err) return nullptr;
    redisSetTimeout(c.get(), tv);
    auto ok = [&](redisReply* r) {
      std::unique_ptr<redisReply, ReplyFree> reply(r);
      return reply && reply->type != REDIS_REPLY_ERROR;
    };
    if (!address_.password.empty() &&
        !ok(static_cast<redisReply*>(redisCommand(c.get(), "AUTH %s", address_.password.c_str())))) {
      return nullptr;
    }
    if (address_.db != 0 &&
        !ok(static_cast<redisReply*>(redisCommand(c.get(), "SELECT %d", address_.db)))) {
      return nullptr;
    }
    return c;
  }

  void Give(Context c) {
    std::lock_guard lock(mu_);
    if (idle_.size() < 16) idle_.push_back(std::move(c));
  }

  RedisAddress address_;
  std::int64_t limit_;
  std::int64_t window_;
  std::mutex mu_;
  std::vector<Context> idle_;
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
